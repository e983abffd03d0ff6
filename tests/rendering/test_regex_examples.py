"""The generated CORS tests send origins that the answer's regex admits, worked out by the template when it renders
(includes/examples.jinja): for every regex the rules table accepts, they are origins a browser sends and the regex
fullmatches them, so the generated tests can prove that the regex reaches the CORS layer."""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Iterator

import copier
import pytest
from jinja2 import Template

from fastapi_cors_scaffold.rules.checks import origin_problem
from tests.support.paths import REPOSITORY
from tests.support.table import ROWS

ACCEPTED = sorted({row.settings["allow_origin_regex"] for row in ROWS if not row.rule} - {""})
MORE = [
    r"https://[a-z]{3}\.example\.com",
    r"https://pr-\d{1,5}\.example\.com",
    r"https://([a-z0-9]+-)*[a-z0-9]+\.example\.com",
    r"https://([a-z0-9-]+\.)+example\.com",
    r"^https://a\.example\.com$|^https://b\.example\.com$",
    r"https://(?:www\.)?example\.com",
    r"https://(?P<stage>dev|staging)\.example\.com",
]


@pytest.fixture(scope="module")
def test_cors() -> Iterator[Template]:
    """The generated test_cors.py as Copier's own Jinja environment loads it from this working tree."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with copier.Worker(src_path=str(REPOSITORY), vcs_ref="HEAD", quiet=True) as worker:
            yield worker.jinja_env.get_template("template/tests/test_cors.py.jinja")


def regex_examples(test_cors: Template, regex: str) -> list[str]:
    source = test_cors.render(package_name="my_service", allow_origin_regex=regex)
    assignment = next(
        node
        for node in ast.parse(source).body
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == "REGEX_EXAMPLES"
    )
    assert assignment.value is not None
    examples: list[str] = ast.literal_eval(assignment.value)
    return examples


def test_the_table_accepts_regexes() -> None:
    assert len(ACCEPTED) >= 10


@pytest.mark.parametrize("regex", ACCEPTED + MORE)
def test_the_generated_tests_know_origins_the_regex_admits(test_cors: Template, regex: str) -> None:
    examples = regex_examples(test_cors, regex)

    assert examples, "no example: the generated test_the_regex_admits_an_example would fail"
    for origin in examples:
        assert re.fullmatch(regex, origin), origin
        assert origin_problem(origin) is None, f"{origin!r} is not an origin a browser sends"


def test_each_alternative_of_a_group_can_give_an_example(test_cors: Template) -> None:
    examples = regex_examples(test_cors, r"https://(app|admin)\.example\.com")

    assert examples == ["https://app.example.com", "https://admin.example.com"]


def test_without_a_regex_there_is_no_example(test_cors: Template) -> None:
    assert regex_examples(test_cors, "") == []

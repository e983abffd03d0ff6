"""The one bounded reader of YAML, JSON and TOML: values and key lines as written, and refusals past each limit."""

from __future__ import annotations

from pathlib import Path

import pytest

from fastapi_cors_scaffold.audit.data_files import keyword_sections
from fastapi_cors_scaffold.audit.loading import MAX_BYTES, MAX_DEPTH, MAX_NODES, load_file, load_text
from fastapi_cors_scaffold.errors import ConfigurationError, DataLimitError


def nested(depth: int, suffix: str) -> str:
    if suffix == ".toml":
        return "a = " + "[" * depth + "]" * depth + "\n"
    if suffix == ".json":
        return '{"a": ' + "[" * depth + "]" * depth + "}"
    return "a: " + "[" * depth + "]" * depth + "\n"


@pytest.mark.parametrize("suffix", [".yml", ".json", ".toml"])
def test_nesting_up_to_the_limit_is_read_and_past_it_refused_in_one_sentence(suffix: str) -> None:
    assert load_text(nested(MAX_DEPTH - 1, suffix), suffix, "f").data["a"] is not None

    for depth in (MAX_DEPTH + 1, 100_000):
        with pytest.raises(DataLimitError, match=f"nested more than {MAX_DEPTH} levels"):
            load_text(nested(depth, suffix), suffix, "f")


def test_aliases_are_counted_as_expanded_and_refused_past_the_limit() -> None:
    shared = "base: &base [https://a.example.com, https://b.example.com]\nallow_origins: *base\nadmin: *base\n"
    loaded = load_text(shared, ".yml", "f")
    assert loaded.data["allow_origins"] == ["https://a.example.com", "https://b.example.com"]

    text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for level in range(1, 6):
        text += f"l{level}: &l{level} [" + ", ".join([f"*{'a' if level == 1 else f'l{level - 1}'}"] * 10) + "]\n"
    assert len(text) < 400  # stands for 10**6 values
    with pytest.raises(DataLimitError, match=f"more than {MAX_NODES:,} values"):
        load_text(text, ".yml", "f")


def test_an_alias_that_contains_itself_is_refused() -> None:
    with pytest.raises(DataLimitError):
        load_text("allow_origins: &a [*a]\n", ".yml", "f")


def test_a_file_past_the_size_limit_is_refused_without_being_parsed(tmp_path: Path) -> None:
    big = tmp_path / "cors.json"
    big.write_text('{"allow_origins": ["' + "a" * MAX_BYTES + '"]}')

    with pytest.raises(DataLimitError, match="larger than"):
        load_file(big)


def test_parse_errors_are_one_sentence_and_not_limit_errors() -> None:
    with pytest.raises(ConfigurationError, match="cannot be parsed") as refused:
        load_text("{'a': 1}", ".json", "cors.json")
    assert not isinstance(refused.value, DataLimitError) and "\n" not in str(refused.value)


def test_yaml_gives_the_line_of_every_key_by_its_dotted_path() -> None:
    loaded = load_text("server:\n  cors:\n    allow_origins: ['*']\n    max_age: 5\nother: 1\n", ".yaml", "f")

    assert loaded.lines == {
        "server": 1,
        "server.cors": 2,
        "server.cors.allow_origins": 3,
        "server.cors.max_age": 4,
        "other": 5,
    }


def test_cors_sections_are_found_at_any_depth_in_the_files_order() -> None:
    data = {
        "environments": {
            "staging": {"http": {"cors": {"allow_origins": ["https://staging.example.com"]}}},
            "production": {"CORS": {"allow_origins": ["https://app.example.com"]}},
        },
        "cors_unrelated": {"enabled": True},
    }

    sections = keyword_sections(data)

    assert [path for path, _ in sections] == ["environments.production.CORS", "environments.staging.http.cors"]
    assert keyword_sections({"allow_origins": ["*"], "cors": {"allow_origins": []}}) == [
        ("", {"allow_origins": ["*"], "cors": {"allow_origins": []}})
    ]

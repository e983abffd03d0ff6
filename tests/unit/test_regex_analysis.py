"""The origin regex analysis: the parse tree it reads from Python's private parser (held to that parser's shape here,
so a Python release that changes it fails loudly), the plausible origins it writes, the automaton's answers, and the
verdicts that must not depend on spelling."""

from __future__ import annotations

import importlib
import inspect
import re
from collections.abc import Callable

import pytest

from fastapi_cors_scaffold.rules import backtracking
from fastapi_cors_scaffold.rules.automaton import MAX_POSITIONS, automaton, probe, witness
from fastapi_cors_scaffold.rules.backtracking import ambiguous_loop, overlapping_loops
from fastapi_cors_scaffold.rules.origin_regex import regex_problems
from fastapi_cors_scaffold.rules.regex import (
    ALL,
    KNOWN_OPCODES,
    UPPER,
    Alt,
    Assertion,
    Chars,
    Group,
    Repeat,
    Seq,
    mask_of,
    origin_samples,
    parse,
    walk,
)
from tests.support.table import ROWS

PARSER = importlib.import_module("re._parser")
CLASS_MEMBERS = {"RANGE", "NEGATE", "CATEGORY"}  # inside IN
# One pattern for each construct `re` parses; together they make the parser emit every opcode the analysis reads.
CONSTRUCTS = [
    r"a",
    r"[^a]",
    r".",
    r"[a-z0-9_\d\w\s\S-]",
    r"a|bc",
    r"(a)",
    r"(?:ab)",
    r"(?i:a)",
    r"(?>ab)",
    r"a*",
    r"a+?",
    r"a{2,5}+",
    r"^a$",
    r"\Aa\Z",
    r"\ba",
    r"(?=a)",
    r"(?!a)",
    r"(?<=a)b",
    r"(a)\1",
    r"(a)?(?(1)b|c)",
]


def opcodes(items: object) -> set[str]:
    """Every opcode name in a raw parse, nested ones included."""
    found: set[str] = set()
    for op, value in items:  # type: ignore[attr-defined]
        found.add(op.name)
        for part in value if isinstance(value, tuple | list) else ():
            if isinstance(part, PARSER.SubPattern):
                found |= opcodes(part)
            elif isinstance(part, list) and all(isinstance(option, PARSER.SubPattern) for option in part):
                for option in part:
                    found |= opcodes(option)
    return found


def test_the_private_parser_emits_exactly_the_opcodes_the_analysis_reads() -> None:
    emitted = set().union(*(opcodes(PARSER.parse(pattern)) for pattern in CONSTRUCTS))
    constants = importlib.import_module("re._constants")
    named = {name for name, value in vars(constants).items() if type(value).__name__ == "_NamedIntConstant"}
    built = set(re.findall(r"\(\s*([A-Z_]+)\s*,", inspect.getsource(PARSER))) & named

    assert emitted == KNOWN_OPCODES
    assert built == KNOWN_OPCODES | CLASS_MEMBERS, "the parser builds an opcode the analysis does not read"


@pytest.mark.parametrize(
    ("pattern", "raw"),
    [
        (r"a", [("LITERAL", 97)]),
        (r"[^a-c]", [("IN", [("NEGATE", None), ("RANGE", (97, 99))])]),
        (r"\d", [("IN", [("CATEGORY", "CATEGORY_DIGIT")])]),
        (r"a{2,5}", [("MAX_REPEAT", (2, 5, [("LITERAL", 97)]))]),
        (r"a*?", [("MIN_REPEAT", (0, "MAXREPEAT", [("LITERAL", 97)]))]),
        (r"a++", [("POSSESSIVE_REPEAT", (1, "MAXREPEAT", [("LITERAL", 97)]))]),
        (r"(a)", [("SUBPATTERN", (1, 0, 0, [("LITERAL", 97)]))]),
        (r"(?i:a)", [("SUBPATTERN", (None, 2, 0, [("LITERAL", 97)]))]),
        (r"a|bc", [("BRANCH", (None, [[("LITERAL", 97)], [("LITERAL", 98), ("LITERAL", 99)]]))]),
        (r"^$", [("AT", "AT_BEGINNING"), ("AT", "AT_END")]),
        (r"(?>a)", [("ATOMIC_GROUP", [("LITERAL", 97)])]),
    ],
)
def test_the_private_parser_keeps_its_shape(pattern: str, raw: list[tuple[str, object]]) -> None:
    """The tuples `parse` unpacks, as Python 3.11 to 3.14 build them: a change here breaks the analysis."""

    def plain(value: object) -> object:
        if isinstance(value, PARSER.SubPattern | list):
            return [plain(item) for item in value]
        if isinstance(value, tuple):
            return tuple(plain(item) for item in value)
        if value == PARSER.MAXREPEAT and isinstance(value, int) and value > 65535:
            return "MAXREPEAT"
        return getattr(value, "name", value)

    assert plain(PARSER.parse(pattern)) == raw
    assert PARSER.parse("(?i)a").state.flags & re.IGNORECASE


def test_the_tree_reads_every_construct() -> None:
    tree = parse(r"^(?:https|http)://[a-z0-9-]+(\.[a-z0-9-]+)*(:\d{1,5})?\b(?=x)$")

    kinds = {type(node) for node in walk(tree)}
    assert kinds == {Seq, Alt, Repeat, Group, Chars, Assertion}
    assert [node.kind for node in walk(tree) if isinstance(node, Assertion)] == ["start", "other", "other", "end"]


@pytest.mark.parametrize(
    ("pattern", "mask"),
    [
        (r"a", mask_of("a")),
        (r"(?i)a", mask_of("aA")),
        (r"(?i:[a-b])", mask_of("abAB")),
        (r"[^/]", ALL & ~mask_of("/")),
        (r"\d", mask_of("0123456789")),
        (r"[\w-]", mask_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")),
        (r"\S", ALL & ~mask_of(" ")),
        (r".", ALL),
        (r"é", 0),
    ],
)
def test_a_character_is_the_set_of_printable_characters_it_matches(pattern: str, mask: int) -> None:
    node = next(node for node in walk(parse(pattern)) if isinstance(node, Chars))

    assert node.mask == mask
    assert all(bool(node.mask >> code & 1) == bool(re.fullmatch(pattern, chr(code))) for code in range(0x20, 0x7F))


@pytest.mark.parametrize(
    ("pattern", "samples"),
    [
        (r"https://[a-z0-9-]+\.example\.com", ["https://a.example.com"]),
        (r"https:\/\/app\.example\.com", ["https://app.example.com"]),
        (r"^http(s)?://app\.example\.com(:\d{1,5})?$", ["http://app.example.com"]),
        (r"(?:https|http)://app\.example\.com", ["https://app.example.com", "http://app.example.com"]),
        (r"(?i)https://App\.example\.com", ["https://app.example.com"]),
        (r"https://(app|admin)\.example\.(com|net)", ["https://app.example.com", "https://admin.example.com"]),
        (r"https://app.example\.com", ["https://app.example.com"]),
        (r"https://[0-9]{2}\.example\.com", ["https://00.example.com"]),
    ],
)
def test_the_plausible_origins_read_the_regex_as_its_author_meant_it(pattern: str, samples: list[str]) -> None:
    assert origin_samples(pattern)[: len(samples)] == samples


@pytest.mark.parametrize(
    ("pattern", "ambiguous"),
    [
        (r"https://([a-z0-9]+)+\.example\.com", True),
        (r"https://([a-z]+-?)*\.example\.com", True),
        (r"https://(a*)*\.example\.com", True),
        (r"https://(ab|ab)*x", True),
        (r"https://(a?a?)*x", True),
        (r"https://(a|ab|b)*x", True),
        (r"https://(.*\.)*example\.com", True),
        (r"https://(x(a?)*y)*z", True),
        (r"https://([a-z]+){2,}x", True),
        (r"https://([a-z]|[a-z0-9])+\.example\.com", False),
        (r"https://(a?)*x", False),
        (r"https://(x(a?|b)y)*z", False),
        (r"https://(a+){1,5}x", False),
        (r"https://(?>[a-z]+)+x", False),
        (r"https://([a-z]++)+x", False),
        (r"https://.*\.example\.com", False),
        (r"https://[a-z0-9]+(-[a-z0-9]+)*\.example\.com", False),
        (r"https://([a-z0-9-]+\.)+example\.com", False),
    ],
)
def test_a_loop_that_reads_the_same_text_two_ways_is_ambiguous(pattern: str, ambiguous: bool) -> None:
    """Python's matcher agrees: the ambiguous ones double their time per repeated text (tests/e2e), the others not."""
    language = automaton(parse(pattern))

    assert language is not None
    assert (ambiguous_loop(language) is not None) == ambiguous


@pytest.mark.parametrize(
    ("pattern", "pump"),
    [
        (r"https://[a-z]+[a-z]+x", "a"),
        (r"https://[a-z]+[a-z0-9]*x", "a"),
        (r"https://.*-.*x", "-a"),
        (r"https://[a-z]+(-[a-z]+)*(-[a-z]+)*x", "a-"),
        (r"https://(?:[a-z]+)(?:[a-z]+)x", "a"),
        (r"https://[a-z]{2,}[a-z]+x", "a"),
        (r"https://[a-z]+[0-9]+x", None),
        (r"https://[a-z0-9]+-[a-z0-9]+x", None),
        (r"https://.*\.[a-z]+x", None),
        (r"https://[a-z]{1,63}[a-z]*x", None),
        (r"https://[a-z]++[a-z]+x", None),
        (r"https://(?>[a-z]+)[a-z]+x", None),
        (r"https://[a-z]+x|https://[a-z]+y", None),
    ],
)
def test_two_loops_one_after_the_other_that_read_the_same_text_split_it(pattern: str, pump: str | None) -> None:
    """Python's matcher agrees: the ones with a pump take polynomial time (tests/e2e). A bounded repeat does not loop,
    whatever its bound; the matcher never backtracks into a possessive or atomic one."""
    language = automaton(parse(pattern))

    assert language is not None
    split = overlapping_loops(language)
    assert (split.pump if split else None) == pump


def test_the_search_for_two_loops_stops_at_its_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past MAX_SPLIT_STATES states the search gives up (finding nothing), so a regex of many loops costs what a
    long one does."""
    many = automaton(parse("https://" + "(?:[a-z]|[a-z0-9]|[a-z0-9-])*" * 60 + "x"))
    two = automaton(parse(r"https://[a-z]+[a-z]+x"))
    assert many is not None and two is not None
    assert overlapping_loops(many) is not None

    monkeypatch.setattr(backtracking, "MAX_SPLIT_STATES", 0)

    assert overlapping_loops(two) is None


def test_the_automaton_finds_the_shortest_string_of_a_shape() -> None:
    language = automaton(parse(r"(?:https|http)://(localhost|[a-z]+\.example\.com)"))

    assert language is not None
    assert witness(language, probe("http://.*")) == "http://localhost"
    assert witness(language, probe("https?://.*", negated=True)) is None
    assert witness(language, probe(".*:443")) is None


def test_a_pattern_too_large_for_the_automaton_is_judged_by_its_samples() -> None:
    pattern = "https://(" + "|".join(f"app{number}" for number in range(MAX_POSITIONS)) + r")\.example\.com"

    assert automaton(parse(pattern)) is None
    assert regex_problems(pattern) == []
    assert regex_problems(pattern.replace(r"\.example", ".example"))[0].rule == "regex.unescaped_dot"


def test_upper_case_is_a_part_that_matches_only_upper_case() -> None:
    dead = [node for node in walk(parse(r"https://[A-Z]+\.example\.com")) if isinstance(node, Chars)]

    assert any(node.mask and not node.mask & ~UPPER for node in dead)


SPELLINGS: list[Callable[[str], str]] = [
    lambda regex: f"^(?:{regex})$",
    lambda regex: rf"\A(?:{regex})\Z",
    lambda regex: re.sub(r"(?<!\\)/", r"\\/", regex),
    lambda regex: regex.replace("https?://", "(?:https|http)://").replace("https://", "http(?:s)://"),
    lambda regex: regex.replace("https?://", "http(s)?://").replace("https://", "(https)://"),
]
REGEXES = sorted(
    {
        row.settings["allow_origin_regex"]
        for row in ROWS
        if row.settings["allow_origin_regex"] and row.rule not in ("regex.compile", "regex.space")
    }
)


@pytest.mark.parametrize("regex", REGEXES)
def test_one_language_spelled_another_way_gets_the_same_verdict(regex: str) -> None:
    verdict = [problem.rule for problem in regex_problems(regex)]

    for spell in SPELLINGS:
        respelled = spell(regex)
        if respelled != regex and not regex.startswith("(?"):
            assert [problem.rule for problem in regex_problems(respelled)] == verdict, respelled


def test_every_attacker_a_regex_rule_names_is_admitted() -> None:
    for regex in REGEXES:
        for problem in regex_problems(regex):
            assert problem.attacker is None or re.fullmatch(regex, problem.attacker), (regex, problem.rule)


LABELS = [f"{first}{second}{third}" for first in "bcdfg" for second in "aeiou" for third in "lmnrst"][:60]


def test_a_loop_of_many_alternatives_is_read_whole() -> None:
    """The table's `(www\\.|[a-z0-9-]+\\.)*` with sixty names instead of one: a loop of some 250 positions."""
    regex = rf"https://(({'|'.join(LABELS)})\.|[a-z0-9-]+\.)*example\.com"

    assert [problem.rule for problem in regex_problems(regex)] == ["regex.backtracking"]


@pytest.mark.parametrize(
    ("bad", "rule"),
    [
        (r"https://([a-z0-9]+)+\.example\.com", "regex.backtracking"),
        (r"https://[a-z]+[a-z]+\.example\.com", "regex.slow_backtracking"),
    ],
)
def test_a_regex_too_large_for_one_automaton_is_read_one_alternative_at_a_time(bad: str, rule: str) -> None:
    hosts = "|".join(rf"https://{label}{other}\.example\.com" for label in LABELS for other in LABELS[:10])
    regex = f"{hosts}|{bad}"
    assert automaton(parse(regex)) is None

    assert [problem.rule for problem in regex_problems(regex)] == [rule]
    assert regex_problems(hosts) == []


def test_exponential_backtracking_is_the_one_problem_said() -> None:
    """The other rules would run the regex on dozens of origins, each of which may take seconds."""
    assert [problem.rule for problem in regex_problems(r"https://([a-z0-9]+)+\.example\.com.*")] == [
        "regex.backtracking"
    ]

"""Each rule of `policy_errors` and `policy_notes` on a policy that breaks it, and on one that does not."""

from __future__ import annotations

import dataclasses
import re

import pytest

from fastapi_cors_scaffold.origins import explain_origin
from fastapi_cors_scaffold.policy import METHODS, Policy, policy_errors, policy_notes


def errors_for(**changes: object) -> list[str]:
    return policy_errors(dataclasses.replace(Policy(), **changes))  # type: ignore[arg-type]


def only_error(**changes: object) -> str:
    errors = errors_for(**changes)
    assert len(errors) == 1, errors
    return errors[0]


def test_defaults_are_the_recommended_answers() -> None:
    policy = Policy()
    assert policy.allow_origins == ("http://localhost:8080",)
    assert policy.allow_origin_regex is None
    assert policy.allow_credentials is True
    assert policy.allow_methods == ("*",)
    assert policy.allow_headers == ("*",)
    assert policy.expose_headers == ()
    assert policy.max_age == 600
    assert policy_errors(policy) == []
    assert policy_notes(policy) == []


def test_policy_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Policy().max_age = 5  # type: ignore[misc]


def test_a_careful_production_policy_passes() -> None:
    policy = Policy(
        allow_origins=("https://app.example.com", "https://admin.example.com:8443"),
        allow_origin_regex=r"https://[a-z0-9-]+\.preview\.example\.com",
        allow_methods=("GET", "POST", "PATCH", "DELETE"),
        allow_headers=("Authorization", "Content-Type", "X-Request-ID"),
        expose_headers=("X-Total-Count",),
        max_age=7200,
    )
    assert policy_errors(policy) == []
    assert policy_notes(policy) == []


def test_every_bad_origin_is_explained() -> None:
    bad = ("http://localhost:8080/", "HTTPS://Example.com")
    errors = errors_for(allow_origins=("https://ok.example", *bad))
    assert errors == [explain_origin(origin) for origin in bad]


def test_duplicates_are_named_once() -> None:
    origin = "https://app.example.com"
    message = only_error(allow_origins=(origin, "https://b.example", origin, origin))
    assert repr(origin) in message and "3 times" in message


def test_wildcard_mixed_with_origins() -> None:
    message = only_error(allow_origins=("*", "https://app.example.com"), allow_credentials=False)
    assert "'*'" in message and "'https://app.example.com'" in message
    assert "alone" in message


def test_wildcard_with_credentials_is_refused() -> None:
    message = only_error(allow_origins=("*",), allow_credentials=True)
    assert "credentials" in message
    assert "browsers reject" in message
    assert "reflect every Origin" in message


def test_wildcard_alone_without_credentials_is_allowed() -> None:
    assert errors_for(allow_origins=("*",), allow_credentials=False) == []


def test_no_origin_at_all() -> None:
    message = only_error(allow_origins=())
    assert "allow_origins is empty" in message
    assert errors_for(allow_origins=(), allow_origin_regex=r"https://a\.example") == []


def test_regex_that_does_not_compile_quotes_re() -> None:
    pattern = "https://(app"
    with pytest.raises(re.error) as raised:
        re.compile(pattern)
    message = only_error(allow_origin_regex=pattern)
    assert str(raised.value) in message
    assert repr(pattern) in message


def test_regex_matching_null() -> None:
    pattern = r"null|https://app\.example\.com"
    assert re.fullmatch(pattern, "null")
    message = only_error(allow_origin_regex=pattern)
    assert "'null'" in message and "sandboxed" in message


@pytest.mark.parametrize("pattern", [r"https://.*", r"https?://[^/]+", r"https://.*example.*"])
def test_regex_matching_an_arbitrary_origin(pattern: str) -> None:
    message = only_error(allow_origin_regex=pattern)
    assert "https://evil.example" in message


def test_regex_matching_everything_is_reported_for_null_and_arbitrary() -> None:
    errors = errors_for(allow_origin_regex=".*")
    assert len(errors) == 2
    assert "'null'" in errors[0] and "evil.example" in errors[1]


@pytest.mark.parametrize(
    ("pattern", "admitted"),
    [
        ("https://app.example.org", "https://appXexample.org"),
        (r"https://app\.example.org", "https://app.exampleXorg"),
        (r"https://[a-z0-9-]+.example\.org", "https://aXexample.org"),
        (r"https://(app|admin).example\.org(:[0-9]+)?", "https://appXexample.org"),
        (r"^https://app.example.org$", "https://appXexample.org"),
    ],
)
def test_regex_with_an_unescaped_dot_names_the_origin_it_admits(pattern: str, admitted: str) -> None:
    assert re.fullmatch(pattern, admitted)
    message = only_error(allow_origin_regex=pattern)
    assert repr(admitted) in message
    assert "\\." in message


@pytest.mark.parametrize(
    "pattern",
    [
        r"https://app\.example\.org",
        r"https://[a-z0-9-]+\.example\.org",
        r"http://localhost:[0-9]+",
        r"https://app\.example\.org(:[0-9]{2,5})?",
        r"http://127\.0\.0\.1:\d+",
    ],
)
def test_safe_regexes_pass(pattern: str) -> None:
    assert errors_for(allow_origin_regex=pattern) == []


def test_every_standard_method_passes() -> None:
    assert errors_for(allow_methods=METHODS) == []


def test_lower_case_method_says_comparison_is_case_sensitive() -> None:
    message = only_error(allow_methods=("GET", "patch"))
    assert "'patch'" in message
    assert "case-sensitively" in message and "'PATCH'" in message


def test_unknown_method() -> None:
    message = only_error(allow_methods=("FETCH",))
    assert "'FETCH'" in message and "case-sensitively" in message


def test_wildcard_method_mixed() -> None:
    message = only_error(allow_methods=("*", "GET"))
    assert "'*'" in message and "'GET'" in message


@pytest.mark.parametrize("field", ["allow_headers", "expose_headers"])
def test_header_that_is_not_a_token(field: str) -> None:
    message = only_error(**{field: ("X-Ok", "X Bad")})
    assert field in message and "'X Bad'" in message and "RFC 9110" in message
    errors = errors_for(**{field: ("X Bad", "X-Bad:")})
    assert len(errors) == 2


def test_wildcard_header_mixed() -> None:
    message = only_error(allow_headers=("*", "Authorization"))
    assert "'*'" in message and "'Authorization'" in message


def test_token_characters_are_accepted() -> None:
    assert errors_for(allow_headers=("X-Weird!#$%&'*+-.^_`|~1",)) == []


@pytest.mark.parametrize("max_age", [-1, 86401, 10**6])
def test_max_age_out_of_range(max_age: int) -> None:
    assert str(max_age) in only_error(max_age=max_age)


@pytest.mark.parametrize("max_age", [0, 5, 600, 7200, 86400])
def test_max_age_in_range(max_age: int) -> None:
    assert errors_for(max_age=max_age) == []


def test_max_age_above_chromium_cap_is_a_note() -> None:
    assert policy_notes(Policy(max_age=7200)) == []
    (note,) = policy_notes(Policy(max_age=7201))
    assert "Chromium caps it at 7200 s (2 h), Firefox at 86400 s, WebKit at 600 s" in note


def test_every_error_is_one_sentence() -> None:
    policy = Policy(
        allow_origins=("*", "http://localhost:8080/", "*"),
        allow_origin_regex=".*",
        allow_methods=("*", "get"),
        allow_headers=("*", "X Bad"),
        max_age=-1,
    )
    errors = policy_errors(policy)
    assert len(errors) >= 8
    for error in errors:
        assert error.endswith(".") and "\n" not in error

"""Concrete origins that an `allow_origin_regex` admits, so a finding can name one instead of describing the regex.

Only a small, common subset of regex syntax is sampled (literals, escapes, classes, groups, alternation,
quantifiers); anything else gives up and returns None rather than guess. Every sample is confirmed with
`re.fullmatch`, which is what Starlette uses.
"""

from __future__ import annotations

import re

from fastapi_cors_scaffold.origins import explain_origin

_SWAPPED = "\x00"
_QUANTIFIER = re.compile(r"[*+?]|\{([0-9]*)(?:,([0-9]*))?\}")
_FLAGS = re.compile(r"\?[aiLmsux]+\)")
_HOST_END = re.compile(r"[:/?#]")
_ESCAPES = {
    "d": "0",
    "D": "a",
    "w": "a",
    "W": "-",
    "s": " ",
    "S": "a",
    "b": "",
    "B": "",
    "A": "",
    "Z": "",
}


class _Unsupported(Exception):
    """The pattern uses syntax the sampler does not follow."""


def sample_origin(pattern: str) -> str | None:
    """One string `pattern` fullmatches, built from its first alternatives, or None if it cannot say."""
    sampled = _sample(pattern, swap=None)
    return sampled[0] if sampled else None


def unescaped_dot_origin(pattern: str) -> tuple[str, str] | None:
    """(intended, admitted): an origin the regex was written for, and one it also admits through an unescaped `.`.

    A `.` meant as the dot of a host name matches any character, so `https://app.example.org` also lets in
    `https://appXexample.org`, a domain anyone can register; dots whose swap gives no valid host are not reported.
    """
    sampled = _sample(pattern, swap=None)
    if sampled is None:
        return None
    intended, dots = sampled
    for dot in dots:
        swapped = _sample(pattern, swap=dot)
        if swapped is None or _SWAPPED not in swapped[0]:
            continue
        admitted = swapped[0].replace(_SWAPPED, "X")
        host = _host_around(admitted, swapped[0].index(_SWAPPED))
        if host and explain_origin(f"https://{host.lower()}") is None and re.fullmatch(pattern, admitted):
            return intended, admitted
    return None


def _host_around(origin: str, index: int) -> str | None:
    """The host of `origin` if position `index` falls inside it."""
    start = origin.find("://")
    if start < 0:
        return None
    start += 3
    end_match = _HOST_END.search(origin, start)
    end = end_match.start() if end_match else len(origin)
    return origin[start:end] if start <= index < end else None


def _sample(pattern: str, swap: int | None) -> tuple[str, list[int]] | None:
    """The sample string and the positions in `pattern` of unquantified dots; the dot at `swap` emits a marker."""
    sampler = _Sampler(pattern, swap)
    try:
        text = sampler.alternation()
        if sampler.pos != len(pattern):
            raise _Unsupported
        matched = re.fullmatch(pattern, text.replace(_SWAPPED, "X"))
    except (_Unsupported, re.error, IndexError):
        return None
    return (text, sampler.dots) if matched else None


class _Sampler:
    """A recursive-descent walk over the pattern that keeps the first alternative and the fewest useful repeats."""

    def __init__(self, pattern: str, swap: int | None) -> None:
        self.pattern = pattern
        self.pos = 0
        self.swap = swap
        self.dots: list[int] = []

    def alternation(self) -> str:
        first = self.sequence()
        while self.pos < len(self.pattern) and self.pattern[self.pos] == "|":
            self.pos += 1
            self.sequence()
        return first

    def sequence(self) -> str:
        out = []
        while self.pos < len(self.pattern) and self.pattern[self.pos] not in "|)":
            start = self.pos
            atom = self.atom()
            repeats = self.quantifier()
            if self.pattern[start] == ".":
                if repeats is not None:
                    atom = "a"
                else:
                    self.dots.append(start)
                    atom = _SWAPPED if start == self.swap else "."
            out.append(atom * (1 if repeats is None else repeats))
        return "".join(out)

    def quantifier(self) -> int | None:
        match = _QUANTIFIER.match(self.pattern, self.pos)
        if match is None:
            return None
        self.pos = match.end()
        if self.pos < len(self.pattern) and self.pattern[self.pos] in "?+":
            self.pos += 1
        token = match.group(0)
        if token == "?":
            return 0
        if token in "*+":
            return 1
        low = int(match.group(1) or 0)
        high = match.group(2)
        return max(low, 1) if high in (None, "") or int(high) > 0 else 0

    def atom(self) -> str:
        char = self.pattern[self.pos]
        self.pos += 1
        if char == "(":
            return self.group()
        if char == "[":
            return self.char_class()
        if char == "\\":
            return self.escape()
        if char in "^$":
            return ""
        if char in "*+?":
            raise _Unsupported
        return char

    def group(self) -> str:
        flags = _FLAGS.match(self.pattern, self.pos)
        if flags:
            self.pos = flags.end()
            return ""
        if self.pattern.startswith("?:", self.pos):
            self.pos += 2
        elif self.pattern.startswith("?P<", self.pos):
            self.pos = self.pattern.index(">", self.pos) + 1
        elif self.pattern.startswith("?", self.pos):
            raise _Unsupported
        body = self.alternation()
        if self.pattern[self.pos] != ")":
            raise _Unsupported
        self.pos += 1
        return body

    def char_class(self) -> str:
        if self.pattern[self.pos] == "^":
            raise _Unsupported
        if self.pattern[self.pos] == "\\":
            self.pos += 1
            first = self.escape()
        else:
            first = self.pattern[self.pos]
            self.pos += 1
        while self.pattern[self.pos] != "]":
            self.pos += 2 if self.pattern[self.pos] == "\\" else 1
        self.pos += 1
        if first == "":
            raise _Unsupported
        return first

    def escape(self) -> str:
        char = self.pattern[self.pos]
        self.pos += 1
        if char.isdigit() or char in "xuUN":
            raise _Unsupported
        return _ESCAPES.get(char, char)

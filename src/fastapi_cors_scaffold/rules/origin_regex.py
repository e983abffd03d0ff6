"""Template-owned (fastapi-cors-scaffold): the rules for `allow_origin_regex`. `copier update` replaces this file.

Starlette fullmatches the regex, case-sensitively, against the Origin of every request, inside the event loop. Each
rule decides from what the regex matches, read from its parse tree (`regex`) and its automaton (`automaton`,
`backtracking`), never from how it is spelled; an attacker origin a rule names is one the regex admits, confirmed
with `fullmatch`. Every problem is reported, the worst attacker class first (`RULES`): any origin, `null`, one request
stalling the service (or slowing it down), a host anyone can deploy under a public suffix, the look-alikes CORS
scanners try (a wildcard after or before the domain, an unescaped dot, other domains), then what can never match a
browser's Origin.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property

from .attackers import ATTACKER_DOMAIN, ATTACKER_SUFFIX, own_host, scanner_origins
from .automaton import MAX_POSITIONS, Automaton, automaton, probe, witness
from .backtracking import ambiguous_loop, overlapping_loops, ways_around
from .origins import origin_problem, public_suffix, registrable_domain
from .problem import Problem
from .regex import UPPER, Alt, Chars, Node, Repeat, ancestors, at_end, parse, sample, samples, walk

ANY_ORIGINS = (f"https://{ATTACKER_DOMAIN}", f"http://{ATTACKER_DOMAIN}")
# Kinds of attacker origin judged elsewhere: any origin, null and the unescaped dot by rules of their own, plain HTTP by
# the production profile; hosts of the user's own site (sibling, subdomain) are a family the rules accept.
_NOT_SCANNED = frozenset({"arbitrary", "null", "unescaped-dot", "http", "http-subdomain", "sibling", "subdomain"})
# Copies of the ambiguous text in the Origin that stalls the service: each at least doubles the work, so 40 make
# hours of it, while the Origin stays a plausible header.
STALL_COPIES = 40
# Length of the Origin named when two loops split the text: one that fits the 16 KiB request head every server
# reads. uvicorn with httptools, as the generated service runs, reads heads far longer: a megabyte costs minutes.
SLOW_LENGTH = 8000
# How many positions the automata of a regex too large for one may have in all, when its loops are looked for.
LOOP_BUDGET = 20 * MAX_POSITIONS
# How many parts of one kind (wildcards, dots, alternatives) the rules try, so a huge regex costs what a long one does.
CANDIDATES = 64
_MARK = "\x00"  # where a forced part of the regex sits in a sample
_FAILING = "!~ _" + "".join(chr(code) for code in range(0x21, 0x7F))

_Found = tuple[dict[str, str], str | None]  # the sentence's values, and the attacker origin if there is one


def regex_problems(regex: object, setting: str = "allow_origin_regex") -> list[Problem]:
    """Every reason the regex is refused, worst first; [] for none (or no regex)."""
    if regex is None or regex == "":
        return []
    if not isinstance(regex, str):
        return [Problem(setting, json.dumps(regex, default=str), "regex.not_text")]
    try:
        compiled = re.compile(regex)
    except re.error as error:
        return [Problem(setting, regex, "regex.compile", {"error": str(error)})]
    if regex != regex.strip():
        return [Problem(setting, regex, "regex.space")]
    reading = Reading(compiled)
    problems: list[Problem] = []
    for rule, check in RULES:
        if any(rule in COVERS.get(problem.rule, ()) for problem in problems):
            continue
        try:
            found = check(reading)
        except RecursionError:  # a pattern nested deeper than the tree is read
            continue
        if found is not None:
            params, attacker = found
            if attacker is not None:
                params = {**params, "attacker": f"'{attacker}'"}
            problems.append(Problem(setting, regex, rule, params, attacker))
    return problems


def regex_production_problems(regex: str, setting: str = "allow_origin_regex") -> list[Problem]:
    """What a regex the rules accept admits that production must not: plain http://, then local origins."""
    reading = Reading(re.compile(regex))
    for rule, shape in (("production.regex_http", "http://.*"), ("production.regex_local", _LOCAL)):
        if reading.admits_shape(shape) is not None:
            return [Problem(setting, regex, rule)]
    return []


_LOCAL = r"https?://(localhost|[^/:]*\.localhost|127(\.[0-9]+){3}|\[::1\])(:[0-9]+)?"


@dataclass
class Reading:
    """One regex, its tree, and its automaton when the regex is small enough to have one read."""

    compiled: re.Pattern[str]

    @cached_property
    def tree(self) -> Node:
        return parse(self.compiled.pattern)

    @cached_property
    def language(self) -> Automaton | None:
        return self.variant(None)

    def variant(self, forced: tuple[Alt, Node] | None) -> Automaton | None:
        return automaton(self.tree, {id(forced[0]): forced[1]} if forced else None)

    def variants(self) -> Iterator[Automaton]:
        """The whole regex, then the regex with one alternative chosen, for each alternative anywhere in it (the
        first `CANDIDATES`)."""
        if self.language is None:
            return
        yield self.language
        for forced in itertools.islice(self._choices(), CANDIDATES):
            if (language := self.variant(forced)) is not None:
                yield language

    def loop_languages(self) -> Iterator[Automaton]:
        """Where to look for loops: the whole regex; too large for one automaton, the regex with one alternative
        chosen, for each alternative in turn (`LOOP_BUDGET` positions in all, a variant still too large counting as
        `MAX_POSITIONS`)."""
        if self.language is not None:
            yield self.language
            return
        budget = LOOP_BUDGET
        for forced in self._choices():
            language = self.variant(forced)
            if language is not None:
                yield language
            budget -= len(language.masks) if language is not None else MAX_POSITIONS
            if budget <= 0:
                return

    def _choices(self) -> Iterator[tuple[Alt, Node]]:
        """Each alternative of each choice in the regex, outermost choices first."""
        alternatives = (node for node in walk(self.tree) if isinstance(node, Alt))
        return ((node, option) for node in alternatives for option in node.options)

    @cached_property
    def samples(self) -> list[str]:
        return samples(self.tree)

    def admits(self, origin: str) -> bool:
        return self.compiled.fullmatch(origin) is not None

    def attacker(self, candidate: str) -> str | None:
        """The candidate if the regex admits it and a browser could send it."""
        return candidate if self.admits(candidate) and origin_problem(candidate) is None else None

    def admits_shape(self, shape: str) -> str | None:
        """A string the regex admits that the `shape` regex fullmatches, or None."""
        if self.language is None:
            return next((text for text in self.samples if self.admits(text) and re.fullmatch(shape, text)), None)
        found = witness(self.language, probe(shape))
        return found if found is not None and self.admits(found) else None

    def around(self, node: Node) -> tuple[str, str]:
        """The sample forced through `node`, as the text before it and the text after it."""
        before, _, after = sample(self.tree, node, _MARK).partition(_MARK)
        return before, after


def _any(reading: Reading) -> _Found | None:
    found = next((origin for origin in ANY_ORIGINS if reading.admits(origin)), None)
    return ({}, found) if found else None


def _null(reading: Reading) -> _Found | None:
    return ({}, "null") if reading.admits("null") else None


@dataclass(frozen=True)
class Stall:
    """An Origin that takes exponential time to fail: text that leads into an ambiguous loop, the text the loop reads
    two ways (`pump`), and a character the regex cannot match after it."""

    prefix: str
    pump: str
    failing: str

    def origin(self, copies: int = STALL_COPIES) -> str:
        return self.prefix + self.pump * copies + self.failing


def stall(regex: str) -> Stall | None:
    """The Origin that stalls a regex that compiles, or None when no repeated part of it reads text two ways."""
    return _stall(Reading(re.compile(regex)))


def _stall(reading: Reading) -> Stall | None:
    for language in reading.loop_languages():
        loop = ambiguous_loop(language)
        if loop is None:
            continue
        pumps = (loop.pump[:size] for size in range(1, len(loop.pump) + 1))
        shortest = next(pump for pump in pumps if _repeats(loop.pump, pump))
        pump = shortest if ways_around(language, loop.position, shortest) > 1 else loop.pump
        if found := _confirmed(reading, language, loop.position, pump, loop.position):
            return found
    return None


def _confirmed(reading: Reading, language: Automaton, entry: int, pump: str, leave: int) -> Stall | None:
    """The Origin that enters the pattern at position `entry`, repeats `pump` and fails; None unless `fullmatch`
    admits the text with the pump read and the rest of the way from position `leave`, and some character fails."""
    node = language.nodes[entry]
    prefix = reading.around(node)[0] + node.sample
    rest = witness(language, probe(".*"), after=leave) or ""
    if not reading.admits(prefix + pump * 2 + rest):
        return None
    failing = next((char for char in _FAILING if not reading.admits(prefix + pump * 3 + char)), None)
    return Stall(prefix, pump, failing) if failing is not None else None


def _backtracking(reading: Reading) -> _Found | None:
    found = _stall(reading)
    return ({"stall": f"'{found.origin()}'"}, None) if found else None


def slow_stall(regex: str) -> Stall | None:
    """The Origin that a regex that compiles takes polynomial time to fail, or None when no two loops of it, one after
    the other, can split the same text."""
    return _slow_stall(Reading(re.compile(regex)))


def _slow_stall(reading: Reading) -> Stall | None:
    for language in reading.loop_languages():
        split = overlapping_loops(language)
        if split is not None and (found := _confirmed(reading, language, split.first, split.pump, split.second)):
            return found
    return None


def _slow_backtracking(reading: Reading) -> _Found | None:
    found = _slow_stall(reading)
    if found is None:
        return None
    copies = max(1, SLOW_LENGTH // len(found.pump))
    return {"stall": f"'{found.prefix}' followed by '{found.pump}' {copies:,} times and '{found.failing}'"}, None


def _repeats(text: str, unit: str) -> bool:
    return len(text) % len(unit) == 0 and unit * (len(text) // len(unit)) == text


def _public_suffix(reading: Reading) -> _Found | None:
    for text in reading.samples:
        scheme, separator, rest = text.partition("://")
        authority = re.sub(r"[/?#].*", "", rest)
        host, colon, port = authority.partition(":")
        tail = re.search(r"[a-z0-9-]+(\.[a-z0-9-]+)+$", host)
        suffix = public_suffix(tail[0]) if separator and tail else None
        if tail and suffix:
            labels = tail[0].removesuffix(suffix).removesuffix(".").split(".")
            attacker = f"{scheme}://{'.'.join([*labels[:-1], 'attacker'])}.{suffix}{colon}{port}"
            if reading.attacker(attacker):
                return {"suffix": suffix}, attacker
    return None


def _post_domain(reading: Reading) -> _Found | None:
    """A wildcard that may end the regex (one that nothing follows first): the domain can be followed by
    `.evil.net`."""
    wildcards = [node for node in _wildcards(reading.tree, len(ATTACKER_SUFFIX) + 1) if at_end(reading.tree, node)]
    last = [node for node in wildcards if at_end(reading.tree, node, only_assertions=True)]
    for node in last + [node for node in wildcards if node not in last]:
        before, after = reading.around(node)
        separator = "" if before.endswith(".") else "."
        if found := reading.attacker(f"{before}{separator}{ATTACKER_SUFFIX}{after}"):
            return {}, found
    return None


def _lookalike(reading: Reading) -> _Found | None:
    """A wildcard right before a letter or digit of the domain: `evil` put in front of it makes another site."""
    for node in _wildcards(reading.tree, len("evil")):
        before, after = reading.around(node)
        found = reading.attacker(f"{before}evil{after}") if after[:1].isalnum() else None
        if found and _site(found) != _site(sample(reading.tree, node)):
            return {}, found
    return None


def _site(origin: str) -> str:
    """The registrable domain of an origin's host."""
    return registrable_domain(re.sub(r":[0-9]*$", "", origin.partition("://")[2]))


def _unescaped_dot(reading: Reading) -> _Found | None:
    """A `.` not itself repeated, meant as a dot between labels, admits any character there."""
    dots = (node for node in walk(reading.tree) if isinstance(node, Chars) and node.dot)
    for node in itertools.islice(dots, CANDIDATES):
        if isinstance(ancestors(reading.tree, node)[-2], Repeat):
            continue
        before, after = reading.around(node)
        if found := reading.attacker(f"{before}x{after}"):
            return {}, found
    return None


def _attack(reading: Reading) -> _Found | None:
    """Origins scanners derive from one the regex admits (`attackers`) that no other rule judges."""
    for text in reading.samples:
        if not reading.admits(text) or origin_problem(text) is not None:
            continue
        for kind, attacker, _ in scanner_origins(text):
            if kind in _NOT_SCANNED or own_host(attacker, text):
                continue
            if reading.admits(attacker):
                return {}, attacker
    return None


def _scheme(reading: Reading) -> _Found | None:
    if reading.language is None:
        found = next((text for text in reading.samples if reading.admits(text) and "://" not in text), None)
    else:
        found = witness(reading.language, probe("(?i)https?://.*", negated=True))
    return ({}, None) if found is not None and reading.admits(found) else None


def _upper_case(reading: Reading) -> _Found | None:
    """A part that only matches upper case, which a browser never sends (unless the regex ignores case)."""
    dead = (node for node in walk(reading.tree) if isinstance(node, Chars) and node.mask and not node.mask & ~UPPER)
    return ({}, None) if next(dead, None) else None


def _path(reading: Reading) -> _Found | None:
    """An alternative that only matches with a path after the host."""
    return ({}, None) if _always(reading, "[^/]*(//[^/]*)?", negated=False) else None


def _default_port(reading: Reading) -> _Found | None:
    """An alternative that only matches with the default port written out."""
    if found := _always(reading, r"https://.*:443|http://.*:80", negated=True):
        return {"port": "443" if found.startswith("https:") else "80"}, None
    return None


def _always(reading: Reading, shape: str, *, negated: bool) -> str | None:
    """A string of the first variant of the regex none of whose strings fullmatches `shape` (or, `negated`, all of
    whose strings do): the variant always breaks the rule."""
    for language in reading.variants():
        some = witness(language, probe(".*"))
        if some is not None and witness(language, probe(shape, negated=negated)) is None:
            return some
    return None


def _wildcards(tree: Node, length: int) -> Iterator[Repeat]:
    """Repeats that can match `length` characters or more."""
    found = (node for node in walk(tree) if isinstance(node, Repeat) and (node.max is None or node.max >= length))
    yield from itertools.islice(found, CANDIDATES)


_LOOKALIKES = ("regex.public_suffix", "regex.post_domain", "regex.lookalike", "regex.unescaped_dot", "regex.attack")
RULES: tuple[tuple[str, Callable[[Reading], _Found | None]], ...] = (
    ("regex.any", _any),
    ("regex.null", _null),
    ("regex.backtracking", _backtracking),
    ("regex.slow_backtracking", _slow_backtracking),
    ("regex.public_suffix", _public_suffix),
    ("regex.post_domain", _post_domain),
    ("regex.lookalike", _lookalike),
    ("regex.unescaped_dot", _unescaped_dot),
    ("regex.attack", _attack),
    ("regex.scheme", _scheme),
    ("regex.upper_case", _upper_case),
    ("regex.path", _path),
    ("regex.default_port", _default_port),
)
# A problem that says all a later one would: any origin includes the rest, a named attacker class the scanners' list.
# Exponential backtracking covers every later rule: they run the regex on dozens of candidate origins, each of which
# may take seconds; the rewrite is judged instead.
COVERS = {
    "regex.any": ("regex.null", *_LOOKALIKES, "regex.scheme"),
    "regex.backtracking": tuple(rule for rule, _ in RULES[3:]),
    **{rule: ("regex.attack",) for rule in ("regex.null", *_LOOKALIKES[:-1])},
}

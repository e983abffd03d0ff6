"""Template-owned (fastapi-cors-scaffold): every string an origin regex matches, as an automaton. `copier update`
replaces this file.

A sample shows one string a regex matches; the rules also need to know about all of them: does it match any string
of some shape (not starting with a scheme, plain http://, a local host), and can Python's backtracking matcher reach
the same point of the pattern along two paths over the same text, which makes a failing match take time exponential
in the length of the Origin header. Both are read off the position automaton of the parse tree (Glushkov's
construction: one state per character of the pattern), counting the ways each step can be taken as the backtracking
matcher does. Lookarounds, `\\b` and back-references read as matching nothing, counted repeats above `{8}` as
unbounded: the automaton may then admit more than the regex, so the rules confirm what they find with `fullmatch`.
Work is bounded: beyond `MAX_POSITIONS` characters there is no automaton of the whole regex; the rules then ask
about the regex with one alternative chosen (`forced`), or judge by samples.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache

from .regex import ALL, Alt, Chars, Group, Node, Repeat, Seq, parse, pick

MAX_POSITIONS = 2000
EXPANDED = 8
_INITIAL = -1

Ways = dict[int, int]  # position -> number of ways to be there (counted up to 2: two is already ambiguous)


@dataclass
class Automaton:
    """Positions (each a character set and its tree node), where a match may start and end, how many ways the empty
    string matches, and `follow[p][q]`: the number of ways the matcher steps from position p to position q.
    `unbounded[p]` says whether p is inside a repeat without an upper bound (a loop of the automaton can also come from
    a large bound read as none)."""

    masks: list[int] = field(default_factory=list)
    nodes: list[Chars] = field(default_factory=list)
    atomic: list[bool] = field(default_factory=list)
    unbounded: list[bool] = field(default_factory=list)
    follow: list[Ways] = field(default_factory=list)
    first: Ways = field(default_factory=dict)
    last: Ways = field(default_factory=dict)
    empty: int = 0

    def after(self, position: int) -> Ways:
        return self.first if position == _INITIAL else self.follow[position]

    def accepts_at(self, position: int) -> bool:
        return bool(self.empty) if position == _INITIAL else position in self.last


_Fragment = tuple[Ways, Ways, int]


def automaton(root: Node, forced: Mapping[int, Node] | None = None) -> Automaton | None:
    """The automaton of the tree, None beyond `MAX_POSITIONS`; `forced` maps an `Alt` (by id) to its one option."""
    if _positions(root, forced or {}) > MAX_POSITIONS:
        return None
    result = Automaton()
    result.first, result.last, result.empty = _Builder(result, forced or {}).build(root, False)
    return result


class _Builder:
    def __init__(self, target: Automaton, forced: Mapping[int, Node]) -> None:
        self.target = target
        self.forced = forced
        self.unbounded = 0  # how many repeats without an upper bound enclose the node being built

    def build(self, node: Node, atomic: bool) -> _Fragment:
        match node:
            case Chars(mask):
                return self._position(node, mask, atomic)
            case Seq(items):
                return self._sequence(self.build(item, atomic) for item in items)
            case Alt(options):
                chosen = (self.forced[id(node)],) if id(node) in self.forced else options
                return self._alternatives([self.build(option, atomic) for option in chosen])
            case Group(body, group_atomic):
                return self.build(body, atomic or group_atomic)
            case Repeat():
                return self._repeat(node, atomic or node.atomic)
        return {}, {}, 1

    def _position(self, node: Chars, mask: int, atomic: bool) -> _Fragment:
        automaton = self.target
        position = len(automaton.masks)
        automaton.masks.append(mask)
        automaton.nodes.append(node)
        automaton.atomic.append(atomic)
        automaton.unbounded.append(self.unbounded > 0)
        automaton.follow.append({})
        return {position: 1}, {position: 1}, 0

    def _link(self, last: Ways, first: Ways) -> None:
        for before, ways in last.items():
            follow = self.target.follow[before]
            for after, more in first.items():
                follow[after] = min(2, follow.get(after, 0) + ways * more)

    def _sequence(self, fragments: Iterable[_Fragment]) -> _Fragment:
        first: Ways = {}
        last: Ways = {}
        empty = 1
        for item_first, item_last, item_empty in fragments:
            self._link(last, item_first)
            first = _added(first, item_first, empty)
            last = _added(item_last, last, item_empty)
            empty = min(2, empty * item_empty)
        return first, last, empty

    def _alternatives(self, fragments: list[_Fragment]) -> _Fragment:
        first: Ways = {}
        last: Ways = {}
        for item_first, item_last, _ in fragments:
            first = _added(first, item_first, 1)
            last = _added(last, item_last, 1)
        return first, last, min(2, sum(empty for _, _, empty in fragments))

    def _repeat(self, node: Repeat, atomic: bool) -> _Fragment:
        """`body{m,n}` as m copies and then n - m nested optional copies, or a loop on the last copy when unbounded.
        An iteration that matches nothing ends the loop, so it adds one way to match empty, never a cycle."""
        low, high = _bounds(node)
        self.unbounded += node.max is None
        copies = [self.build(node.body, atomic) for _ in range(low)]
        if high is None:
            first, last, empty = copies.pop() if copies else self.build(node.body, atomic)
            self._link(last, first)
            copies.append((first, last, empty if low else min(2, 1 + empty)))
        else:
            optional: _Fragment | None = None
            for _ in range(high - low):
                inner = self.build(node.body, atomic)
                first, last, empty = self._sequence([inner, optional]) if optional else inner
                optional = first, last, min(2, 1 + empty)
            copies += [optional] if optional else []
        self.unbounded -= node.max is None
        return self._sequence(copies)


def _bounds(node: Repeat) -> tuple[int, int | None]:
    """The counts the automaton expands; a bound over `EXPANDED` reads as no bound."""
    high = node.max if node.max is not None and node.max <= EXPANDED else None
    return min(node.min, EXPANDED), high


def _positions(node: Node, forced: Mapping[int, Node]) -> int:
    """How many positions the automaton of the tree has (with `forced` alternatives as `automaton` takes them)."""
    match node:
        case Chars():
            return 1
        case Alt() if id(node) in forced:
            return _positions(forced[id(node)], forced)
        case Seq(items) | Alt(items):
            return sum(_positions(item, forced) for item in items)
        case Group(body):
            return _positions(body, forced)
        case Repeat(body):
            low, high = _bounds(node)
            return _positions(body, forced) * (high if high is not None else max(low, 1))
    return 0


def _added(ways: Ways, more: Ways, times: int) -> Ways:
    total = dict(ways)
    for position, count in more.items():
        total[position] = min(2, total.get(position, 0) + count * times)
    return {position: count for position, count in total.items() if count}


@dataclass(frozen=True)
class Probe:
    """A deterministic automaton for a shape of string, over blocks of characters it does not tell apart."""

    blocks: tuple[int, ...]
    steps: tuple[tuple[int, ...], ...]
    accepting: frozenset[int]

    def negated(self) -> Probe:
        return Probe(self.blocks, self.steps, frozenset(range(len(self.steps))) - self.accepting)


@cache
def probe(pattern: str, negated: bool = False) -> Probe:
    """The strings `pattern` fullmatches (or, `negated`, every other string), by the subset construction."""
    source = automaton(parse(pattern)) or Automaton()  # the shapes asked about are a few characters long
    blocks = _blocks(source.masks)
    states: dict[frozenset[int], int] = {frozenset({_INITIAL}): 0}
    pending = [frozenset({_INITIAL})]
    steps: dict[int, tuple[int, ...]] = {}
    while pending:
        state = pending.pop()
        row = []
        for block in blocks:
            reached = frozenset(q for p in state for q in source.after(p) if source.masks[q] & block)
            if reached not in states:
                states[reached] = len(states)
                pending.append(reached)
            row.append(states[reached])
        steps[states[state]] = tuple(row)
    accepting = frozenset(number for state, number in states.items() if any(source.accepts_at(p) for p in state))
    result = Probe(blocks, tuple(steps[number] for number in range(len(states))), accepting)
    return result.negated() if negated else result


def _blocks(masks: Iterable[int]) -> tuple[int, ...]:
    """The coarsest partition of the printable characters that no mask splits."""
    blocks = [ALL]
    for mask in set(masks):
        blocks = [part for block in blocks for part in (block & mask, block & ~mask) if part]
    return tuple(blocks)


def witness(language: Automaton, shape: Probe, after: int = _INITIAL) -> str | None:
    """The shortest string the automaton accepts that has the shape too, or None; with `after`, the shortest way on
    to the end from just after that position."""
    start = (after, 0)
    came_from: dict[tuple[int, int], tuple[tuple[int, int], str]] = {}
    queue = deque([start])
    seen = {start}
    while queue:
        position, state = current = queue.popleft()
        if language.accepts_at(position) and state in shape.accepting:
            return _spelled(came_from, current, start)
        for following in language.after(position):
            for block, step in zip(shape.blocks, shape.steps[state], strict=True):
                if common := language.masks[following] & block:
                    reached = (following, step)
                    if reached not in seen:
                        seen.add(reached)
                        came_from[reached] = (current, pick(common))
                        queue.append(reached)
    return None


def _spelled(came_from: Mapping[tuple[int, int], tuple[tuple[int, int], str]], end: object, start: object) -> str:
    chars = []
    while end != start:
        end, char = came_from[end]  # type: ignore[index]
        chars.append(char)
    return "".join(reversed(chars))

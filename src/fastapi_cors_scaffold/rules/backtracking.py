"""Template-owned (fastapi-cors-scaffold): whether a regex makes Python's matcher take exponential time. `copier update`
replaces this file.

When a fullmatch fails, `re` tries every way the pattern can match a prefix of the text before it gives up. If some
text can lead from a position of the pattern back to that same position along two different paths (`([a-z]+)+` reads
`aa` as one iteration or two), then k copies of that text open at least 2**k ways, and an Origin header that repeats
it and then fails costs seconds at 25 characters and hours at 40, inside the event loop. This is the exponential
ambiguity of the position automaton (two paths meeting again, or one step that can be taken two ways); the positions
inside a possessive repeat or an atomic group are never tried again, so they do not count. Polynomial slowdowns (two
loops one after the other over the same characters) are not looked for.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from .automaton import Automaton
from .regex import pick

MAX_LOOP_POSITIONS = 150
_Steps = Callable[[int], Iterable[tuple[int, str]]]  # from a node: each node one character away, and that character


@dataclass(frozen=True)
class Loop:
    """A position of the pattern, and text that leads from it back to it in two different ways."""

    position: int
    pump: str


def ambiguous_loop(language: Automaton) -> Loop | None:
    """The first loop of the automaton that a backtracking matcher can walk in two ways over the same text."""
    positions = range(len(language.masks))
    component = _components(positions, lambda position: language.follow[position])
    free = [not atomic for atomic in language.atomic]
    for start in positions:
        for step, ways in language.follow[start].items():
            if ways > 1 and component[step] == component[start] and free[start] and free[step]:
                return Loop(start, pick(language.masks[step]) + _path(language, step, start, component))
    loops: dict[int, list[int]] = {}
    for position in positions:
        loops.setdefault(component[position], []).append(position)
    for members in loops.values():
        if 1 < len(members) <= MAX_LOOP_POSITIONS and (found := _diverging(language, set(members), free)):
            return found
    return None


def ways_around(language: Automaton, position: int, text: str) -> int:
    """How many paths read `text` from `position` back to it (counted up to 2)."""
    ways = {position: 1}
    for char in text:
        reached: dict[int, int] = {}
        for start, count in ways.items():
            for following, steps in language.follow[start].items():
                if language.masks[following] >> ord(char) & 1:
                    reached[following] = min(2, reached.get(following, 0) + count * steps)
        ways = reached
    return ways.get(position, 0)


def _diverging(language: Automaton, members: set[int], free: list[bool]) -> Loop | None:
    """Two copies of the matcher walking one loop over the same text: if they can part and meet again, it is a Loop.
    A pair of positions (left, right) is the node left * size + right."""
    size = len(language.masks)

    def pairs(pair: int) -> Iterator[tuple[int, str]]:
        left, right = divmod(pair, size)
        for one in language.follow[left]:
            for other in language.follow[right]:
                if one in members and other in members and (common := language.masks[one] & language.masks[other]):
                    yield one * size + other, pick(common)

    diagonal = [member * size + member for member in sorted(members)]
    component = _components(diagonal, lambda pair: [reached for reached, _ in pairs(pair)])
    for start in diagonal:
        for apart, there in _nearest(start, pairs, size):
            left, right = divmod(apart, size)
            if component[apart] == component[start] and free[left] and free[right]:
                back = _walk(apart, start, pairs)
                if back is not None:
                    return Loop(start // size, there + back)
    return None


def _nearest(start: int, steps: _Steps, size: int) -> Iterator[tuple[int, str]]:
    """The pairs of different positions reachable from `start`, nearest first, each with the text that leads there."""
    came_from: dict[int, tuple[int, str]] = {}
    queue = deque([start])
    while queue:
        current = queue.popleft()
        for reached, char in steps(current):
            if reached not in came_from and reached != start:
                came_from[reached] = (current, char)
                queue.append(reached)
                if reached // size != reached % size:
                    yield reached, _spelled(came_from, start, reached)


def _path(language: Automaton, start: int, end: int, component: dict[int, int]) -> str:
    """The text read going from `start` to `end` inside their loop ('' when they are the same position)."""

    def steps(position: int) -> Iterator[tuple[int, str]]:
        for following in language.follow[position]:
            if component[following] == component[start]:
                yield following, pick(language.masks[following])

    return _walk(start, end, steps) or ""


def _walk(start: int, end: int, steps: _Steps) -> str | None:
    """The shortest text from `start` to `end` (breadth first), or None."""
    came_from: dict[int, tuple[int, str]] = {}
    queue = deque([start])
    while queue and end not in came_from and start != end:
        current = queue.popleft()
        for reached, char in steps(current):
            if reached not in came_from and reached != start:
                came_from[reached] = (current, char)
                queue.append(reached)
    if start != end and end not in came_from:
        return None
    return _spelled(came_from, start, end)


def _spelled(came_from: dict[int, tuple[int, str]], start: int, end: int) -> str:
    text = []
    while end != start:
        end, char = came_from[end]
        text.append(char)
    return "".join(reversed(text))


def _components(nodes: Iterable[int], successors: Callable[[int], Iterable[int]]) -> dict[int, int]:
    """Strongly connected components (Tarjan's algorithm, without recursion) of the graph reachable from `nodes`."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    component: dict[int, int] = {}
    stack: list[int] = []
    count = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(successors(root)))]
        index[root] = low[root] = len(index)
        stack.append(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    work.append((child, iter(successors(child))))
                elif child not in component:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                count += 1
                while True:
                    member = stack.pop()
                    component[member] = count
                    if member == node:
                        break
    return component

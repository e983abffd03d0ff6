"""Template-owned (fastapi-cors-scaffold): whether a regex makes Python's matcher take exponential time. `copier update`
replaces this file.

When a fullmatch fails, `re` tries every way the pattern can match a prefix of the text before it gives up. If some
text can lead from a position of the pattern back to that same position along two different paths (`([a-z]+)+` reads
`aa` as one iteration or two), then k copies of that text open at least 2**k ways, and an Origin header that repeats
it and then fails costs seconds at 25 characters and hours at 40, inside the event loop. This is the exponential
ambiguity of the position automaton (two paths meeting again, or one step that can be taken two ways); the positions
inside a possessive repeat or an atomic group are never tried again, so they do not count.

Two loops one after the other that read the same text (`[a-z]+[a-z]+`, `.*-.*`) are the polynomial case: the
matcher tries every place to leave the first loop for the second, so time grows with the square of the Origin's
length (the cube for three such loops), seconds to minutes at the size of a header. That is the infinite ambiguity
of the automaton: text that leads from a position of the first loop back to it, from there to a position of the
second, and from that back to itself.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from .automaton import Automaton
from .regex import pick

# How many steps of two matchers walking one loop together `ambiguous_loop` takes at most, over all the loops.
MAX_PAIR_STEPS = 300_000
# How many states of three matchers walking together `overlapping_loops` visits at most, over all the loops it tries.
MAX_SPLIT_STATES = 200_000
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
    budget = [MAX_PAIR_STEPS]
    for members in sorted(loops.values(), key=len):
        if len(members) > 1 and (found := _diverging(language, set(members), free, budget)):
            return found
        if budget[0] <= 0:
            return None
    return None


@dataclass(frozen=True)
class Split:
    """Two loops, the second after the first, and text that each reads around itself and that also leads from the
    first to the second."""

    first: int
    second: int
    pump: str


def overlapping_loops(language: Automaton) -> Split | None:
    """The first two loops, one after the other, between which a backtracking matcher can split the same text."""
    positions = range(len(language.masks))
    component = _components(positions, lambda position: language.follow[position])
    sizes = Counter(component.values())
    looping = [
        position
        for position in positions
        if language.unbounded[position]
        and not language.atomic[position]
        and (sizes[component[position]] > 1 or position in language.follow[position])
    ]
    budget = [MAX_SPLIT_STATES]
    for first in looping:
        ahead = _reachable(language, first)
        for second in looping:
            if second in ahead and component[second] != component[first]:
                pump = _split(language, first, second, component, budget)
                if pump is not None:
                    return Split(first, second, pump)
                if budget[0] <= 0:
                    return None
    return None


def _reachable(language: Automaton, start: int) -> set[int]:
    seen: set[int] = set()
    pending = [start]
    while pending:
        for following in language.follow[pending.pop()]:
            if following not in seen:
                seen.add(following)
                pending.append(following)
    return seen


def _split(language: Automaton, first: int, second: int, component: dict[int, int], budget: list[int]) -> str | None:
    """Text read by three matchers at once: one around `first`, one from `first` to `second`, one around `second`.
    Each state they visit counts against `budget`."""
    size = len(language.masks)
    masks, follow, free = language.masks, language.follow, [not atomic for atomic in language.atomic]

    def steps(triple: int) -> Iterator[tuple[int, str]]:
        budget[0] -= 1
        if budget[0] < 0:
            return
        rest, right = divmod(triple, size)
        left, middle = divmod(rest, size)
        for one in follow[left]:
            if component[one] != component[first]:
                continue
            for two in follow[middle]:
                if not free[two] or not (shared := masks[one] & masks[two]):
                    continue
                for three in follow[right]:
                    if component[three] == component[second] and (common := shared & masks[three]):
                        yield (one * size + two) * size + three, pick(common)

    return _walk((first * size + first) * size + second, (first * size + second) * size + second, steps)


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


def _diverging(language: Automaton, members: set[int], free: list[bool], budget: list[int]) -> Loop | None:
    """Two copies of the matcher walking one loop over the same text: if they can part and meet again, it is a Loop.
    A pair of positions (left, right) is the node left * size + right; each pair stepped from counts against
    `budget`, and past it the walk sees no more steps."""
    size = len(language.masks)

    def pairs(pair: int) -> Iterator[tuple[int, str]]:
        budget[0] -= 1
        if budget[0] < 0:
            return
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

"""Template-owned (fastapi-cors-scaffold): an origin regex read as Python reads it. `copier update` replaces this file.

Starlette compiles `allow_origin_regex` with `re` and fullmatches it against each request's Origin, so the rules read
the parse tree `re` builds itself: one spelling or another (`\\/` or `/`, `http(s)?` or `https?`, `(?:...)` or `(...)`,
`^...$` or neither) gives the same tree. `parse` is the one function that reads Python's private parser
(`re._parser`, the same from Python 3.11 to 3.14, held to its shape by the tests); everything else sees the small tree
below. Characters are sets of printable ASCII, the only characters an Origin header holds. `sample` writes the origin
a person most plausibly meant by a regex, optionally forced through one part of it read as some other text: the
rules build their attacker origins that way and then confirm them with `fullmatch`.
"""

from __future__ import annotations

import importlib
import itertools
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

PRINTABLE = range(0x20, 0x7F)
ALL = sum(1 << code for code in PRINTABLE)
PREFERRED = string.ascii_lowercase + string.digits + "-."


def mask_of(chars: str) -> int:
    """The set of `chars` as a bit mask: bit n stands for chr(n)."""
    return sum(1 << ord(char) for char in set(chars) if ord(char) in PRINTABLE)


def pick(mask: int) -> str:
    """A character of the set, the most origin-like first (lower-case letters, digits, '-', '.'); '' when empty."""
    preferred = next((char for char in PREFERRED if mask >> ord(char) & 1), None)
    return preferred or next((chr(code) for code in PRINTABLE if mask >> code & 1), "")


UPPER = mask_of(string.ascii_uppercase)
_CATEGORIES = {
    "DIGIT": mask_of(string.digits),
    "WORD": mask_of(string.ascii_letters + string.digits + "_"),
    "SPACE": mask_of(" "),
    "LINEBREAK": 0,
}


@dataclass(frozen=True, eq=False)
class Chars:
    """One character from a set: a literal, a class, an escape like `\\d`, or `.` (`dot`: any, though it reads as a
    dot). `sample` is the character its author most likely had in mind: the first letter or digit it lists."""

    mask: int
    sample: str
    dot: bool = False


@dataclass(frozen=True, eq=False)
class Seq:
    items: tuple[Node, ...]


@dataclass(frozen=True, eq=False)
class Alt:
    options: tuple[Node, ...]


@dataclass(frozen=True, eq=False)
class Repeat:
    """`body` from `min` to `max` times (None: no limit); `atomic` when possessive, so never backtracked into."""

    body: Node
    min: int
    max: int | None
    atomic: bool = False


@dataclass(frozen=True, eq=False)
class Group:
    body: Node
    atomic: bool = False


@dataclass(frozen=True, eq=False)
class Assertion:
    """Zero width: `start` (^, \\A), `end` ($, \\Z), or `other` (lookarounds, \\b, a back-reference read as nothing)."""

    kind: str


Node = Chars | Seq | Alt | Repeat | Group | Assertion

# The opcodes `re._parser.parse` emits, each read below; a test compares this with the running Python's parser.
KNOWN_OPCODES = frozenset(
    {"LITERAL", "NOT_LITERAL", "ANY", "IN", "BRANCH", "SUBPATTERN", "ATOMIC_GROUP", "MAX_REPEAT", "MIN_REPEAT"}
    | {"POSSESSIVE_REPEAT", "AT", "ASSERT", "ASSERT_NOT", "GROUPREF", "GROUPREF_EXISTS"}
)


def parse(pattern: str) -> Node:
    """The parse tree of a pattern that compiles, as `re` reads it; the one reader of Python's private parser."""
    tree = _parser().parse(pattern)
    return _items(tree, bool(tree.state.flags & re.IGNORECASE))


@cache
def _parser() -> Any:
    return importlib.import_module("re._parser")


def _items(items: Any, ignore_case: bool) -> Node:
    nodes = tuple(_item(op.name, value, ignore_case) for op, value in items)
    return nodes[0] if len(nodes) == 1 else Seq(nodes)


def _item(op: str, value: object, ignore_case: bool) -> Node:
    match op, value:
        case "LITERAL", int(code):
            return _chars(1 << code if code in PRINTABLE else 0, ignore_case, chr(code))
        case "NOT_LITERAL", int(code):
            return _chars(_folded(1 << code if code in PRINTABLE else 0, ignore_case) ^ ALL, False)
        case "ANY", _:
            return Chars(ALL, "a", dot=True)
        case "IN", list(members):
            return _class(members, ignore_case)
        case "BRANCH", (_, list(options)):
            return Alt(tuple(_items(option, ignore_case) for option in options))
        case "SUBPATTERN", (_, int(add), int(remove), body):
            ignore_case = bool(add & re.IGNORECASE) or (ignore_case and not remove & re.IGNORECASE)
            return Group(_items(body, ignore_case))
        case "ATOMIC_GROUP", body:
            return Group(_items(body, ignore_case), atomic=True)
        case (("MAX_REPEAT" | "MIN_REPEAT" | "POSSESSIVE_REPEAT"), (int(low), int(high), body)):
            unbounded = high >= _parser().MAXREPEAT
            return Repeat(_items(body, ignore_case), low, None if unbounded else high, op == "POSSESSIVE_REPEAT")
        case "AT", at:
            kind = {"AT_BEGINNING": "start", "AT_BEGINNING_STRING": "start", "AT_END": "end", "AT_END_STRING": "end"}
            return Assertion(kind.get(str(getattr(at, "name", at)), "other"))
        case "GROUPREF_EXISTS", (_, yes, no):
            return Alt((_items(yes, ignore_case), _items(no, ignore_case) if no else Seq(())))
    return Assertion("other")


def _class(members: list[tuple[object, object]], ignore_case: bool) -> Chars:
    mask, negate, listed = 0, False, []
    for op, value in members:
        name = getattr(op, "name", "")
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL" and isinstance(value, int):
            mask |= 1 << value if value in PRINTABLE else 0
            listed.append(chr(value))
        elif name == "RANGE" and isinstance(value, tuple):
            low, high = value
            mask |= sum(1 << code for code in range(max(low, 0x20), min(high, 0x7E) + 1))
            listed.append(chr(low))
        elif name == "CATEGORY":
            _, negated, category = str(getattr(value, "name", "")).removeprefix("CATEGORY_").rpartition("NOT_")
            found = _CATEGORIES.get(category, 0)
            mask |= found ^ ALL if negated else found
            listed.append(pick(found))
    mask = _folded(mask, ignore_case)
    return _chars(mask ^ ALL if negate else mask, False, *([] if negate else listed))


def _chars(mask: int, ignore_case: bool, *listed: str) -> Chars:
    mask = _folded(mask, ignore_case)
    first = next((char.lower() for char in listed if char.isascii() and char.isalnum()), None)
    return Chars(mask, first if first and mask & mask_of(first) else pick(mask))


def _folded(mask: int, ignore_case: bool) -> int:
    if not ignore_case:
        return mask
    for char in string.ascii_letters:
        if mask >> ord(char) & 1:
            mask |= mask_of(char.swapcase())
    return mask


def walk(node: Node) -> Iterator[Node]:
    """Every node of the tree, parents before children, left to right."""
    yield node
    match node:
        case Seq(items) | Alt(items):
            for item in items:
                yield from walk(item)
        case Repeat(body) | Group(body):
            yield from walk(body)


def nullable(node: Node) -> bool:
    """Whether the node can match the empty string."""
    match node:
        case Chars():
            return False
        case Seq(items):
            return all(nullable(item) for item in items)
        case Alt(options):
            return any(nullable(option) for option in options)
        case Repeat(body, low):
            return low == 0 or nullable(body)
        case Group(body):
            return nullable(body)
    return True


def ancestors(root: Node, target: Node) -> list[Node]:
    """The nodes from `root` down to `target`, both included; [] when `target` is not in the tree."""
    if root is target:
        return [root]
    children: tuple[Node, ...] = ()
    match root:
        case Seq(items) | Alt(items):
            children = items
        case Repeat(body) | Group(body):
            children = (body,)
    for child in children:
        if path := ancestors(child, target):
            return [root, *path]
    return []


def at_end(root: Node, target: Node, *, only_assertions: bool = False) -> bool:
    """Whether nothing but optional parts (or, `only_assertions`, nothing but `$` and the like) can follow `target`
    in a match: it may end the string."""
    path = ancestors(root, target)
    for parent, child in itertools.pairwise(path):
        if isinstance(parent, Seq):
            after = parent.items[parent.items.index(child) + 1 :]
            if not all(isinstance(item, Assertion) if only_assertions else nullable(item) for item in after):
                return False
    return bool(path)


def sample(root: Node, target: Node | None = None, text: str | None = None) -> str:
    """The origin a person most plausibly meant: each alternative's first option, an optional or repeated group left
    out, a repeated character once, a `.` not itself repeated as a dot. With `target`, the path goes through that
    node, which reads as `text` when given."""
    on_path = {id(node) for node in ancestors(root, target)} if target is not None else set()
    return _sample(root, target, text, on_path, False)


def _sample(node: Node, target: Node | None, text: str | None, on_path: set[int], repeated: bool) -> str:
    if node is target and text is not None:
        return text
    match node:
        case Chars(_, char, dot):
            return "." if dot and not repeated else char
        case Seq(items):
            return "".join(_sample(item, target, text, on_path, repeated) for item in items)
        case Alt(options):
            option = next((option for option in options if id(option) in on_path), options[0])
            return _sample(option, target, text, on_path, repeated)
        case Group(body):
            return _sample(body, target, text, on_path, repeated)
        case Repeat(body, low):
            single = isinstance(body, Chars)
            copies = max(low, 1) if single else low
            if id(body) not in on_path:
                return _sample(body, None, None, on_path, single) * copies
            rest = _sample(body, None, None, on_path, single) * (copies - 1)
            return _sample(body, target, text, on_path, single) + rest
    return ""


def samples(root: Node, limit: int = 64) -> list[str]:
    """One plausible origin for each alternative anywhere in the regex (the first options elsewhere), no repeats;
    the first `limit` alternatives, so that a regex of thousands costs no more than one of dozens."""
    options = (option for node in walk(root) if isinstance(node, Alt) for option in node.options[1:])
    found = [sample(root), *(sample(root, option) for option in itertools.islice(options, limit))]
    return list(dict.fromkeys(found))


def origin_samples(pattern: str) -> list[str]:
    """The plausible origins of a regex that compiles (`samples` of its tree)."""
    return samples(parse(pattern))

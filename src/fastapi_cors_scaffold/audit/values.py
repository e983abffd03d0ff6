"""What a Python expression is worth, as far as the module itself says: the value evaluator of `lint`.

A value is worked out from literals, names assigned once in the module or the enclosing function (or several times
to the same literal), `+` of strings and lists, f-strings, `str.split`, `set()`/`list()`/`frozenset()`, and `**` of a
literal dict. Everything else is an `Unknown` naming what it depends on. A `Scope` also keeps what each name was
imported from, so the readers above can follow a name into the module that defines it.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from fastapi_cors_scaffold.audit.model import Unknown

_COLLECTIONS: dict[str | None, Callable[[Any], Any]] = {
    "list": list,
    "tuple": tuple,
    "set": frozenset,
    "frozenset": frozenset,
    "sorted": sorted,
}
_DEPTH = 20


@dataclass(frozen=True)
class Import:
    """What `from <module> import <name>` (level: the leading dots) or `import <module>` bound to a name."""

    module: str
    name: str | None
    level: int


@dataclass
class Scope:
    """Names bound in one module or function body: the one expression each was assigned, or why it is unknown."""

    bindings: dict[str, ast.expr | Unknown] = field(default_factory=dict)
    imports: dict[str, Import] = field(default_factory=dict)
    definitions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef] = field(default_factory=dict)

    def bind(self, name: str, value: ast.expr | Unknown) -> None:
        if name in self.bindings:
            before = self.bindings[name]
            same = isinstance(before, ast.expr) and isinstance(value, ast.expr) and _same_literal(before, value)
            if not same:
                self.bindings[name] = Unknown(f"{name} is assigned more than once")
            return
        self.bindings[name] = value


def scope_of(body: list[ast.stmt]) -> Scope:
    """The names a body binds (not looking into nested functions or classes), with imports and definitions."""
    scope = Scope()
    for statement in statements(body):
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                for name in _target_names(target):
                    scope.bind(name, statement.value if isinstance(target, ast.Name) else Unknown(f"{name} unpacked"))
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            if statement.value is not None:
                scope.bind(statement.target.id, statement.value)
        elif isinstance(statement, ast.AugAssign | ast.For | ast.AsyncFor | ast.With | ast.AsyncWith):
            targets = [statement.target] if isinstance(statement, ast.AugAssign | ast.For | ast.AsyncFor) else []
            if isinstance(statement, ast.With | ast.AsyncWith):
                targets = [item.optional_vars for item in statement.items if item.optional_vars is not None]
            for target in targets:
                for name in _target_names(target):
                    scope.bindings[name] = Unknown(f"{name}, which changes at run time")
        elif isinstance(statement, ast.Import | ast.ImportFrom):
            _bind_imports(scope, statement)
        elif isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            scope.bindings[statement.name] = Unknown(f"{statement.name}, a function or class")
            scope.definitions[statement.name] = statement
    return scope


def _bind_imports(scope: Scope, statement: ast.Import | ast.ImportFrom) -> None:
    for alias in statement.names:
        if isinstance(statement, ast.ImportFrom):
            bound = alias.asname or alias.name
            origin = "." * statement.level + (statement.module or "")
            scope.imports[bound] = Import(statement.module or "", alias.name, statement.level)
        else:
            bound = alias.asname or alias.name.split(".")[0]
            origin = alias.name
            scope.imports[bound] = Import(alias.name if alias.asname else bound, None, 0)
        scope.bindings[bound] = Unknown(f"{bound}, imported from {origin}")


def statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements of a body, including those inside if/try/with blocks (which bind in the same scope)."""
    for statement in body:
        yield statement
        if isinstance(statement, ast.If | ast.Try | ast.With | ast.AsyncWith | ast.For | ast.While):
            for block in ("body", "orelse", "finalbody"):
                yield from statements(getattr(statement, block, []))
            for handler in getattr(statement, "handlers", []):
                yield from statements(handler.body)


def _target_names(target: ast.expr) -> list[str]:
    return [node.id for node in ast.walk(target) if isinstance(node, ast.Name)]


def _same_literal(one: ast.expr, other: ast.expr) -> bool:
    """Two assignments of the same literal (a constant, or a list/tuple/set of constants) say the same thing."""
    literal = all(isinstance(node, ast.Constant | ast.List | ast.Tuple | ast.Set | ast.Load) for node in ast.walk(one))
    return literal and ast.dump(one) == ast.dump(other)


class _NotRead(Exception):
    def __init__(self, unknown: Unknown) -> None:
        super().__init__(unknown.comes_from)
        self.unknown = unknown


class Evaluator:
    """Evaluates expressions in a stack of scopes (the module's, then each enclosing function's)."""

    def __init__(self, module_scope: Scope) -> None:
        self.scopes = [module_scope]

    def value(self, node: ast.expr) -> Any:
        """The value of `node` as far as the module says it, or an Unknown naming what it depends on."""
        try:
            return self._evaluate(node, 0)
        except _NotRead as unread:
            return unread.unknown

    def bound(self, name: str) -> ast.expr | Unknown | None:
        """The expression `name` is bound to in the innermost scope that binds it."""
        for scope in reversed(self.scopes):
            if name in scope.bindings:
                return scope.bindings[name]
        return None

    def _evaluate(self, node: ast.expr, depth: int) -> Any:
        if depth > _DEPTH:
            raise _NotRead(Unknown(f"{_unparsed(node)} (too deeply nested)"))

        def evaluate(child: ast.expr) -> Any:
            return self._evaluate(child, depth + 1)

        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            return self._collection(node, evaluate)
        if isinstance(node, ast.Dict):
            mapping: dict[Any, Any] = {}
            for key, item in zip(node.keys, node.values, strict=True):
                if key is None:
                    mapping.update(evaluate(item))
                else:
                    mapping[evaluate(key)] = evaluate(item)
            return mapping
        if isinstance(node, ast.Name):
            return evaluate(self._lookup(node.id))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self._added(node, evaluate)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            number = evaluate(node.operand)
            if isinstance(number, int | float) and not isinstance(number, bool):
                return -number if isinstance(node.op, ast.USub) else number
        if isinstance(node, ast.JoinedStr):
            return "".join(str(evaluate(part)) for part in node.values)
        if isinstance(node, ast.FormattedValue) and node.format_spec is None and node.conversion in (-1, 115):
            part = evaluate(node.value)
            if isinstance(part, str | int) and not isinstance(part, bool):
                return str(part)
        if isinstance(node, ast.Call):
            return self._evaluate_call(node, evaluate)
        raise _NotRead(Unknown(self._comes_from(node)))

    def _collection(self, node: ast.List | ast.Tuple | ast.Set, evaluate: Callable[[ast.expr], Any]) -> Any:
        """A list, tuple or set; what is read of it is kept when an item is not, so it can still be judged."""
        items: list[Any] = []
        unread: Unknown | None = None
        for element in node.elts:
            try:
                items += list(evaluate(element.value)) if isinstance(element, ast.Starred) else [evaluate(element)]
            except _NotRead as not_read:
                items += not_read.unknown.known
                unread = unread or not_read.unknown
        if unread is not None:
            raise _NotRead(Unknown(unread.comes_from, tuple(items)))
        return {ast.List: list, ast.Tuple: tuple}.get(type(node), _frozen)(items)

    def _added(self, node: ast.BinOp, evaluate: Callable[[ast.expr], Any]) -> Any:
        """`a + b` of strings, lists or tuples; for lists, what is read of each side is kept when a side is not."""
        sides: list[Any] = []
        unread: Unknown | None = None
        for side in (node.left, node.right):
            try:
                sides.append(evaluate(side))
            except _NotRead as not_read:
                sides.append(list(not_read.unknown.known))
                unread = unread or not_read.unknown
        left, right = sides
        if unread is not None:
            known = tuple(left) + tuple(right) if all(isinstance(s, list | tuple) for s in sides) else ()
            raise _NotRead(Unknown(unread.comes_from, known))
        if type(left) is type(right) and isinstance(left, str | list | tuple):
            return left + right
        raise _NotRead(Unknown(self._comes_from(node)))

    def _evaluate_call(self, node: ast.Call, evaluate: Callable[[ast.expr], Any]) -> Any:
        func, args = node.func, node.args
        if isinstance(func, ast.Attribute) and func.attr == "split" and len(args) <= 1 and not node.keywords:
            text = evaluate(func.value)
            separator = evaluate(args[0]) if args else None
            if isinstance(text, str) and (separator is None or isinstance(separator, str)):
                return text.split(separator)
        builtin = func.id if isinstance(func, ast.Name) and self.bound(func.id) is None else None
        if builtin in _COLLECTIONS and len(args) == 1 and not node.keywords:
            items = evaluate(args[0])
            if isinstance(items, list | tuple | frozenset | str):
                return _COLLECTIONS[builtin](items)
        if builtin == "dict" and not args:
            return {keyword.arg: evaluate(keyword.value) for keyword in node.keywords if keyword.arg}
        raise _NotRead(Unknown(self._comes_from(node)))

    def _comes_from(self, node: ast.expr) -> str:
        """Where a value that is not read comes from, with what the module says about the name it starts from."""
        described = comes_from(node)
        root = node
        while isinstance(root, ast.Attribute | ast.Subscript | ast.Call):
            root = root.func if isinstance(root, ast.Call) else root.value
        if isinstance(root, ast.Name) and root is not node and _environment_variable(node) is None:
            bound = self.bound(root.id)
            if isinstance(bound, Unknown):
                return f"{described}; {bound.comes_from}"
        return described

    def _lookup(self, name: str) -> ast.expr:
        bound = self.bound(name)
        if bound is None:
            raise _NotRead(Unknown(f"{name}, which this module does not define"))
        if isinstance(bound, Unknown):
            raise _NotRead(bound)
        return bound


def _frozen(items: list[Any]) -> frozenset[Any]:
    try:
        return frozenset(items)
    except TypeError:
        raise _NotRead(Unknown("a set of unhashable values")) from None


def comes_from(node: ast.expr) -> str:
    """Where a value that is not read comes from, in words a reader recognises."""
    text = _unparsed(node)
    environment = _environment_variable(node)
    if environment is not None:
        return f"the environment variable {environment}"
    if isinstance(node, ast.Attribute):
        return f"the attribute {text}"
    if isinstance(node, ast.Call):
        return f"the call {text}"
    if isinstance(node, ast.Subscript):
        return f"the item {text}"
    if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp):
        return f"a comprehension over {_unparsed(node.generators[0].iter)}"
    return f"the expression {text}"


def _unparsed(node: ast.AST) -> str:
    return ast.unparse(node)


def _environment_variable(node: ast.expr) -> str | None:
    """`os.environ[...]`, `os.environ.get(...)` and `os.getenv(...)`, anywhere inside `node`."""
    for inner in ast.walk(node):
        key: ast.expr | None = None
        if isinstance(inner, ast.Subscript) and ast.unparse(inner.value).endswith("environ"):
            key = inner.slice
        elif isinstance(inner, ast.Call) and inner.args:
            name = ast.unparse(inner.func)
            if name.endswith(("environ.get", "getenv")):
                key = inner.args[0]
        if key is not None:
            return repr(key.value) if isinstance(key, ast.Constant) else ast.unparse(key)
    return None

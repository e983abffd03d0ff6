"""Python modules as `lint` reads them: parsed once, found by import, and names followed to where they are defined.

An import is resolved on disk from the importing file, never by importing it: relative imports from its package,
absolute ones from the nearest folder above it that holds the module (`backend/` for `app.api.main`, `src/` for a
src layout). Starlette's and FastAPI's own modules are never followed: `lint` knows their names. What cannot be found
stays unknown; how many modules one run follows is capped, so a tree of any size costs a bounded amount.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from fastapi_cors_scaffold.audit.loading import MAX_BYTES, read_bytes
from fastapi_cors_scaffold.audit.values import Evaluator, Scope, scope_of
from fastapi_cors_scaffold.errors import ConfigurationError

KNOWN_PACKAGES = frozenset({"starlette", "fastapi"})
MAX_FOLLOWED = 400
_ANCESTORS = 8

Definition = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


@dataclass
class Module:
    """One parsed module: its file, its syntax tree and the names its top level binds."""

    path: Path
    tree: ast.Module
    scope: Scope

    def evaluator(self) -> Evaluator:
        return Evaluator(self.scope)


@dataclass(frozen=True)
class Found:
    """A name followed to its definition: the module, and the function or class (or the expression it is bound to)."""

    module: Module
    node: Definition | ast.expr
    name: str


MAX_SOURCE_BYTES = MAX_BYTES * 4


def read_source(path: Path) -> bytes:
    """A module's bytes, refused past `MAX_SOURCE_BYTES` (generated or minified code, not an app's source)."""
    return read_bytes(path, MAX_SOURCE_BYTES, "module")


def parse(path: Path, source: bytes | None = None) -> Module:
    """The module at `path` (from `source` when already read), refused in one sentence when it is not valid Python."""
    if source is None:
        source = read_source(path)
    try:
        tree = ast.parse(source, filename=str(path))
    except (SyntaxError, ValueError) as error:
        raise ConfigurationError(f"{path} is not valid Python: {error}") from None
    except (RecursionError, MemoryError):
        raise ConfigurationError(f"{path} is not read: its expressions nest too deeply.") from None
    return Module(path, tree, scope_of(tree.body))


class Modules:
    """The modules of one run, each parsed once; imports followed on disk, at most `MAX_FOLLOWED` of them."""

    def __init__(self) -> None:
        self._parsed: dict[Path, Module | None] = {}
        self._files: dict[tuple[Path, str], Path | None] = {}
        self.followed = 0

    def add(self, module: Module) -> None:
        self._parsed[module.path.resolve()] = module

    def get(self, path: Path) -> Module | None:
        """The module at `path`, parsed on first use; None when it cannot be read."""
        key = path.resolve()
        if key not in self._parsed:
            if self.followed >= MAX_FOLLOWED:
                return None
            self.followed += 1
            try:
                self._parsed[key] = parse(path)
            except ConfigurationError:
                self._parsed[key] = None
        return self._parsed[key]

    def follow(self, module: Module, name: str, depth: int = 0) -> Found | None:
        """Where `name`, as `module` sees it at its top level, is defined: a local function, class or assignment,
        or the same followed through `from x import name` (and `import x` for dotted names `x.y`)."""
        if depth > 4:
            return None
        head, _, rest = name.partition(".")
        if not rest:
            if head in module.scope.definitions:
                return Found(module, module.scope.definitions[head], head)
            bound = module.scope.bindings.get(head)
            if isinstance(bound, ast.expr):
                return Found(module, bound, head)
        imported = module.scope.imports.get(head)
        if imported is None or imported.module.split(".")[0] in KNOWN_PACKAGES:
            return None
        if imported.name is None:  # import x.y as m; m.name
            target = self.module(module.path, imported.module, imported.level)
            return self.follow(target, rest, depth + 1) if target and rest else None
        source = self.module(module.path, imported.module, imported.level)
        if source is not None and (imported.name in source.scope.definitions or imported.name in source.scope.imports):
            found = self.follow(source, imported.name + (f".{rest}" if rest else ""), depth + 1)
            if found is not None:
                return found
        if source is not None and not rest and isinstance(source.scope.bindings.get(imported.name), ast.expr):
            return self.follow(source, imported.name, depth + 1)
        submodule = self.module(module.path, f"{imported.module}.{imported.name}".strip("."), imported.level)
        if submodule is not None and rest:  # from package import module; module.name
            return self.follow(submodule, rest, depth + 1)
        return None

    def imported_module(self, module: Module, name: str) -> Module | None:
        """The module a name stands for: `import x as name`, or `from package import name` of a submodule."""
        imported = module.scope.imports.get(name)
        if imported is None or imported.module.split(".")[0] in KNOWN_PACKAGES:
            return None
        if imported.name is None:
            return self.module(module.path, imported.module, imported.level)
        return self.module(module.path, f"{imported.module}.{imported.name}".strip("."), imported.level)

    def module(self, importer: Path, dotted: str, level: int) -> Module | None:
        path = self._file(importer, dotted, level)
        return self.get(path) if path is not None else None

    def _file(self, importer: Path, dotted: str, level: int) -> Path | None:
        key = (importer.parent, f"{'.' * level}{dotted}")
        if key not in self._files:
            self._files[key] = _module_file(importer, dotted, level)
        return self._files[key]


def _module_file(importer: Path, dotted: str, level: int) -> Path | None:
    parts = [part for part in dotted.split(".") if part]
    if level:
        base = importer.parent
        for _ in range(level - 1):
            base = base.parent
        bases = [base]
    else:
        if not parts or parts[0] in KNOWN_PACKAGES:
            return None
        bases = list(importer.resolve().parents)[:_ANCESTORS]
    for base in bases:
        candidate = base.joinpath(*parts)
        for path in (candidate.with_name(candidate.name + ".py") if parts else None, candidate / "__init__.py"):
            if path is not None and path.is_file():
                return path
    return None

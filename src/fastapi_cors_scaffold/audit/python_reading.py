"""The Python side of a run: which files are parsed, the configurations in them, and the apps they belong to.

Most files of a tree cannot configure CORS, and `ast` is the expensive part of a run, so a file found in a tree is
parsed only if its bytes mention CORS (`CORSMiddleware`, a `cors_*` settings field); the apps of those modules are
modelled, following routers, middleware and dependencies into the modules they import. When CORS is added in a
function the app is passed to (`setup_cors(app)`), the files that name that function and create an app are parsed
too, so the middleware order is that of the whole app.
"""

from __future__ import annotations

import ast
import os
from dataclasses import replace
from pathlib import Path

from fastapi_cors_scaffold.audit.apps import apps_in
from fastapi_cors_scaffold.audit.model import App, Configuration
from fastapi_cors_scaffold.audit.modules import Module, Modules, parse, read_source
from fastapi_cors_scaffold.audit.origin_checks import FunctionNode
from fastapi_cors_scaffold.audit.python_source import read_python
from fastapi_cors_scaffold.audit.starlette_pins import parameter_order
from fastapi_cors_scaffold.audit.tree import generated_root
from fastapi_cors_scaffold.errors import ConfigurationError

CORS_SIGN = b"cors"
# In the lower-cased bytes of a file that mentions CORS at all: CORSMiddleware, or a settings field named for CORS
# (cors_allow_origins, BACKEND_CORS_ORIGINS, `cors: CorsSettings`), not the word in a docstring.
CORS_NAMES = (b"corsmiddleware", b"cors_", b"_cors", b"cors:", b"cors =")
APP_SIGNS = (b"FastAPI", b"Starlette")
MAX_CALLER_FILES = 50


class PythonReading:
    """The Python files of one run: parsed once each, their configurations, and the apps those belong to."""

    def __init__(self) -> None:
        self.modules = Modules()
        self.apps: list[App] = []
        self.passed_over: list[Path] = []
        self.read_modules: dict[Path, Module] = {}

    def read(self, file: Path, *, explicit: bool) -> list[Configuration]:
        """The configurations of one file; a file of a tree whose bytes never name CORS is passed over unparsed."""
        source = read_source(file)
        if not explicit and not _names_cors(source):
            self.passed_over.append(file)
            return []
        module = parse(file, source)
        generated_project = generated_root(file) is not None
        self.modules.add(module)
        try:
            found = read_python(file, generated_project=generated_project, order=parameter_order(file), module=module)
            if any(not configuration.informational for configuration in found):
                self.read_modules[file.resolve()] = module
                self.apps += apps_in(module, self.modules)
        except RecursionError:  # expressions Python parses, nested deeper than a reader can walk them
            raise ConfigurationError(f"{file} is not read: its expressions nest too deeply.") from None
        return found

    def link(self, configurations: list[Configuration]) -> list[Configuration]:
        """Each configuration with the app it configures, where one was found (the outermost CORS layer of it)."""
        linked = self._linked(configurations)
        setups = self._setup_functions(linked)
        if setups:
            self._read_callers(setups)
            linked = self._linked(configurations)
        return linked

    def _linked(self, configurations: list[Configuration]) -> list[Configuration]:
        layers = {
            (layer.file.resolve(), layer.line): (app, layer)
            for app in reversed(self.apps)
            for layer in reversed(app.layers)
            if layer.cors
        }
        linked = []
        for configuration in configurations:
            found = layers.get((configuration.file.resolve(), configuration.line or 0))
            if found is not None and configuration.app is None:
                configuration = replace(configuration, app=found[0], layer=found[1])
            linked.append(configuration)
        return linked

    def _setup_functions(self, configurations: list[Configuration]) -> dict[str, Path]:
        """Functions that add CORS to an app they are given, where no app of this run reached them, and the folder
        their callers may be in (above the top package of the function's module)."""
        names = {}
        for configuration in configurations:
            module = self.read_modules.get(configuration.file.resolve())
            if module is None or configuration.app is not None or configuration.line is None:
                continue
            function = _enclosing_function(module.tree, configuration.line)
            if function is not None and function.args.args:
                names[function.name] = _source_root(module.path)
        return names

    def _read_callers(self, names: dict[str, Path]) -> None:
        signs = [name.encode() for name in names]
        roots = tuple(
            {os.path.join(folder, "") for root in names.values() for folder in (root, os.path.realpath(root))}
        )
        callers = 0
        for file in self.passed_over:
            if callers >= MAX_CALLER_FILES:
                break
            if not os.path.abspath(file).startswith(roots):
                continue
            try:
                source = read_source(file)
            except ConfigurationError:
                continue
            if any(sign in source for sign in signs) and any(sign in source for sign in APP_SIGNS):
                callers += 1
                try:
                    module = parse(file, source)
                    self.modules.add(module)
                    self.apps += apps_in(module, self.modules)
                except (ConfigurationError, RecursionError):
                    continue


def _names_cors(source: bytes) -> bool:
    lowered = source.lower()  # one pass, then one scan: cheaper than three scans for each spelling
    return CORS_SIGN in lowered and any(name in lowered for name in CORS_NAMES)


def _source_root(module: Path) -> Path:
    """The folder imports of `module` start from: above its top package (the last folder with an __init__.py)."""
    folder = module.absolute().parent
    while (folder / "__init__.py").is_file() and folder.parent != folder:
        folder = folder.parent
    return folder


def _enclosing_function(tree: ast.Module, line: int) -> FunctionNode | None:
    functions = [node for node in ast.walk(tree) if isinstance(node, FunctionNode)]
    around = [node for node in functions if node.lineno <= line <= (node.end_lineno or node.lineno)]
    return max(around, key=lambda node: node.lineno, default=None)

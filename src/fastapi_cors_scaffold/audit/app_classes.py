"""Classes that are apps: FastAPI, Starlette and their subclasses, and the layers a subclass wraps around the stack
Starlette builds (`build_middleware_stack` returning `CORSMiddleware(super().build_middleware_stack(), ...)`, as the
generated projects do), which run before everything `add_middleware` adds.
"""

from __future__ import annotations

import ast

from fastapi_cors_scaffold.audit.model import Layer
from fastapi_cors_scaffold.audit.modules import Found, Modules
from fastapi_cors_scaffold.audit.origin_checks import FunctionNode, middleware_checks_origin
from fastapi_cors_scaffold.audit.python_source import cors_names, names_cors
from fastapi_cors_scaffold.audit.values import statements

APP_CLASSES = frozenset({"FastAPI", "Starlette"})
STACK_METHOD = "build_middleware_stack"
MAX_BASES = 4


def is_app_class(found: Found, modules: Modules, depth: int = 0) -> bool:
    """A class that is (or derives from) FastAPI or Starlette, followed through the tree."""
    node = found.node
    if not isinstance(node, ast.ClassDef) or depth > MAX_BASES:
        return False
    for base in node.bases:
        written = ast.unparse(base)
        if written.split(".")[-1] in APP_CLASSES:
            return True
        parent = modules.follow(found.module, written)
        if parent is not None and is_app_class(parent, modules, depth + 1):
            return True
    return False


def stack_wrappers(found: Found, modules: Modules) -> list[Layer]:
    """The layers a `build_middleware_stack` override wraps around the stack Starlette builds, outermost first."""
    assert isinstance(found.node, ast.ClassDef)
    method = next(
        (node for node in found.node.body if isinstance(node, FunctionNode) and node.name == STACK_METHOD), None
    )
    if method is None:
        return []
    module = found.module
    cors = cors_names(module)[0]
    chains: dict[str, list[Layer]] = {}

    def chain(node: ast.expr | None) -> list[Layer] | None:
        if isinstance(node, ast.Name):
            return chains.get(node.id)
        if not isinstance(node, ast.Call):
            return None
        if isinstance(node.func, ast.Attribute) and node.func.attr == STACK_METHOD:
            return []
        inner = chain(node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "app"), None))
        if inner is None:
            return None
        name = ast.unparse(node.func)
        if names_cors(node.func, cors):
            return [Layer(name, module.path, node.lineno, cors=True), *inner]
        guard = middleware_checks_origin(modules.follow(module, name), name, module, modules, node.keywords)
        return [Layer(name, module.path, node.lineno, origin_check=guard), *inner]

    result: list[Layer] = []
    for statement in statements(method.body):
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
            found_chain = chain(statement.value)
            if isinstance(target, ast.Name) and found_chain is not None:
                chains[target.id] = found_chain
        elif isinstance(statement, ast.Return):
            result = chain(statement.value) or result
    return result

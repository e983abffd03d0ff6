"""Whether code refuses WebSocket handshakes from untrusted origins: CORS does not apply to them, so something must.

A check reads the `Origin` header (`websocket.headers["origin"]`, `.get("Origin")`, a FastAPI `origin` header
parameter, `b"origin"` in raw ASGI headers) and refuses on it (raises, closes, sends a denial or an HTTP response,
or returns before accepting). A handler counts, and so do the helpers it calls in the same module and the
dependencies it declares. A pure ASGI middleware class around the app counts when it does the same; the cross-origin
guard of the projects this template generates counts by its name and module, read or not. `BaseHTTPMiddleware` and
`@app.middleware("http")` never see a WebSocket, so they never count.
"""

from __future__ import annotations

import ast

from fastapi_cors_scaffold.audit.modules import Found, Module, Modules

GUARD_CLASS = "CrossOriginGuard"
GUARD_MODULE = "_cors.guard"
HTTP_ONLY_BASES = frozenset({"BaseHTTPMiddleware"})
_REFUSING_MESSAGES = ("websocket.close", "http.response.start")  # also `websocket.http.response.start`
_REFUSING_CALLS = frozenset({"close", "send_denial_response"})
FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


def function_checks_origin(function: FunctionNode, module: Module, modules: Modules) -> bool:
    """A handler or dependency that reads the Origin header and refuses on it (itself or through local helpers)."""
    bodies: list[ast.AST] = [function, *_local_helpers(function, module)]
    reads = _has_origin_parameter(function) or any(_reads_origin(body) for body in bodies)
    return reads and any(_refuses(body, in_function=True) for body in bodies)


def dependencies_check_origin(declared: list[ast.expr], module: Module, modules: Modules) -> bool | None:
    """Whether one of the `Depends(...)` given refuses untrusted origins; None when one cannot be read."""
    unread = False
    for expression in declared:
        target = _depends_target(expression)
        if target is None:
            continue
        found = modules.follow(module, ast.unparse(target))
        if found is None or not isinstance(found.node, FunctionNode):
            unread = True
            continue
        if function_checks_origin(found.node, found.module, modules):
            return True
    return None if unread else False


def declared_dependencies(function: FunctionNode) -> list[ast.expr]:
    """The `Depends(...)` a handler declares in its parameters (defaults, or `Annotated[..., Depends(...)]`)."""
    arguments = function.args
    found: list[ast.expr] = [default for default in [*arguments.defaults, *arguments.kw_defaults] if default]
    for argument in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
        annotation = argument.annotation
        if isinstance(annotation, ast.Subscript) and isinstance(annotation.slice, ast.Tuple):
            found += annotation.slice.elts[1:]
    return [expression for expression in found if _depends_target(expression) is not None]


def middleware_checks_origin(found: Found | None, written: str, module: Module, modules: Modules) -> bool:
    """A middleware class that refuses untrusted origins on WebSocket handshakes: read, or this template's guard."""
    imported = module.scope.imports.get(written.split(".")[0])
    source = f"{'.' * imported.level}{imported.module}" if imported else ""
    if written.split(".")[-1] == GUARD_CLASS and (GUARD_MODULE in source or not imported):
        return True
    if found is None or not isinstance(found.node, ast.ClassDef):
        return False
    if found.node.name == GUARD_CLASS and found.module.path.parent.name == "_cors":
        return True
    bases = {ast.unparse(base).split(".")[-1] for base in found.node.bases}
    return not bases & HTTP_ONLY_BASES and _reads_origin(found.node) and _refuses(found.node, in_function=False)


def _depends_target(expression: ast.expr) -> ast.expr | None:
    if (
        isinstance(expression, ast.Call)
        and ast.unparse(expression.func).split(".")[-1] in ("Depends", "Security")
        and expression.args
    ):
        return expression.args[0]
    return None


def _has_origin_parameter(function: FunctionNode) -> bool:
    """FastAPI reads a header into a parameter named for it: `origin: str | None = Header(None)`."""
    arguments = function.args
    return any(argument.arg == "origin" for argument in [*arguments.args, *arguments.kwonlyargs])


def _reads_origin(node: ast.AST) -> bool:
    for inner in ast.walk(node):
        if isinstance(inner, ast.Constant) and isinstance(inner.value, str | bytes):
            text = inner.value.decode("latin-1") if isinstance(inner.value, bytes) else inner.value
            if text.lower() == "origin":
                return True
    return False


def _refuses(node: ast.AST, *, in_function: bool) -> bool:
    for inner in ast.walk(node):
        if isinstance(inner, ast.Raise):
            return True
        if isinstance(inner, ast.Constant) and (
            inner.value == 403 or (isinstance(inner.value, str) and inner.value.endswith(_REFUSING_MESSAGES))
        ):
            return True
        if isinstance(inner, ast.Call):
            name = ast.unparse(inner.func).split(".")[-1]
            if name in _REFUSING_CALLS or name.endswith("Response"):
                return True
        if in_function and isinstance(inner, ast.If) and any(isinstance(s, ast.Return) for s in inner.body):
            return True
    return False


def _local_helpers(function: FunctionNode, module: Module) -> list[FunctionNode]:
    """Functions of the same module the handler calls: where a check is often factored out."""
    helpers = []
    for inner in ast.walk(function):
        if isinstance(inner, ast.Call):
            definition = module.scope.definitions.get(inner.func.id) if isinstance(inner.func, ast.Name) else None
            if isinstance(definition, FunctionNode) and definition is not function:
                helpers.append(definition)
    return helpers

"""Whether code refuses WebSocket handshakes from untrusted origins: CORS does not apply to them, so something must.

A check reads the `Origin` header (`websocket.headers["origin"]`, `.get("Origin")`, a FastAPI `origin` header
parameter, `b"origin"` in raw ASGI headers) and refuses on it: it raises, closes, sends a denial or an HTTP
response, or returns before accepting, in a branch of an `if` on the Origin (or on a value computed from it), or
hands such a value to what refuses. Reading the Origin only to log it, and closing for another reason, is no check.
A handler counts, and so do the helpers it calls in the same module and the
dependencies it declares. A pure ASGI middleware class around the app counts when it does the same; the cross-origin
guard of the projects this template generates counts by its name and module, read or not. `BaseHTTPMiddleware` and
`@app.middleware("http")` never see a WebSocket, so they never count.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

from fastapi_cors_scaffold.audit.modules import Found, Module, Modules

GUARD_CLASS = "CrossOriginGuard"
GUARD_MODULE = "_cors.guard"
HTTP_ONLY_BASES = frozenset({"BaseHTTPMiddleware"})
_REFUSING_MESSAGES = ("websocket.close", "http.response.start")  # also `websocket.http.response.start`
_REFUSING_CALLS = frozenset({"close", "send_denial_response"})
FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


def function_checks_origin(function: FunctionNode, module: Module, modules: Modules) -> bool:
    """A handler or dependency that reads the Origin header and refuses on it (itself or through local helpers)."""
    parameter = {"origin"} if _has_origin_parameter(function) else set()
    readers = _origin_readers(function, module)
    return any(
        _refuses_on_origin(body, module, parameter if body is function else set(), readers, in_function=True)
        for body in [function, *_local_helpers(function, module)]
    )


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


def middleware_checks_origin(
    found: Found | None, written: str, module: Module, modules: Modules, keywords: Sequence[ast.keyword] = ()
) -> bool:
    """A middleware class that refuses untrusted origins on WebSocket handshakes: read, or this template's guard,
    unless it is added with `enabled=False` written out."""
    if any(keyword.arg == "enabled" and _is_false(keyword.value) for keyword in keywords):
        return False
    imported = module.scope.imports.get(written.split(".")[0])
    source = f"{'.' * imported.level}{imported.module}" if imported else ""
    if written.split(".")[-1] == GUARD_CLASS and (GUARD_MODULE in source or not imported):
        return True
    if found is None or not isinstance(found.node, ast.ClassDef):
        return False
    if found.node.name == GUARD_CLASS and found.module.path.parent.name == "_cors":
        return True
    bases = {ast.unparse(base).split(".")[-1] for base in found.node.bases}
    readers = _origin_readers(found.node, found.module)
    return not bases & HTTP_ONLY_BASES and _refuses_on_origin(
        found.node, found.module, set(), readers, in_function=False
    )


def _is_false(expression: ast.expr) -> bool:
    return isinstance(expression, ast.Constant) and expression.value in (False, 0, None, "")


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


def _refuses_on_origin(node: ast.AST, module: Module, names: set[str], readers: set[str], *, in_function: bool) -> bool:
    """Whether `node` refuses in a branch of an `if` on the Origin, or passes the Origin (or what it computes from
    it) to something that refuses. `names` starts with the parameters that hold the Origin; a call to one of
    `readers` (`_origin_readers`) is on the Origin too."""
    names = _origin_names(node, names)

    def on_origin(expression: ast.AST) -> bool:
        return _reads_origin(expression) or any(
            (isinstance(inner, ast.Name) and inner.id in names)
            or (isinstance(inner, ast.Call) and ast.unparse(inner.func).split(".")[-1] in readers)
            for inner in ast.walk(expression)
        )

    for inner in ast.walk(node):
        if isinstance(inner, ast.If) and on_origin(inner.test):
            branches = [*inner.body, *inner.orelse]
            if any(_refuses(statement, module, in_function=in_function) for statement in branches):
                return True
        if (
            isinstance(inner, ast.Call)
            and any(on_origin(argument) for argument in [*inner.args, *(k.value for k in inner.keywords)])
            and _refuses(inner, module, in_function=False)
        ):
            return True
    return False


def _origin_readers(node: ast.AST, module: Module) -> set[str]:
    """Functions of the module and methods of the class that read the Origin: a test that calls one is on it."""
    defined = [*module.scope.definitions.values(), *(ast.walk(node) if isinstance(node, ast.ClassDef) else ())]
    return {function.name for function in defined if isinstance(function, FunctionNode) and _reads_origin(function)}


def _origin_names(node: ast.AST, names: set[str]) -> set[str]:
    """The variables that hold the Origin or a value computed from it (`origin = ...`, `allowed = origin in ...`)."""
    found = set(names)
    assignments = [inner for inner in ast.walk(node) if isinstance(inner, ast.Assign | ast.AnnAssign | ast.NamedExpr)]
    grew = True
    while grew:
        grew = False
        for assignment in assignments:
            value = assignment.value
            if value is None or not (
                _reads_origin(value) or any(isinstance(n, ast.Name) and n.id in found for n in ast.walk(value))
            ):
                continue
            targets = assignment.targets if isinstance(assignment, ast.Assign) else [assignment.target]
            for target in targets:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name) and name.id not in found:
                        found.add(name.id)
                        grew = True
    return found


def _refuses(node: ast.AST, module: Module, *, in_function: bool, seen: frozenset[int] = frozenset()) -> bool:
    """Whether `node` raises, closes, denies, answers 403 (itself or in a function of the module it calls), or, in a
    handler, returns (before it accepts)."""
    seen = seen | {id(node)}
    for inner in ast.walk(node):
        if isinstance(inner, ast.Raise) or (in_function and isinstance(inner, ast.Return)):
            return True
        if isinstance(inner, ast.Constant) and (
            inner.value == 403 or (isinstance(inner.value, str) and inner.value.endswith(_REFUSING_MESSAGES))
        ):
            return True
        if isinstance(inner, ast.Call):
            name = ast.unparse(inner.func).split(".")[-1]
            if name in _REFUSING_CALLS or name.endswith("Response"):
                return True
            helper = _called_function(inner, module)
            if helper is not None and id(helper) not in seen and _refuses(helper, module, in_function=False, seen=seen):
                return True
    return False


def _local_helpers(function: FunctionNode, module: Module) -> list[FunctionNode]:
    """Functions of the same module the handler calls: where a check is often factored out."""
    helpers = []
    for inner in ast.walk(function):
        if isinstance(inner, ast.Call) and (helper := _called_function(inner, module)) not in (None, function):
            helpers.append(helper)
    return helpers


def _called_function(call: ast.Call, module: Module) -> FunctionNode | None:
    """The function of the module that `call` calls by its bare name, if it is one."""
    definition = module.scope.definitions.get(call.func.id) if isinstance(call.func, ast.Name) else None
    return definition if isinstance(definition, FunctionNode) else None

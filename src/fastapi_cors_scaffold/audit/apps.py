"""The model of each app in a module: its middleware in the order Starlette runs it, and its WebSocket routes.

Starlette builds its stack as ServerErrorMiddleware, then `user_middleware`, then the routes; `add_middleware` and
`@app.middleware` insert at the front of `user_middleware` (the last added runs first), the constructor's list keeps
its order (the first listed runs first), and whatever wraps the app (`CORSMiddleware(app)`, or a subclass whose
`build_middleware_stack` wraps the built stack, as the generated projects do) runs before all of them. Statements are
read in order in the body that creates the app, and followed into the functions it is passed to and the routers it
includes, in this module or imported from the tree (`modules`). What cannot be followed is left out, never guessed.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from fastapi_cors_scaffold.audit.app_classes import APP_CLASSES, is_app_class, stack_wrappers
from fastapi_cors_scaffold.audit.model import App, Layer, WebSocketRoute
from fastapi_cors_scaffold.audit.modules import Found, Module, Modules
from fastapi_cors_scaffold.audit.origin_checks import (
    FunctionNode,
    declared_dependencies,
    dependencies_check_origin,
    function_checks_origin,
    middleware_checks_origin,
)
from fastapi_cors_scaffold.audit.python_source import cors_names, names_cors
from fastapi_cors_scaffold.audit.values import Evaluator, statements

ROUTER_CLASSES = frozenset({"APIRouter", "Router"})
WEBSOCKET_DECORATORS = frozenset({"websocket", "websocket_route"})
WEBSOCKET_ADDERS = frozenset({"add_api_websocket_route", "add_websocket_route"})
_MAX_DEPTH = 4


@dataclass
class _Routes:
    """What an app or router collects: WebSocket routes, and the dependencies every one of its routes gets."""

    websockets: list[WebSocketRoute] = field(default_factory=list)
    dependencies: list[ast.expr] = field(default_factory=list)


@dataclass
class _AppState:
    name: str
    line: int
    module: Module
    user: list[Layer] = field(default_factory=list)
    wrappers: list[Layer] = field(default_factory=list)
    routes: _Routes = field(default_factory=_Routes)

    def app(self) -> App:
        return App(self.name, self.module.path, self.line, (*self.wrappers, *self.user), tuple(self.routes.websockets))


def apps_in(module: Module, modules: Modules) -> list[App]:
    """Every app a module creates, at its top level or in a function (an app factory)."""
    return [state.app() for state in _Builder(module, modules).build()]


class _Builder:
    def __init__(self, module: Module, modules: Modules) -> None:
        self.module = module
        self.modules = modules
        self.cors, self.middleware = cors_names(module)
        self.evaluator = Evaluator(module.scope)
        self.routers: dict[tuple[str, str], _Routes] = {}

    def build(self) -> list[_AppState]:
        found: list[_AppState] = []
        bodies: list[list[ast.stmt]] = [self.module.tree.body]
        bodies += [node.body for node in ast.walk(self.module.tree) if isinstance(node, FunctionNode)]
        for body in bodies:
            found += self._apps_of_body(body)
        return found

    def _apps_of_body(self, body: list[ast.stmt]) -> list[_AppState]:
        names: dict[str, _AppState] = {}
        created: list[_AppState] = []
        for statement in statements(body):
            if isinstance(statement, ast.Assign | ast.AnnAssign) and statement.value is not None:
                targets: list[ast.expr] = (
                    list(statement.targets) if isinstance(statement, ast.Assign) else [statement.target]
                )
                state = self._created(statement.value, targets)
                if state is not None:
                    created.append(state)
                    names.update({name: state for name in _names(targets)})
                    continue
            if names:
                self._apply(statement, names, self.module, 0)
        return created

    def _created(self, value: ast.expr, targets: list[ast.expr]) -> _AppState | None:
        if not isinstance(value, ast.Call):
            return None
        written = ast.unparse(value.func)
        wrappers: list[Layer] | None = None
        if written.split(".")[-1] in APP_CLASSES:
            wrappers = []
        elif _is_class_name(written):
            found = self.modules.follow(self.module, written)
            if found is not None and isinstance(found.node, ast.ClassDef) and is_app_class(found, self.modules):
                wrappers = stack_wrappers(found, self.modules)
        if wrappers is None:
            return None
        names = _names(targets)
        state = _AppState(names[0] if names else written, value.lineno, self.module, wrappers=wrappers)
        keywords = {keyword.arg: keyword.value for keyword in value.keywords if keyword.arg}
        for item in self._items(keywords.get("middleware")):
            layer = self._middleware_item(item, self.module)
            if layer is not None:
                state.user.append(layer)
        self._routes_list(keywords.get("routes"), state.routes, self.module, [], 0)
        state.routes.dependencies += self._items(keywords.get("dependencies"))
        return state

    def _apply(self, statement: ast.stmt, names: dict[str, _AppState], module: Module, depth: int) -> None:
        """What one statement does to the apps `names` stand for."""
        if isinstance(statement, FunctionNode):
            for decorator in statement.decorator_list:
                self._decorated(decorator, statement, names, module)
            return
        if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call):
            state = self._wrapped(statement.value, names, module)
            if state is not None:
                names.update({name: state for name in _names(statement.targets)})
            return
        if not isinstance(statement, ast.Expr) or not isinstance(statement.value, ast.Call):
            return
        call = statement.value
        func = call.func
        if isinstance(func, ast.Attribute):
            owner = func.value
            if isinstance(owner, ast.Name) and owner.id in names:
                self._method(names[owner.id], func.attr, call, module, depth)
                return
            if (
                isinstance(owner, ast.Attribute)
                and owner.attr == "user_middleware"
                and isinstance(owner.value, ast.Name)
                and owner.value.id in names
                and func.attr in ("insert", "append")
                and call.args
            ):
                layer = self._middleware_item(call.args[-1], module)
                if layer is not None:
                    user = names[owner.value.id].user
                    user.insert(0, layer) if func.attr == "insert" else user.append(layer)
                return
        self._passed_to_function(call, names, module, depth)

    def _method(self, state: _AppState, method: str, call: ast.Call, module: Module, depth: int) -> None:
        keywords = {keyword.arg: keyword.value for keyword in call.keywords if keyword.arg}
        if method == "add_middleware":
            written = call.args[0] if call.args else keywords.get("middleware_class")
            if written is not None:
                state.user.insert(0, self._layer(written, call, module))
        elif method == "include_router" and call.args:
            included = self._router(call.args[0], module, depth)
            if included is not None:
                extra = self._items(keywords.get("dependencies"))
                prefix = self._prefix(keywords.get("prefix"))
                for route in included.websockets:
                    route = self._with_dependencies(route, [*extra, *state.routes.dependencies])
                    state.routes.websockets.append(replace(route, path=prefix + route.path))
        elif method in WEBSOCKET_ADDERS and len(call.args) >= 2:
            state.routes.websockets.append(
                self._route(call.args[0], call.args[1], call, module, state.routes.dependencies)
            )

    def _decorated(
        self, decorator: ast.expr, function: FunctionNode, names: dict[str, _AppState], module: Module
    ) -> None:
        if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)):
            return
        owner = decorator.func.value
        if not (isinstance(owner, ast.Name) and owner.id in names):
            return
        state = names[owner.id]
        if decorator.func.attr == "middleware":
            state.user.insert(0, Layer(function.name, module.path, function.lineno))
        elif decorator.func.attr in WEBSOCKET_DECORATORS and decorator.args:
            state.routes.websockets.append(self._handler_route(decorator, function, module, state.routes.dependencies))

    def _wrapped(self, call: ast.Call, names: dict[str, _AppState], module: Module) -> _AppState | None:
        """`outer = SomeMiddleware(app, ...)`: a layer around everything the app runs."""
        first = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "app"), None)
        if not (isinstance(first, ast.Name) and first.id in names and _is_class_name(ast.unparse(call.func))):
            return None
        state = names[first.id]
        state.wrappers.insert(0, self._layer(call.func, call, module))
        return state

    def _passed_to_function(self, call: ast.Call, names: dict[str, _AppState], module: Module, depth: int) -> None:
        """`setup_cors(app)`: the function's statements, read with its parameter standing for the app."""
        passed: list[tuple[int | str | None, str]] = [
            (index, arg.id) for index, arg in enumerate(call.args) if isinstance(arg, ast.Name) and arg.id in names
        ]
        passed += [(k.arg, k.value.id) for k in call.keywords if isinstance(k.value, ast.Name) and k.value.id in names]
        if not passed or depth >= _MAX_DEPTH:
            return
        found = self.modules.follow(module, ast.unparse(call.func))
        if found is None or not isinstance(found.node, FunctionNode):
            return
        parameters = [argument.arg for argument in [*found.node.args.posonlyargs, *found.node.args.args]]
        inner: dict[str, _AppState] = {}
        for where, name in passed:
            parameter = where if not isinstance(where, int) else parameters[where] if where < len(parameters) else None
            if parameter is not None:
                inner[parameter] = names[name]
        for statement in statements(found.node.body):
            self._apply(statement, inner, found.module, depth + 1)

    def _layer(self, written: ast.expr, call: ast.Call, module: Module) -> Layer:
        """The middleware `written` names, added by `call` (whose keywords may turn its check off)."""
        name = ast.unparse(written)
        if names_cors(written, cors_names(module)[0] if module is not self.module else self.cors):
            return Layer(name, module.path, call.lineno, cors=True)
        found = self.modules.follow(module, name)
        checks = middleware_checks_origin(found, name, module, self.modules, call.keywords)
        return Layer(name, module.path, call.lineno, origin_check=checks)

    def _middleware_item(self, item: ast.expr, module: Module) -> Layer | None:
        """`Middleware(SomeClass, ...)` in a list: the layer it adds."""
        if not isinstance(item, ast.Call) or ast.unparse(item.func).split(".")[-1] not in self.middleware | {
            "Middleware"
        }:
            return None
        written = item.args[0] if item.args else next((k.value for k in item.keywords if k.arg == "cls"), None)
        return self._layer(written, item, module) if written is not None else None

    def _items(self, node: ast.expr | None) -> list[ast.expr]:
        """The elements of a list written in place or bound to a name once."""
        for _ in range(3):
            if isinstance(node, ast.Name):
                bound = self.evaluator.bound(node.id)
                node = bound if isinstance(bound, ast.expr) else None
        if isinstance(node, ast.List | ast.Tuple):
            return list(node.elts)
        return []

    def _router(self, written: ast.expr, module: Module, depth: int) -> _Routes | None:
        """The routes of an included router: created in this module or followed to the module that creates it."""
        if depth >= _MAX_DEPTH:
            return None
        found = self.modules.follow(module, ast.unparse(written))
        if found is None or not isinstance(found.node, ast.Call):
            return None
        key = (str(found.module.path), found.name)
        if key not in self.routers:
            self.routers[key] = _Routes()  # a router including itself ends here
            self.routers[key] = self._router_routes(found, depth + 1)
        return self.routers[key]

    def _router_routes(self, found: Found, depth: int) -> _Routes:
        routes = _Routes()
        call = found.node
        assert isinstance(call, ast.Call)
        if ast.unparse(call.func).split(".")[-1] not in ROUTER_CLASSES:
            return routes
        keywords = {keyword.arg: keyword.value for keyword in call.keywords if keyword.arg}
        routes.dependencies += self._items(keywords.get("dependencies"))
        self._routes_list(keywords.get("routes"), routes, found.module, routes.dependencies, depth)
        state = _AppState(found.name, call.lineno, found.module, routes=routes)
        names = {found.name: state}
        for statement in statements(found.module.tree.body):
            self._apply(statement, names, found.module, depth)
        prefix = self._prefix(keywords.get("prefix"))
        routes.websockets = [replace(route, path=prefix + route.path) for route in routes.websockets]
        return routes

    def _prefix(self, node: ast.expr | None) -> str:
        value = self.evaluator.value(node) if node is not None else ""
        return value if isinstance(value, str) else ""

    def _routes_list(
        self, node: ast.expr | None, routes: _Routes, module: Module, dependencies: list[ast.expr], depth: int
    ) -> None:
        """`routes=[WebSocketRoute(...), Mount(..., routes=[...])]` of Starlette and its routers."""
        for item in self._items(node):
            if not isinstance(item, ast.Call):
                continue
            kind = ast.unparse(item.func).split(".")[-1]
            keywords = {keyword.arg: keyword.value for keyword in item.keywords if keyword.arg}
            if kind == "WebSocketRoute" and len(item.args) >= 2:
                routes.websockets.append(self._route(item.args[0], item.args[1], item, module, dependencies))
            elif kind == "Mount" and depth < _MAX_DEPTH:
                mounted = _Routes()
                self._routes_list(keywords.get("routes"), mounted, module, dependencies, depth + 1)
                prefix = self._prefix(item.args[0] if item.args else keywords.get("path"))
                routes.websockets += [replace(route, path=prefix + route.path) for route in mounted.websockets]

    def _route(
        self, path: ast.expr, endpoint: ast.expr, call: ast.Call, module: Module, inherited: list[ast.expr]
    ) -> WebSocketRoute:
        keywords = {keyword.arg: keyword.value for keyword in call.keywords if keyword.arg}
        declared = [*self._items(keywords.get("dependencies")), *inherited]
        found = self.modules.follow(module, ast.unparse(endpoint))
        handler_checks: bool | None = None
        if found is not None and isinstance(found.node, FunctionNode):
            handler_checks = function_checks_origin(found.node, found.module, self.modules)
            declared += declared_dependencies(found.node)
        elif found is not None and isinstance(found.node, ast.ClassDef):
            methods = [node for node in found.node.body if isinstance(node, FunctionNode)]
            handler_checks = any(function_checks_origin(m, found.module, self.modules) for m in methods)
        checked = _either(handler_checks, dependencies_check_origin(declared, module, self.modules))
        return WebSocketRoute(self._path(path), ast.unparse(endpoint), module.path, call.lineno, checked)

    def _handler_route(
        self, decorator: ast.Call, function: FunctionNode, module: Module, inherited: list[ast.expr]
    ) -> WebSocketRoute:
        keywords = {keyword.arg: keyword.value for keyword in decorator.keywords if keyword.arg}
        declared = [*self._items(keywords.get("dependencies")), *inherited, *declared_dependencies(function)]
        checked = _either(
            function_checks_origin(function, module, self.modules),
            dependencies_check_origin(declared, module, self.modules),
        )
        return WebSocketRoute(self._path(decorator.args[0]), function.name, module.path, function.lineno, checked)

    def _with_dependencies(self, route: WebSocketRoute, declared: list[ast.expr]) -> WebSocketRoute:
        if route.origin_check or not declared:
            return route
        extra = dependencies_check_origin(declared, self.module, self.modules)
        return WebSocketRoute(route.path, route.handler, route.file, route.line, _either(route.origin_check, extra))

    def _path(self, node: ast.expr) -> str:
        value = self.evaluator.value(node)
        return value if isinstance(value, str) else ast.unparse(node)


def _either(one: bool | None, other: bool | None) -> bool | None:
    """A check found either way counts; otherwise what cannot be read stays unread."""
    if one or other:
        return True
    return None if one is None or other is None else False


def _is_class_name(written: str) -> bool:
    """Classes are named in CapWords: a call of anything else makes neither an app nor a middleware."""
    return written.split(".")[-1][:1].isupper()


def _names(targets: Iterable[ast.expr]) -> list[str]:
    return [target.id for target in targets if isinstance(target, ast.Name)]

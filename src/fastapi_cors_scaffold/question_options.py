"""Typer options built from the questions table: `new` and `lint` take one flag per question, declared once, in its
row (flag, kind, help, metavar), so no command repeats a question's option and no table edit misses a command."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Annotated, Any

import typer

from fastapi_cors_scaffold.rules.questions import Kind, Question

Command = Callable[..., Any]


def answering(questions: tuple[Question, ...], after: str) -> Callable[[Command], Command]:
    """Give a command one option per question, declared by the questions table (flag, kind, help, metavar), placed
    after its parameter `after`. The command reads them from `ctx.params`: a flag left out is None, no answer."""

    def with_options(command: Command) -> Command:
        signature = inspect.signature(command, eval_str=True)
        kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
        options = [inspect.Parameter(q.parameter or "", kind, default=None, annotation=_option(q)) for q in questions]
        own = list(signature.parameters.values())
        place = [parameter.name for parameter in own].index(after) + 1
        parameters = [*own[:place], *options, *own[place:]]

        @functools.wraps(command)
        def run(*args: Any, **kwargs: Any) -> Any:
            for option in options:
                kwargs.pop(option.name, None)
            return command(*args, **kwargs)

        setattr(run, "__signature__", signature.replace(parameters=parameters))  # noqa: B010 (read by inspect)
        run.__annotations__ = {parameter.name: parameter.annotation for parameter in parameters}
        return run

    return with_options


def _option(question: Question) -> Any:
    """The typed Typer option of one question: repeatable for a list, `--x/--no-x` for a yes/no question."""
    kind = {Kind.LIST: list[str], Kind.BOOL: bool, Kind.INT: int}.get(question.kind, str)
    names = [question.spelled or "", *([question.short] if question.short else [])]
    return Annotated[kind | None, typer.Option(*names, metavar=question.metavar, help=question.help)]

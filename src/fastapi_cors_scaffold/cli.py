"""The `fastapi-cors-scaffold` command: thin Typer commands over the package's modules.

Each command parses, calls the library, prints. Copier and the HTTP client are imported inside the commands that
use them, so `--help` and `lint` start fast. Exit status: 0 fine, 1 blocked or findings, 2 bad input or refusal
(any `Refusal`, from a command or the library, printed as one line by `RefusingGroup`). A command that needs the
template locates it once (`projects.template.locate`) and hands it down.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from fastapi_cors_scaffold.errors import Refusal
from fastapi_cors_scaffold.question_options import answering
from fastapi_cors_scaffold.rules.questions import CORS, FLAGGED

if TYPE_CHECKING:
    from rich.console import Console
    from typer._click import Context  # the click Typer vendors, whose Context its group takes


class RefusingGroup(TyperGroup):
    """The command group, and the one place a `Refusal` becomes one line on stderr and exit status 2.

    The console script and Typer's test runner both run the group's `invoke`, which runs the main callback and the
    command. Ctrl-C is exit 130 without a traceback; `new` has removed what it began, an update may have written
    some files (`git status` shows them).
    """

    def invoke(self, ctx: Context) -> Any:
        try:
            return super().invoke(ctx)
        except Refusal as refusal:
            typer.echo(f"error: {' '.join(str(refusal).splitlines())}", err=True)
            raise typer.Exit(2) from None
        except KeyboardInterrupt:
            typer.echo("Interrupted.", err=True)
            raise typer.Exit(130) from None


app = typer.Typer(
    cls=RefusingGroup,
    name="fastapi-cors-scaffold",
    help="Start FastAPI services with CORS configured correctly, keep them up to date, and check CORS anywhere.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

Json = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON instead of tables.")]


class Conflict(StrEnum):
    inline = "inline"
    rej = "rej"


@app.callback(invoke_without_command=True)
def main(
    show_version: Annotated[
        bool, typer.Option("--version", help="Print the version and the template it ships.")
    ] = False,
) -> None:
    """Runs before any command, inside the group's `invoke`, so a missing template is one line too."""
    if not show_version:
        return
    from importlib.metadata import version

    from fastapi_cors_scaffold.projects.template import locate

    typer.echo(f"fastapi-cors-scaffold {version('fastapi-cors-scaffold')}, template {locate().release()}")
    raise typer.Exit()


@app.command()
@answering(FLAGGED, after="destination")
def new(
    ctx: typer.Context,
    destination: Annotated[
        Path, typer.Argument(metavar="DEST", help="Directory to create; it must not exist or be empty.")
    ],
    data: Annotated[
        list[str] | None,
        typer.Option("--data", "-d", metavar="KEY=VALUE", help="Any other answer as KEY=VALUE, as `copier --data`."),
    ] = None,
    template_source: Annotated[
        str | None,
        typer.Option(
            "--template",
            metavar="SOURCE",
            help="Template to render and record (a git URL, gh:org/repo, or a path); default: "
            "$FASTAPI_CORS_SCAFFOLD_TEMPLATE, else this template's repository URL.",
        ),
    ] = None,
    defaults: Annotated[
        bool, typer.Option("--defaults", help="Take the recommendation for every question not answered by a flag.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not list the files written.")] = False,
    lock: Annotated[
        bool,
        typer.Option(
            "--lock/--no-lock",
            envvar="FASTAPI_CORS_SCAFFOLD_LOCK",
            help="Run `uv lock` in the new project, so its first commit pins every dependency (needs uv and the "
            "package index).",
        ),
    ] = True,
) -> None:
    """Render a new service from the template shipped in this package (what `copier copy` would write), then lock
    its dependencies with `uv lock`.

    The project records the template's repository URL, which anyone can update from; the version this package
    ships renders offline. Only the answers you give are recorded in .copier-answers.yml; every CORS setting you
    leave out follows the template's recommendation on each `update`. Questions without a flag are asked, unless
    --defaults. Where uv or the package index cannot be reached, a warning says to run `uv lock` later.
    """
    from fastapi_cors_scaffold.projects.answers import known_data, new_answers, parse_data
    from fastapi_cors_scaffold.projects.lock import lock as lock_dependencies
    from fastapi_cors_scaffold.projects.render import new_project
    from fastapi_cors_scaffold.projects.template import locate

    given = parse_data(data or [])
    template = locate()
    answers = new_answers(ctx.params, known_data(given, template.questions), template.recommendation)
    created = new_project(destination, answers, template, defaults=defaults, quiet=quiet, source=template_source)
    typer.echo(f"Created {destination} from template {created.ref} ({created.source}).")
    unlocked = lock_dependencies(destination) if lock else None
    if unlocked:
        typer.echo(f"warning: {unlocked}", err=True)
    then_lock = "" if lock and not unlocked else "uv lock && "
    commit = "git init && git add -A && git commit -m 'Start from fastapi-cors-scaffold'"
    typer.echo(f"Next: cd {destination} && {then_lock}{commit}")


@app.command()
def update(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="PATH",
            help="Projects (clean git working trees), or directories to search for projects of this template.",
        ),
    ] = None,
    data: Annotated[
        list[str] | None, typer.Option("--data", "-d", metavar="KEY=VALUE", help="Change an answer: KEY=VALUE.")
    ] = None,
    defaults: Annotated[bool, typer.Option("--defaults", help="Keep every answer; ask nothing.")] = False,
    conflict: Annotated[Conflict, typer.Option(help="How to leave conflicting hunks.")] = Conflict.inline,
    vcs_ref: Annotated[
        str | None,
        typer.Option("--vcs-ref", metavar="VERSION", help="Template version to go to (default: the one shipped)."),
    ] = None,
    test: Annotated[bool, typer.Option("--test", help="Run each project's own tests after its update.")] = False,
    as_json: Json = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not list the files written.")] = False,
) -> None:
    """Bring projects made by `new` (or `copier copy`) to the template version this package ships.

    Each project updates from the source it recorded; offline when that is this template and this package has
    the versions. Answers you gave stay, settings you left out take the template's current recommendation. With
    several projects or a directory, prints one row per project and exits 1 if any conflicted, failed or was
    skipped.
    """
    from fastapi_cors_scaffold.projects.answers import known_data, parse_data
    from fastapi_cors_scaffold.projects.fleet import Options
    from fastapi_cors_scaffold.projects.fleet import update as update_projects
    from fastapi_cors_scaffold.projects.report import show_update
    from fastapi_cors_scaffold.projects.template import locate

    given = parse_data(data or [])
    template = locate()
    options = Options(known_data(given, template.questions), defaults, conflict.value, vcs_ref, template, test)
    targets = paths or [Path(".")]
    result = update_projects(targets, options, table=test or as_json, quiet=quiet)
    if not show_update(_console(), targets[0], result, as_json=as_json):
        raise typer.Exit(1)


@app.command()
def check(
    url: Annotated[
        str,
        typer.Argument(
            metavar="URL",
            help="The URL the page would fetch, e.g. http://127.0.0.1:8000/items, or open a WebSocket to (ws://, wss://).",
        ),
    ],
    origin: Annotated[
        str, typer.Option("--origin", "-o", metavar="ORIGIN", help="Origin of the page making the request.")
    ],
    method: Annotated[
        str, typer.Option("--method", "-m", metavar="METHOD", help="Method the page uses, as written in fetch().")
    ] = "GET",
    header: Annotated[
        list[str] | None,
        typer.Option("--header", "-H", metavar="'NAME: VALUE'", help="Request header 'Name: value'; repeatable."),
    ] = None,
    credentials: Annotated[
        bool, typer.Option("--credentials", help="The page sends cookies (credentials: 'include').")
    ] = False,
    read_header: Annotated[
        list[str] | None,
        typer.Option(
            "--read-header", metavar="NAME", help="Response header page code must be able to read; repeatable."
        ),
    ] = None,
    scan: Annotated[
        bool,
        typer.Option(
            "--scan", help="Also try the attacker origins scanners derive from --origin (on a GET, or the handshake)."
        ),
    ] = False,
    timeout: Annotated[
        float, typer.Option("--timeout", metavar="SECONDS", help="Seconds to wait for each answer.")
    ] = 10.0,
    in_browser: Annotated[
        bool,
        typer.Option(
            "--browser", help="Also run the request in headless Chromium and show its verdict beside check's."
        ),
    ] = False,
    as_json: Json = False,
) -> None:
    """Will a browser on ORIGIN be allowed to make this request, and if not, why?

    Sends what a browser sends (a preflight when the request is not simple, then the request itself, for real,
    following redirects; no cookies even with --credentials) and judges each answer by the Fetch standard. A POST
    that needs no preflight reaches the server whatever CORS says: check also says whether it ran. A ws:// or wss://
    URL gets a real WebSocket handshake with Origin: ORIGIN (browsers apply no CORS to it): can a page on ORIGIN
    open the socket? Exit 0 allowed (or opens), 1 blocked (or refused) or an attacker origin let in (--scan), 2 bad
    input or no answer. With --browser the exit status still follows the strict verdict.
    """
    from fastapi_cors_scaffold.fetch.report import show_check
    from fastapi_cors_scaffold.fetch.run import run_check

    checked = run_check(
        url,
        origin,
        method=method,
        header_lines=header or [],
        credentials=credentials,
        read=read_header or [],
        timeout=timeout,
        scan=scan,
        browser=in_browser,
    )
    show_check(_console(), checked, as_json=as_json)
    if checked.failed:
        raise typer.Exit(1)


class LintFormat(StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"


@app.command()
@answering(CORS, after="paths")
def lint(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="PATH",
            help="Project directories (searched in any layout) and Python, YAML, JSON or TOML files.",
        ),
    ] = None,
    service_url: Annotated[
        str | None,
        typer.Option(
            "--service-url", metavar="URL", help="Where the API is served; https makes http:// origins errors."
        ),
    ] = None,
    production: Annotated[
        bool, typer.Option("--production", help="These are production settings: flag localhost origins.")
    ] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings and on values not read too.")] = False,
    output: Annotated[
        LintFormat, typer.Option("--format", help="text for people, json for programs, sarif for code scanning.")
    ] = LintFormat.text,
    as_json: Annotated[bool, typer.Option("--json", help="Shorthand for --format json.")] = False,
) -> None:
    """Audit every CORS configuration in PATHs for the misconfigurations attackers look for, as Starlette applies it.

    Code is read, never run: a value that cannot be worked out statically (settings, environment, imports) is listed
    as not read; the value options fill it in. With options and no PATH, the options on top of the template's
    recommendation. Exit 1 when there is an error (with --strict: or a warning or a value not read), 2 when there is
    nothing to read or the input is bad.
    """
    from fastapi_cors_scaffold.audit.lint import audit, fails, refuse_service_url
    from fastapi_cors_scaffold.audit.reading import read_for_lint
    from fastapi_cors_scaffold.audit.report import show_audits
    from fastapi_cors_scaffold.projects.template import locate
    from fastapi_cors_scaffold.rules.questions import overrides_from_flags

    refuse_service_url(service_url)
    given = overrides_from_flags(ctx.params)
    recommended = cache(lambda: locate().recommendation)  # only an answers file, or no PATH, needs the template
    reading = read_for_lint(paths or [], given, recommended)
    audits = [
        audit(configuration, given, service_url=service_url, production=production)
        for configuration in reading.configurations
    ]
    show_audits(_console(), audits, reading.notes, "json" if as_json else output.value)
    if fails(audits, strict=strict):
        raise typer.Exit(1)


@app.command()
def template(
    bundle: Annotated[
        bool, typer.Option("--bundle", help="Print the path of the local history file (a git bundle) instead.")
    ] = False,
    mirror: Annotated[
        Path | None,
        typer.Option(
            "--mirror",
            metavar="PATH",
            help="Write the history as a bare git repository with every release tag, to push to your git server.",
        ),
    ] = None,
) -> None:
    """Print the source `new` records, for plain `copier copy`: this template's repository URL (or
    $FASTAPI_CORS_SCAFFOLD_TEMPLATE); or the local history file, or write a mirror."""
    from fastapi_cors_scaffold.projects.template import chosen_source, locate

    if mirror is not None:
        ref = locate().write_mirror(mirror)
        typer.echo(f"Wrote {mirror}: a bare git repository, tip {ref}. Push it: git -C {mirror} push --mirror URL")
        return
    if bundle:
        installed = locate().install(need_user_copy=True)
        typer.echo(str(installed.history))
        typer.echo(f"template version {installed.ref}", err=True)
        return
    typer.echo(chosen_source(None))


def _console() -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)

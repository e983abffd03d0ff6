"""`new`: the shipped template rendered with exactly the answers given, bad input refused in one line."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from fastapi_cors_scaffold.rules.checks import origin_problem, split_list
from tests.support.cli import (
    CANONICAL,
    CHECKOUT_VARIABLE,
    HOME_VARIABLE,
    TEMPLATE_PATHS,
    TEMPLATE_VARIABLE,
    committed_copy,
    invoke,
    network,
    only_local_git,
    run_cli,
)
from tests.support.docs import demo_command
from tests.support.paths import BIN
from tests.support.rendering import answers_of
from tests.support.servers import free_port
from tests.support.table import INVALID_ORIGINS, VALID_ORIGINS

CORS_KEYS = ("allow_credentials", "allow_origin_regex", "allow_origins", "allow_methods", "allow_headers")


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The template at this repository's HEAD: other people's uncommitted edits cannot break these tests."""
    return committed_copy(tmp_path_factory.mktemp("template") / "checkout", *TEMPLATE_PATHS)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, checkout: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(HOME_VARIABLE, str(tmp_path / "home"))
    monkeypatch.setenv(CHECKOUT_VARIABLE, str(checkout))
    monkeypatch.setenv("COPIER_CACHE_DIR", str(tmp_path / "copier-cache"))
    only_local_git(monkeypatch)
    monkeypatch.delenv(TEMPLATE_VARIABLE, raising=False)


def tree(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def test_new_with_defaults_records_the_repository_url_and_no_cors_answer(tmp_path: Path) -> None:
    result = invoke("new", str(tmp_path / "service"), "--defaults", "--quiet")

    assert result.exit_code == 0, result.output
    answers = answers_of(tmp_path / "service")
    assert answers["_src_path"] == CANONICAL, "rendered offline, from the shipped history, yet recorded as the URL"
    assert answers["renovate"] is True
    assert str(answers["_commit"]) in result.stdout
    assert not set(CORS_KEYS) & set(answers), "a CORS setting nobody chose must follow the template"
    assert (tmp_path / "service" / "src" / "my_service" / "settings.py").is_file()


def test_new_is_byte_for_byte_copier_copy_with_the_same_data(tmp_path: Path) -> None:
    flags = [
        *("--name", "Billing API", "--origin", "https://app.example.com", "--origin", "http://localhost:5173"),
        *("--no-credentials", "--method", "GET,POST", "--header", "Authorization", "--header", "X-Request-Id"),
        *(
            "--expose-header",
            "X-Total-Count",
            "--max-age",
            "300",
            "--regex",
            r"https://[a-z0-9-]+\.preview\.example\.com",
        ),
    ]
    result = invoke("new", str(tmp_path / "by-cli"), "--defaults", "--quiet", *flags)
    assert result.exit_code == 0, result.output
    source = invoke("template").stdout.strip()
    assert source == CANONICAL
    mirror = invoke("template", "--mirror", str(tmp_path / "published.git"))  # what the repository URL serves
    assert mirror.exit_code == 0, mirror.output
    data = {
        "project_name": "Billing API",
        "allow_origins": '["https://app.example.com", "http://localhost:5173"]',
        "allow_credentials": "false",
        "allow_methods": '["GET", "POST"]',
        "allow_headers": '["Authorization", "X-Request-Id"]',
        "expose_headers": '["X-Total-Count"]',
        "max_age": "300",
        "allow_origin_regex": r"https://[a-z0-9-]+\.preview\.example\.com",
    }
    copied = run_cli(
        "copy",
        "--quiet",
        "--defaults",
        *(argument for key, value in data.items() for argument in ("--data", f"{key}={value}")),
        source,
        str(tmp_path / "by-copier"),
        cwd=tmp_path,
        env=network(tmp_path / "published.git"),
        command=str(BIN / "copier"),
    )
    assert copied.returncode == 0, copied.stderr

    assert tree(tmp_path / "by-cli") == tree(tmp_path / "by-copier")
    assert answers_of(tmp_path / "by-cli")["max_age"] == 300


@pytest.mark.parametrize("origin", [origin for origin in INVALID_ORIGINS if split_list(origin) == [origin]])
def test_invalid_origin_is_refused_in_one_line_before_anything_is_written(tmp_path: Path, origin: str) -> None:
    result = invoke(
        "new", str(tmp_path / "service"), "--defaults", "--origin", "https://ok.example.com", "--origin", origin
    )
    problem = origin_problem(origin, "--origin") if origin != "*" else None

    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("error: --origin: ")
    if problem:
        assert result.stderr == f"error: {problem.sentence()}\n"
    assert not (tmp_path / "service").exists()


def test_every_valid_origin_of_the_table_is_accepted_and_recorded(tmp_path: Path) -> None:
    result = invoke(
        "new", str(tmp_path / "service"), "--defaults", "--quiet", *(f"--origin={o}" for o in VALID_ORIGINS)
    )

    assert result.exit_code == 0, result.output
    assert answers_of(tmp_path / "service")["allow_origins"] == VALID_ORIGINS


@pytest.mark.parametrize(
    ("flags", "fragment"),
    [
        (["--origin", "*", "--credentials"], "--origin: '*' with credentials"),
        (["--origin", "https://a.example.com,https://a.example.com"], "listed twice"),
        (["--regex", r"https://app.example\.com"], "'https://appxexample.com'"),
        (["--regex", r"https://example\.com.*"], "'https://example.com.evil.net'"),
        (["--method", "get"], "write GET"),
        (["--method", "TRACE"], "fetch() forbids"),
        (["--header", "Authorization, X Foo"], "--header: not a request header name, 'X Foo'"),
        (["--expose-header", "*"], "--expose-header: '*' is literal with credentials"),
        (["--max-age", "-1"], "out of range"),
        (["--slug", "Billing API"], "--slug: 'Billing API' is not a distribution name"),
        (["--package", "billing-api"], "--package: 'billing-api' is not a Python package name"),
        (["--python", "3.9"], "--python"),
        (["--data", "no-equals-sign"], "KEY=VALUE"),
    ],
)
def test_bad_answers_get_one_clean_line_and_exit_2(tmp_path: Path, flags: list[str], fragment: str) -> None:
    result = invoke("new", str(tmp_path / "service"), "--defaults", *flags)

    assert result.exit_code == 2, result.output
    assert fragment in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert not (tmp_path / "service").exists()


def test_a_non_empty_destination_is_left_untouched(tmp_path: Path) -> None:
    (tmp_path / "service").mkdir()
    (tmp_path / "service" / "notes.txt").write_text("mine")

    result = invoke("new", str(tmp_path / "service"), "--defaults")

    assert result.exit_code == 2 and "not empty" in result.stderr
    assert [p.name for p in (tmp_path / "service").iterdir()] == ["notes.txt"]


def test_questions_without_a_terminal_need_defaults(tmp_path: Path) -> None:
    result = invoke("new", str(tmp_path / "service"), "--origin", "https://app.example.com")

    assert result.exit_code == 2 and "--defaults" in result.stderr
    assert not (tmp_path / "service").exists()


def test_as_a_subprocess_a_refusal_is_one_line_without_traceback(tmp_path: Path) -> None:
    result = run_cli("new", "service", "--defaults", "--origin", "HTTPS://App.Example.com", cwd=tmp_path)

    assert result.returncode == 2
    assert result.stderr == (
        "error: --origin: upper case in 'HTTPS://App.Example.com': write 'https://app.example.com', "
        "as browsers send it.\n"
    )
    assert not (tmp_path / "service").exists()


def test_the_template_mirror_serves_new_from_a_file_url_and_records_it(tmp_path: Path) -> None:
    mirror = tmp_path / "mirror.git"
    written = invoke("template", "--mirror", str(mirror))
    assert written.exit_code == 0, written.output
    again = invoke("template", "--mirror", str(mirror))
    assert again.exit_code == 2 and "not empty" in again.stderr

    result = invoke("new", str(tmp_path / "service"), "--defaults", "--quiet", "--template", f"file://{mirror}")

    assert result.exit_code == 0, result.output
    answers = answers_of(tmp_path / "service")
    assert answers["_src_path"] == f"file://{mirror}"
    assert str(answers["_commit"]) in written.stdout, "the mirror's newest tag is the version this package ships"
    assert (tmp_path / "service" / "src" / "my_service" / "main.py").is_file()


def test_a_template_path_is_recorded_absolute_and_the_environment_can_choose_it(
    tmp_path: Path, checkout: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(checkout.parent)
    given = invoke("new", str(tmp_path / "given"), "--defaults", "--quiet", "--template", checkout.name)
    assert given.exit_code == 0, given.output
    assert answers_of(tmp_path / "given")["_src_path"] == str(checkout)

    monkeypatch.setenv(TEMPLATE_VARIABLE, str(checkout))
    chosen = invoke("new", str(tmp_path / "chosen"), "--defaults", "--quiet")
    assert chosen.exit_code == 0, chosen.output
    assert answers_of(tmp_path / "chosen")["_src_path"] == str(checkout)
    assert invoke("template").stdout == f"{checkout}\n", "`template` names what `new` records"

    missing = invoke("new", str(tmp_path / "missing"), "--defaults", "--template", "no/such/template")
    assert missing.exit_code == 2 and missing.stderr.count("\n") == 1
    assert "--template 'no/such/template'" in missing.stderr
    assert not (tmp_path / "missing").exists()

    empty = invoke("new", str(tmp_path / "empty"), "--defaults", "--template", "")
    assert (
        empty.exit_code == 2
        and empty.stderr == "error: --template '' is empty: give a git URL or a path, or leave --template out.\n"
    )
    assert not (tmp_path / "empty").exists()


def test_without_a_writable_home_new_still_works_and_the_bundle_path_is_refused_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A service account whose home cannot hold the per-user data (here HOME is a file, which stops root too)."""
    (tmp_path / "not-a-directory").write_text("")
    monkeypatch.setenv("HOME", str(tmp_path / "not-a-directory"))
    for variable in (HOME_VARIABLE, "XDG_DATA_HOME", "XDG_CACHE_HOME", "COPIER_CACHE_DIR"):
        monkeypatch.delenv(variable, raising=False)

    result = run_cli("new", "service", "--defaults", "--quiet", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert answers_of(tmp_path / "service")["_src_path"] == CANONICAL

    bundle = run_cli("template", "--bundle", cwd=tmp_path)
    assert bundle.returncode == 2
    assert bundle.stderr.count("\n") == 1 and f"set {HOME_VARIABLE}" in bundle.stderr

    monkeypatch.delenv("HOME")
    homeless = run_cli("new", "other", "--defaults", "--quiet", cwd=tmp_path)
    assert homeless.returncode == 0, homeless.stderr


def test_an_unwritable_destination_is_refused_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("")

    result = invoke("new", str(tmp_path / "a-file" / "service"), "--defaults")

    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "cannot be created" in result.stderr and "not a writable directory" in result.stderr


def test_the_readmes_demo_generates_a_project_that_records_the_repository_url(tmp_path: Path) -> None:
    """The README's demo, without its installs and its server (tests/e2e/test_readme_demo.py runs it whole): it
    generates with `new` into a new temporary directory, and records a source `copier update` can use."""
    steps = [step.strip() for step in demo_command().replace("\\\n", " ").split("&&")]
    generating = [step for step in steps if not step.startswith(("python -m pip ", "uvicorn "))]
    assert any(step.startswith("fastapi-cors-scaffold new ") for step in generating)

    result = subprocess.run(
        ["sh", "-c", " && ".join(generating)],
        cwd=tmp_path,
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "TMPDIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    projects = [answers.parent for answers in tmp_path.rglob(".copier-answers.yml")]
    assert len(projects) == 1, "the demo generates one project, in a directory under $TMPDIR"
    assert answers_of(projects[0])["_src_path"] == CANONICAL


def test_a_regex_given_with_data_meets_the_same_rules_as_the_flag(tmp_path: Path) -> None:
    """The questionnaire cannot look up public suffixes; `new` checks --data answers with the package's rules."""
    result = invoke(
        "new", str(tmp_path / "service"), "--defaults", "--data", r"allow_origin_regex=https://[a-z0-9-]+\.vercel\.app"
    )

    assert result.exit_code == 2
    assert result.stderr.startswith(
        "error: --data allow_origin_regex: a public suffix in 'https://[a-z0-9-]+\\.vercel\\.app', admitting "
        "'https://attacker.vercel.app'"
    )
    assert not (tmp_path / "service").exists()


@pytest.mark.parametrize(
    ("key", "hint"), [("allow_origin", "did you mean allow_origins?"), ("zzz", "the questions are")]
)
def test_an_unknown_data_key_is_refused_with_the_nearest_question(tmp_path: Path, key: str, hint: str) -> None:
    """Copier would ignore it silently and keep the template's value (with credentials on)."""
    result = invoke("new", str(tmp_path / "service"), "--defaults", "--data", f"{key}=[https://app.example.com]")

    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: --data {key}: the template has no question '{key}': ")
    assert hint in result.stderr
    assert not (tmp_path / "service").exists()


def test_the_old_name_of_the_origins_question_answers_it_as_a_list(tmp_path: Path) -> None:
    """Scripts written for 0.1.0 say `allowed_origins`; its YAML list is the answer, stored under the new name."""
    origins = '["https://app.example.com", "http://localhost:5173"]'
    result = invoke("new", str(tmp_path / "service"), "--defaults", "--quiet", "--data", f"allowed_origins={origins}")

    assert result.exit_code == 0, result.output
    answers = answers_of(tmp_path / "service")
    assert answers["allow_origins"] == ["https://app.example.com", "http://localhost:5173"]
    assert "allowed_origins" not in answers
    settings = (tmp_path / "service" / "src" / "my_service" / "settings.py").read_text()
    assert f"cors_allow_origins: NameList = {origins}" in settings


def test_where_the_package_index_cannot_be_reached_new_warns_in_one_line_and_says_to_run_uv_lock(
    tmp_path: Path,
) -> None:
    """uv is not on PATH here, so `new` runs the `uv` package's binary; its only index is a closed loopback port."""
    offline = {
        "FASTAPI_CORS_SCAFFOLD_LOCK": "1",
        "PATH": os.pathsep.join(["/usr/bin", "/bin"]),
        "UV_NO_CONFIG": "1",
        "UV_DEFAULT_INDEX": f"http://127.0.0.1:{free_port()}/simple",
        "UV_HTTP_RETRIES": "0",
        "UV_CACHE_DIR": str(tmp_path / "uv-cache"),
    }
    assert shutil.which("uv", path=offline["PATH"]) is None

    result = run_cli("new", "service", "--defaults", "--quiet", cwd=tmp_path, env=offline)

    assert result.returncode == 0, result.stderr
    [warning] = result.stderr.splitlines()
    assert warning.startswith("warning: uv lock failed (")
    assert "Connection refused" in warning
    assert warning.endswith("): run `uv lock` in service and commit uv.lock.")
    assert not (tmp_path / "service" / "uv.lock").exists()
    assert (tmp_path / "service" / "pyproject.toml").is_file(), "the project is made all the same"
    assert "Next: cd service && uv lock && git init" in result.stdout


def test_with_no_lock_new_leaves_uv_lock_to_the_person(tmp_path: Path) -> None:
    result = invoke("new", str(tmp_path / "service"), "--defaults", "--quiet", "--no-lock")

    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert not (tmp_path / "service" / "uv.lock").exists()
    assert f"Next: cd {tmp_path / 'service'} && uv lock && git init" in result.stdout


@pytest.mark.parametrize("question", ["min_fastapi", "min_uvicorn", "min_pydantic_settings"])
@pytest.mark.parametrize("value", ["abc", '0.1", "evil-pkg==1', "0.165; python_version<'3'", ""])
def test_a_lowest_version_that_is_no_release_number_is_refused_before_anything_is_written(
    tmp_path: Path, question: str, value: str
) -> None:
    """The answer lands in `name>=VERSION` in pyproject.toml: anything but digits and dots would change the
    requirement, or add one."""
    result = invoke(
        "new", str(tmp_path / "service"), "--defaults", "--quiet", "--no-lock", "--data", f"{question}={value}"
    )

    assert result.exit_code == 2, result.output
    assert f"{question}=...: not a release number, " in result.stderr and "write digits and dots" in result.stderr
    assert not (tmp_path / "service").exists()

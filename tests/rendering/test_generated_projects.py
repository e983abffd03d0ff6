"""Generated projects hold the answers: settings, names and files (tests/e2e/test_generated_checks.py runs their own
checks for a matrix of answers)."""

from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path

import pytest

from tests.support.paths import BIN, REPOSITORY
from tests.support.rendering import answers_of, render, run


def test_defaults_reproduce_the_classic_recipe(tmp_path: Path) -> None:
    project = render(tmp_path / "service")
    settings = (project / "src" / "my_service" / "settings.py").read_text()
    main = (project / "src" / "my_service" / "main.py").read_text()

    assert 'cors_allow_origins: NameList = ["http://localhost:8080"]' in settings
    assert "cors_allow_credentials: bool = True" in settings
    assert 'cors_allow_methods: NameList = ["*"]' in settings
    assert 'cors_allow_headers: NameList = ["*"]' in settings
    assert "cors_max_age: int = 600" in settings
    assert "CORSMiddleware(" in main
    assert '@app.get("/home")' in main


def test_derived_names_follow_the_project_name(tmp_path: Path) -> None:
    project = render(tmp_path / "service", {"project_name": "Billing API", "python_version": "3.13"})
    pyproject = (project / "pyproject.toml").read_text()

    assert 'name = "billing-api"' in pyproject
    assert 'requires-python = ">=3.13"' in pyproject
    assert 'target-version = "py313"' in pyproject
    assert (project / "src" / "billing_api" / "main.py").is_file()
    assert "BILLING_API_CORS_ALLOW_ORIGINS" in (project / "README.md").read_text()


def test_comma_separated_answers_become_lists(tmp_path: Path) -> None:
    project = render(
        tmp_path / "service",
        {"allow_origins": "https://a.example.com, http://localhost:5173", "allow_headers": "Authorization, X-Trace"},
    )
    settings = (project / "src" / "my_service" / "settings.py").read_text()

    assert re.search(r'cors_allow_origins: NameList = \["https://a.example.com", "http://localhost:5173"\]', settings)
    assert 'cors_allow_headers: NameList = ["Authorization", "X-Trace"]' in settings


def test_a_name_starting_with_a_digit_still_gives_valid_names(tmp_path: Path) -> None:
    project = render(tmp_path / "service", {"project_name": "3D Printing API"})

    assert 'name = "service-3d-printing-api"' in (project / "pyproject.toml").read_text()
    assert (project / "src" / "service_3d_printing_api" / "main.py").is_file()


def imported_modules(source: str) -> set[str]:
    """The top-level modules a module imports, other than its own package's (relative imports)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_the_service_carries_the_packages_rules_unchanged(tmp_path: Path) -> None:
    """One rule set: the generated project's rules module and messages are the package's own files, byte for byte."""
    import fastapi_cors_scaffold

    package = Path(fastapi_cors_scaffold.__file__).parent / "rules"
    project = render(tmp_path / "service")
    owned = project / "src" / "my_service" / "_cors"

    modules = {path.name for path in owned.glob("*.py")} - {"__init__.py"}
    assert {"checks.py", "guard.py", "regex.py", "automaton.py", "backtracking.py", "origin_regex.py"} <= modules
    for name in (*modules, "messages.json"):
        shipped = owned / name
        assert not shipped.is_symlink()
        assert shipped.read_bytes() == (package / name).read_bytes()
    for name in modules:
        source = (owned / name).read_text()
        assert source.startswith('"""Template-owned'), name
        foreign = {
            module
            for module in imported_modules(source)
            if module not in {*sys.stdlib_module_names, "publicsuffixlist"}
        }
        assert foreign == set(), f"{name} ships into every service, and imports {foreign}"
    assert "Template-owned" in json.loads((owned / "messages.json").read_text())["_about"]


def private_imports(path: Path) -> list[str]:
    """The private modules and names that a Python file imports, as written (`._cors`, `helpers._cache`)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            imported = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            imported = [module] + [f"{module}.{alias.name}" for alias in node.names]
        else:
            continue
        found += [name for name in imported if re.search(r"(^|\.)_(?!_)", name)]
    return found


def test_template_owned_code_is_in_cors_and_the_owners_code_uses_its_public_names(tmp_path: Path) -> None:
    project = render(tmp_path / "service")
    package = project / "src" / "my_service"
    listed = re.search(r"^__all__ = (\[.*?\])$", (package / "_cors" / "__init__.py").read_text(), re.M | re.S)
    assert listed, "_cors/__init__.py lists its public names in __all__"
    public = {"._cors"} | {f"._cors.{name}" for name in ast.literal_eval(listed[1])}
    files = sorted(path.name for path in package.iterdir())

    assert files == ["__init__.py", "_cors", "main.py", "py.typed", "settings.py"]
    for path in package.glob("*.py"):
        assert set(private_imports(path)) <= public, path.name
    assert private_imports(package / "settings.py"), "the settings check the policy with the template's rules"
    for path in (project / "tests").glob("*.py"):
        assert private_imports(path) == [], path.name


def test_methods_typed_as_text_become_a_list_everywhere(tmp_path: Path) -> None:
    project = render(tmp_path / "service", {"allow_methods": "GET, POST, PROPFIND"})

    assert (
        'cors_allow_methods: NameList = ["GET", "POST", "PROPFIND"]'
        in (project / "src" / "my_service" / "settings.py").read_text()
    )
    assert "| `GET,POST,PROPFIND` |" in (project / "README.md").read_text()


def rendered_files(project: Path) -> dict[str, str]:
    """Every file of a project, without the answers file's `_commit` (a render of a dirty tree names a new commit)."""
    files = {str(path.relative_to(project)): path.read_text() for path in project.rglob("*") if path.is_file()}
    files[".copier-answers.yml"] = re.sub(r"(?m)^_commit: .*\n", "", files[".copier-answers.yml"])
    return files


@pytest.mark.parametrize(
    "origins",
    ['["https://app.example.com", "http://localhost:5173"]', "[https://app.example.com]", "'*'"],
)
def test_plain_copier_copy_takes_the_old_origins_key_as_the_new_one(tmp_path: Path, origins: str) -> None:
    """`allowed_origins` (0.1.0's name) given to `copier copy --data` is text, read as YAML, as the new name is."""
    old = tmp_path / "old"
    copier = [str(BIN / "copier"), "copy", "--quiet", "--defaults", "--vcs-ref=HEAD"]
    result = run([*copier, "--data", f"allowed_origins={origins}", str(REPOSITORY), str(old)], tmp_path)
    assert result.returncode == 0, result.stderr
    new = render(tmp_path / "new", {"allow_origins": origins})

    assert "allowed_origins" not in answers_of(old)
    assert rendered_files(old) == rendered_files(new)

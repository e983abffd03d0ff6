"""Generated projects hold the answers: settings, names and files (tests/e2e/test_generated_checks.py runs their own
checks for a matrix of answers)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.support.rendering import render


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


def test_the_service_carries_the_packages_rules_unchanged(tmp_path: Path) -> None:
    """One rule set: the generated project's rules module and messages are the package's own files, byte for byte."""
    import fastapi_cors_scaffold

    package = Path(fastapi_cors_scaffold.__file__).parent / "rules"
    project = render(tmp_path / "service")
    owned = project / "src" / "my_service" / "_cors"

    for name in ("checks.py", "messages.json"):
        shipped = owned / name
        assert not shipped.is_symlink()
        assert shipped.read_bytes() == (package / name).read_bytes()
    assert (owned / "checks.py").read_text().startswith('"""Template-owned')
    assert "Template-owned" in json.loads((owned / "messages.json").read_text())["_about"]


def test_methods_typed_as_text_become_a_list_everywhere(tmp_path: Path) -> None:
    project = render(tmp_path / "service", {"allow_methods": "GET, POST, PROPFIND"})

    assert (
        'cors_allow_methods: NameList = ["GET", "POST", "PROPFIND"]'
        in (project / "src" / "my_service" / "settings.py").read_text()
    )
    assert "| `GET,POST,PROPFIND` |" in (project / "README.md").read_text()

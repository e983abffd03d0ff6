"""Reading CORS configurations out of Python source with `ast`: every form of the call, and what is (not) resolved."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fastapi_cors_scaffold.audit.model import Unknown
from fastapi_cors_scaffold.audit.python_source import read_python
from fastapi_cors_scaffold.rules.policy import STARLETTE_KEYWORDS

HEADER = "from starlette.middleware.cors import CORSMiddleware\nfrom starlette.middleware import Middleware\n"


def read(tmp_path: Path, source: str, header: str = HEADER) -> list[dict[str, Any]]:
    module = tmp_path / "module.py"
    module.write_text(header + source)
    return [
        {setting.name: setting.value for setting in configuration.settings} for configuration in read_python(module)
    ]


@pytest.mark.parametrize(
    "call",
    [
        "app.add_middleware(CORSMiddleware, allow_origins=['https://a.example.com'])",
        "app.add_middleware(middleware_class=CORSMiddleware, allow_origins=['https://a.example.com'])",
        "Middleware(CORSMiddleware, allow_origins=['https://a.example.com'])",
        "Middleware(cls=CORSMiddleware, allow_origins=['https://a.example.com'])",
        "CORSMiddleware(app, allow_origins=['https://a.example.com'])",
        "CORSMiddleware(app=app, allow_origins=['https://a.example.com'])",
        "CORSMiddleware(app, ['https://a.example.com'])",
        "app.add_middleware(CORSMiddleware, ['https://a.example.com'])",
        "Starlette(middleware=[Middleware(CORSMiddleware, allow_origins=['https://a.example.com'])])",
        "app.user_middleware.insert(0, Middleware(CORSMiddleware, allow_origins=('https://a.example.com',)))",
    ],
)
def test_every_form_of_the_call_is_found(tmp_path: Path, call: str) -> None:
    (found,) = read(tmp_path, call + "\n")
    assert list(found["allow_origins"]) == ["https://a.example.com"]


@pytest.mark.parametrize(
    "header",
    [
        "from fastapi.middleware.cors import CORSMiddleware as Cors\n",
        "import starlette.middleware.cors as cors_module\nCors = None\n",
        "from starlette.middleware import cors\n",
    ],
)
def test_aliases_and_module_attributes(tmp_path: Path, header: str) -> None:
    name = (
        "Cors"
        if "as Cors" in header
        else ("cors_module.CORSMiddleware" if "cors_module" in header else "cors.CORSMiddleware")
    )
    (found,) = read(tmp_path, f"app.add_middleware({name}, allow_origins=['*'])\n", header)
    assert found == {"allow_origins": ["*"]}


def test_positional_arguments_follow_starlettes_parameter_order(tmp_path: Path) -> None:
    (found,) = read(tmp_path, "CORSMiddleware(app, ['https://a.example.com'], ['GET'], ['X-Token'], True)\n")
    assert found == {
        "allow_origins": ["https://a.example.com"],
        "allow_methods": ["GET"],
        "allow_headers": ["X-Token"],
        "allow_credentials": True,
    }


def test_values_resolved_from_constants_and_simple_expressions(tmp_path: Path) -> None:
    source = (
        "HOST = 'example.com'\n"
        "PORT = 8443\n"
        "ORIGINS = {'https://a.example.com'}\n"
        "EXTRA = (f'https://b.{HOST}:{PORT}',)\n"
        "def create_app():\n"
        "    headers = 'X-Token X-Trace'.split()\n"
        "    app.add_middleware(CORSMiddleware, allow_origins=frozenset(ORIGINS) | set(), allow_headers=headers,\n"
        "                       expose_headers=list(EXTRA), allow_methods=['GET'] + ['POST'], max_age=-1)\n"
    )
    (found,) = read(tmp_path, source)
    assert isinstance(found["allow_origins"], Unknown)  # `|` of sets is not evaluated
    assert found["allow_headers"] == ["X-Token", "X-Trace"]
    assert found["expose_headers"] == ["https://b.example.com:8443"]
    assert found["allow_methods"] == ["GET", "POST"]
    assert found["max_age"] == -1


@pytest.mark.parametrize(
    ("source", "comes_from"),
    [
        ("import os\nO = os.environ.get('ORIGINS', '')\n", "the environment variable 'ORIGINS'"),
        ("from .config import settings\nO = settings.origins\n", "settings, imported from .config"),
        ("O = ['a']\nO = ['b']\n", "O is assigned more than once"),
        ("O = []\nfor o in range(3):\n    O += [str(o)]\n", "O, which changes at run time"),
        ("O = load_origins()\n", "the call load_origins()"),
        ("O = [str(o).rstrip('/') for o in settings.BACKEND_CORS_ORIGINS]\n", "a comprehension over settings.BACKEND"),
        ("O = f'{prefix}.example.com'\n", "prefix, which this module does not define"),
        ("def make(O):\n    return 1\nO = make\n", "make, a function or class"),
    ],
)
def test_what_is_not_resolved_says_what_it_depends_on(tmp_path: Path, source: str, comes_from: str) -> None:
    (found,) = read(tmp_path, source + "app.add_middleware(CORSMiddleware, allow_origins=O, allow_credentials=True)\n")
    assert isinstance(found["allow_origins"], Unknown) and comes_from in found["allow_origins"].comes_from
    assert found["allow_credentials"] is True


def test_a_parameter_is_not_read(tmp_path: Path) -> None:
    (found,) = read(
        tmp_path, "def add_cors(app, origins):\n    app.add_middleware(CORSMiddleware, allow_origins=origins)\n"
    )
    assert found["allow_origins"] == Unknown("parameter origins of add_cors()")


def test_kwargs_from_a_literal_dict_and_from_something_unread(tmp_path: Path) -> None:
    source = (
        "KW = {'allow_origins': ['*'], **{'allow_credentials': True}, 'unrelated': 1}\n"
        "app.add_middleware(CORSMiddleware, **KW)\n"
        "app.add_middleware(CORSMiddleware, allow_origins=['*'], **settings.cors_kwargs)\n"
    )
    literal, unread = read(tmp_path, source)
    assert literal == {"allow_origins": ["*"], "allow_credentials": True}
    assert unread["allow_origins"] == ["*"]
    assert unread["allow_credentials"] == Unknown("**settings.cors_kwargs")
    assert set(unread) == set(STARLETTE_KEYWORDS)


def test_other_middleware_and_other_calls_are_not_cors(tmp_path: Path) -> None:
    source = (
        "from starlette.middleware.gzip import GZipMiddleware\n"
        "app.add_middleware(GZipMiddleware, minimum_size=1000)\n"
        "Middleware(GZipMiddleware)\n"
        "print(allow_origins=['*'])\n"
    )
    assert read(tmp_path, source) == []


def test_each_call_of_a_file_is_its_own_configuration_in_source_order(tmp_path: Path) -> None:
    source = "a.add_middleware(CORSMiddleware, max_age=1)\nb.add_middleware(CORSMiddleware, max_age=2)\n"
    assert read(tmp_path, source) == [{"max_age": 1}, {"max_age": 2}]


def test_settings_classes_show_their_defaults_as_information(tmp_path: Path) -> None:
    module = tmp_path / "config.py"
    module.write_text(
        "from pydantic import Field\nfrom pydantic_settings import BaseSettings\n"
        "class Settings(BaseSettings):\n"
        "    CORS_ORIGINS: list[str] = Field(default=['https://app.example.com'], description='Front ends')\n"
        "    cors_allow_credentials: bool = Field(True)\n"
        "    cors_max_age: int\n"
        "    database_url: str = 'sqlite://'\n"
    )
    (configuration,) = read_python(module)
    assert configuration.informational
    assert [(s.name, s.value, s.line) for s in configuration.settings] == [
        ("CORS_ORIGINS", ["https://app.example.com"], 4),
        ("cors_allow_credentials", True, 5),
        ("cors_max_age", Unknown("the environment (no default)"), 6),
    ]


def test_classes_that_are_not_settings_are_not_configurations(tmp_path: Path) -> None:
    module = tmp_path / "tools.py"
    module.write_text(
        "class Reader:\n    cors_names = {'CORSMiddleware'}\n    def names_cors(self):\n        return True\n"
        "class AppConfig:\n    cors_origins = ['https://app.example.com']\n"
        "    def cors_enabled(self):\n        return True\n"
    )
    (configuration,) = read_python(module)
    assert configuration.kind == "settings class AppConfig"
    assert [setting.name for setting in configuration.settings] == ["cors_origins"]


def test_the_items_read_of_a_partly_read_list_are_kept(tmp_path: Path) -> None:
    source = (
        "from .config import settings\n"
        "BASE = ['https://a.example.com']\n"
        "app.add_middleware(CORSMiddleware, allow_origins=BASE + settings.more + ['null'],\n"
        "                   allow_methods=[*settings.m])\n"
    )
    (found,) = read(tmp_path, source)
    assert found["allow_origins"].known == ("https://a.example.com", "null")
    assert "settings.more" in found["allow_origins"].comes_from
    assert found["allow_methods"].known == ()

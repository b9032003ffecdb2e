"""The install carries everything: every grammar loads from the installed package, every package is listed."""

from __future__ import annotations

import importlib.resources
import tomllib
from pathlib import Path

import lark
import pytest

from hypsearch.core.formats import available_formats, broken_formats
from hypsearch.core.registry import available_domains, broken_domains

REPO = Path(__file__).resolve().parents[1]


def _grammar_files() -> list[str]:
    return sorted(p.name for p in importlib.resources.files("hypsearch.grammars").iterdir()
                  if p.name.endswith(".lark"))


def test_grammars_ship_in_the_package() -> None:
    on_disk = sorted(p.name for p in (REPO / "grammars").glob("*.lark"))
    assert on_disk and _grammar_files() == on_disk


@pytest.mark.parametrize("name", _grammar_files())
def test_every_grammar_loads_from_the_installed_package(name: str) -> None:
    text = (importlib.resources.files("hypsearch.grammars") / name).read_text(encoding="utf-8")
    lark.Lark(text, parser="lalr", strict=True)


def test_every_python_package_is_listed_in_pyproject() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    mapping = config["package-dir"]
    found = set()
    for dotted, folder in mapping.items():
        for init in (REPO / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(REPO / folder)
            found.add(".".join([dotted, *rel.parts]) if rel.parts else dotted)
    assert found <= listed, f"packages missing from pyproject: {sorted(found - listed)}"


def test_builtin_domains_register_through_entry_points() -> None:
    assert not broken_domains()
    assert "strings" in available_domains()


def test_builtin_formats_register_through_entry_points() -> None:
    assert not broken_formats()
    assert "sygus" in available_formats()

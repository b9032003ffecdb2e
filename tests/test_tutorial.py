"""The plug-in tutorial cannot rot: its domain registers from a file, passes `domain check` and solves a task."""

from __future__ import annotations

from pathlib import Path

from hypsearch import Example, Query, Settings, Signature, Status, Task, register_domain_file, solve
from hypsearch.cli.domain_check import CheckSettings, check_domain

DOCS = Path(__file__).resolve().parents[1] / "docs"
PLUGIN = DOCS / "tutorial_domain" / "arith.py"
GRAMMAR = DOCS / "tutorial_domain" / "arith.lark"


def test_tutorial_text_embeds_the_tutorial_files() -> None:
    text = (DOCS / "plugins.md").read_text()
    assert PLUGIN.read_text() in text
    assert GRAMMAR.read_text() in text
    assert len(PLUGIN.read_text().splitlines()) + len(GRAMMAR.read_text().splitlines()) < 150


def test_tutorial_domain_passes_the_check() -> None:
    domain = register_domain_file(PLUGIN)
    assert check_domain(domain, CheckSettings(examples=40)) == []


def test_tutorial_domain_solves_its_task() -> None:
    register_domain_file(PLUGIN)
    pairs = [((1, 2), 3), ((5, 3), 6), ((-2, -7), -1), ((0, 0), 1), ((4, 9), 10)]
    task = Task("max-plus-one", "arith", Signature((("x", "Int"), ("y", "Int")), "Int"),
                tuple(Example(inputs, out) for inputs, out in pairs),
                tests=(Query((7, -3)), Query((-1, 6))))
    result = solve(task, Settings(time_limit=20))
    assert result.status is Status.SOLVED, result.stop_reason
    assert [p[0] for p in result.predictions] == [8, 7]

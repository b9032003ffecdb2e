"""Public ARC API: solve one ARC task (a Task, a task dict, or a JSON path) without any LLM.

`solve` runs the grid domain's symbolic search and returns up to two attempts per
test input with the programs that produced them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from hypsearch.domains.grid import DOMAIN, task_data
from hypsearch.solvers.arc.format import (  # re-exported: the ARC API in one place
    load_any, load_dataset, load_task, score_task, task_from_dict, write_submission,
)
from hypsearch.solvers.arc.render import render_terminal, write_png
from hypsearch.domains.grid.search import SearchStats, solve_data
from hypsearch.domains.grid.values import Grid
from hypsearch.core.task import LabelledTask, Task


@dataclass(frozen=True)
class ArcResult:
    """Solver outcome: attempts per test input (same order as the task's tests) and programs."""

    task_id: str
    attempts: tuple[tuple[Grid, ...], ...]
    """attempts[i] holds up to two predicted grids for test input i."""
    programs: tuple[str, ...]
    """The program behind each attempt number (attempt k of every test comes from programs[k])."""
    seconds: float
    stats: Mapping[str, int] = field(default_factory=dict)

    @property
    def found(self) -> bool:
        return bool(self.programs)

    def correct(self, task: LabelledTask) -> bool | None:
        """Whether every test output is among its attempts (None when outputs are hidden)."""
        return task.correct(self.attempts)


def as_task(task_or_path: Task | LabelledTask | str | Path | Mapping[str, Any]) -> Task:
    """Accept a Task, a labelled task, an ARC task dict, or the path of a task JSON; only the Task (no
    test outputs) goes on to the search."""
    if isinstance(task_or_path, Task):
        return task_or_path
    if isinstance(task_or_path, LabelledTask):
        return task_or_path.task
    if isinstance(task_or_path, Mapping):
        return task_from_dict(str(task_or_path.get("id", "task")), task_or_path).task
    return load_task(task_or_path).task


def solve(task_or_path: Task | LabelledTask | str | Path | Mapping[str, Any], *, time_limit: float = 60.0,
          max_depth: int = 3) -> ArcResult:
    """Search grid programs fitting every train pair; predict each test input with the two best."""
    start = time.monotonic()
    task = as_task(task_or_path)
    data = task_data(task)
    stats = SearchStats()
    found = solve_data(data, start + time_limit, attempts=max(task.attempts, 1), max_depth=max_depth, stats=stats)
    n_tests = len(data.test_in)
    attempts = tuple(tuple(pred[i] for _, pred in found) for i in range(n_tests))
    programs = tuple(DOMAIN.show(term) if _can_show() else repr(term) for term, _ in found)
    return ArcResult(task.id, attempts, programs, time.monotonic() - start,
                     {"states": stats.states, "evaluations": stats.evaluations, "depth": stats.depth})


def _can_show() -> bool:
    try:
        import hypsearch.core.syntax  # noqa: F401  (the lead's printer)
    except ImportError:
        return False
    return True


__all__ = ["ArcResult", "solve", "as_task", "load_any", "load_dataset", "load_task", "score_task",
           "write_submission", "render_terminal", "write_png"]

"""MiniARC (5×5 ARC, Qiu et al. 2024 JSONL form) as grid Tasks, plus its `hypsearch.formats` entry.

Each line `{"idx": n, "train": [{"input": grid, "output": grid}, ...], "test": [...]}` becomes
one Task of the `grid` domain (`f(x: Grid) -> Grid`).  Unlike ARC, MiniARC is scored with a
single answer per test input, so tasks carry `attempts=1`.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any, Mapping, Sequence

from hypsearch.solvers.jsonl_tasks import first_train_input, load_rows
from hypsearch.core.formats import TaskFormat
from hypsearch.core.result import Result
from hypsearch.core.task import LabelledTask, Task

FORMAT_NAME = "miniarc"


def _is_grid(value: Any) -> bool:
    return (isinstance(value, list) and bool(value)
            and all(isinstance(row, list) and all(isinstance(c, int) for c in row) for row in value))


def detect(path: Path) -> bool:
    """A `.jsonl` file whose first train input is a grid (a list of lists of colours)."""
    return _is_grid(first_train_input(Path(path)))


def task_from_row(row: Mapping[str, Any], name: str, lineno: int, source: str = "") -> LabelledTask:
    """One MiniARC line as a grid Task with one attempt per test input."""
    from hypsearch.solvers.arc.format import task_from_dict

    tid = f"{name}/{row.get('idx', lineno - 1)}"
    labelled = task_from_dict(tid, row, source or tid)
    task = dataclasses.replace(labelled.task, attempts=1, metadata={"dataset": name, "line": lineno})
    return dataclasses.replace(labelled, task=task)


def load(path: str | Path) -> list[LabelledTask]:
    """Every task of a MiniARC JSONL file, in file order."""
    path = Path(path)
    return load_rows(path, lambda row, lineno, where: task_from_row(row, path.stem, lineno, where))


def render(task: Task, result: Result) -> str:
    """The predicted grids, one JSON list of rows per test input (`null` when there is none)."""
    out = []
    for attempts in result.predictions:
        grid = attempts[0] if attempts else None
        out.append(grid.to_lists() if hasattr(grid, "to_lists") else None)
    return json.dumps({"task": task.id, "predictions": out})


def score(task: LabelledTask, predictions: Sequence[Sequence[Any]]) -> tuple[int, int]:
    """(right, total) test outputs, judging only the first attempt of each test input."""
    right = 0
    for k in range(len(task.task.tests)):
        got = predictions[k][0] if k < len(predictions) and predictions[k] else None
        want = task.expected(k)
        right += got is not None and want is not None and got == want
    return right, len(task.task.tests)


FORMAT = TaskFormat(FORMAT_NAME, detect, load, render)
"""Registered under the `hypsearch.formats` entry point `miniarc`."""

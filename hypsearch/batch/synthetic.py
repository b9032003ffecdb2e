"""Synthetic solve functions and task files for smoke tests and `benchmarks/batch_overhead.py`.

They need no engine: `trivial_solve` returns at once, `cpu_solve` burns CPU for the
number of iterations written in the task file, so runner overhead and parallel speed-up
can be measured on their own.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypsearch.batch.formats import register_format
from hypsearch.core.refs import TaskRef

SUFFIX = ".synth"


def trivial_solve(ref: TaskRef, settings: dict[str, Any]) -> dict[str, Any]:
    """Solve instantly: a `solved` record with a fixed program."""
    return {"status": "solved", "domain": "synthetic", "program": "(id x)", "attempts": 1}


def cpu_solve(ref: TaskRef, settings: dict[str, Any]) -> dict[str, Any]:
    """Spin for the file's `iterations` (pure Python, holds one core); solved when it finishes."""
    spec = json.loads(Path(ref.path).read_text())
    acc = 0
    for i in range(int(spec.get("iterations", 1_000_000))):
        acc = (acc * 31 + i) & 0xFFFFFFFF
    return {"status": "solved", "domain": "synthetic", "program": f"(const {acc})", "attempts": 1}


def write_synthetic_tasks(folder: Path, count: int, iterations: int = 0) -> list[Path]:
    """Create `count` synthetic task files (`task-0001.synth` …) and return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"task-{i:04d}{SUFFIX}"
        path.write_text(json.dumps({"iterations": iterations}))
        paths.append(path)
    return paths


def _list(path: Path) -> list[TaskRef]:
    return [TaskRef(str(path), None, path.stem, "synthetic")]


def register() -> None:
    """Register the `synthetic` format (files ending in `.synth`)."""
    register_format("synthetic", lambda p: p.suffix == SUFFIX, _list)

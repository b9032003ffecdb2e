"""The ARC front-end: task files and datasets (`format`), the `hypsearch.formats` entry (`task_format`),
drawings (`render`) and the public ARC API (`api`): `hypsearch.solvers.arc.solve(task)` runs the grid
domain's symbolic search and returns up to two attempts per test input.

The API's names resolve on first use, so the format entry point (`task_format`, in this package) can be
imported to sniff a file without loading the grid domain.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = ["ArcResult", "solve", "as_task", "load_any", "load_dataset", "load_task", "score_task",
           "write_submission", "render_terminal", "write_png"]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module 'hypsearch.solvers.arc' has no attribute {name!r}")
    value = getattr(import_module("hypsearch.solvers.arc.api"), name)
    globals()[name] = value
    return value

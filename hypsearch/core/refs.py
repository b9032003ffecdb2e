"""TaskRef: a small, picklable pointer to one task inside a file or dataset.

Refs travel to worker processes (and Dask workers) instead of parsed tasks, so the
parent never pays for parsing and a file that cannot be parsed fails in isolation.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class TaskRef:
    """Where one task lives: file path, position inside a multi-task file, id and format.

    `index` is the 0-based line number for JSONL files, the position within the split for
    dataset files, and None for one-task files.  `error` is set when discovery already
    knows the task cannot be read; the runner records it as an `error` row without
    dispatching it.
    """

    path: str
    index: int | None
    id: str
    format: str
    error: str | None = None

    @property
    def file(self) -> Path:
        """The task's file as a Path."""
        return Path(self.path)

    def describe(self) -> str:
        """`path` or `path#index`, for messages and reports."""
        return self.path if self.index is None else f"{self.path}#{self.index}"

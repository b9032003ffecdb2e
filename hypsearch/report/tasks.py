"""The task behind a record, re-read from where the run found it, with its expected outputs and picture.

Expected outputs come from the loader's labels (a LabelledTask's `answers`), never from the Task the solver saw;
attempts come from the record's `predictions`.  A task file that is gone or no longer parses gives a `Loaded`
with `error` set: the page then shows what the record alone says.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from hypsearch.batch.solve import load_task
from hypsearch.core.errors import HypsearchError
from hypsearch.core.formats import available_formats
from hypsearch.core.refs import TaskRef
from hypsearch.core.task import LabelledTask, Task


@dataclass(frozen=True)
class Loaded:
    """A task as the report shows it: the LabelledTask (None if unreadable) and, if so, why not."""

    labelled: LabelledTask | None = None
    error: str = ""

    @property
    def task(self) -> Task | None:
        """The Task the solver saw."""
        return self.labelled.task if self.labelled is not None else None

    @property
    def answers(self) -> tuple[Any, ...]:
        """Expected output per test input (None, or no entry, when not known)."""
        return self.labelled.answers if self.labelled is not None else ()


def ref_of(record: Mapping[str, Any]) -> TaskRef | None:
    """The TaskRef a record was made from (None when the record does not say where its task lives)."""
    source, fmt = record.get("source"), record.get("format")
    if not isinstance(source, str) or not isinstance(fmt, str):
        return None
    index = record.get("index")
    return TaskRef(source, index if isinstance(index, int) else None, str(record["id"]), fmt)


def load(record: Mapping[str, Any]) -> Loaded:
    """The record's task and its expected outputs, or the one-line reason it cannot be read."""
    ref = ref_of(record)
    if ref is None:
        return Loaded(error="the record does not say where its task came from")
    try:
        labelled = load_task(ref)
    except (HypsearchError, OSError, ValueError) as exc:
        return Loaded(error=f"{ref.describe()}: {exc}".splitlines()[0])
    return Loaded(labelled)


def picture(record: Mapping[str, Any], loaded: Loaded, attempts: Sequence[Sequence[Any]]) -> bytes | None:
    """The SVG picture of the task with these attempts, when the record's format draws (None otherwise)."""
    if loaded.labelled is None:
        return None
    fmt = available_formats().get(str(record.get("format")))
    if fmt is None or fmt.picture is None:
        return None
    try:
        return fmt.picture(loaded.labelled, attempts, "svg")
    except (HypsearchError, ValueError, TypeError):
        return None


def attempts_of(record: Mapping[str, Any]) -> list[list[Any]]:
    """Per test input, the attempts the record holds (`predictions`), as plain JSON values."""
    raw = record.get("predictions")
    if not isinstance(raw, list):
        return []
    return [list(a) if isinstance(a, list) else [] for a in raw]

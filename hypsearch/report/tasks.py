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


@dataclass(frozen=True)
class Loaded:
    """A task as the report shows it: the Task (None if unreadable), expected outputs per test, why not."""

    task: Any = None
    answers: tuple[Any, ...] = ()
    error: str = ""


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
        item = load_task(ref)
    except (HypsearchError, OSError, ValueError) as exc:
        return Loaded(error=f"{ref.describe()}: {exc}".splitlines()[0])
    task = getattr(item, "task", item)
    answers = getattr(item, "answers", None)
    if answers is None:  # a loader without labels: the outputs it put on the test inputs
        answers = [getattr(q, "output", None) for q in getattr(task, "tests", ())]
    return Loaded(task, tuple(answers))


def picture(record: Mapping[str, Any], loaded: Loaded, attempts: Sequence[Sequence[Any]]) -> bytes | None:
    """The SVG picture of the task with these attempts, when the record's format draws (None otherwise)."""
    if loaded.task is None:
        return None
    fmt = available_formats().get(str(record.get("format")))
    if fmt is None or fmt.picture is None:
        return None
    try:
        return fmt.picture(loaded.task, loaded.answers, attempts, "svg")
    except (HypsearchError, ValueError, TypeError):
        return None


def attempts_of(record: Mapping[str, Any]) -> list[list[Any]]:
    """Per test input, the attempts the record holds (`predictions`), as plain JSON values."""
    raw = record.get("predictions")
    if not isinstance(raw, list):
        return []
    return [list(a) if isinstance(a, list) else [] for a in raw]

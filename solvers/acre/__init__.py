"""ACRE in Qiu et al.'s JSONL form (`{"input": [object names], "output": "on"}`) as acre Tasks.

Registered under the `hypsearch.formats` entry point `acre`; a `.jsonl` file is claimed
when its first train input is a list of object names.  The ACRE query
`type` of each test (direct, indirect, screen_off, potential) fixes many labels by itself, so it is
answer-revealing: it stays in the answer key (`LabelledTask.hidden["test_types"]`), for reports.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from hypsearch.solvers.jsonl_tasks import first_attempts_json, first_train_input, load_rows, pairs, task_id
from hypsearch.core.errors import InvalidTaskError
from hypsearch.core.formats import TaskFormat
from hypsearch.core.result import Result
from hypsearch.core.task import Example, LabelledTask, Signature, Task

SIGNATURE = Signature((("x", "Objects"),), "Label")


def detect(path: Path) -> bool:
    """A `.jsonl` file whose first train input is a list of object names."""
    first = first_train_input(path)
    return isinstance(first, list) and bool(first) and all(isinstance(o, str) for o in first)


def _example(pair: Mapping[str, Any], tid: str, where: str) -> Example:
    from hypsearch.domains.acre.semantics import LABELS, is_object  # the DSL only once a file is ACRE's

    objs = pair["input"]
    if not isinstance(objs, list) or not all(is_object(o) for o in objs):
        raise InvalidTaskError(f"task {tid}: {where}: input must be a list of object names, found {objs!r:.60}")
    label = pair.get("output")
    if label is not None and (not isinstance(label, str) or label not in LABELS):
        raise InvalidTaskError(f"task {tid}: {where}: output {label!r:.40} is not one of {', '.join(LABELS)}")
    return Example((frozenset(objs),), label)


def task_from_row(row: Mapping[str, Any], tid: str, source: str = "") -> LabelledTask:
    """One ACRE line as a Task `f(x: Objects) -> Label`."""
    train = pairs(row, "train", tid, source)
    test = pairs(row, "test", tid, source)
    examples = tuple(_example(p, tid, f"train pair {i}") for i, p in enumerate(train, 1))
    if any(ex.output == "undetermined" for ex in examples):
        raise InvalidTaskError(f"task {tid}: train panels must be on or off")
    return LabelledTask.build(
        tid, "acre", SIGNATURE, examples, tuple(_example(p, tid, f"test pair {i}") for i, p in enumerate(test, 1)),
        source=source or tid, hidden={"test_types": tuple(str(p.get("type", "")) for p in test)},
    )


def load(path: str | Path) -> list[LabelledTask]:
    """Every task of an ACRE JSONL file, in file order."""
    return load_rows(path, lambda row, n, where: task_from_row(row, task_id(path, row, n), where))


def render(task: Task, result: Result) -> str:
    """The predicted label of every test panel, as one JSON object."""
    return first_attempts_json(task.id, result.predictions)


FORMAT = TaskFormat("acre", detect, load, render)

"""MiniSCAN in Qiu et al.'s JSONL form (`{"input": "dax fep", "output": "RED RED RED"}`) as Tasks.

Registered under the `hypsearch.formats` entry point `miniscan`; a `.jsonl` file is claimed
when its first train input is a sentence of letter-only words (List Functions inputs,
`"[1, 2]"`, are not).  Reads `scan.jsonl` and `scan_rand.jsonl` alike.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from hypsearch.solvers.jsonl_tasks import first_attempts_json, first_train_input, load_rows, pairs, task_id
from hypsearch.core.errors import InvalidTaskError
from hypsearch.core.formats import TaskFormat
from hypsearch.core.result import Result
from hypsearch.core.task import Example, LabelledTask, Signature, Task

SIGNATURE = Signature((("x", "String"),), "String")


def _is_sentence(value: Any) -> bool:
    return isinstance(value, str) and bool(value.split()) and all(w.isalpha() for w in value.split())


def detect(path: Path) -> bool:
    """A `.jsonl` file whose first train input is a sentence of words."""
    return _is_sentence(first_train_input(path))


def _text(value: Any, tid: str, where: str) -> str:
    if not isinstance(value, str) or '"' in value:
        raise InvalidTaskError(f"task {tid}: {where} must be a string of words without double quotes, "
                               f"found {value!r:.60}")
    return " ".join(value.split())


def task_from_row(row: Mapping[str, Any], tid: str, source: str = "") -> LabelledTask:
    """One MiniSCAN line as a Task `f(x: String) -> String` (words and colours space-separated)."""
    def example(p: Mapping[str, Any], where: str) -> Example:
        out = p.get("output")
        return Example((_text(p["input"], tid, where + " input"),),
                       None if out is None else _text(out, tid, where + " output"))

    train = pairs(row, "train", tid, source)
    test = pairs(row, "test", tid, source)
    return LabelledTask.build(
        tid, "miniscan", SIGNATURE,
        tuple(example(p, f"train pair {i}") for i, p in enumerate(train, 1)),
        tuple(example(p, f"test pair {i}") for i, p in enumerate(test, 1)),
        source=source or tid,
    )


def load(path: str | Path) -> list[LabelledTask]:
    """Every task of a MiniSCAN JSONL file, in file order."""
    return load_rows(path, lambda row, n, where: task_from_row(row, task_id(path, row, n), where))


def render(task: Task, result: Result) -> str:
    """The predicted colour sequence of every test sentence, as one JSON object."""
    return first_attempts_json(task.id, result.predictions)


FORMAT = TaskFormat("miniscan", detect, load, render)

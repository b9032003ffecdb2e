"""Reading the `{"idx", "train", "test"}` JSONL files of Qiu et al. (MiniSCAN, ACRE, MiniARC, …).

Every line is one task; `train`/`test` hold `{"input": ..., "output": ...}` pairs.  The
datasets differ only in what an input is, so format detection peeks at the first one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping

from hypsearch.core.errors import InputSyntaxError, InvalidTaskError, SourceLocation, caret_context


def read_jsonl(path: str | Path) -> list[tuple[int, Mapping[str, Any]]]:
    """The JSON objects of a JSONL file with their 1-based line numbers (blank lines skipped)."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    rows: list[tuple[int, Mapping[str, Any]]] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            loc = SourceLocation(str(path), lineno, exc.colno, caret_context(text, lineno, exc.colno))
            raise InputSyntaxError(f"invalid JSON: {exc.msg}", loc) from None
        if not isinstance(obj, Mapping):
            raise InvalidTaskError(f"{path}:{lineno}: expected a JSON object with train and test pairs")
        rows.append((lineno, obj))
    return rows


def first_train_input(path: str | Path) -> Any:
    """The first train input of a `{idx, train, test}` JSONL file, or None when it is not one."""
    path = Path(path)
    if path.suffix != ".jsonl" or not path.is_file():
        return None
    try:
        with path.open(encoding="utf-8") as fh:
            obj = json.loads(fh.readline())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(obj, dict) or not {"train", "test"} <= obj.keys():
        return None
    train = obj["train"]
    if not isinstance(train, list) or not train or not isinstance(train[0], dict):
        return None
    return train[0].get("input")


def pairs(row: Mapping[str, Any], key: str, task_id: str) -> list[Mapping[str, Any]]:
    """The `train` or `test` pairs of one line, checked to be objects with an `input`."""
    found = row.get(key)
    if not isinstance(found, list) or not found:
        raise InvalidTaskError(f"task {task_id}: no {key} pairs")
    for i, pair in enumerate(found, 1):
        if not isinstance(pair, Mapping) or "input" not in pair:
            raise InvalidTaskError(f"task {task_id}: {key} pair {i} has no input")
        if key == "train" and pair.get("output") is None:
            raise InvalidTaskError(f"task {task_id}: train pair {i} has no output")
    return found


def task_id(path: str | Path, row: Mapping[str, Any], lineno: int) -> str:
    """`<file stem>/<idx>` (the line's index when it has no `idx`)."""
    return f"{Path(path).stem}/{row.get('idx', lineno - 1)}"

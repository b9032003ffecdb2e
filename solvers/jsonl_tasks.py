"""Reading the `{"idx", "train", "test"}` JSONL files of Qiu et al. (MiniSCAN, ACRE, MiniARC, …).

Every line is one task; `train`/`test` hold `{"input": ..., "output": ...}` pairs.  The
datasets differ only in what an input is, so format detection peeks at the first one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Mapping, TypeVar

from hypsearch.core.errors import InputSyntaxError, InvalidTaskError, SourceLocation, caret_context

T = TypeVar("T")


def read_text(path: str | Path) -> str:
    """A task file's text (UTF-8); InputSyntaxError at the first byte that is not UTF-8."""
    path = Path(path)
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        shown = data.decode("utf-8", errors="replace")
        raise InputSyntaxError("the file is not valid UTF-8",
                               SourceLocation(str(path), line, column, caret_context(shown, line, column))) from None


def parse_json(text: str, path: str | Path, line: int = 1) -> Any:
    """`json.loads(text)`; every failure (syntax, nesting, over-long numbers) is an InputSyntaxError
    located in the file (`text` starts on line `line` of it)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        at = line + exc.lineno - 1
        loc = SourceLocation(str(path), at, exc.colno, caret_context(text, exc.lineno, exc.colno))
        raise InputSyntaxError(f"invalid JSON: {exc.msg}", loc) from None
    except RecursionError:
        raise InputSyntaxError("JSON nested too deeply to read",
                               SourceLocation(str(path), line, 1)) from None
    except ValueError as exc:  # e.g. an integer of more digits than Python converts
        raise InputSyntaxError(f"invalid JSON: {exc}".split("; use")[0],
                               SourceLocation(str(path), line, 1)) from None


def read_jsonl(path: str | Path) -> list[tuple[int, Mapping[str, Any]]]:
    """The JSON objects of a JSONL file with their 1-based line numbers (blank lines skipped)."""
    path = Path(path)
    text = read_text(path)
    rows: list[tuple[int, Mapping[str, Any]]] = []
    for lineno, line in enumerate(text.split("\n"), 1):  # only \n ends a line (as the batch reads it)
        if not line.strip():
            continue
        obj = parse_json(line, path, lineno)
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
    except (OSError, ValueError, RecursionError):  # unreadable, not UTF-8, not JSON
        return None
    if not isinstance(obj, dict) or not {"train", "test"} <= obj.keys():
        return None
    train = obj["train"]
    if not isinstance(train, list) or not train or not isinstance(train[0], dict):
        return None
    return train[0].get("input")


def pairs(row: Mapping[str, Any], key: str, task_id: str, where: str = "") -> list[Mapping[str, Any]]:
    """The `train` or `test` pairs of one line, checked to be objects with an `input` (train: and an
    `output`); `where` (`file:line`) starts the message."""
    head = f"{where}: task {task_id}" if where else f"task {task_id}"
    found = row.get(key)
    if not isinstance(found, list) or not found:
        got = "none" if found is None else f"{type(found).__name__} {short_json(found)}"
        raise InvalidTaskError(f"{head}: no {key} pairs (expected a non-empty list of "
                               f"{{\"input\", \"output\"}} objects, found {got})")
    for i, pair in enumerate(found, 1):
        if not isinstance(pair, Mapping):
            raise InvalidTaskError(f"{head}: {key} pair {i} is {type(pair).__name__} {short_json(pair)}, "
                                   "expected an object with input and output")
        if "input" not in pair:
            raise InvalidTaskError(f"{head}: {key} pair {i} has no input")
        if key == "train" and pair.get("output") is None:
            raise InvalidTaskError(f"{head}: train pair {i} has no output")
    return found


def short_json(value: Any, most: int = 40) -> str:
    try:
        text = json.dumps(value, default=str) if not isinstance(value, str) else repr(value)
    except (ValueError, RecursionError):
        text = type(value).__name__
    return text if len(text) <= most else text[:most] + "…"


def load_rows(path: str | Path, build: Callable[[Mapping[str, Any], int, str], T]) -> list[T]:
    """`build(row, lineno, where)` for every line of a JSONL file; an InvalidTaskError from one line
    is raised naming `file:line` (`where`) first."""
    out = []
    for lineno, row in read_jsonl(path):
        where = f"{path}:{lineno}"
        try:
            out.append(build(row, lineno, where))
        except InvalidTaskError as exc:
            raise located(where, exc) from None
    return out


def located(where: str, exc: InvalidTaskError) -> InvalidTaskError:
    """`exc` with `where` (a file, `file:line`) in front, unless its message starts with it already."""
    return exc if str(exc).startswith(where) else InvalidTaskError(f"{where}: {exc}")


def task_id(path: str | Path, row: Mapping[str, Any], lineno: int) -> str:
    """`<file stem>/<idx>` (the line's index when it has no `idx`)."""
    return f"{Path(path).stem}/{row.get('idx', lineno - 1)}"


def first_attempts_json(task_id: str, predictions: Any) -> str:
    """`{"task": id, "predictions": [first attempt of each test input, or null]}` (one answer per test)."""
    return json.dumps({"task": task_id, "predictions": [attempts[0] if attempts else None for attempts in predictions]})

"""Task formats of the Lists domain: List Functions (Qiu et al. JSONL, Rule's JSON) and 1D-ARC.

Each is a `hypsearch.core.formats.TaskFormat`, registered through the `hypsearch.formats`
entry-point group, so `hypsearch solve FILE` and the benchmark runner read these files
the same way they read SyGuS.  Lists become tuples of ints; a one-row grid becomes the
list of its colours.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypsearch.core.errors import InvalidTaskError
from hypsearch.core.formats import TaskFormat
from hypsearch.core.result import Result
from hypsearch.core.task import Example, Signature, Task

SIGNATURE = Signature((("xs", "List"),), "List")


def _as_list(value: Any, where: str) -> tuple[int, ...]:
    """A JSON list of ints (or its text, as Qiu et al. store it) as a tuple."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise InvalidTaskError(f"{where}: not a list literal: {value!r:.60}") from exc
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise InvalidTaskError(f"{where}: expected a list of integers, got {value!r:.60}")
    return tuple(value)


def _row(grid: Any, where: str) -> tuple[int, ...]:
    if not (isinstance(grid, list) and len(grid) == 1):
        raise InvalidTaskError(f"{where}: a 1D-ARC grid must have exactly one row")
    return _as_list(grid[0], where)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InvalidTaskError(f"{path}: invalid JSON at line {exc.lineno}: {exc.msg}") from exc


# -- List Functions ------------------------------------------------------------------

def load_list_functions(path: Path) -> list[Task]:
    """Qiu et al.'s `list_function*.jsonl` (one task per line) or one of Rule's `cNNN_K.json` files."""
    path = Path(path)
    if path.suffix == ".json":
        data = _read_json(path)
        pairs = [Example((_as_list(d["i"], f"{path}"),), _as_list(d["o"], f"{path}")) for d in data["data"]]
        return [Task(path.stem, "lists", SIGNATURE, tuple(pairs[:8]), tuple(pairs[8:]), source=str(path),
                     metadata={"program": data.get("program", "")})]
    tasks = []
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidTaskError(f"{path}:{line_no}: invalid JSON: {exc.msg}") from exc
        where = f"{path}:{line_no}"

        def examples(key: str) -> tuple[Example, ...]:
            return tuple(Example((_as_list(e["input"], where),), _as_list(e["output"], where)) for e in row[key])

        idx = int(row.get("idx", line_no - 1))
        tasks.append(Task(f"c{idx + 1:03d}", "lists", SIGNATURE, examples("train"), examples("test"),
                          source=f"{path}#{idx}"))
    return tasks


def _detect_list_functions(path: Path) -> bool:
    path = Path(path)
    try:
        if path.suffix == ".jsonl":
            first = json.loads(path.read_text(encoding="utf-8").split("\n", 1)[0])
            return "train" in first and isinstance(first["train"][0]["input"], str) and \
                first["train"][0]["input"].startswith("[")
        if path.suffix == ".json":
            data = _read_json(path)
            return isinstance(data, dict) and "data" in data and isinstance(data["data"][0].get("i"), list)
    except (OSError, ValueError, KeyError, IndexError, TypeError, InvalidTaskError):
        return False
    return False


def _render(task: Task, result: Result) -> str:
    """The program, then the predicted test outputs as JSON lists."""
    lines = [result.program_text or f"; {result.status.value}: {result.stop_reason}"]
    for attempts in result.predictions:
        lines.append(json.dumps([list(a) if isinstance(a, tuple) else a for a in attempts]))
    return "\n".join(lines)


LIST_FUNCTIONS = TaskFormat("list-functions", _detect_list_functions, load_list_functions, _render)


# -- 1D-ARC --------------------------------------------------------------------------

def load_1darc(path: Path) -> list[Task]:
    """One 1D-ARC task file (ARC JSON whose grids are single rows), or a folder of them."""
    path = Path(path)
    if path.is_dir():
        return [t for f in sorted(path.rglob("*.json")) for t in load_1darc(f)]
    data = _read_json(path)
    where = str(path)

    def examples(key: str) -> tuple[Example, ...]:
        return tuple(Example((_row(e["input"], where),), _row(e["output"], where)) for e in data.get(key, []))

    return [Task(path.stem, "lists", SIGNATURE, examples("train"), examples("test"), source=str(path),
                 metadata={"concept": path.parent.name})]


def _detect_1darc(path: Path) -> bool:
    path = Path(path)
    if path.suffix != ".json" or not path.is_file():
        return False
    try:
        data = _read_json(path)
        grids = [g for e in (*data["train"], *data["test"]) for g in (e["input"], e.get("output", [[0]]))]
        return all(isinstance(g, list) and len(g) == 1 for g in grids)
    except (OSError, KeyError, TypeError, InvalidTaskError):
        return False


def load_1darc_split(path: Path) -> list[Task]:
    """The Hypothesis Search split file (`[{concept, filename}, …]`), resolved beside `../dataset`."""
    path = Path(path)
    entries = _read_json(path)
    root = path.parent.parent / "dataset"
    tasks = []
    for entry in entries:
        name = entry["filename"]
        task_file = root / name.rsplit("_", 1)[0] / name
        if not task_file.exists():
            raise InvalidTaskError(f"{path}: split entry {name} not found under {root}")
        tasks.extend(load_1darc(task_file))
    return tasks


def _detect_1darc_split(path: Path) -> bool:
    path = Path(path)
    if path.suffix != ".json" or not path.is_file():
        return False
    try:
        data = _read_json(path)
        return isinstance(data, list) and bool(data) and all("filename" in e and "concept" in e for e in data)
    except (OSError, TypeError, InvalidTaskError):
        return False


ONE_D_ARC = TaskFormat("1d-arc", _detect_1darc, load_1darc, _render)
ONE_D_ARC_SPLIT = TaskFormat("1d-arc-split", _detect_1darc_split, load_1darc_split, _render)

__all__ = ["LIST_FUNCTIONS", "ONE_D_ARC", "ONE_D_ARC_SPLIT", "load_list_functions", "load_1darc", "load_1darc_split"]

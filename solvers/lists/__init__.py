"""Task formats of the Lists domain: List Functions (Qiu et al. JSONL, Rule's JSON) and 1D-ARC.

Each is a `hypsearch.core.formats.TaskFormat`, registered through the `hypsearch.formats`
entry-point group, so `hypsearch solve FILE` and the benchmark runner read these files
the same way they read SyGuS.  Lists become tuples of ints; a one-row grid becomes the
list of its colours.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from hypsearch.solvers.jsonl_tasks import pairs, parse_json, read_text
from hypsearch.core.errors import InputSyntaxError, InvalidTaskError
from hypsearch.core.formats import TaskFormat
from hypsearch.core.result import Result
from hypsearch.core.task import Example, LabelledTask, Signature

SIGNATURE = Signature((("xs", "List"),), "List")


def _as_list(value: Any, where: str) -> tuple[int, ...]:
    """A JSON list of ints (or its text, as Qiu et al. store it) as a tuple."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            raise InvalidTaskError(f"{where}: not a list literal: {value!r:.60}") from None
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise InvalidTaskError(f"{where}: expected a list of integers, got {_shown(value)}")
    return tuple(value)


def _shown(value: Any, most: int = 60) -> str:
    try:
        text = json.dumps(value)
    except (ValueError, RecursionError, TypeError):
        text = type(value).__name__
    return text if len(text) <= most else text[:most] + "…"


def _object(value: Any, where: str, wanted: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidTaskError(f"{where}: expected {wanted}, found {type(value).__name__} {_shown(value, 40)}")
    return value


def _row(grid: Any, where: str) -> tuple[int, ...]:
    if not (isinstance(grid, list) and len(grid) == 1):
        raise InvalidTaskError(f"{where}: a 1D-ARC grid must have exactly one row, found {_shown(grid, 40)}")
    return _as_list(grid[0], where)


def _read_json(path: Path) -> Any:
    return parse_json(read_text(path), path)


# -- List Functions ------------------------------------------------------------------

def load_list_functions(path: Path) -> list[LabelledTask]:
    """Qiu et al.'s `list_function*.jsonl` (one task per line) or one of Rule's `cNNN_K.json` files.

    Rule's files name the ground-truth program: it goes to the answer key (`hidden["program"]`)."""
    path = Path(path)
    if path.suffix == ".json":
        data = _object(_read_json(path), str(path), 'an object with a "data" list of {"i", "o"} pairs')
        rows = data.get("data")
        if not isinstance(rows, list) or not rows:
            raise InvalidTaskError(f"{path}: \"data\" must be a non-empty list of {{\"i\", \"o\"}} pairs, "
                                   f"found {_shown(rows, 40)}")
        examples = []
        for k, d in enumerate(rows, 1):
            d = _object(d, f"{path}: pair {k}", 'an object {"i": [...], "o": [...]}')
            for key in ("i", "o"):
                if key not in d:
                    raise InvalidTaskError(f"{path}: pair {k} has no {key!r}")
            examples.append(Example((_as_list(d["i"], f"{path}: pair {k} i"),), _as_list(d["o"], f"{path}: pair {k} o")))
        program = data.get("program", "")
        return [LabelledTask.build(path.stem, "lists", SIGNATURE, examples[:8], examples[8:], source=str(path),
                                   hidden={"program": program if isinstance(program, str) else ""})]
    tasks = []
    for line_no, line in enumerate(read_text(path).split("\n"), 1):
        if not line.strip():
            continue
        where = f"{path}:{line_no}"
        row = _object(parse_json(line, path, line_no), where, "an object with train and test pairs")
        idx = row.get("idx", line_no - 1)
        if isinstance(idx, bool) or not isinstance(idx, int) or not 0 <= idx < 10**9:
            raise InvalidTaskError(f"{where}: idx must be a task number, found {_shown(idx, 40)}")
        tid = f"c{idx + 1:03d}"

        def examples(key: str) -> tuple[Example, ...]:
            out = []
            for k, e in enumerate(pairs(row, key, tid, where), 1):
                at = f"{where}: task {tid}: {key} pair {k}"
                output = e.get("output")
                out.append(Example((_as_list(e["input"], f"{at} input"),),
                                   None if output is None else _as_list(output, f"{at} output")))
            return tuple(out)

        tasks.append(LabelledTask.build(tid, "lists", SIGNATURE, examples("train"), examples("test"),
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
    except (OSError, ValueError, KeyError, IndexError, TypeError, AttributeError, RecursionError,
            InputSyntaxError, InvalidTaskError):
        return False
    return False


def _render(task: "Task", result: Result) -> str:
    """The program, then the predicted test outputs as JSON lists."""
    lines = [result.program_text or f"; {result.status.value}: {result.stop_reason}"]
    for attempts in result.predictions:
        lines.append(json.dumps([list(a) if isinstance(a, tuple) else a for a in attempts]))
    return "\n".join(lines)


LIST_FUNCTIONS = TaskFormat("list-functions", _detect_list_functions, load_list_functions, _render)


# -- 1D-ARC --------------------------------------------------------------------------

def load_1darc(path: Path) -> list[LabelledTask]:
    """One 1D-ARC task file (ARC JSON whose grids are single rows), or a folder of them."""
    path = Path(path)
    if path.is_dir():
        return [t for f in sorted(path.rglob("*.json")) for t in load_1darc(f)]
    data = _object(_read_json(path), str(path), "an ARC task object with train and test pairs")
    where = str(path)

    def examples(key: str) -> tuple[Example, ...]:
        out = []
        for k, e in enumerate(pairs(data, key, path.stem, where), 1):
            at = f"{where}: {key} pair {k}"
            output = e.get("output")
            out.append(Example((_row(e["input"], f"{at} input"),),
                               None if output is None else _row(output, f"{at} output")))
        return tuple(out)

    return [LabelledTask.build(path.stem, "lists", SIGNATURE, examples("train"), examples("test"), source=str(path),
                               hidden={"concept": path.parent.name})]


def _detect_1darc(path: Path) -> bool:
    path = Path(path)
    if path.suffix != ".json" or not path.is_file():
        return False
    try:
        data = _read_json(path)
        grids = [g for e in (*data["train"], *data["test"]) for g in (e["input"], e.get("output", [[0]]))]
        return all(isinstance(g, list) and len(g) == 1 for g in grids)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError, InputSyntaxError,
            InvalidTaskError):
        return False


def load_1darc_split(path: Path) -> list[LabelledTask]:
    """The Hypothesis Search split file (`[{concept, filename}, …]`), resolved beside `../dataset`."""
    path = Path(path)
    entries = _read_json(path)
    if not isinstance(entries, list) or not entries:
        raise InvalidTaskError(f"{path}: expected a non-empty list of {{\"concept\", \"filename\"}} entries, "
                               f"found {_shown(entries, 40)}")
    root = path.parent.parent / "dataset"
    tasks = []
    for k, entry in enumerate(entries, 1):
        name = entry.get("filename") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9][\w.-]{0,200}_[\w.-]*\.json", name):
            raise InvalidTaskError(f"{path}: entry {k}: expected \"filename\": \"<concept>_<n>.json\", "
                                   f"found {_shown(entry, 40)}")
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
    except (OSError, ValueError, TypeError, RecursionError, InputSyntaxError, InvalidTaskError):
        return False


ONE_D_ARC = TaskFormat("1d-arc", _detect_1darc, load_1darc, _render)
ONE_D_ARC_SPLIT = TaskFormat("1d-arc-split", _detect_1darc_split, load_1darc_split, _render)

__all__ = ["LIST_FUNCTIONS", "ONE_D_ARC", "ONE_D_ARC_SPLIT", "load_list_functions", "load_1darc", "load_1darc_split"]

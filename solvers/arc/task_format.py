"""ARC task files, folders and named datasets as a hypsearch TaskFormat.

`hypsearch solve task.json` prints each test input's attempts as digit rows with the
programs behind them; `--out submission.json` writes the ARC Prize submission; where the
test outputs are known the CLI prints the score.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from hypsearch.core.formats import TaskFormat
from hypsearch.core.result import Result
from hypsearch.core.task import LabelledTask, Task


# The reader (`format`, which loads the grid domain) is imported only once a file is ARC's: detecting a
# `.sl` file must not import numpy and the grid primitives.

def _is_dataset(path: Path) -> bool:
    if ":" not in str(path):
        return False
    from hypsearch.solvers.arc.format import DATASETS

    return str(path) in DATASETS


def detect(path: Path) -> bool:
    """A dataset name (`arc:evaluation`), a folder of task JSONs, or a JSON object with train/test."""
    if _is_dataset(path):
        return True
    if path.is_dir():
        return any(path.glob("*.json"))
    if path.suffix.lower() != ".json" or not path.is_file():
        return False
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096).lstrip()
    except OSError:
        return False
    return head.startswith(b"{") and (b'"train"' in head or b'"test"' in head)


def _rows(grid: object) -> str:
    if grid is None:
        return "(none)"
    return "\n".join("".join(str(c) for c in row) for row in grid.to_lists())  # type: ignore[attr-defined]


def render(task: Task, result: Result) -> str:
    """Programs, then each test input's attempts as digit rows."""
    lines = [f"task {task.id}: {result.status.value}"]
    programs = (result.program_text, *result.alternatives) if result.program_text else ()
    for k, text in enumerate(programs, 1):
        lines.append(f"attempt {k} program: {text}")
    for i, attempts in enumerate(result.predictions, 1):
        for k, grid in enumerate(attempts, 1):
            lines.append(f"test {i} attempt {k}:")
            lines.append(_rows(grid))
    return "\n".join(lines)


def write_outputs(path: Path, solved: Sequence[tuple[LabelledTask, Result]]) -> str:
    """Write the ARC Prize submission.json; return a one-line score when answers are known."""
    from hypsearch.solvers.arc.format import score_task, write_submission

    predictions = {t.id: (r.predictions or tuple(() for _ in t.task.tests)) for t, r in solved}
    write_submission(path, predictions)
    known = [(t, r) for t, r in solved if t.known]
    if not known:
        return f"wrote {path} ({len(solved)} tasks)"
    right = sum(score_task(t, r.predictions) for t, r in known)
    return f"wrote {path}: {right} of {len(known)} tasks right within two attempts"


def show(task: LabelledTask, result: Result, png: Path | None) -> str:
    """The task and its predictions in ARC colours; a picture (PNG or SVG by suffix) when a path is given."""
    from hypsearch.solvers.arc.picture import write_picture
    from hypsearch.solvers.arc.render import render_terminal

    text = render_terminal(task, result.predictions, result.program_text)
    if png is not None:
        write_picture(png, task.task, task.answers, result.predictions)
        text += f"\nwrote {png}"
    return text


def picture(task: LabelledTask, attempts: Sequence[Sequence[object]], kind: str) -> bytes:
    """Labelled panels of the task with its expected outputs (the answer key) and attempts, as SVG or PNG bytes."""
    from hypsearch.solvers.arc.picture import picture as draw

    return draw(task.task, task.answers, attempts, kind)


def load(path: Path) -> list[LabelledTask]:
    """The tasks of a dataset name, a folder or a task file."""
    from hypsearch.solvers.arc.format import load_any

    return list(load_any(str(path) if _is_dataset(path) else path))


FORMAT = TaskFormat(
    name="arc",
    detect=detect,
    load=load,
    render=render,
    write_outputs=write_outputs,
    show=show,
    picture=picture,
)

__all__ = ["FORMAT", "detect", "render", "write_outputs"]

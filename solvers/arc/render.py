"""Seeing ARC tasks: ANSI terminal rendering; `write_png` draws the labelled picture of `picture.py`."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from hypsearch.domains.grid.values import Grid
from hypsearch.core.task import LabelledTask

ARC_RGB = ((0, 0, 0), (0, 116, 217), (255, 65, 54), (46, 204, 64), (255, 220, 0),
           (170, 170, 170), (240, 18, 190), (255, 133, 27), (127, 219, 255), (135, 12, 37))
"""The standard ARC palette, colour 0 to 9."""


def _ansi_rows(g: Grid | None) -> list[str]:
    if g is None:
        return ["(none)"]
    return ["".join(f"\x1b[48;2;{r};{gg};{b}m  " for r, gg, b in (ARC_RGB[int(v)] for v in row)) + "\x1b[0m"
            for row in g.a]


def _side_by_side(blocks: Sequence[tuple[str, Grid | None]]) -> str:
    cols = [([title] + _ansi_rows(g), (g.shape[1] * 2) if g is not None else 6) for title, g in blocks]
    widths = [max(w, len(rows[0])) for rows, w in cols]
    height = max(len(rows) for rows, _ in cols)
    lines = []
    for i in range(height):
        parts = []
        for (rows, w), width in zip(cols, widths):
            cell = rows[i] if i < len(rows) else ""
            visible = len(rows[0]) if i == 0 else (w if i < len(rows) else 0)
            parts.append(cell + " " * (width - visible))
        lines.append("   ".join(parts).rstrip())
    return "\n".join(lines)


def render_terminal(task: LabelledTask, predictions: Sequence[Sequence[Grid | None]] = (),
                    program: str = "") -> str:
    """The task's pairs and each test's attempts (beside its answer, where known) as ANSI colour blocks."""
    out = [f"task {task.id}" + (f"   program: {program}" if program else "")]
    for i, ex in enumerate(task.task.examples, 1):
        out.append(f"train {i}")
        out.append(_side_by_side([("input", ex.inputs[0]), ("output", ex.output)]))
    for i, ex in enumerate(task.test_pairs()):
        attempts = list(predictions[i]) if i < len(predictions) else []
        blocks = [("input", ex.inputs[0]), ("expected", ex.output)]
        for k, g in enumerate(attempts[:2], 1):
            mark = "" if ex.output is None else (" ok" if g == ex.output else " wrong")
            blocks.append((f"attempt {k}{mark}", g))
        out.append(f"test {i + 1}")
        out.append(_side_by_side(blocks))
    return "\n".join(out) + "\n"


def write_png(path: str | Path, task: LabelledTask, predictions: Sequence[Sequence[Grid | None]] = ()) -> Path:
    """Write the labelled task picture (`picture.write_picture`) as PNG, expected outputs from the answer key."""
    from hypsearch.solvers.arc.picture import write_picture

    path = Path(path)
    return write_picture(path if path.suffix.lower() == ".png" else path.with_suffix(".png"),
                         task.task, task.answers, predictions)

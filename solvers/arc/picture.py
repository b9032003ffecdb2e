"""ARC task pictures a person can read: labelled panels, grid lines, the ARC palette (drawsvg; PNG via cairosvg).

One row per train pair (input → output, each titled with its size), then one row per test input: the
input, the expected output where it is known, and attempts 1 and 2 framed green (right) or red (wrong).
Expected outputs are passed in by the caller (from a LabelledTask or a batch record), never read from
the Task.  Cells shrink with the largest grid of the task so a 30×30 grid still fits a screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import drawsvg
import numpy as np

from hypsearch.core.errors import ConfigError

PALETTE = ("#000000", "#0074d9", "#ff4136", "#2ecc40", "#ffdc00", "#aaaaaa", "#f012be", "#ff851b", "#7fdbff",
           "#870c25")
"""The standard ARC palette, colour 0 to 9 (the same colours as the terminal rendering)."""

RIGHT, WRONG, NEUTRAL = "#1a7f37", "#cf222e", "#57606a"
FONT = "DejaVu Sans, Verdana, sans-serif"
TITLE_H, GAP, ARROW_W, LABEL_W, MARGIN = 22, 14, 34, 64, 12


@dataclass(frozen=True)
class Panel:
    """One grid to draw with its title; `verdict` True/False frames it green/red (None: no verdict)."""

    title: str
    grid: np.ndarray | None
    verdict: bool | None = None


def as_array(value: Any) -> np.ndarray | None:
    """A 2-D int array from a Grid, a list of rows (ARC JSON) or an array; None when it is not a grid."""
    if value is None:
        return None
    raw = getattr(value, "a", value)
    try:
        arr = np.asarray(raw, dtype=np.int64)
    except (TypeError, ValueError):
        return None
    return arr if arr.ndim == 2 and arr.size else None


def cell_size(largest_side: int) -> float:
    """Pixels per cell: big cells for small grids, 9 px for 30×30 (a 270 px panel)."""
    return float(max(9, min(28, 270 // max(largest_side, 1))))


def _grid(arr: np.ndarray, x: float, y: float, cell: float) -> drawsvg.Group:
    """Cells as horizontal runs of one colour over a black ground, then thin grey grid lines."""
    rows, cols = arr.shape
    group = drawsvg.Group()
    group.append(drawsvg.Rectangle(x, y, cols * cell, rows * cell, fill=PALETTE[0]))
    for r in range(rows):
        c = 0
        while c < cols:
            colour = int(arr[r, c])
            end = c
            while end < cols and int(arr[r, end]) == colour:
                end += 1
            if colour != 0:
                group.append(drawsvg.Rectangle(x + c * cell, y + r * cell, (end - c) * cell, cell,
                                               fill=PALETTE[colour % len(PALETTE)]))
            c = end
    lines = [f"M{x + c * cell:.1f},{y:.1f}v{rows * cell:.1f}" for c in range(1, cols)]
    lines += [f"M{x:.1f},{y + r * cell:.1f}h{cols * cell:.1f}" for r in range(1, rows)]
    if lines:
        group.append(drawsvg.Path("".join(lines), stroke="#555555", stroke_width=0.6, fill="none"))
    group.append(drawsvg.Rectangle(x, y, cols * cell, rows * cell, fill="none", stroke="#888888", stroke_width=1))
    return group


def _title_width(panel: Panel) -> float:
    """Room the title takes at 13 px (bold titles, the verdicts, run wider)."""
    return (8.6 if panel.verdict is not None else 7.6) * len(panel.title)


def _panel_size(panel: Panel, cell: float) -> tuple[float, float]:
    if panel.grid is None:
        return max(90.0, _title_width(panel)), TITLE_H + 40.0
    rows, cols = panel.grid.shape
    return max(cols * cell, _title_width(panel)), TITLE_H + rows * cell


def _draw_panel(d: drawsvg.Drawing, panel: Panel, x: float, y: float, cell: float) -> None:
    colour = NEUTRAL if panel.verdict is None else (RIGHT if panel.verdict else WRONG)
    d.append(drawsvg.Text(panel.title, 13, x, y + 15, font_family=FONT, fill=colour,
                          font_weight="bold" if panel.verdict is not None else "normal"))
    if panel.grid is None:
        d.append(drawsvg.Rectangle(x, y + TITLE_H, 80, 34, fill="#f6f8fa", stroke="#d0d7de", stroke_dasharray="4 3"))
        d.append(drawsvg.Text("none", 12, x + 40, y + TITLE_H + 21, font_family=FONT, fill=NEUTRAL,
                              text_anchor="middle"))
        return
    d.append(_grid(panel.grid, x, y + TITLE_H, cell))
    if panel.verdict is not None:
        rows, cols = panel.grid.shape
        d.append(drawsvg.Rectangle(x - 3, y + TITLE_H - 3, cols * cell + 6, rows * cell + 6, fill="none",
                                   stroke=colour, stroke_width=3))


def _arrow(d: drawsvg.Drawing, x: float, y: float) -> None:
    d.append(drawsvg.Line(x + 6, y, x + ARROW_W - 8, y, stroke=NEUTRAL, stroke_width=2))
    d.append(drawsvg.Lines(x + ARROW_W - 14, y - 5, x + ARROW_W - 6, y, x + ARROW_W - 14, y + 5,
                           fill=NEUTRAL, close=True))


def _size(arr: np.ndarray | None) -> str:
    return "" if arr is None else f" {arr.shape[0]}×{arr.shape[1]}"


def task_rows(task: Any, answers: Sequence[Any] = (), attempts: Sequence[Sequence[Any]] = ()
              ) -> list[tuple[str, list[Panel]]]:
    """(row label, panels) for every train pair and test input; panel 0 → panel 1 gets an arrow."""
    rows: list[tuple[str, list[Panel]]] = []
    for i, ex in enumerate(task.examples, 1):
        inp, out = as_array(ex.inputs[0]), as_array(ex.output)
        rows.append((f"train {i}", [Panel("input" + _size(inp), inp), Panel("output" + _size(out), out)]))
    for i, query in enumerate(task.tests):
        inp = as_array(query.inputs[0])
        expected = as_array(answers[i]) if i < len(answers) else None
        panels = [Panel("input" + _size(inp), inp)]
        if expected is not None:
            panels.append(Panel("expected" + _size(expected), expected))
        tries = list(attempts[i])[:2] if i < len(attempts) else []
        for k, guess in enumerate(tries, 1):
            arr = as_array(guess)
            verdict = None if expected is None else (arr is not None and arr.shape == expected.shape
                                                     and bool((arr == expected).all()))
            mark = "" if verdict is None else (" right" if verdict else " wrong")
            panels.append(Panel(f"attempt {k}{mark}" + _size(arr), arr, verdict))
        if not tries:
            panels.append(Panel("no attempt", None))
        rows.append((f"test {i + 1}", panels))
    return rows


def task_drawing(task: Any, answers: Sequence[Any] = (), attempts: Sequence[Sequence[Any]] = ()) -> drawsvg.Drawing:
    """The whole task as one drawsvg Drawing (see the module docstring for the layout)."""
    rows = task_rows(task, answers, attempts)
    sides = [max(p.grid.shape) for _, ps in rows for p in ps if p.grid is not None]
    cell = cell_size(max(sides, default=1))
    sizes = [[_panel_size(p, cell) for p in panels] for _, panels in rows]
    width = max((LABEL_W + sum(w for w, _ in row) + ARROW_W + GAP * len(row) for row in sizes), default=200)
    height = sum(max(h for _, h in row) + GAP for row in sizes) + 2 * MARGIN
    d = drawsvg.Drawing(width + 2 * MARGIN, height, font_family=FONT)
    d.append(drawsvg.Rectangle(0, 0, width + 2 * MARGIN, height, fill="white"))
    y = float(MARGIN)
    for (label, panels), row in zip(rows, sizes):
        row_h = max(h for _, h in row)
        if label.startswith("test") and y > MARGIN:
            d.append(drawsvg.Line(MARGIN, y - GAP / 2, width + MARGIN, y - GAP / 2, stroke="#d0d7de"))
        d.append(drawsvg.Text(label, 13, MARGIN, y + TITLE_H + 14, font_family=FONT, font_weight="bold",
                              fill="#24292f"))
        x = float(MARGIN + LABEL_W)
        for k, (panel, (w, h)) in enumerate(zip(panels, row)):
            _draw_panel(d, panel, x, y, cell)
            x += w + GAP
            if k == 0 and len(panels) > 1:
                _arrow(d, x - GAP / 2, y + TITLE_H + min(h - TITLE_H, 40) / 2)
                x += ARROW_W
        y += row_h + GAP
    return d


def task_svg(task: Any, answers: Sequence[Any] = (), attempts: Sequence[Sequence[Any]] = ()) -> str:
    """The task picture as SVG text."""
    return task_drawing(task, answers, attempts).as_svg()


def svg_to_png(svg: str, scale: float = 1.0) -> bytes:
    """PNG bytes of an SVG (cairosvg); ConfigError naming the fix when the cairo library is missing."""
    try:
        import cairosvg
    except (ImportError, OSError) as exc:  # cairosvg loads libcairo at import time
        raise ConfigError(f"PNG output needs cairosvg and the cairo library ({exc}); "
                          "install `hypsearch[arc]` and libcairo2, or write --svg instead") from None
    return bytes(cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=scale))


def picture(task: Any, answers: Sequence[Any], attempts: Sequence[Sequence[Any]], kind: str) -> bytes:
    """The task picture as `kind` ("svg" or "png") bytes: the TaskFormat `picture` hook of ARC."""
    svg = task_svg(task, answers, attempts)
    if kind == "svg":
        return svg.encode("utf-8")
    if kind == "png":
        return svg_to_png(svg, scale=1.5)
    raise ConfigError(f"unknown picture kind {kind!r} (svg or png)")


def write_picture(path: str | Path, task: Any, answers: Sequence[Any] = (),
                  attempts: Sequence[Sequence[Any]] = ()) -> Path:
    """Write the picture to `path`, PNG or SVG by its suffix."""
    path = Path(path)
    kind = "png" if path.suffix.lower() == ".png" else "svg"
    path.write_bytes(picture(task, answers, attempts, kind))
    return path

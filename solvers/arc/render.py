"""Seeing ARC tasks: ANSI terminal rendering and dependency-free PNG output (stdlib zlib + struct)."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path
from typing import Sequence

import numpy as np

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


def _png_bytes(rgb: np.ndarray) -> bytes:
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[y].astype(np.uint8).tobytes() for y in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def _grid_rgb(g: Grid, cell: int) -> np.ndarray:
    pal = np.array(ARC_RGB, dtype=np.uint8)
    img = pal[np.kron(g.a, np.ones((cell, cell), dtype=np.uint8))]
    # thin grey grid lines
    img[::cell, :, :] = 60
    img[:, ::cell, :] = 60
    return img


def compose_rows(rows: Sequence[Sequence[Grid | None]], cell: int = 12, gap: int = 8) -> np.ndarray:
    """An RGB image with one row per entry, grids side by side (None leaves a blank slot)."""
    imgs = [[_grid_rgb(g, cell) if g is not None else np.full((cell, cell, 3), 255, np.uint8) for g in row]
            for row in rows]
    width = max(sum(i.shape[1] for i in row) + gap * (len(row) + 1) for row in imgs)
    height = sum(max(i.shape[0] for i in row) for row in imgs) + gap * (len(imgs) + 1)
    canvas = np.full((height, width, 3), 255, dtype=np.uint8)
    y = gap
    for row in imgs:
        x = gap
        for img in row:
            canvas[y:y + img.shape[0], x:x + img.shape[1]] = img
            x += img.shape[1] + gap
        y += max(i.shape[0] for i in row) + gap
    return canvas


def write_png(path: str | Path, task: LabelledTask, predictions: Sequence[Sequence[Grid | None]] = (),
              cell: int = 12) -> Path:
    """Write a PNG: one row per train pair (input, output) and per test (input, expected, attempts)."""
    rows: list[list[Grid | None]] = [[ex.inputs[0], ex.output] for ex in task.task.examples]
    for i, ex in enumerate(task.test_pairs()):
        attempts = list(predictions[i])[:2] if i < len(predictions) else []
        rows.append([ex.inputs[0], ex.output, *attempts])
    path = Path(path)
    path.write_bytes(_png_bytes(compose_rows(rows, cell)))
    return path

"""Grids cut into parts by full separator lines of one colour: what primitives and the learned part rules share.

Its own module so that `primitives` and `part_rules` both import it from below instead of from each other.
"""

from __future__ import annotations

import numpy as np


def separators(a: np.ndarray, axis: int) -> list[int]:
    """Indices of full uniform non-zero lines along an axis (rows if axis=0)."""
    lines = a if axis == 0 else a.T
    uni = (lines == lines[:, :1]).all(axis=1) & (lines[:, 0] != 0)
    return [int(i) for i in np.flatnonzero(uni)]


def part_slices(a: np.ndarray) -> list[list[tuple[int, int, int, int]]]:
    """Bounds (r0, r1, c0, c1) of the sub-grids between full separator lines, as rows of parts (empty strips
    dropped); raises ValueError when there are none or fewer than two parts.

    The separator colour is one whose every cell lies on a full line of that colour; a grid with no such
    colour is cut by its all-0 lines instead (parts apart on a blank background, 0 inside them too).
    """
    rs_all = separators(a, 0)
    cs_all = separators(a, 1)
    for col in sorted({int(a[r, 0]) for r in rs_all} | {int(a[0, c]) for c in cs_all}):
        rs = [r for r in rs_all if a[r, 0] == col]
        cs = [c for c in cs_all if a[0, c] == col]
        on_line = np.zeros(a.shape, dtype=bool)
        on_line[rs, :] = True
        on_line[:, cs] = True
        if not ((a == col) & ~on_line).any():
            break
    else:
        rs, cs = _blank_lines(a, 0), _blank_lines(a, 1)  # no coloured lines: all-0 rows and columns cut it
        if not rs and not cs:
            raise ValueError("no separators")
    rb = [-1] + rs + [a.shape[0]]
    cb = [-1] + cs + [a.shape[1]]
    rows = [(rb[i] + 1, rb[i + 1]) for i in range(len(rb) - 1) if rb[i + 1] > rb[i] + 1]
    cols = [(cb[j] + 1, cb[j + 1]) for j in range(len(cb) - 1) if cb[j + 1] > cb[j] + 1]
    if len(rows) * len(cols) < 2:
        raise ValueError("fewer than two cells")
    return [[(r0, r1, c0, c1) for c0, c1 in cols] for r0, r1 in rows]


def _blank_lines(a: np.ndarray, axis: int) -> list[int]:
    """Indices of all-0 lines along an axis that lie between content (border margins are not separators)."""
    blank = ~(a if axis == 0 else a.T).any(axis=1)
    full = np.flatnonzero(~blank)
    if full.size == 0:
        return []
    return [int(i) for i in np.flatnonzero(blank) if full[0] < i < full[-1]]

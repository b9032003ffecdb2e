"""Connected-component labelling of grids, and the objects it cuts a grid into: what primitives, local rules
and the learned object rules share.

Its own module so that `primitives`, `local_rules`, `cell_rules` and `pick_rules` all import it from
below instead of from each other; `pad1`, the one-cell border they all need, lives here too
(`np.pad` costs tens of microseconds of argument handling per call, a fifth of the search's time).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable

import numpy as np

from hypsearch.domains.grid.values import Grid, Obj


def pad1(a: np.ndarray, value: int | bool = 0) -> np.ndarray:
    """`a` with a one-cell border of `value` (what `np.pad(a, 1, constant_values=value)` gives, faster)."""
    h, w = a.shape
    out = np.full((h + 2, w + 2), value, dtype=a.dtype)
    out[1:-1, 1:-1] = a
    return out


def shifted(a: np.ndarray, value: int) -> "Callable[[int, int], np.ndarray]":
    """A function (dy, dx) → `a` moved so each cell reads its neighbour at (dy, dx); `value` off the grid."""
    h, w = a.shape
    p = pad1(a, value)
    return lambda dy, dx: p[1 + dy:1 + dy + h, 1 + dx:1 + dx + w]


def label(a: np.ndarray, mask: np.ndarray, by_color: bool, diag: bool) -> np.ndarray:
    """Connected-component labels (0 outside mask) by min-label propagation with pointer jumping."""
    h, w = a.shape
    big = h * w + 1
    lab = np.where(mask, np.arange(1, h * w + 1).reshape(h, w), big)
    shifts = [(0, 1), (0, -1), (1, 0), (-1, 0)]
    if diag:
        shifts += [(1, 1), (1, -1), (-1, 1), (-1, -1)]
    pad_col = pad1(a.astype(np.int16), -1)
    pad_mask = pad1(mask, False)
    same = []
    for dy, dx in shifts:
        nb_mask = pad_mask[1 + dy:1 + dy + h, 1 + dx:1 + dx + w]
        ok = mask & nb_mask
        if by_color:
            ok &= pad_col[1 + dy:1 + dy + h, 1 + dx:1 + dx + w] == a
        same.append(ok)
    padded = np.full((h + 2, w + 2), big, dtype=lab.dtype)
    while True:
        padded[1:-1, 1:-1] = lab
        new = lab.copy()
        for (dy, dx), ok in zip(shifts, same):
            nb = padded[1 + dy:1 + dy + h, 1 + dx:1 + dx + w]
            np.minimum(new, np.where(ok, nb, big), out=new)
        flat = new.ravel()
        inside = flat < big
        flat[inside] = flat[flat[inside] - 1]  # pointer jumping
        new = flat.reshape(h, w)
        if np.array_equal(new, lab):
            break
        lab = new
    return np.where(mask, lab, 0)


def enclosed(walls: np.ndarray) -> np.ndarray:
    """The cells off `walls` that no 4-path of such cells joins to the grid's border (an object's holes)."""
    free = pad1(~walls, True)
    lab = label(free.astype(np.int8), free, False, False)
    return (free & (lab != lab[0, 0]))[1:-1, 1:-1]


@lru_cache(maxsize=4096)
def objects(g: Grid, by_color: bool, diag: bool) -> tuple[Obj, ...]:
    """The grid's connected objects on background 0 (single-colour when `by_color`; 8-connected when `diag`),
    in reading order of their top-left cell; more than 200 is an error (memoised by content)."""
    a = g.a
    lab = label(a, a != 0, by_color, diag)
    flat = lab.ravel()
    order = np.argsort(flat, kind="stable")
    sorted_lab = flat[order]
    starts = np.flatnonzero(np.diff(sorted_lab, prepend=-1))
    objs = []
    w = a.shape[1]
    for k, s in enumerate(starts):
        l = sorted_lab[s]
        if l == 0:
            continue
        e = starts[k + 1] if k + 1 < len(starts) else flat.size
        idx = order[s:e]
        ys, xs = idx // w, idx % w
        y0, x0 = int(ys.min()), int(xs.min())
        hh, ww = int(ys.max()) - y0 + 1, int(xs.max()) - x0 + 1
        m = np.zeros((hh, ww), dtype=np.uint8)
        m[ys - y0, xs - x0] = 1
        cells = np.where(m == 1, a[y0:y0 + hh, x0:x0 + ww], 0)
        objs.append(Obj(y0, x0, Grid.adopt(cells), Grid.adopt(m), a.shape))
    objs.sort(key=lambda o: (o.top, o.left))
    if len(objs) > 200:
        raise ValueError("too many objects")
    return tuple(objs)

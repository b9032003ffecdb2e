"""The grid DSL's primitives: pure numpy-backed functions over Grid, Int, Object and Objects.

Each function has a one-line docstring; `PRIMITIVES` registers them as domain
Primitives.  Colours are written as Int literals 0-9; background is colour 0.
Functions raise ValueError when not applicable (the search then drops that state).
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from typing import Callable

import numpy as np

from hypsearch.core.domain import Primitive
from hypsearch.domains.grid.cell_rules import cell_rules
from hypsearch.domains.grid.colour_ranks import (bg_back, bg_ranks, bg_ranks_back, bg_to_zero, denorm_colors,
                                                  norm_colors)
from hypsearch.domains.grid.draw_rules import draw_lines
from hypsearch.domains.grid.object_rules import recolor_by
from hypsearch.domains.grid.part_rules import fill_parts, part_cells
from hypsearch.domains.grid.partition import part_slices, separators
from hypsearch.domains.grid.pick_rules import pick_object
from hypsearch.domains.grid.local_rules import local_rule, local_rule_abs
from hypsearch.domains.grid.lookup_rules import lookup
from hypsearch.domains.grid.labels import label as _label, objects as _objects, pad1
from hypsearch.domains.grid.values import MAX_SIDE, Grid, Obj

G, I, OS, O = "Grid", "Int", "Objects", "Object"


def _g(a: np.ndarray) -> Grid:
    return Grid.adopt(a)


def _color(c: int) -> int:
    if not 0 <= c <= 9:
        raise ValueError(f"colour {c} outside 0-9")
    return c


# -- geometry -------------------------------------------------------------------
def rot90(g: Grid) -> Grid:
    """Rotate a quarter turn counter-clockwise."""
    return _g(np.rot90(g.a, 1))


def rot180(g: Grid) -> Grid:
    """Rotate a half turn."""
    return _g(np.rot90(g.a, 2))


def rot270(g: Grid) -> Grid:
    """Rotate a quarter turn clockwise."""
    return _g(np.rot90(g.a, 3))


def flip_h(g: Grid) -> Grid:
    """Mirror left-right."""
    return _g(g.a[:, ::-1])


def flip_v(g: Grid) -> Grid:
    """Mirror top-bottom."""
    return _g(g.a[::-1, :])


def transpose(g: Grid) -> Grid:
    """Swap rows and columns (mirror on the main diagonal)."""
    return _g(g.a.T)


def antitranspose(g: Grid) -> Grid:
    """Mirror on the anti-diagonal."""
    return _g(np.rot90(g.a, 2).T)


# -- cropping and halves ---------------------------------------------------------
def _bbox(mask: np.ndarray) -> tuple[int, int, int, int]:
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    if rows.size == 0:
        raise ValueError("empty selection")
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def crop_nonzero(g: Grid) -> Grid:
    """Crop to the bounding box of the non-zero cells."""
    r0, r1, c0, c1 = _bbox(g.a != 0)
    return _g(g.a[r0:r1, c0:c1])


def _most_common(a: np.ndarray) -> int:
    return int(np.bincount(a.ravel(), minlength=10).argmax())


def crop_to_content(g: Grid) -> Grid:
    """Crop to the bounding box of the cells that differ from the most common colour."""
    r0, r1, c0, c1 = _bbox(g.a != _most_common(g.a))
    return _g(g.a[r0:r1, c0:c1])


def crop_color(g: Grid, c: int) -> Grid:
    """Crop to the bounding box of the cells of colour c."""
    r0, r1, c0, c1 = _bbox(g.a == _color(c))
    return _g(g.a[r0:r1, c0:c1])


def crop_inside_color(g: Grid, c: int) -> Grid:
    """Crop to the inside of the bounding box of colour c (the frame itself removed)."""
    r0, r1, c0, c1 = _bbox(g.a == _color(c))
    if r1 - r0 < 3 or c1 - c0 < 3:
        raise ValueError("no interior")
    return _g(g.a[r0 + 1:r1 - 1, c0 + 1:c1 - 1])


def _is_divider(a: np.ndarray, line: np.ndarray) -> bool:
    """True when the line's colour lies only on full lines of it (rows or columns): a divider, not content."""
    c = line[0]
    on = a == c
    full = (a == c).all(axis=1)[:, None] | (a == c).all(axis=0)[None, :]
    return bool((full | ~on).all())


def _split2(a: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """Split in two along an axis: at a single separator line if present, else in the middle.

    A uniform line whose colour also appears off full lines is content (a row of a solid shape), not a separator.
    """
    n = a.shape[axis]
    seps = separators(a, axis)
    seps = [s for s in seps if 0 < s < n - 1 and _is_divider(a, a[s] if axis == 0 else a[:, s])]
    if len(seps) == 1:
        s = seps[0]
        first, second = (a[:s], a[s + 1:]) if axis == 0 else (a[:, :s], a[:, s + 1:])
    else:
        if n < 2:
            raise ValueError("too small to split")
        k = n // 2
        first, second = (a[:k], a[n - k:]) if axis == 0 else (a[:, :k], a[:, n - k:])
    if first.size == 0 or second.size == 0:
        raise ValueError("empty half")
    return first, second


def left_half(g: Grid) -> Grid:
    """The part left of a vertical separator line, else the left half."""
    return _g(_split2(g.a, 1)[0])


def right_half(g: Grid) -> Grid:
    """The part right of a vertical separator line, else the right half."""
    return _g(_split2(g.a, 1)[1])


def top_half(g: Grid) -> Grid:
    """The part above a horizontal separator line, else the top half."""
    return _g(_split2(g.a, 0)[0])


def bottom_half(g: Grid) -> Grid:
    """The part below a horizontal separator line, else the bottom half."""
    return _g(_split2(g.a, 0)[1])


def _cells(a: np.ndarray) -> list[np.ndarray]:
    """Sub-grids between full separator lines of one colour (both directions), in reading order."""
    return [p for row in _parts_layout(a) for p in row]


def cell_most_colorful(g: Grid) -> Grid:
    """Among the cells split by separator lines, the one with the most non-zero pixels."""
    parts = _cells(g.a)
    counts = [int((p != 0).sum()) for p in parts]
    if counts.count(max(counts)) > 1:
        raise ValueError("tie")
    return _g(parts[int(np.argmax(counts))])


def cell_least_colorful(g: Grid) -> Grid:
    """Among the cells split by separator lines, the one with the fewest non-zero pixels."""
    parts = _cells(g.a)
    counts = [int((p != 0).sum()) for p in parts]
    if counts.count(min(counts)) > 1:
        raise ValueError("tie")
    return _g(parts[int(np.argmin(counts))])


def cell_unique(g: Grid) -> Grid:
    """Among the cells split by separator lines, the one unlike all the others."""
    parts = _cells(g.a)
    keys = [(p.shape, p.tobytes()) for p in parts]
    uniq = [p for p, k in zip(parts, keys) if keys.count(k) == 1]
    if len(uniq) != 1:
        raise ValueError("no unique cell")
    return _g(uniq[0])


# -- scaling, tiling, mirroring ---------------------------------------------------
def upscale(g: Grid, k: int) -> Grid:
    """Scale up: each cell becomes a k-by-k block."""
    if not 1 <= k <= MAX_SIDE:
        raise ValueError("bad factor")
    return _g(np.kron(g.a, np.ones((k, k), dtype=np.uint8)))


def downscale(g: Grid, k: int) -> Grid:
    """Scale down by k, keeping the top-left cell of each k-by-k block."""
    h, w = g.shape
    if k < 1 or h % k or w % k:
        raise ValueError("not divisible")
    return _g(g.a[::k, ::k])


def tile(g: Grid, ny: int, nx: int) -> Grid:
    """Repeat the grid ny times down and nx times across."""
    if ny < 1 or nx < 1:
        raise ValueError("bad count")
    return _g(np.tile(g.a, (ny, nx)))


def hconcat(a: Grid, b: Grid) -> Grid:
    """Place b to the right of a (same height)."""
    if a.shape[0] != b.shape[0]:
        raise ValueError("heights differ")
    return _g(np.hstack([a.a, b.a]))


def vconcat(a: Grid, b: Grid) -> Grid:
    """Place b below a (same width)."""
    if a.shape[1] != b.shape[1]:
        raise ValueError("widths differ")
    return _g(np.vstack([a.a, b.a]))


def mirror_h(g: Grid) -> Grid:
    """The grid followed by its left-right mirror image."""
    return _g(np.hstack([g.a, g.a[:, ::-1]]))


def mirror_v(g: Grid) -> Grid:
    """The grid above its top-bottom mirror image."""
    return _g(np.vstack([g.a, g.a[::-1]]))


def mirror_4(g: Grid) -> Grid:
    """Four mirrored copies forming a grid symmetric both ways."""
    top = np.hstack([g.a, g.a[:, ::-1]])
    return _g(np.vstack([top, top[::-1]]))


def rot_quad(g: Grid) -> Grid:
    """A 2x2 arrangement of the grid turned 0, 90, 270 and 180 degrees clockwise (square grids)."""
    a = g.a
    if a.shape[0] != a.shape[1]:
        raise ValueError("not square")
    top = np.hstack([a, np.rot90(a, 3)])
    bottom = np.hstack([np.rot90(a, 1), np.rot90(a, 2)])
    return _g(np.vstack([top, bottom]))


def fractal(g: Grid) -> Grid:
    """Put a copy of the grid in place of every non-zero cell (blank elsewhere)."""
    return _g(np.kron((g.a != 0).astype(np.uint8), g.a))


def fractal_inv(g: Grid) -> Grid:
    """Put a copy of the grid in place of every zero cell (blank elsewhere)."""
    return _g(np.kron((g.a == 0).astype(np.uint8), g.a))


def fractal_major(g: Grid) -> Grid:
    """Put a copy of the grid in place of every cell of its most common colour (blank elsewhere); fails on a
    tie for most common."""
    counts = np.bincount(g.a.ravel(), minlength=10)
    top = np.flatnonzero(counts == counts.max())
    if top.size != 1:
        raise ValueError("no single most common colour")
    return _g(np.kron((g.a == top[0]).astype(np.uint8), g.a))


# -- colours -----------------------------------------------------------------------
def replace_color(g: Grid, a: int, b: int) -> Grid:
    """Recolour every cell of colour a to colour b."""
    out = g.a.copy()
    out[g.a == _color(a)] = _color(b)
    return _g(out)


def remap(g: Grid, c0: int, c1: int, c2: int, c3: int, c4: int, c5: int, c6: int, c7: int, c8: int, c9: int) -> Grid:
    """Recolour all cells at once: colour i becomes the i-th argument."""
    table = np.array([_color(c) for c in (c0, c1, c2, c3, c4, c5, c6, c7, c8, c9)], dtype=np.uint8)
    return _g(table[g.a])


def keep_color(g: Grid, c: int) -> Grid:
    """Keep only the cells of colour c; everything else becomes 0."""
    return _g(np.where(g.a == _color(c), g.a, 0))


def fill_bg(g: Grid, c: int) -> Grid:
    """Paint every 0 cell with colour c."""
    return _g(np.where(g.a == 0, _color(c), g.a))


def binarize(g: Grid, c: int) -> Grid:
    """Every non-zero cell becomes colour c."""
    return _g(np.where(g.a != 0, _color(c), 0))


def most_common_color(g: Grid) -> int:
    """The most frequent colour of the grid."""
    return _most_common(g.a)


def least_common_color(g: Grid) -> int:
    """The least frequent colour present in the grid."""
    counts = np.bincount(g.a.ravel(), minlength=10).astype(float)
    counts[counts == 0] = np.inf
    return int(counts.argmin())


def most_common_nonzero(g: Grid) -> int:
    """The most frequent non-zero colour (0 when there is none)."""
    counts = np.bincount(g.a.ravel(), minlength=10)
    counts[0] = 0
    return int(counts.argmax()) if counts.any() else 0


def count_colors(g: Grid) -> int:
    """How many distinct non-zero colours the grid holds."""
    return int(np.count_nonzero(np.bincount(g.a.ravel(), minlength=10)[1:]))


def solid(h: int, w: int, c: int) -> Grid:
    """An h-by-w grid filled with colour c."""
    return _g(np.full((h, w), _color(c), dtype=np.uint8))


def color_row(n: int, c: int) -> Grid:
    """A 1-by-n row of colour c."""
    if not 1 <= n <= MAX_SIDE:
        raise ValueError("bad length")
    return _g(np.full((1, n), _color(c), dtype=np.uint8))


def majority_cells(g: Grid) -> Grid:
    """Each cell of the grid painted with its most common colour (a solid grid)."""
    return _g(np.full(g.shape, _most_common(g.a), dtype=np.uint8))


def _row_majority(a: np.ndarray) -> np.ndarray:
    """Each row of `a` painted with its most common colour (the lowest on a tie)."""
    counts = (a[:, :, None] == np.arange(10)).sum(axis=1)
    return np.broadcast_to(counts.argmax(axis=1)[:, None], a.shape)


def majority_stripes(g: Grid) -> Grid:
    """Noisy stripes made clean: each row takes its most common colour, or each column does, whichever
    changes fewer cells (rows on a tie)."""
    a = g.a
    rows, cols = _row_majority(a), _row_majority(a.T).T
    best = rows if (rows != a).sum() <= (cols != a).sum() else cols
    return _g(best.astype(np.uint8))


def _ring_colours(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each cell's ring depth and each ring's colour, for a grid of concentric one-colour rings."""
    h, w = a.shape
    yy, xx = np.mgrid[:h, :w]
    depth = np.minimum(np.minimum(yy, h - 1 - yy), np.minimum(xx, w - 1 - xx))
    firsts = np.array([a[k, k] for k in range(int(depth.max()) + 1)])
    if (a != firsts[depth]).any():
        raise ValueError("not concentric one-colour rings")
    return depth, firsts


def reverse_rings(g: Grid) -> Grid:
    """A grid of concentric one-colour rings with the order of their colours reversed (outermost ↔ innermost)."""
    depth, firsts = _ring_colours(g.a)
    return _g(firsts[len(firsts) - 1 - depth].astype(np.uint8))


def cycle_rings(g: Grid) -> Grid:
    """Concentric one-colour rings whose colours move one step inward: of the colours in ring order
    (outermost first), each becomes the one before it and the first becomes the last."""
    _, firsts = _ring_colours(g.a)
    order = list(dict.fromkeys(int(c) for c in firsts))
    if len(order) < 2:
        raise ValueError("one colour")
    table = np.arange(10, dtype=np.uint8)
    for i, c in enumerate(order):
        table[c] = order[i - 1]
    return _g(table[g.a])


# -- line removal / compression -------------------------------------------------------
def compress(g: Grid) -> Grid:
    """Remove every all-zero row and column."""
    rows = g.a.any(axis=1)
    cols = g.a.any(axis=0)
    if not rows.any():
        raise ValueError("blank")
    return _g(g.a[rows][:, cols])


def dedup_rows(g: Grid) -> Grid:
    """Collapse runs of identical adjacent rows into one."""
    a = g.a
    keep = np.ones(a.shape[0], dtype=bool)
    keep[1:] = (a[1:] != a[:-1]).any(axis=1)
    return _g(a[keep])


def dedup_cols(g: Grid) -> Grid:
    """Collapse runs of identical adjacent columns into one."""
    return transpose(dedup_rows(transpose(g)))


def dedup(g: Grid) -> Grid:
    """Collapse runs of identical adjacent rows, then columns."""
    return dedup_cols(dedup_rows(g))


# -- gravity ------------------------------------------------------------------------------
def _gravity_down(a: np.ndarray) -> np.ndarray:
    out = np.zeros_like(a)
    for j in range(a.shape[1]):
        col = a[:, j]
        nz = col[col != 0]
        if nz.size:
            out[a.shape[0] - nz.size:, j] = nz
    return out


def gravity_down(g: Grid) -> Grid:
    """Let every non-zero cell fall to the bottom of its column."""
    return _g(_gravity_down(g.a))


def gravity_up(g: Grid) -> Grid:
    """Let every non-zero cell rise to the top of its column."""
    return _g(_gravity_down(g.a[::-1])[::-1])


def gravity_to(g: Grid, c: int) -> Grid:
    """Let every other non-zero cell fall toward the band of full colour-c lines (rows or columns), stacking
    on the cells already fallen, from both sides of the band."""
    a = g.a
    c = _color(c)
    rows, cols = (a == c).all(axis=1), (a == c).all(axis=0)
    if rows.any() == cols.any():
        raise ValueError("no single band of full lines")
    t = a if rows.any() else a.T
    band = np.flatnonzero((t == c).all(axis=1))
    r0, r1 = int(band[0]), int(band[-1]) + 1
    if not (t[r0:r1] == c).all():
        raise ValueError("the band is not one block")
    out = t.copy()
    out[:r0] = _gravity_down(t[:r0])
    out[r1:] = _gravity_down(t[r1:][::-1])[::-1]
    return _g(out if rows.any() else out.T)


def gravity_right(g: Grid) -> Grid:
    """Push every non-zero cell to the right end of its row."""
    return _g(_gravity_down(g.a.T).T)


def gravity_left(g: Grid) -> Grid:
    """Push every non-zero cell to the left end of its row."""
    return _g(_gravity_down(g.a[:, ::-1].T).T[:, ::-1])


# -- symmetry ------------------------------------------------------------------------------
def _fill_from(a: np.ndarray, b: np.ndarray, hole: int) -> np.ndarray:
    return np.where((a == hole) & (b != hole), b, a)


def symmetrize_h(g: Grid) -> Grid:
    """Complete left-right symmetry: zero cells take the mirrored cell's colour."""
    return _g(_fill_from(g.a, g.a[:, ::-1], 0))


def symmetrize_v(g: Grid) -> Grid:
    """Complete top-bottom symmetry: zero cells take the mirrored cell's colour."""
    return _g(_fill_from(g.a, g.a[::-1], 0))


def symmetrize_4(g: Grid) -> Grid:
    """Complete symmetry both ways (and the rotations when square)."""
    a = g.a
    for _ in range(2):
        a = _fill_from(a, a[:, ::-1], 0)
        a = _fill_from(a, a[::-1], 0)
        if a.shape[0] == a.shape[1]:
            a = _fill_from(a, a.T, 0)
    return _g(a)


def complete_symmetry(g: Grid, c: int) -> Grid:
    """Replace the cells of colour c by their counterpart under the grid's symmetries (offset-aware)."""
    a = g.a.astype(np.int16)
    c = _color(c)
    hole = a == c
    if not hole.any():
        raise ValueError("no hole")
    h, w = a.shape
    out = a.copy()
    # try mirror axes at every offset, and transposition at every diagonal offset
    cands: list[np.ndarray] = []
    for axis in (0, 1):
        n = a.shape[axis]
        for s in range(n // 2, 2 * n - 1 - n // 2):
            # mirror index i -> s - i for the axis sum s (covers centres at s/2)
            idx = s - np.arange(n)
            valid = (idx >= 0) & (idx < n)
            if valid.sum() < n * 0.6:
                continue
            m = np.full_like(a, -1)
            if axis == 0:
                m[valid] = a[idx[valid]]
            else:
                m[:, valid] = a[:, idx[valid]]
            ok = (m != -1) & ~hole & (m != c)
            if ok.any() and (m[ok] == a[ok]).all():
                cands.append(m)
    if h == w:
        for m in (a.T, np.rot90(a, 1), np.rot90(a, 2), np.rot90(a, 3), np.rot90(a, 2).T):
            ok = ~hole & (m != c)
            if ok.any() and (m[ok] == a[ok]).all():
                cands.append(m)
    for m in cands:
        fill = (out == c) & (m != -1) & (m != c)
        out[fill] = m[fill]
    if (out == c).any():
        raise ValueError("cannot complete")
    return _g(out.astype(np.uint8))


def extract_hole(g: Grid, c: int) -> Grid:
    """The cells under the colour-c rectangle, restored by the grid's symmetry."""
    r0, r1, c0, c1 = _bbox(g.a == _color(c))
    full = complete_symmetry(g, c)
    return _g(full.a[r0:r1, c0:c1])


def _period(a: np.ndarray, known: np.ndarray, axis: int) -> int:
    """The smallest shift along an axis under which all known cells agree (the axis length if none)."""
    n = a.shape[axis]
    for p in range(1, n):
        if axis == 0:
            x, y, kx, ky = a[:-p], a[p:], known[:-p], known[p:]
        else:
            x, y, kx, ky = a[:, :-p], a[:, p:], known[:, :-p], known[:, p:]
        both = kx & ky
        if not (x[both] != y[both]).any() and both.sum() * 4 >= both.size:
            return p
    return n


def _repair_tiling(g: Grid, c: int) -> np.ndarray:
    a = g.a
    hole = a == _color(c)
    if not hole.any():
        raise ValueError("no hole")
    known = ~hole
    py, px = _period(a, known, 0), _period(a, known, 1)
    h, w = a.shape
    if py == h and px == w:
        return _repair_diagonal(a, hole)
    cls = (np.arange(h)[:, None] % py) * px + (np.arange(w)[None, :] % px)
    filled = _fill_classes(a, hole, cls, py * px)
    return _repair_diagonal(a, hole) if filled is None else filled


def _fill_classes(a: np.ndarray, hole: np.ndarray, cls: np.ndarray, n: int) -> np.ndarray | None:
    """Fill the hole from the one colour the known cells of each class share (None if a class disagrees or is
    all hole)."""
    known = ~hole
    lo = np.full(n, 10, dtype=np.int64)
    np.minimum.at(lo, cls[known], a[known].astype(np.int64))
    vals = np.full(n, -1, dtype=np.int64)
    np.maximum.at(vals, cls[known], a[known].astype(np.int64))
    vals[vals < 0] = 10
    if (lo != vals).any() or (vals[cls[hole]] == 10).any():
        return None
    return np.where(hole, vals[cls], a).astype(np.uint8)


def _repair_diagonal(a: np.ndarray, hole: np.ndarray) -> np.ndarray:
    """Fill the hole from the smallest period along either diagonal (stripes `(y ± x) mod k`) that the known
    cells agree with: the tilings no row-and-column period describes."""
    h, w = a.shape
    ys, xs = np.arange(h)[:, None], np.arange(w)[None, :]
    for k in range(2, max(h, w)):
        for cls in ((ys + xs) % k, (ys - xs) % k):
            filled = _fill_classes(a, hole, cls, k)
            if filled is not None:
                return filled
    raise ValueError("no consistent tiling")


def repair_tiling(g: Grid, c: int) -> Grid:
    """Fill the cells of colour c from the grid's smallest consistent periodic (tiled) pattern."""
    return _g(_repair_tiling(g, c))


def tiling_hole(g: Grid, c: int) -> Grid:
    """What the periodic pattern holds under the colour-c rectangle."""
    r0, r1, c0, c1 = _bbox(g.a == _color(c))
    return _g(_repair_tiling(g, c)[r0:r1, c0:c1])


def _pattern_tile(a: np.ndarray, known: np.ndarray, py: int, px: int) -> np.ndarray:
    """The py-by-px tile every known cell agrees with (-1 where no known cell falls)."""
    h, w = a.shape
    cls = (np.arange(h)[:, None] % py) * px + (np.arange(w)[None, :] % px)
    tile = np.full(py * px, -1, dtype=np.int64)
    tile[cls[known]] = a[known]
    return tile.reshape(py, px)


def extend_pattern(g: Grid, hn: int, hd: int, wn: int, wd: int) -> Grid:
    """Continue the grid's smallest exact periodic pattern to hn/hd of its height and wn/wd of its width."""
    h, w = g.shape
    if min(hn, hd, wn, wd) < 1 or (h * hn) % hd or (w * wn) % wd or h * hn > 30 * hd or w * wn > 30 * wd:
        raise ValueError("bad size")
    known = np.ones(g.shape, dtype=bool)
    py, px = _period(g.a, known, 0), _period(g.a, known, 1)
    if py == h and px == w:
        raise ValueError("no period")
    tile = _pattern_tile(g.a, known, py, px)
    hh, ww = h * hn // hd, w * wn // wd
    return _g(tile[np.arange(hh)[:, None] % py, np.arange(ww)[None, :] % px].astype(np.uint8))


def continue_pattern(g: Grid, axes: int) -> Grid:
    """Fill the 0 cells from the periodic pattern the other cells repeat: rows repeating down (axes 0),
    columns repeating across (1) or both (2); a cell no repeat reaches stays 0."""
    a = g.a
    h, w = a.shape
    known = a != 0
    if not known.any() or known.all() or axes not in (0, 1, 2):
        raise ValueError("nothing to continue")
    py = _period_strict(a, known, 0) if axes in (0, 2) else h
    px = _period_strict(a, known, 1) if axes in (1, 2) else w
    if py == h and px == w:
        raise ValueError("no period")
    tile = _pattern_tile(a, known, py, px)
    full = tile[np.arange(h)[:, None] % py, np.arange(w)[None, :] % px]
    return _g(np.where(known, a, np.maximum(full, 0)).astype(np.uint8))


def _period_strict(a: np.ndarray, known: np.ndarray, axis: int) -> int:
    """The smallest shift along an axis under which known cells overlap and all agree (the axis length if none)."""
    n = a.shape[axis]
    for p in range(1, n):
        if axis == 0:
            x, y, kx, ky = a[:-p], a[p:], known[:-p], known[p:]
        else:
            x, y, kx, ky = a[:, :-p], a[:, p:], known[:, :-p], known[:, p:]
        both = kx & ky
        if both.any() and not (x[both] != y[both]).any():
            return p
    return n


# -- lines ------------------------------------------------------------------------------------
def extend_h(g: Grid) -> Grid:
    """Draw a full-width line through every row holding exactly one non-zero colour."""
    out = g.a.copy()
    for i, row in enumerate(g.a):
        cs = np.unique(row[row != 0])
        if cs.size == 1:
            out[i, :] = cs[0]
    return _g(out)


def extend_v(g: Grid) -> Grid:
    """Draw a full-height line through every column holding exactly one non-zero colour."""
    return transpose(extend_h(transpose(g)))


def connect_h(g: Grid) -> Grid:
    """Fill the zero gaps between two cells of the same colour on a row."""
    out = g.a.copy()
    for i, row in enumerate(g.a):
        nz = np.flatnonzero(row)
        for p, q in zip(nz[:-1], nz[1:]):
            if row[p] == row[q] and q > p + 1:
                out[i, p + 1:q] = np.where(out[i, p + 1:q] == 0, row[p], out[i, p + 1:q])
    return _g(out)


def connect_v(g: Grid) -> Grid:
    """Fill the zero gaps between two cells of the same colour on a column."""
    return transpose(connect_h(transpose(g)))


def connect_hv(g: Grid) -> Grid:
    """Fill the zero gaps between same-coloured cells along rows and columns."""
    a = connect_h(g).a
    b = connect_v(g).a
    return _g(np.where(a != g.a, a, b))


def rays_diag(g: Grid) -> Grid:
    """Shoot diagonal rays in all four directions from every non-zero single pixel."""
    out = g.a.copy()
    h, w = g.shape
    ys, xs = np.nonzero(g.a)
    if ys.size > 20:
        raise ValueError("too many pixels")
    for y, x in zip(ys, xs):
        c = g.a[y, x]
        for dy, dx in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
            yy, xx = y + dy, x + dx
            while 0 <= yy < h and 0 <= xx < w and out[yy, xx] == 0:
                out[yy, xx] = c
                yy += dy
                xx += dx
    return _g(out)


def extend_ends(g: Grid) -> Grid:
    """Every cell with exactly one non-zero neighbour (of 8) is a line's end: continue the line from it, away
    from that neighbour, over 0 cells up to the border or the next non-zero cell."""
    a = g.a
    h, w = a.shape
    nz = pad1(a != 0, False)
    out = a.copy()
    ends = 0
    for y, x in np.argwhere(a != 0):
        around = nz[y:y + 3, x:x + 3].copy()
        around[1, 1] = False
        if around.sum() != 1:
            continue
        (ny, nx), = np.argwhere(around)
        dy, dx = 1 - ny, 1 - nx
        yy, xx = y + dy, x + dx
        while 0 <= yy < h and 0 <= xx < w and out[yy, xx] == 0:
            out[yy, xx] = a[y, x]
            yy, xx = yy + dy, xx + dx
        ends += 1
    if not ends:
        raise ValueError("no line ends")
    return _g(out)


# -- connected components ------------------------------------------------------------------------
def objects4(g: Grid) -> tuple[Obj, ...]:
    """Single-colour objects, 4-connected, on background 0."""
    return _objects(g, True, False)


def objects8(g: Grid) -> tuple[Obj, ...]:
    """Single-colour objects, 8-connected, on background 0."""
    return _objects(g, True, True)


def mc_objects4(g: Grid) -> tuple[Obj, ...]:
    """Multicolour objects (any non-zero cells), 4-connected."""
    return _objects(g, False, False)


def mc_objects8(g: Grid) -> tuple[Obj, ...]:
    """Multicolour objects (any non-zero cells), 8-connected."""
    return _objects(g, False, True)


def _nonempty(objs: tuple[Obj, ...]) -> tuple[Obj, ...]:
    if not objs:
        raise ValueError("no objects")
    return objs


def _unique_by(objs: tuple[Obj, ...], key: Callable[[Obj], object], pick: str) -> Obj:
    objs = _nonempty(objs)
    vals = [key(o) for o in objs]
    target = max(vals) if pick == "max" else min(vals)  # type: ignore[type-var]
    hits = [o for o, v in zip(objs, vals) if v == target]
    if len(hits) != 1:
        raise ValueError("tie")
    return hits[0]


def largest(objs: tuple[Obj, ...]) -> Obj:
    """The object with the most cells (ties are an error)."""
    return _unique_by(objs, lambda o: o.size, "max")


def smallest(objs: tuple[Obj, ...]) -> Obj:
    """The object with the fewest cells (ties are an error)."""
    return _unique_by(objs, lambda o: o.size, "min")


def biggest_box(objs: tuple[Obj, ...]) -> Obj:
    """The object with the largest bounding box area."""
    return _unique_by(objs, lambda o: o.cells.shape[0] * o.cells.shape[1], "max")


def most_colorful(objs: tuple[Obj, ...]) -> Obj:
    """The object with the most distinct colours."""
    return _unique_by(objs, lambda o: len(np.unique(o.cells.a[o.mask.a == 1])), "max")


def unique_color_obj(objs: tuple[Obj, ...]) -> Obj:
    """The only object whose colour no other object has."""
    objs = _nonempty(objs)
    cols = [o.color for o in objs]
    seen = Counter(cols)
    hits = [o for o, c in zip(objs, cols) if seen[c] == 1]
    if len(hits) != 1:
        raise ValueError("no unique colour")
    return hits[0]


def unique_shape_obj(objs: tuple[Obj, ...]) -> Obj:
    """The only object whose shape (mask) no other object has."""
    objs = _nonempty(objs)
    keys = [o.mask for o in objs]
    seen = Counter(keys)  # by hash: Grid caches it, so this is linear where list.count was quadratic
    hits = [o for o, k in zip(objs, keys) if seen[k] == 1]
    if len(hits) != 1:
        raise ValueError("no unique shape")
    return hits[0]


def common_shape_obj(objs: tuple[Obj, ...]) -> Obj:
    """An object whose shape and colours occur most often (first in reading order)."""
    objs = _nonempty(objs)
    keys = [o.cells for o in objs]
    seen = Counter(keys)
    counts = [seen[k] for k in keys]
    return objs[int(np.argmax(counts))]


def symmetric_obj(objs: tuple[Obj, ...]) -> Obj:
    """The only object that is left-right symmetric."""
    hits = [o for o in _nonempty(objs) if np.array_equal(o.cells.a, o.cells.a[:, ::-1])]
    if len(hits) != 1:
        raise ValueError("not unique")
    return hits[0]


def asymmetric_obj(objs: tuple[Obj, ...]) -> Obj:
    """The only object that is not left-right symmetric."""
    hits = [o for o in _nonempty(objs) if not np.array_equal(o.cells.a, o.cells.a[:, ::-1])]
    if len(hits) != 1:
        raise ValueError("not unique")
    return hits[0]


def first_obj(objs: tuple[Obj, ...]) -> Obj:
    """The first object in reading order."""
    return _nonempty(objs)[0]


def touching_border(objs: tuple[Obj, ...]) -> tuple[Obj, ...]:
    """The objects that touch the grid border."""
    return tuple(o for o in objs if o.touches_border)


def not_touching_border(objs: tuple[Obj, ...]) -> tuple[Obj, ...]:
    """The objects that do not touch the grid border."""
    return tuple(o for o in objs if not o.touches_border)


def with_color(objs: tuple[Obj, ...], c: int) -> tuple[Obj, ...]:
    """The objects whose main colour is c."""
    return tuple(o for o in objs if o.color == c)


def larger_than(objs: tuple[Obj, ...], n: int) -> tuple[Obj, ...]:
    """The objects with more than n cells."""
    return tuple(o for o in objs if o.size > n)


def recolor(objs: tuple[Obj, ...], c: int) -> tuple[Obj, ...]:
    """Every object painted in colour c."""
    _color(c)
    return tuple(Obj(o.top, o.left, _g(o.mask.a * np.uint8(c)), o.mask, o.grid_shape) for o in objs)


def recolor_obj(o: Obj, c: int) -> Obj:
    """The object painted in colour c."""
    return recolor((o,), c)[0]


def count(objs: tuple[Obj, ...]) -> int:
    """How many objects there are."""
    return len(objs)


def obj_crop(o: Obj) -> Grid:
    """The object's own cells in its bounding box (0 around it)."""
    return o.cells


def crop_at(g: Grid, o: Obj) -> Grid:
    """The part of the grid under the object's bounding box (other colours included)."""
    h, w = o.cells.shape
    return _g(g.a[o.top:o.top + h, o.left:o.left + w])


def paint(g: Grid, o: Obj) -> Grid:
    """Draw the object onto the grid at its position."""
    return paint_all(g, (o,))


def paint_all(g: Grid, objs: tuple[Obj, ...]) -> Grid:
    """Draw every object onto the grid at its position."""
    out = g.a.copy()
    H, W = out.shape
    for o in objs:
        h, w = o.cells.shape
        if o.top + h > H or o.left + w > W:
            raise ValueError("object outside grid")
        region = out[o.top:o.top + h, o.left:o.left + w]
        region[o.mask.a == 1] = o.cells.a[o.mask.a == 1]
    return _g(out)


def erase_all(g: Grid, objs: tuple[Obj, ...]) -> Grid:
    """Set the cells of every object to 0."""
    out = g.a.copy()
    for o in objs:
        h, w = o.cells.shape
        region = out[o.top:o.top + h, o.left:o.left + w]
        region[o.mask.a == 1] = 0
    return _g(out)


def recolor_size(g: Grid, n: int, c: int) -> Grid:
    """Recolour with colour c every 8-connected single-colour object of exactly n cells."""
    hits = tuple(o for o in objects8(g) if o.size == n)
    if not hits:
        raise ValueError("no object of that size")
    return paint_all(g, recolor(hits, c))


def recolor_rank(g: Grid, k: int, c: int) -> Grid:
    """Recolour with colour c every 8-connected single-colour object whose size is the k-th largest (k from 1)."""
    objs = objects8(g)
    sizes = sorted({o.size for o in objs}, reverse=True)
    if not 1 <= k <= len(sizes):
        raise ValueError("no object of that rank")
    return paint_all(g, recolor(tuple(o for o in objs if o.size == sizes[k - 1]), c))


def blank(g: Grid) -> Grid:
    """An all-zero grid of the same shape."""
    return _g(np.zeros(g.shape, dtype=np.uint8))


def fill_holes(g: Grid, c: int) -> Grid:
    """Paint with colour c every 0 cell not 4-connected to the border through 0 cells."""
    a = g.a
    zero = a == 0
    lab = _label(a, zero, False, False)
    border = set(np.unique(np.concatenate([lab[0], lab[-1], lab[:, 0], lab[:, -1]]))) - {0}
    enclosed = zero & ~np.isin(lab, list(border))
    if not enclosed.any():
        raise ValueError("no holes")
    return _g(np.where(enclosed, _color(c), a))


def outline(g: Grid, c: int) -> Grid:
    """Paint with colour c the 0 cells 8-adjacent to a non-zero cell."""
    a = g.a
    p = pad1(a != 0, False)
    h, w = a.shape
    near = np.zeros_like(a, dtype=bool)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            near |= p[1 + dy:1 + dy + h, 1 + dx:1 + dx + w]
    return _g(np.where((a == 0) & near, _color(c), a))


def fill_bbox(g: Grid, c: int) -> Grid:
    """Inside each multicolour object's bounding box, paint the 0 cells with colour c."""
    out = g.a.copy()
    for o in mc_objects8(g):
        h, w = o.cells.shape
        region = out[o.top:o.top + h, o.left:o.left + w]
        region[region == 0] = _color(c)
    return _g(out)


def _zero_windows(zero: np.ndarray, kh: int, kw: int) -> np.ndarray:
    """Top-left corners (as a mask) of the kh-by-kw windows whose cells are all 0."""
    s = np.pad(np.cumsum(np.cumsum(zero.astype(np.int32), 0), 1), ((1, 0), (1, 0)))
    return (s[kh:, kw:] - s[:-kh, kw:] - s[kh:, :-kw] + s[:-kh, :-kw]) == kh * kw


def fill_empty_squares(g: Grid, c: int) -> Grid:
    """Paint with colour c the all-0 square windows of the largest side (2 or more) the grid has room for,
    taken in reading order and skipping any that overlaps one already painted."""
    zero = g.a == 0
    for k in range(min(g.shape), 1, -1):
        at = _zero_windows(zero, k, k)
        if at.any():
            out = g.a.copy()
            taken = np.zeros(g.shape, dtype=bool)
            for y, x in np.argwhere(at):
                if not taken[y:y + k, x:x + k].any():
                    taken[y:y + k, x:x + k] = True
            out[taken] = _color(c)
            return _g(out)
    raise ValueError("no empty square")


def fill_largest_rect(g: Grid, c: int) -> Grid:
    """Paint with colour c the one all-0 rectangle (both sides 2 or more) of the largest area; fails on a tie."""
    zero = g.a == 0
    h, w = g.shape
    best, where = 0, []
    for kh in range(2, h + 1):
        for kw in range(2, w + 1):
            if kh * kw < best:
                continue
            at = np.argwhere(_zero_windows(zero, kh, kw))
            if not len(at):
                break  # wider windows of this height are empty too
            if kh * kw > best:
                best, where = kh * kw, []
            where += [(int(y), int(x), kh, kw) for y, x in at]
    if len(where) != 1:
        raise ValueError("no single largest empty rectangle")
    (y, x, kh, kw), = where
    out = g.a.copy()
    out[y:y + kh, x:x + kw] = _color(c)
    return _g(out)


def fill_placeholders(g: Grid) -> Grid:
    """Copy the grid's one multicolour object over every solid one-colour box of its size (placeholders)."""
    objs = mc_objects8(g)
    multi = [o for o in objs if np.unique(o.cells.a[o.mask.a != 0]).size > 1]
    if len(multi) != 1:
        raise ValueError("not one template")
    t = multi[0]
    h, w = t.cells.shape
    out = g.a.copy()
    spots = [o for o in objs if o is not t and o.cells.shape == (h, w) and o.mask.a.all()]
    if not spots:
        raise ValueError("no placeholder")
    for o in spots:
        out[o.top:o.top + h, o.left:o.left + w] = t.cells.a
    return _g(out)


def remove_noise(g: Grid) -> Grid:
    """Remove isolated single pixels (8-connected objects of one cell)."""
    return erase_all(g, tuple(o for o in mc_objects8(g) if o.size == 1))


def keep_largest(g: Grid) -> Grid:
    """Keep only the largest 8-connected multicolour object in place."""
    return paint(blank(g), largest(mc_objects8(g)))


# -- logic on two grids -------------------------------------------------------------------
def _same(a: Grid, b: Grid) -> None:
    if a.shape != b.shape:
        raise ValueError("shapes differ")


def cell_and(a: Grid, b: Grid, c: int) -> Grid:
    """Colour c where both grids are non-zero, else 0."""
    _same(a, b)
    return _g(np.where((a.a != 0) & (b.a != 0), _color(c), 0))


def cell_or(a: Grid, b: Grid, c: int) -> Grid:
    """Colour c where either grid is non-zero, else 0."""
    _same(a, b)
    return _g(np.where((a.a != 0) | (b.a != 0), _color(c), 0))


def cell_xor(a: Grid, b: Grid, c: int) -> Grid:
    """Colour c where exactly one grid is non-zero, else 0."""
    _same(a, b)
    return _g(np.where((a.a != 0) ^ (b.a != 0), _color(c), 0))


def cell_nor(a: Grid, b: Grid, c: int) -> Grid:
    """Colour c where both grids are zero, else 0."""
    _same(a, b)
    return _g(np.where((a.a == 0) & (b.a == 0), _color(c), 0))


def cell_andnot(a: Grid, b: Grid, c: int) -> Grid:
    """Colour c where the first grid is non-zero and the second is zero."""
    _same(a, b)
    return _g(np.where((a.a != 0) & (b.a == 0), _color(c), 0))


def colour_blocks(g: Grid) -> Grid:
    """Cut the grid in two halves across its longer side: the half of a single non-zero colour is a shape,
    the other a colour map, and each cell of the map becomes a block of the shape in its colour."""
    h, w = g.shape
    if h == w or max(h, w) % 2:
        raise ValueError("no two halves")
    a, b = (g.a[:h // 2], g.a[h // 2:]) if h > w else (g.a[:, :w // 2], g.a[:, w // 2:])
    one = [len(np.unique(x[x != 0])) == 1 for x in (a, b)]
    if one[0] == one[1]:
        raise ValueError("not one shape and one colour map")
    shape, colours = (a, b) if one[0] else (b, a)
    if shape.shape[0] ** 2 > 30 or shape.shape[1] ** 2 > 30:
        raise ValueError("too large")
    return _g(np.kron(colours, (shape != 0).astype(np.uint8)))


def overlay(a: Grid, b: Grid) -> Grid:
    """The first grid with the non-zero cells of the second drawn over it."""
    _same(a, b)
    return _g(np.where(b.a != 0, b.a, a.a))


# -- added concepts: interiors, frames, colour swaps, separated cells, moving until touching ----------
def _interior(a: np.ndarray) -> np.ndarray:
    """Non-zero cells whose 8 neighbours all exist and share their colour."""
    h, w = a.shape
    p = pad1(a.astype(np.int16), -1)
    inner = a != 0
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            inner &= p[1 + dy:1 + dy + h, 1 + dx:1 + dx + w] == a
    return inner


def hollow(g: Grid) -> Grid:
    """Clear the interior of every solid shape, keeping its one-cell rim."""
    inner = _interior(g.a)
    if not inner.any():
        raise ValueError("no interior")
    return _g(np.where(inner, 0, g.a))


def fill_interior(g: Grid, c: int) -> Grid:
    """Paint with colour c the interior of every solid shape (all cells but its rim)."""
    inner = _interior(g.a)
    if not inner.any():
        raise ValueError("no interior")
    return _g(np.where(inner, _color(c), g.a))


def border(g: Grid, c: int) -> Grid:
    """Paint the grid's outermost frame of cells with colour c."""
    out = g.a.copy()
    c = _color(c)
    out[0, :] = out[-1, :] = c
    out[:, 0] = out[:, -1] = c
    return _g(out)


def swap_colors(g: Grid) -> Grid:
    """Swap the two non-zero colours of a grid that holds exactly two."""
    cs = np.flatnonzero(np.bincount(g.a.ravel(), minlength=10)[1:]) + 1
    if cs.size != 2:
        raise ValueError("not two colours")
    table = np.arange(10, dtype=np.uint8)
    table[cs[0]], table[cs[1]] = cs[1], cs[0]
    return _g(table[g.a])


def recolor_to_marker(g: Grid) -> Grid:
    """Paint every shape the colour of the grid's one single-cell object (the marker), and clear the marker."""
    marks = [o for o in objects8(g) if o.size == 1]
    if len(marks) != 1:
        raise ValueError("not one marker")
    y, x = marks[0].top, marks[0].left
    out = np.where(g.a != 0, g.a[y, x], 0).astype(np.uint8)
    out[y, x] = 0
    return _g(out)


def upscale_by_colors(g: Grid) -> Grid:
    """Scale up by the number of distinct non-zero colours."""
    return upscale(g, max(count_colors(g), 1))


def connect_h_with(g: Grid, c: int) -> Grid:
    """Paint with colour c the zero gaps between two cells of the same colour on a row."""
    a = g.a
    out = a.copy()
    c = _color(c)
    for i, row in enumerate(a):
        nz = np.flatnonzero(row)
        for p, q in zip(nz[:-1], nz[1:]):
            if row[p] == row[q] and q > p + 1:
                out[i, p + 1:q] = c
    if np.array_equal(out, a):
        raise ValueError("no gaps")
    return _g(out)


def connect_v_with(g: Grid, c: int) -> Grid:
    """Paint with colour c the zero gaps between two cells of the same colour on a column."""
    return transpose(connect_h_with(transpose(g), c))


def _parts_layout(a: np.ndarray) -> list[list[np.ndarray]]:
    """Sub-grids between full separator lines of one colour, as rows of parts."""
    return [[a[r0:r1, c0:c1] for r0, r1, c0, c1 in row] for row in part_slices(a)]


def _pieces(a: np.ndarray, bounds: list[tuple[int, int, int, int]]) -> tuple[Obj, ...]:
    out = tuple(Obj(r0, c0, _g(a[r0:r1, c0:c1]), _g((a[r0:r1, c0:c1] != 0).astype(np.uint8)), a.shape)
                for r0, r1, c0, c1 in bounds if a[r0:r1, c0:c1].any())
    if len(out) < 2:
        raise ValueError("fewer than two pieces")
    return out


def parts_sep(g: Grid) -> tuple[Obj, ...]:
    """The non-blank sub-grids between full separator lines (of 0 if no other colour), as pieces."""
    try:
        bounds = [b for row in part_slices(g.a) for b in row]
    except ValueError:
        return parts_blank(g)
    return _pieces(g.a, bounds)


def _runs(nonblank: np.ndarray) -> list[tuple[int, int]]:
    runs, start = [], None
    for i, v in enumerate(list(nonblank) + [False]):
        if v and start is None:
            start = i
        elif not v and start is not None:
            runs.append((start, i))
            start = None
    return runs


def parts_blank(g: Grid) -> tuple[Obj, ...]:
    """The blocks separated by all-zero rows and columns, as pieces (objects with their whole box)."""
    a = g.a
    bounds = [(r0, r1, c0, c1) for r0, r1 in _runs(a.any(axis=1)) for c0, c1 in _runs(a.any(axis=0))]
    return _pieces(a, bounds)


def split_h(g: Grid, n: int) -> tuple[Obj, ...]:
    """n equal pieces side by side (an optional 1-cell gap between them is skipped)."""
    h, w = g.shape
    if n < 2:
        raise ValueError("bad count")
    if w % n == 0:
        k, gap = w // n, 0
    elif (w - (n - 1)) % n == 0:
        k, gap = (w - (n - 1)) // n, 1
    else:
        raise ValueError("not divisible")
    return _pieces(g.a, [(0, h, i * (k + gap), i * (k + gap) + k) for i in range(n)])


def split_v(g: Grid, n: int) -> tuple[Obj, ...]:
    """n equal pieces stacked top to bottom (an optional 1-cell gap between them is skipped)."""
    h, w = g.shape
    if n < 2:
        raise ValueError("bad count")
    if h % n == 0:
        k, gap = h // n, 0
    elif (h - (n - 1)) % n == 0:
        k, gap = (h - (n - 1)) // n, 1
    else:
        raise ValueError("not divisible")
    return _pieces(g.a, [(i * (k + gap), i * (k + gap) + k, 0, w) for i in range(n)])


def unique_cells_obj(objs: tuple[Obj, ...]) -> Obj:
    """The only object whose cells (shape and colours) no other object repeats."""
    objs = _nonempty(objs)
    keys = [o.cells for o in objs]
    hits = [o for o, k in zip(objs, keys) if keys.count(k) == 1]
    if len(hits) != 1:
        raise ValueError("no unique object")
    return hits[0]


def least_colorful(objs: tuple[Obj, ...]) -> Obj:
    """The object with the fewest distinct colours."""
    return _unique_by(objs, lambda o: len(np.unique(o.cells.a[o.mask.a == 1])), "min")


def asym_obj(objs: tuple[Obj, ...]) -> Obj:
    """The only object lacking every mirror symmetry (left-right, top-bottom, diagonal)."""
    def sym(a: np.ndarray) -> bool:
        return (np.array_equal(a, a[:, ::-1]) or np.array_equal(a, a[::-1])
                or (a.shape[0] == a.shape[1] and (np.array_equal(a, a.T) or np.array_equal(a, np.rot90(a, 2).T))))
    hits = [o for o in _nonempty(objs) if not sym(o.cells.a)]
    if len(hits) != 1:
        raise ValueError("not unique")
    return hits[0]


def crop_tl(g: Grid, h: int, w: int) -> Grid:
    """The h-by-w block at the top-left corner."""
    if not (1 <= h <= g.shape[0] and 1 <= w <= g.shape[1]):
        raise ValueError("too big")
    return _g(g.a[:h, :w])


def crop_tr(g: Grid, h: int, w: int) -> Grid:
    """The h-by-w block at the top-right corner."""
    return flip_h(crop_tl(flip_h(g), h, w))


def crop_bl(g: Grid, h: int, w: int) -> Grid:
    """The h-by-w block at the bottom-left corner."""
    return flip_v(crop_tl(flip_v(g), h, w))


def crop_br(g: Grid, h: int, w: int) -> Grid:
    """The h-by-w block at the bottom-right corner."""
    return rot180(crop_tl(rot180(g), h, w))


def _colour_order(a: np.ndarray) -> list[int]:
    counts = np.bincount(a.ravel(), minlength=10)
    cols = [c for c in range(1, 10) if counts[c]]
    if not cols:
        raise ValueError("blank")
    return sorted(cols, key=lambda c: (-counts[c], c))


def crop_minor_color(g: Grid) -> Grid:
    """Crop to the bounding box of the least frequent non-zero colour."""
    return crop_color(g, _colour_order(g.a)[-1])


def crop_major_color(g: Grid) -> Grid:
    """Crop to the bounding box of the most frequent non-zero colour."""
    return crop_color(g, _colour_order(g.a)[0])


def colors_by_count(g: Grid) -> Grid:
    """A column of the non-zero colours, most frequent first."""
    return _g(np.array(_colour_order(g.a), dtype=np.uint8)[:, None])


def minor_colors_by_count(g: Grid) -> Grid:
    """A column of the non-zero colours except the most frequent, most frequent first."""
    cols = _colour_order(g.a)[1:]
    if not cols:
        raise ValueError("one colour")
    return _g(np.array(cols, dtype=np.uint8)[:, None])


def colors_by_size(g: Grid) -> Grid:
    """A column of the colours of the single-colour objects, largest object first."""
    objs = sorted(objects8(g), key=lambda o: -o.size)
    cols: list[int] = []
    for o in objs:
        if o.color not in cols:
            cols.append(o.color)
    if not cols:
        raise ValueError("blank")
    return _g(np.array(cols, dtype=np.uint8)[:, None])


def color_histogram(g: Grid) -> Grid:
    """A bar chart of the non-zero colours: one column each, most frequent first, filled from the top with
    as many cells as the colour has (0 below)."""
    counts = np.bincount(g.a.ravel(), minlength=10)
    cols = _colour_order(g.a)
    h = int(counts[cols[0]])
    if h > MAX_SIDE:
        raise ValueError("too tall")
    out = np.zeros((h, len(cols)), dtype=np.uint8)
    for j, c in enumerate(cols):
        out[:counts[c], j] = c
    return _g(out)


def color_strip(g: Grid) -> Grid:
    """The grid's bands of colour in order: its non-zero colours sorted by where they lie (mean column, or
    mean row when the colours spread more from top to bottom), as a row (or a column)."""
    cols = _colour_order(g.a)
    if len(cols) < 2:
        raise ValueError("one colour")
    ys, xs = np.indices(g.shape)
    centres = [(float(ys[g.a == c].mean()), float(xs[g.a == c].mean())) for c in cols]
    spread_y = max(c[0] for c in centres) - min(c[0] for c in centres)
    spread_x = max(c[1] for c in centres) - min(c[1] for c in centres)
    axis = 0 if spread_y > spread_x else 1
    order = [c for _, c in sorted(zip((ct[axis] for ct in centres), cols))]
    line = np.array(order, dtype=np.uint8)
    return _g(line[:, None] if axis == 0 else line[None, :])


def eye(n: int, c: int) -> Grid:
    """An n-by-n grid of 0 with its main diagonal in colour c (a count shown as a diagonal)."""
    if not 1 <= n <= MAX_SIDE:
        raise ValueError("bad size")
    return _g((np.eye(n, dtype=np.uint8) * _color(c)).astype(np.uint8))


def count_row(g: Grid) -> Grid:
    """A row with one cell of the main non-zero colour per non-zero cell of the grid."""
    n = int((g.a != 0).sum())
    return color_row(n, most_common_nonzero(g))


def cells_majority(g: Grid) -> Grid:
    """One cell per part between separator lines, coloured with that part's most common colour."""
    layout = _parts_layout(g.a)
    return _g(np.array([[_most_common(p) for p in row] for row in layout], dtype=np.uint8))


def overlay_cells(g: Grid) -> Grid:
    """Stack the equal-sized parts between separator lines, earlier parts drawn on top."""
    parts = [p for row in _parts_layout(g.a) for p in row]
    if any(p.shape != parts[0].shape for p in parts):
        raise ValueError("parts differ in shape")
    out = parts[-1].copy()
    for p in reversed(parts[:-1]):
        out = np.where(p != 0, p, out)
    return _g(out)


def overlay_cells_rev(g: Grid) -> Grid:
    """Stack the equal-sized parts between separator lines, later parts drawn on top."""
    parts = [p for row in _parts_layout(g.a) for p in row]
    if any(p.shape != parts[0].shape for p in parts):
        raise ValueError("parts differ in shape")
    out = parts[0].copy()
    for p in parts[1:]:
        out = np.where(p != 0, p, out)
    return _g(out)


def repeated_half(g: Grid) -> Grid:
    """One copy when the grid is two identical halves side by side (else stacked), else an error."""
    a = g.a
    h, w = a.shape
    if w % 2 == 0 and np.array_equal(a[:, :w // 2], a[:, w // 2:]):
        return _g(a[:, :w // 2])
    if h % 2 == 0 and np.array_equal(a[:h // 2], a[h // 2:]):
        return _g(a[:h // 2])
    raise ValueError("not two identical halves")


def move_until_touch(g: Grid, c: int) -> Grid:
    """Slide all non-zero cells not of colour c, as one block, straight toward the colour-c cells until they touch."""
    a = g.a
    c = _color(c)
    anchor = a == c
    mover = (a != 0) & ~anchor
    if not anchor.any() or not mover.any():
        raise ValueError("nothing to move")
    ar0, ar1, ac0, ac1 = _bbox(anchor)
    mr0, mr1, mc0, mc1 = _bbox(mover)
    if mr0 < ar1 and ar0 < mr1:
        dy, dx = 0, (1 if mc1 <= ac0 else -1 if ac1 <= mc0 else 0)
    elif mc0 < ac1 and ac0 < mc1:
        dy, dx = (1 if mr1 <= ar0 else -1 if ar1 <= mr0 else 0), 0
    else:
        raise ValueError("not aligned")
    if dy == 0 and dx == 0:
        raise ValueError("overlapping")
    h, w = a.shape
    ys, xs = np.nonzero(mover)
    vals = a[ys, xs]
    pad = pad1(anchor, 0)
    for k in range(max(h, w)):
        yy, xx = ys + k * dy, xs + k * dx
        if yy.min() < 0 or xx.min() < 0 or yy.max() >= h or xx.max() >= w:
            break
        nb = pad[yy + 1 + dy, xx + 1 + dx]
        if nb.any():
            out = np.where(mover, 0, a)
            out[yy, xx] = vals
            return _g(out)
    raise ValueError("never touches")


def spread_cell(g: Grid) -> Grid:
    """Copy the only non-blank part between separator lines into every other part."""
    a = g.a
    slices = [b for row in part_slices(a) for b in row]
    full = [b for b in slices if a[b[0]:b[1], b[2]:b[3]].any()]
    if len(full) != 1:
        raise ValueError("not exactly one non-blank part")
    r0, r1, c0, c1 = full[0]
    src = a[r0:r1, c0:c1]
    out = a.copy()
    for q0, q1, p0, p1 in slices:
        if (q1 - q0, p1 - p0) != src.shape:
            raise ValueError("parts differ in shape")
        out[q0:q1, p0:p1] = src
    return _g(out)


def spread_template(g: Grid) -> Grid:
    """Copy the pattern of the part with the most non-zero cells into every other part between separator
    lines, in the separator colour, only over each part's 0 cells."""
    a = g.a
    slices = [b for row in part_slices(a) for b in row]
    subs = [a[r0:r1, c0:c1] for r0, r1, c0, c1 in slices]
    if len({s.shape for s in subs}) != 1:
        raise ValueError("parts differ in shape")
    template = max(subs, key=lambda s: int(np.count_nonzero(s))) != 0
    on_part = np.zeros(a.shape, dtype=bool)
    for r0, r1, c0, c1 in slices:
        on_part[r0:r1, c0:c1] = True
    line = a[~on_part]
    out = a.copy()
    for (r0, r1, c0, c1), sub in zip(slices, subs):
        out[r0:r1, c0:c1] = np.where(template & (sub == 0), line[0], sub)
    return _g(out)


def keep_least_common(g: Grid) -> Grid:
    """Keep only the cells of the least frequent non-zero colour; everything else becomes 0."""
    counts = np.bincount(g.a.ravel(), minlength=10)
    counts[0] = 0
    if not counts.any():
        raise ValueError("blank")
    counts = np.where(counts == 0, g.a.size + 1, counts)
    c = int(counts.argmin())
    return _g(np.where(g.a == c, g.a, 0))


def halo(g: Grid, a: int, c: int) -> Grid:
    """Paint with colour c the 0 cells 8-adjacent to a cell of colour a."""
    src = g.a == _color(a)
    if not src.any():
        raise ValueError("colour absent")
    h, w = g.shape
    p = pad1(src, 0)
    near = np.zeros((h, w), dtype=bool)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            near |= p[1 + dy:1 + dy + h, 1 + dx:1 + dx + w]
    return _g(np.where((g.a == 0) & near, _color(c), g.a))


def uniform_rows(g: Grid, c: int) -> Grid:
    """Rows made of a single colour become colour c, all other rows 0."""
    uni = (g.a == g.a[:, :1]).all(axis=1)
    out = np.zeros_like(g.a)
    out[uni] = _color(c)
    return _g(out)


def attract(g: Grid, c: int) -> Grid:
    """Move every object not of colour c straight (or diagonally) toward the colour-c cells until it touches them."""
    a = g.a
    c = _color(c)
    anchor = a == c
    if not anchor.any():
        raise ValueError("no anchor")
    h, w = a.shape
    p = pad1(anchor, 0)
    near = np.zeros((h, w), dtype=bool)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            near |= p[1 + dy:1 + dy + h, 1 + dx:1 + dx + w]
    ar0, ar1, ac0, ac1 = _bbox(anchor)
    movers = [o for o in objects8(g) if o.color != c]
    if not movers:
        raise ValueError("nothing to move")
    out = np.where(anchor, a, 0)
    for o in movers:
        ys, xs = np.nonzero(o.mask.a)
        vals = o.cells.a[ys, xs]
        ys, xs = ys + o.top, xs + o.left
        r1, c1 = ys.max() + 1, xs.max() + 1
        dy = 1 if r1 <= ar0 else -1 if ar1 <= o.top else 0
        dx = 1 if c1 <= ac0 else -1 if ac1 <= o.left else 0
        for _ in range(max(h, w)):
            if near[ys, xs].any() or (dy == 0 and dx == 0):
                break
            ny, nx = ys + dy, xs + dx
            if ny.min() < 0 or nx.min() < 0 or ny.max() >= h or nx.max() >= w or anchor[ny, nx].any():
                break
            ys, xs = ny, nx
        out[ys, xs] = vals
    return _g(out)


def _smear_down(a: np.ndarray) -> np.ndarray:
    rows = np.arange(a.shape[0])[:, None]
    last = np.maximum.accumulate(np.where(a != 0, rows, -1), axis=0)
    cols = np.broadcast_to(np.arange(a.shape[1]), a.shape)
    fill = a[np.maximum(last, 0), cols]
    return np.where((a == 0) & (last >= 0), fill, a)


def ray_down(g: Grid) -> Grid:
    """Every non-zero cell extends downward over the 0 cells below it, up to the next non-zero cell."""
    return _g(_smear_down(g.a))


def ray_up(g: Grid) -> Grid:
    """Every non-zero cell extends upward over the 0 cells above it, up to the next non-zero cell."""
    return _g(_smear_down(g.a[::-1])[::-1])


def ray_right(g: Grid) -> Grid:
    """Every non-zero cell extends rightward over the 0 cells after it, up to the next non-zero cell."""
    return _g(_smear_down(g.a.T).T)


def ray_left(g: Grid) -> Grid:
    """Every non-zero cell extends leftward over the 0 cells before it, up to the next non-zero cell."""
    return _g(_smear_down(g.a[:, ::-1].T).T[:, ::-1])


def _p(fn: Callable[..., object], args: tuple[str, ...], ret: str, cost: int = 1) -> Primitive:
    doc = (fn.__doc__ or "").strip().splitlines()[0]
    return Primitive(fn.__name__, args, ret, fn, doc, cost=cost)


PRIMITIVES: tuple[Primitive, ...] = tuple(
    [_p(f, (G,), G) for f in (
        rot90, rot180, rot270, flip_h, flip_v, transpose, antitranspose, crop_nonzero, crop_to_content, left_half,
        right_half, top_half, bottom_half, cell_most_colorful, cell_least_colorful, cell_unique, mirror_h, mirror_v,
        mirror_4, rot_quad, fractal, fractal_inv, fractal_major, majority_cells, majority_stripes, reverse_rings,
        cycle_rings, compress, dedup_rows, dedup_cols, dedup, gravity_down, gravity_up, gravity_left, gravity_right,
        symmetrize_h, symmetrize_v, symmetrize_4, extend_h, extend_v, connect_h, connect_v, connect_hv, rays_diag,
        extend_ends, blank, remove_noise, keep_largest, hollow, swap_colors, recolor_to_marker, upscale_by_colors,
        colour_blocks, fill_placeholders, cells_majority, overlay_cells, overlay_cells_rev, repeated_half,
        spread_cell, spread_template, keep_least_common, ray_down, ray_up, ray_right, ray_left, crop_minor_color,
        crop_major_color, colors_by_count, minor_colors_by_count, colors_by_size, count_row, color_histogram,
        color_strip)]
    + [_p(f, (G, I), G) for f in (crop_color, crop_inside_color, upscale, downscale, keep_color, fill_bg,
                                   binarize, complete_symmetry, extract_hole, fill_holes, outline, fill_bbox,
                                   fill_interior, border, connect_h_with, connect_v_with, move_until_touch,
                                   uniform_rows, attract, gravity_to, repair_tiling, tiling_hole, continue_pattern,
                                   fill_empty_squares, fill_largest_rect)]
    + [_p(f, (G, I, I), G) for f in (tile, replace_color, recolor_size, recolor_rank, halo, crop_tl, crop_tr, crop_bl,
                                     crop_br)]
    + [_p(remap, (G,) + (I,) * 10, G, cost=3), _p(extend_pattern, (G, I, I, I, I), G, cost=2)]
    + [_p(f, (G, G), G) for f in (hconcat, vconcat, overlay)]
    + [_p(f, (G, G, I), G) for f in (cell_and, cell_or, cell_xor, cell_nor, cell_andnot)]
    + [_p(f, (G,), I) for f in (most_common_color, least_common_color, most_common_nonzero, count_colors)]
    + [_p(solid, (I, I, I), G), _p(color_row, (I, I), G), _p(eye, (I, I), G)]
    + [_p(f, (G,), OS) for f in (objects4, objects8, mc_objects4, mc_objects8, parts_sep, parts_blank)]
    + [_p(f, (G, I), OS) for f in (split_h, split_v)]
    + [_p(f, (OS,), O) for f in (largest, smallest, biggest_box, most_colorful, unique_color_obj,
                                  unique_shape_obj, common_shape_obj, symmetric_obj, asymmetric_obj, first_obj,
                                  unique_cells_obj, least_colorful, asym_obj)]
    + [_p(f, (OS,), OS) for f in (touching_border, not_touching_border)]
    + [_p(f, (OS, I), OS) for f in (with_color, larger_than, recolor)]
    + [_p(count, (OS,), I), _p(recolor_obj, (O, I), O), _p(obj_crop, (O,), G), _p(crop_at, (G, O), G), _p(paint, (G, O), G)]
    + [_p(f, (G, OS), G) for f in (paint_all, erase_all)]
    + [_p(f, (G, I, I), G, cost=3) for f in (local_rule, local_rule_abs)]
    + [_p(cell_rules, (G, I), G, cost=3), _p(recolor_by, (G, I, I), G, cost=3),
       _p(draw_lines, (G, I), G, cost=3), _p(pick_object, (G, I), G, cost=3), _p(lookup, (G, I, I), G, cost=3),
       _p(fill_parts, (G, I, I), G, cost=3), _p(part_cells, (G, I, I), G, cost=3),
       _p(norm_colors, (G,), G, cost=2), _p(denorm_colors, (G, G), G, cost=2), _p(bg_to_zero, (G,), G, cost=2),
       _p(bg_back, (G, G), G, cost=2), _p(bg_ranks, (G,), G, cost=2), _p(bg_ranks_back, (G, G), G, cost=2)]
)
"""Every grid primitive, registered with its signature and one-line doc."""

"""Lines drawn from the grid's own cells, learned from the examples (ARC tasks that only add cells).

A rule draws over the 0 cells only: from every cell of a source colour (or of any colour), a ray in one
of eight directions that stops at the first non-zero cell ("stop"), passes over them ("through"), or is
drawn only when it ends on one ("hit"); or the gap between two source cells on a row, column or diagonal.
Each line has one colour: a fixed one, or its source cell's own.  `fit` keeps the fewest rules that paint
exactly the added cells of every train pair, so `(draw_lines x rules)` is a pure printable term.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Sequence

import numpy as np

from hypsearch.domains.grid.labels import label, pad1
from hypsearch.domains.grid.values import Grid

DIRS = ((-1, 0), (1, 0), (0, -1), (0, 1), (-1, -1), (-1, 1), (1, -1), (1, 1))
"""Ray directions (dy, dx): up, down, left, right, then the four diagonals."""
MODES = ("stop", "through", "hit", "tip")
"""How a ray meets a non-zero cell: it stops there, it passes over it, or it is drawn only if it meets one;
`tip` rays stop too, but start only from a source cell with free cells ahead on both axes of its direction
(the outer corner of a block, for a diagonal)."""
N_RAYS = len(DIRS) * len(MODES)
"""Kinds below this are rays (direction-major); kinds from it on are gaps: 4 axes, stop or through."""
N_GAPS = 8
"""Gap kinds: between two source cells on a column, row, diagonal or anti-diagonal; stop or through."""
AREAS = ("next4", "next_diag", "next8", "box", "holes")
"""Area kinds: the 0 cells beside a source cell (edge, corner or both), inside a source object's bounding
box, or enclosed by the source cells (no 4-path of 0 cells to the border)."""
N_KINDS = N_RAYS + N_GAPS + len(AREAS)
OWN = 10
"""A rule colour meaning "the colour of the cell the line starts from"."""
ANY = 0
"""A source colour meaning "every non-zero cell"."""
KIND_ORDER = (*range(N_RAYS, N_KINDS),
              *(k for mode in (0, 3, 2, 1) for k in range(mode, N_RAYS, len(MODES)) if mode != 3 or k // len(MODES) >= 4))
"""The order `fit` tries kinds in, the most constrained first (it keeps the first of equal gains): gaps, areas,
then rays that stop, that start from tips (diagonals only: on the axes a tip ray is a ray that stops), that
hit, that pass through."""
ENTRY_BITS = 14
"""Bits of one packed rule: kind (6), source colour (4), 1 + line colour (4)."""


def _shift(m: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """The mask moved one cell by (dy, dx); cells moved in from outside are False."""
    h, w = m.shape
    out = np.zeros_like(m)
    out[max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = m[max(-dy, 0):h - max(dy, 0),
                                                                   max(-dx, 0):w - max(dx, 0)]
    return out


def _reach(src: np.ndarray, free: np.ndarray, dy: int, dx: int, through: bool) -> np.ndarray:
    """The free cells a ray from any `src` cell passes in direction (dy, dx): up to the first non-free cell,
    or over them when `through`."""
    reach = np.zeros_like(src)
    front = _shift(src, dy, dx)
    for _ in range(max(src.shape)):
        if not through:
            front &= free
        if not front.any():
            break
        reach |= front & free
        front = _shift(front, dy, dx)
    return reach


def _kind_mask(a: np.ndarray, src: np.ndarray, kind: int) -> np.ndarray:
    """The 0 cells rule kind `kind` paints from the source cells `src`."""
    free = a == 0
    if kind < N_RAYS:
        (dy, dx), mode = DIRS[kind // len(MODES)], MODES[kind % len(MODES)]
        if mode == "tip":
            src = src & _shift(free, -dy, 0) & _shift(free, 0, -dx) if dy and dx else src
        reach = _reach(src, free, dy, dx, mode == "through")
        if mode == "hit":  # keep the cells from which the ray, going on, meets a non-zero cell
            reach &= _reach(~free, free, -dy, -dx, False)
        return reach
    if kind < N_RAYS + N_GAPS:
        axis, through = divmod(kind - N_RAYS, 2)
        dy, dx = DIRS[(1, 3, 7, 6)[axis]]  # columns, rows, the diagonal, the anti-diagonal
        return _reach(src, free, dy, dx, bool(through)) & _reach(src, free, -dy, -dx, bool(through))
    return _area(src, free, AREAS[kind - N_RAYS - N_GAPS])


def _area(src: np.ndarray, free: np.ndarray, area: str) -> np.ndarray:
    if area.startswith("next"):
        steps = {"next4": DIRS[:4], "next_diag": DIRS[4:], "next8": DIRS}[area]
        near = np.zeros_like(src)
        for dy, dx in steps:
            near |= _shift(src, dy, dx)
        return near & free
    if area == "box":
        inside = np.zeros_like(src)
        lab = label(src.astype(np.int8), src, False, True)
        for k in np.unique(lab[src]).tolist():
            ys, xs = np.nonzero(lab == k)
            inside[ys.min():ys.max() + 1, xs.min():xs.max() + 1] = True
        return inside & free
    open_ = pad1(~src, True)
    lab = label(open_.astype(np.int8), open_, False, False)
    return (lab != lab[0, 0])[1:-1, 1:-1] & free


def _paint(a: np.ndarray, kind: int, source: int, colour: int) -> list[tuple[np.ndarray, int]]:
    """(mask, colour) pairs one rule paints on grid `a`: one per source colour when the colour is OWN."""
    sources = [c for c in range(1, 10) if (a == c).any()] if source == ANY else [source]
    if colour != OWN:
        src = (a != 0) if source == ANY else (a == source)
        return [(_kind_mask(a, src, kind), colour)]
    return [(_kind_mask(a, a == c, kind), c) for c in sources]


def draw_lines(g: Grid, rules: int) -> Grid:
    """Draw every packed rule's lines over the 0 cells (later rules do not paint over earlier ones)."""
    a = g.a
    out = a.copy()
    painted = a != 0
    for kind, source, colour in _unpack(rules):
        for mask, c in _paint(a, kind, source, colour):
            mask = mask & ~painted
            out[mask] = c
            painted |= mask
    return Grid.adopt(out)


def _pack(rules: Sequence[tuple[int, int, int]]) -> int:
    code = 0
    for i, (kind, source, colour) in enumerate(rules):
        code |= ((kind << 8) | (source << 4) | (colour + 1)) << (ENTRY_BITS * i)
    return code


@lru_cache(maxsize=1024)
def _unpack(code: int) -> tuple[tuple[int, int, int], ...]:
    """The rules (kind, source, colour) an Int holds (`_pack`'s inverse); raises on a malformed one."""
    if code <= 0:
        raise ValueError("no drawing rules")
    rules = []
    while code:
        entry = code & ((1 << ENTRY_BITS) - 1)
        kind, source, colour = entry >> 8, (entry >> 4) & 15, (entry & 15) - 1
        if kind >= N_KINDS or source > 9 or not 1 <= colour <= OWN:
            raise ValueError("not a drawing rule")
        rules.append((kind, source, colour))
        code >>= ENTRY_BITS
    return tuple(rules)


def _candidates(state: Sequence[Grid], outs: Sequence[Grid],
                added: Sequence[np.ndarray]) -> list[tuple[tuple[int, int, int], list[np.ndarray]]]:
    """Every rule whose lines, in every pair, land only on added cells of their own colour, with the cells it
    paints in each pair; general rules first (any source in its own colour, then one source in its own, any
    source in one colour, one source in another), each kind in `KIND_ORDER`."""
    present = sorted(set().union(*(set(np.unique(s.a).tolist()) for s in state)) - {0})
    found: list[tuple[tuple[int, int, int], tuple[int, int, int], list[np.ndarray]]] = []
    for rank, kind in enumerate(KIND_ORDER):
        per_colour = []  # per pair: {colour: cells its rays paint}
        for s, add in zip(state, added):
            masks = {c: _kind_mask(s.a, s.a == c, kind) for c in present if (s.a == c).any()}
            per_colour.append(masks)
        # any source, each line its own colour
        if all(all(not m.any() or (o.a[m] == c).all() for c, m in masks.items())
               for masks, o in zip(per_colour, outs)):
            cells = [np.logical_or.reduce([*masks.values(), np.zeros(o.shape, bool)]) for masks, o in
                     zip(per_colour, outs)]
            if any(m.any() for m in cells):
                found.append(((0, 0, rank), (kind, ANY, OWN), cells))
        # one source colour (its own colour or a fixed one), then any source in a fixed colour
        for source in [*present, ANY]:
            cells = []
            for s, o, add, masks in zip(state, outs, added, per_colour):
                m = _kind_mask(s.a, s.a != 0, kind) if source == ANY else masks.get(source)
                cells.append(np.zeros(s.shape, bool) if m is None else m)
            if not any(m.any() for m in cells):
                continue
            if any((m & ~add).any() for m, add in zip(cells, added)):
                continue
            colours = set().union(*(set(np.unique(o.a[m]).tolist()) for m, o in zip(cells, outs)))
            if len(colours) != 1:
                continue
            colour = colours.pop()
            order = (1, 0, rank) if colour == source else (2 if source == ANY else 3, 0, rank)
            found.append((order, (kind, source, colour), cells))
    found.sort(key=lambda f: f[0])
    return [(rule, cells) for _, rule, cells in found]


MAX_RULES = 4
"""Most rules one fit may combine."""


def fit(state: Sequence[Grid], outs: Sequence[Grid]) -> int | None:
    """Packed rules, fewest first, whose lines paint exactly the cells each output adds to its state; None when
    an output changes a non-zero cell or no such rules exist (at most MAX_RULES rules)."""
    if any(s.shape != o.shape for s, o in zip(state, outs)):
        return None
    added = []
    for s, o in zip(state, outs):
        if not np.array_equal(o.a[s.a != 0], s.a[s.a != 0]):
            return None
        added.append((s.a == 0) & (o.a != 0))
    total = sum(int(m.sum()) for m in added)
    if total == 0:
        return None
    cands = _candidates(state, outs, added)
    chosen: list[tuple[int, int, int]] = []
    covered = [np.zeros_like(m) for m in added]
    for _ in range(MAX_RULES):
        best, gain = None, 0
        for rule, per_pair in cands:
            g = sum(int((m & ~c).sum()) for m, c in zip(per_pair, covered))
            if g > gain:
                best, gain = (rule, per_pair), g
        if best is None:
            return None
        chosen.append(best[0])
        covered = [c | m for c, m in zip(covered, best[1])]
        if all(np.array_equal(c, m) for c, m in zip(covered, added)):
            return _pack(chosen)
    return None



def fit_checked(state: Sequence[Grid], outs: Sequence[Grid]) -> tuple[int, bool] | None:
    """`fit`'s rules, and whether rules fitted to all train pairs but one also draw the one left out (for every
    pair): rules that pass are ranked like exact programs a level deeper, the others only as a fallback."""
    rules = fit(state, outs)
    if rules is None:
        return None
    if len(state) < 2:
        return rules, False
    for k in range(len(state)):
        rest = fit(state[:k] + state[k + 1:], outs[:k] + outs[k + 1:])
        if rest is None or draw_lines(state[k], rest) != outs[k]:
            return rules, False
    return rules, True

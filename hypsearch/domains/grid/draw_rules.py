"""Lines drawn from the grid's own cells, learned from the examples (ARC tasks that only add cells).

A rule draws over the 0 cells only: from every cell of a source colour (or of any colour), a ray in one
of eight directions that stops at the first non-zero cell ("stop"), passes over them ("through"), is drawn
only when it ends on a cell of a target colour ("hit") or only when it reaches the border ("miss"), or
starts only from a block's outer corner ("tip"); or the gap between two source cells on a row, column or
diagonal; or an area (the cells beside, inside the box of, or enclosed by the source cells).  Each rule has
one colour: a fixed one, or its source cell's own.  Rules paint in order, and a cell keeps the first colour
it gets.  `fit` keeps the fewest rules that paint exactly the added cells of every train pair, so
`(draw_lines x rules)` is a pure printable term.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Sequence

import numpy as np

from hypsearch.domains.grid.labels import enclosed, label, shifted
from hypsearch.domains.grid.values import Grid

DIRS = ((-1, 0), (1, 0), (0, -1), (0, 1), (-1, -1), (-1, 1), (1, -1), (1, 1))
"""Ray directions (dy, dx): up, down, left, right, then the four diagonals."""
MODES = ("stop", "through", "hit", "tip", "miss")
"""How a ray meets a non-zero cell: it stops there; it passes over it; it is drawn only if it ends on one of
the target colour; it stops, but starts only from a source cell with free cells ahead on both axes of its
direction (the outer corner of a block, for a diagonal); it is drawn only if it meets none."""
N_RAYS = len(DIRS) * len(MODES)
"""Kinds below this are rays (direction-major); kinds from it on are gaps, then areas."""
N_GAPS = 8
"""Gap kinds: between two source cells on a column, row, diagonal or anti-diagonal; stop or through."""
AREAS = ("next4", "next_diag", "next8", "box", "holes")
"""Area kinds: the 0 cells beside a source cell (edge, corner or both), inside a source object's bounding
box, or enclosed by the source cells (no 4-path of 0 cells to the border)."""
N_KINDS = N_RAYS + N_GAPS + len(AREAS)
OWN = 10
"""A rule colour meaning "the colour of the cell the line starts from"."""
ANY = 0
"""A source (or hit target) colour meaning "every non-zero cell"."""
HIT = MODES.index("hit")
_RAY_ORDER = {m: i for i, m in enumerate(("stop", "tip", "miss", "hit", "through"))}
KIND_ORDER = (*range(N_RAYS, N_KINDS),
              *sorted((k for k in range(N_RAYS) if MODES[k % len(MODES)] != "tip" or k // len(MODES) >= 4),
                      key=lambda k: _RAY_ORDER[MODES[k % len(MODES)]]))
"""The order `fit` tries kinds in, the most constrained first (it keeps the first of equal gains): gaps, areas,
then rays that stop, that start from tips (diagonals only: on the axes a tip ray is a ray that stops), that
miss, that hit, that pass through."""
ENTRY_BITS = 18
"""Bits of one packed rule: kind (6), source colour (4), 1 + line colour (4), hit target (4)."""
Rule = tuple[int, int, int, int]
"""(kind, source colour, line colour, hit target)."""


def _shift(m: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """The mask moved one cell by (dy, dx); cells moved in from outside are False."""
    return shifted(m, False)(-dy, -dx)


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


def _kind_mask(a: np.ndarray, src: np.ndarray, kind: int, target: int = ANY) -> np.ndarray:
    """The 0 cells rule kind `kind` paints from the source cells `src` (`target`: what a hit ray must end on)."""
    free = a == 0
    if kind < N_RAYS:
        (dy, dx), mode = DIRS[kind // len(MODES)], MODES[kind % len(MODES)]
        if mode == "tip" and dy and dx:
            src = src & _shift(free, -dy, 0) & _shift(free, 0, -dx)
        reach = _reach(src, free, dy, dx, mode == "through")
        if mode in ("hit", "miss"):  # the cells from which the ray, going on, meets a (target) cell
            ends = (a == target) if mode == "hit" and target != ANY else ~free
            meets = _reach(ends, free, -dy, -dx, False)
            reach &= meets if mode == "hit" else ~meets
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
    return enclosed(src) & free


def _paint(a: np.ndarray, rule: Rule) -> list[tuple[np.ndarray, int]]:
    """(mask, colour) pairs one rule paints on grid `a`: one per source colour when the colour is OWN."""
    kind, source, colour, target = rule
    if colour != OWN:
        src = (a != 0) if source == ANY else (a == source)
        return [(_kind_mask(a, src, kind, target), colour)]
    sources = [c for c in range(1, 10) if (a == c).any()] if source == ANY else [source]
    return [(_kind_mask(a, a == c, kind, target), c) for c in sources]


def draw_lines(g: Grid, rules: int) -> Grid:
    """Draw every packed rule's lines over the 0 cells, in order (a cell keeps the first colour it gets)."""
    a = g.a
    out = a.copy()
    painted = a != 0
    for rule in _unpack(rules):
        for mask, c in _paint(a, rule):
            mask = mask & ~painted
            out[mask] = c
            painted |= mask
    return Grid.adopt(out)


def _pack(rules: Sequence[Rule]) -> int:
    code = 0
    for i, (kind, source, colour, target) in enumerate(rules):
        code |= ((kind << 12) | (source << 8) | ((colour + 1) << 4) | target) << (ENTRY_BITS * i)
    return code


@lru_cache(maxsize=1024)
def _unpack(code: int) -> tuple[Rule, ...]:
    """The rules an Int holds (`_pack`'s inverse); raises on a malformed one."""
    if code <= 0:
        raise ValueError("no drawing rules")
    rules = []
    while code:
        entry = code & ((1 << ENTRY_BITS) - 1)
        kind, source, colour, target = entry >> 12, (entry >> 8) & 15, ((entry >> 4) & 15) - 1, entry & 15
        if (kind >= N_KINDS or source > 9 or not 1 <= colour <= OWN or target > 9
                or (target and not (kind < N_RAYS and kind % len(MODES) == HIT))):
            raise ValueError("not a drawing rule")
        rules.append((kind, source, colour, target))
        code >>= ENTRY_BITS
    return tuple(rules)


def _candidates(state: Sequence[Grid], outs: Sequence[Grid], added: Sequence[np.ndarray]
                ) -> list[tuple[Rule, list[np.ndarray], list[np.ndarray]]]:
    """Every rule that paints some added cell and no cell its output leaves 0, with the cells it paints and
    the cells it paints a wrong colour (which an earlier rule must have painted), per pair; general rules
    first (any source in its own colour, one source in its own, any source in one colour, one source in
    another), each kind in `KIND_ORDER`."""
    present = sorted(set().union(*(set(np.unique(s.a).tolist()) for s in state)) - {0})
    targets = [ANY, *present]
    found: list[tuple[tuple[int, ...], Rule, list[np.ndarray], list[np.ndarray]]] = []

    def keep(order: tuple[int, ...], rule: Rule, cells: list[np.ndarray], colour_of: list[np.ndarray]) -> None:
        if not any(m.any() for m in cells) or any((m & ~add).any() for m, add in zip(cells, added)):
            return
        bad = [m & (o.a != c) for m, o, c in zip(cells, outs, colour_of)]
        if all(m.sum() > b.sum() for m, b in zip(cells, bad) if m.any()):
            found.append((order, rule, cells, bad))

    for rank, kind in enumerate(KIND_ORDER):
        for target in (targets if kind < N_RAYS and kind % len(MODES) == HIT else [ANY]):
            per_colour = [{c: _kind_mask(s.a, s.a == c, kind, target) for c in present if (s.a == c).any()}
                          for s in state]
            cells, colour_of = [], []
            for masks, s in zip(per_colour, state):
                m, col = np.zeros(s.shape, bool), np.zeros(s.shape, np.uint8)
                for c, mc in masks.items():
                    col[mc & ~m] = c
                    m |= mc
                cells.append(m)
                colour_of.append(col)
            keep((0, rank, target), (kind, ANY, OWN, target), cells, colour_of)
            for source in [*present, ANY]:
                cells = [(_kind_mask(s.a, s.a != 0, kind, target) if source == ANY else
                          masks.get(source, np.zeros(s.shape, bool))) for s, masks in zip(state, per_colour)]
                votes = np.bincount(np.concatenate([o.a[m] for m, o in zip(cells, outs)]), minlength=10)
                colour = int(votes[1:].argmax()) + 1
                tier = 2 if source == ANY else 1 if colour == source else 3
                keep((tier, rank, target), (kind, source, colour, target), cells,
                     [np.full(s.shape, colour, np.uint8) for s in state])
    found.sort(key=lambda f: f[0])
    return [(rule, cells, bad) for _, rule, cells, bad in found]


MAX_RULES = 4
"""Most rules one fit may combine."""


def fit(state: Sequence[Grid], outs: Sequence[Grid]) -> int | None:
    """Packed rules, fewest first, whose lines paint exactly the cells each output adds to its state; None when
    an output changes a non-zero cell or no such rules exist (at most MAX_RULES rules).  A rule may paint a
    wrong colour only on cells an earlier rule paints first."""
    if any(s.shape != o.shape for s, o in zip(state, outs)):
        return None
    added = []
    for s, o in zip(state, outs):
        if not np.array_equal(o.a[s.a != 0], s.a[s.a != 0]):
            return None
        added.append((s.a == 0) & (o.a != 0))
    if not any(m.any() for m in added):
        return None
    cands = _candidates(state, outs, added)
    chosen: list[Rule] = []
    covered = [np.zeros_like(m) for m in added]
    for _ in range(MAX_RULES):
        best, gain = None, 0
        for rule, cells, bad in cands:
            if any((b & ~c).any() for b, c in zip(bad, covered)):
                continue
            g = sum(int((m & ~c).sum()) for m, c in zip(cells, covered))
            if g > gain:
                best, gain = (rule, cells), g
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

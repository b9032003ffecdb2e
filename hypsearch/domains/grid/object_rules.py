"""Objects recoloured by one of their properties, learned from the examples (same-shape ARC tasks); or the
regions of 0 cells between them filled by theirs.

Each single-colour, 8-connected object of the grid is described by small-integer features (its size, size
rank, height, width, enclosed holes, whether it touches the border, how many objects share its shape or
colour, its symmetries, whether it fills its bounding box, whether it is the smallest or the largest).  A rule
is a table "feature value → colour", optionally also keyed by the object's own colour; every object is
repainted with its entry, and an object whose entry is missing makes the rule fail (no guess).  The table is
stored in the program as one Int, so `(recolor_by x feature table)` is a pure printable term.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from typing import Sequence

import numpy as np

from hypsearch.domains.grid.labels import enclosed
from hypsearch.domains.grid.local_rules import components
from hypsearch.domains.grid.values import Grid

MAX_VALUE = 30
"""Largest feature value a table holds (a larger one does not fit: tables stay small and printable)."""
ENTRY_BITS = 13
"""Bits of one table entry: the key (9 bits: keys are below 10 * (MAX_VALUE + 1) = 310) and 1 + its colour."""


@lru_cache(maxsize=256)
def blobs(g: Grid, regions: bool = False) -> tuple[tuple[np.ndarray, int, tuple[int, int, int, int]], ...]:
    """The grid's single-colour 8-connected objects, or with `regions` its 4-connected regions of 0 cells:
    (mask over the grid, colour, bounding box r0 r1 c0 c1).

    The labels are the cell rules' own (`local_rules.components`, memoised by content): the same state grids
    meet both fitters."""
    a = g.a
    _, _, lab = components(a, not regions)
    out = []
    for k in np.unique(lab[(a == 0) if regions else (a != 0)]).tolist():
        m = lab == k
        rows, cols = np.flatnonzero(m.any(axis=1)), np.flatnonzero(m.any(axis=0))
        ys, xs = np.nonzero(m)
        out.append((m, int(a[ys[0], xs[0]]), (int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1)))
    return tuple(out)


def _holes(box: np.ndarray) -> int:
    """Cells inside the object's bounding box, not on it, that no 4-path of such cells joins to the outside."""
    return int(np.count_nonzero(enclosed(box)))


@lru_cache(maxsize=256)
def _features(g: Grid, regions: bool = False) -> tuple[tuple[int, ...], ...]:
    """One feature tuple per object (or region of 0 cells) of `g`, in the order of `FEATURES`."""
    objs = blobs(g, regions)
    h, w = g.shape
    boxes = [m[r0:r1, c0:c1] for m, _, (r0, r1, c0, c1) in objs]
    sizes = [int(b.sum()) for b in boxes]
    desc, asc = sorted(set(sizes), reverse=True), sorted(set(sizes))
    shapes = Counter((b.shape, b.tobytes()) for b in boxes)
    colours = Counter(c for _, c, _ in objs)
    rows = []
    for (m, c, (r0, r1, c0, c1)), b, n in zip(objs, boxes, sizes):
        holes = _holes(b)
        rows.append((n, desc.index(n) + 1, asc.index(n) + 1, r1 - r0, c1 - c0, holes, int(holes > 0),
                     int(r0 == 0 or c0 == 0 or r1 == h or c1 == w), shapes[(b.shape, b.tobytes())], colours[c],
                     int((b == b[:, ::-1]).all()), int((b == b[::-1]).all()), int(b.all()),
                     int(n == desc[-1]) + 2 * int(n == desc[0]), int(b.all() and b.shape[0] == b.shape[1])))
    return tuple(rows)


FEATURES = ("size", "size_rank", "size_rank_up", "height", "width", "holes", "has_holes", "touches_border",
            "shape_count", "colour_count", "mirror_lr", "mirror_ud", "solid_box", "size_extreme", "solid_square")
"""Feature names, by index (the program's `feature` argument is 2 * index + 1 when keyed by colour too, and
REGIONS + index for the regions of 0 cells).  `size_extreme` is 1 for the smallest, 2 for the largest, 3 when
all are one size and 0 in between: "largest one way, smallest another, the rest a third" in one table."""
ORDER = (*range(0, 2 * len(FEATURES), 2), *range(1, 2 * len(FEATURES), 2))
"""Object features `fit` tries, colour-blind ones first."""
REGIONS = 2 * len(FEATURES)
"""Feature codes from this on read the grid's 4-connected regions of 0 cells, not its objects."""


def _key(feature: int, colour: int, row: tuple[int, ...]) -> int | None:
    index, by_colour = divmod(feature, 2) if feature < REGIONS else (feature - REGIONS, 0)
    value = row[index]
    if value > MAX_VALUE:
        return None
    return (colour if by_colour else 0) * (MAX_VALUE + 1) + value


def recolor_by(g: Grid, feature: int, table: int) -> Grid:
    """Repaint every object (every region of 0 cells, for feature codes from REGIONS on) with the colour the
    table gives its feature value (keyed by colour too when an object feature is odd); fails when an
    object's value has no entry."""
    if not 0 <= feature < REGIONS + len(FEATURES) or table <= 0:
        raise ValueError("no such object feature")
    entries = _unpack(table)
    out = g.a.copy()
    regions = feature >= REGIONS
    for (m, c, _), row in zip(blobs(g, regions), _features(g, regions)):
        key = _key(feature, c, row)
        if key not in entries:
            raise ValueError("an object's feature value is not in the table")
        out[m] = entries[key]
    return Grid.adopt(out)


def _targets(state: Sequence[Grid], outs: Sequence[Grid], regions: bool) -> list[list[int]] | None:
    """The colour each state's objects (or regions) have in its output, when every one is one colour there."""
    wants = []
    for s, o in zip(state, outs):
        row = []
        for m, _, _ in blobs(s, regions):
            vals = o.a[m]
            if (vals != vals[0]).any():
                return None
            row.append(int(vals[0]))
        wants.append(row)
    return wants


def _table(state: Sequence[Grid], wants: Sequence[Sequence[int]], feature: int) -> dict[int, int] | None:
    """The table {key: colour} that repaints every state's objects into their `wants`, if one exists."""
    table: dict[int, int] = {}
    regions = feature >= REGIONS
    for s, want_s in zip(state, wants):
        for (_, c, _), row, want in zip(blobs(s, regions), _features(s, regions), want_s):
            key = _key(feature, c, row)
            if key is None or table.setdefault(key, want) != want:
                return None
    return table


def _pack(table: dict[int, int]) -> int:
    """The table as one Int: its entries (key, 1 + colour) in key order, ENTRY_BITS each, the first lowest."""
    code = 0
    for i, (key, colour) in enumerate(sorted(table.items())):
        code |= ((key << 4) | (colour + 1)) << (ENTRY_BITS * i)
    return code


@lru_cache(maxsize=1024)
def _unpack(code: int) -> dict[int, int]:
    """The table {key: colour} an Int holds (`_pack`'s inverse); raises on a malformed one."""
    entries: dict[int, int] = {}
    while code:
        entry = code & ((1 << ENTRY_BITS) - 1)
        key, colour = entry >> 4, (entry & 15) - 1
        if not 0 <= colour <= 9 or key in entries:
            raise ValueError("not an object table")
        entries[key] = colour
        code >>= ENTRY_BITS
    return entries


def fit(state: Sequence[Grid], outs: Sequence[Grid]) -> tuple[int, int] | None:
    """(feature, table) of the first feature whose table repaints every state into its output and predicts
    each train pair from the others (leave-one-out); None when the outputs are not the states' objects
    recoloured (or their regions of 0 cells filled), or no feature generalises."""
    if len(state) < 2 or any(s.shape != o.shape for s, o in zip(state, outs)):
        return None
    if all(s == o for s, o in zip(state, outs)):
        return None
    if all(np.array_equal(s.a == 0, o.a == 0) for s, o in zip(state, outs)):
        regions, order = False, ORDER
    elif all(np.array_equal(s.a[s.a != 0], o.a[s.a != 0]) for s, o in zip(state, outs)):
        regions, order = True, tuple(range(REGIONS, REGIONS + len(FEATURES)))
    else:
        return None
    wants = _targets(state, outs, regions)
    if wants is None:
        return None
    for feature in order:
        table = _table(state, wants, feature)
        if table is None:
            continue
        if all(_predicts(state, outs, wants, feature, k) for k in range(len(state))):
            return feature, _pack(table)
    return None


def _predicts(state: Sequence[Grid], outs: Sequence[Grid], wants: Sequence[Sequence[int]], feature: int,
              k: int) -> bool:
    rest = _table(state[:k] + state[k + 1:], [*wants[:k], *wants[k + 1:]], feature)
    if not rest:
        return False
    try:
        return recolor_by(state[k], feature, _pack(rest)) == outs[k]
    except ValueError:
        return False


"""Parts between separator lines filled by one of their properties, learned from the examples (same-shape ARC
tasks).

A grid cut by full lines of one colour (`partition.part_slices`) has parts, each described by a small integer
feature: where it lies in the layout (first, centre, last or other, by row and by column), its main colour,
whether it holds the most / the fewest non-zero cells, and how many it holds.  A rule is a table "feature value
→ action" with a default action for values the table lacks; an action fills the part with one colour, fills
it with its own main colour, or keeps it.  The table is one Int, so `(fill_parts x feature table)` is a pure
printable term; `(part_cells x feature table)` reads the same table as one cell per part (a grid shaped like
the layout).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable, Sequence

import numpy as np

from hypsearch.domains.grid.partition import part_slices
from hypsearch.domains.grid.values import Grid

FEATURES = ("position", "main_colour", "most_cells", "fewest_cells", "cells")
"""Part features, by index (the program's `feature` argument)."""
MAX_VALUE = 31
"""Largest feature value a table holds (5 bits)."""
OWN, KEEP = 10, 11
"""Actions besides the colours 0-9: fill with the part's own main colour; leave the part as it is."""
PREFERENCE = (KEEP, OWN, *range(10))
"""When several actions explain a feature value, the least committal is chosen; the default action is the one
most values share (at least two), else KEEP."""


Allowed = list[tuple[tuple[int, ...], set[int]]]
"""Per part of one grid: its feature row and the actions that explain its output."""


def _axis_class(i: int, n: int) -> int:
    """0 first, 1 centre (of an odd count), 2 last, 3 any other index along one axis of the layout."""
    if i == 0:
        return 0
    if i == n - 1:
        return 2
    if n % 2 == 1 and i == n // 2:
        return 1
    return 3


@lru_cache(maxsize=256)
def _parts(g: Grid) -> tuple[tuple[tuple[int, int, int, int], ...], tuple[tuple[int, ...], ...], tuple[int, int]]:
    """The part bounds of `g` in reading order, one feature row per part (in the order of FEATURES), and the
    layout's shape (rows of parts, parts per row)."""
    a = g.a
    layout = part_slices(a)
    bounds, rows, counts = [], [], []
    for i, row in enumerate(layout):
        for j, b in enumerate(row):
            sub = a[b[0]:b[1], b[2]:b[3]]
            hist = np.bincount(sub.ravel(), minlength=10)
            hist[0] = 0
            main = int(hist.argmax()) if hist.any() else 0
            bounds.append(b)
            counts.append(int(hist.sum()))
            rows.append([_axis_class(i, len(layout)) * 4 + _axis_class(j, len(row)), main])
    most, fewest = max(counts), min(counts)
    feats = tuple((p, m, int(n == most), int(n == fewest), n) for (p, m), n in zip(rows, counts))
    return tuple(bounds), feats, (len(layout), len(layout[0]))


def _apply_action(sub: np.ndarray, action: int, main: int) -> np.ndarray:
    if action == KEEP:
        return sub
    return np.full_like(sub, main if action == OWN else action)


def _pack(table: dict[int, int], default: int) -> int:
    """The table as one Int: 1 + the default action in the low 4 bits, then its entries (key, 1 + action) in
    key order, 9 bits each."""
    code = default + 1
    for i, (key, action) in enumerate(sorted(table.items())):
        code |= ((key << 4) | (action + 1)) << (4 + 9 * i)
    return code


@lru_cache(maxsize=1024)
def _unpack(code: int) -> tuple[dict[int, int], int]:
    """The ({key: action}, default) an Int holds (`_pack`'s inverse); raises on a malformed one."""
    default = (code & 15) - 1
    if code <= 0 or not 0 <= default <= KEEP:
        raise ValueError("not a part table")
    entries: dict[int, int] = {}
    code >>= 4
    while code:
        entry = code & 511
        key, action = entry >> 4, (entry & 15) - 1
        if not 0 <= action <= KEEP or key in entries:
            raise ValueError("not a part table")
        entries[key] = action
        code >>= 9
    return entries, default


def fill_parts(g: Grid, feature: int, table: int) -> Grid:
    """Fill or keep every part between separator lines by the action the table gives its feature value (the
    table's default for a value it lacks)."""
    if not 0 <= feature < len(FEATURES):
        raise ValueError("no such part feature")
    entries, default = _unpack(table)
    bounds, feats, _ = _parts(g)
    out = g.a.copy()
    for (r0, r1, c0, c1), row in zip(bounds, feats):
        out[r0:r1, c0:c1] = _apply_action(out[r0:r1, c0:c1], entries.get(row[feature], default), row[1])
    return Grid.adopt(out)


def part_cells(g: Grid, feature: int, table: int) -> Grid:
    """One cell per part between separator lines, laid out as the parts are, coloured by the action the table
    gives the part's feature value (a colour, or the part's main colour; a part left "kept" fails)."""
    if not 0 <= feature < len(FEATURES):
        raise ValueError("no such part feature")
    entries, default = _unpack(table)
    _, feats, shape = _parts(g)
    out = np.zeros(shape, dtype=g.a.dtype)
    for k, row in enumerate(feats):
        action = entries.get(row[feature], default)
        if action == KEEP:
            raise ValueError("a part's feature value is not in the table")
        out.flat[k] = row[1] if action == OWN else action
    return Grid.adopt(out)


def _allowed_cells(s: Grid, o: Grid) -> Allowed | None:
    """For each part of `s`: its features and the actions that give the output's cell for it; None when the
    output is not one cell per part."""
    try:
        _, feats, shape = _parts(s)
    except ValueError:
        return None
    if o.shape != shape:
        return None
    out = []
    for row, want in zip(feats, o.a.ravel().tolist()):
        out.append((row, {want, OWN} if want == row[1] else {want}))
    return out


def _allowed(s: Grid, o: Grid) -> Allowed | None:
    """For each part of `s`: its features and the actions that turn it into the output's part; None when the
    output differs off the parts or some part has no such action."""
    try:
        bounds, feats, _ = _parts(s)
    except ValueError:
        return None
    on_part = np.zeros(s.shape, dtype=bool)
    out = []
    for (r0, r1, c0, c1), row in zip(bounds, feats):
        on_part[r0:r1, c0:c1] = True
        sub, want = s.a[r0:r1, c0:c1], o.a[r0:r1, c0:c1]
        acts = set()
        if np.array_equal(sub, want):
            acts.add(KEEP)
        if (want == want.flat[0]).all():
            acts.add(int(want.flat[0]))
            if want.flat[0] == row[1]:
                acts.add(OWN)
        if not acts:
            return None
        out.append((row, acts))
    if not np.array_equal(s.a[~on_part], o.a[~on_part]):
        return None
    return out


def _table(allowed: Sequence[Allowed], feature: int) -> tuple[dict[int, int], int] | None:
    """The (table, default) one feature gives, if every part's value has an action that explains it."""
    sets: dict[int, set[int]] = {}
    for parts in allowed:
        for row, acts in parts:
            key = row[feature]
            if key > MAX_VALUE:
                return None
            sets[key] = sets[key] & acts if key in sets else set(acts)
            if not sets[key]:
                return None
    chosen = {key: next(a for a in PREFERENCE if a in acts) for key, acts in sets.items()}
    votes = list(chosen.values())
    default = max(PREFERENCE, key=lambda a: (votes.count(a), -PREFERENCE.index(a)))
    if votes.count(default) < 2:
        default = KEEP  # no action is shared: a value the examples never showed leaves its part alone
    return {k: a for k, a in chosen.items() if a != default}, default


def fit(state: Sequence[Grid], outs: Sequence[Grid]) -> tuple[int, int] | None:
    """(feature, table) of the first feature whose table turns every state into its output by `fill_parts` and
    predicts each train pair from the others (leave-one-out); None when the outputs are not the states' parts
    filled or kept, or no feature generalises."""
    if len(state) < 2 or any(s.shape != o.shape for s, o in zip(state, outs)):
        return None
    if all(s == o for s, o in zip(state, outs)):
        return None
    return _fit(state, outs, [_allowed(s, o) for s, o in zip(state, outs)], fill_parts)


def fit_cells(state: Sequence[Grid], outs: Sequence[Grid]) -> tuple[int, int] | None:
    """(feature, table) for `part_cells`, as `fit` finds one for `fill_parts`: every output is one cell per
    part of its state."""
    if len(state) < 2:
        return None
    return _fit(state, outs, [_allowed_cells(s, o) for s, o in zip(state, outs)], part_cells)



def _fit(state: Sequence[Grid], outs: Sequence[Grid], allowed: Sequence[Allowed | None],
         rule: Callable[[Grid, int, int], Grid]) -> tuple[int, int] | None:
    if any(a is None for a in allowed):
        return None
    known: list[Allowed] = list(allowed)  # type: ignore[arg-type]
    for feature in range(len(FEATURES)):
        whole = _table(known, feature)
        if whole is None or not whole[0] and whole[1] == KEEP:
            continue
        if all(_predicts(state, outs, known, feature, k, rule) for k in range(len(state))):
            return feature, _pack(*whole)
    return None


def _predicts(state: Sequence[Grid], outs: Sequence[Grid], allowed: Sequence[Allowed], feature: int, k: int,
              rule: Callable[[Grid, int, int], Grid]) -> bool:
    rest = _table([*allowed[:k], *allowed[k + 1:]], feature)
    if rest is None:
        return False
    try:
        return rule(state[k], feature, _pack(*rest)) == outs[k]
    except ValueError:
        return False

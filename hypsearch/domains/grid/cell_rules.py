"""Learned decision lists over per-cell features, for same-shape ARC tasks.

Each cell is described by feature slots: its colour, its 8 neighbours, the first non-zero
colour seen in the 4 axis directions, whether its row / column contains each colour, facts
about its single-colour component, whether it lies between two equal colours, which colours
touch it orthogonally or diagonally, and where it lies (by parity) from its 4- or 8-connected
component's top-left corner and from the grid's corners.  A rule is "if [centre == c0 and] slot k == v then paint colour a /
copy slot j"; the first matching rule wins and an unmatched cell keeps its colour.  Lists are learned
greedily (each new rule is consistent on every train cell it covers and covers the most changed cells
not yet explained) and are stored in the program as one Int, so `(cell_rules x table)` is a pure printable term.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Sequence

import numpy as np

from hypsearch.domains.grid.labels import shifted
from hypsearch.domains.grid.local_rules import components, first_seen
from hypsearch.domains.grid.values import Grid

OFF = 10
N_COLOUR_SLOTS = 13
"""Slots 0-12 hold colours (centre, 8 neighbours, 4 rays) and may be copied."""
ANY = 15
"""Centre-colour guard meaning "any centre colour"."""
MAX_RULES = 6
"""Longest rule list learned (longer lists would mostly memorise the examples)."""


@lru_cache(maxsize=512)
def features(g: Grid) -> np.ndarray:
    """The feature slots of every cell, an int64 array (h*w, n_slots), read-only."""
    a = g.a
    h, w = a.shape
    cols = [a.astype(np.int64)]
    nb = shifted(cols[0], OFF)  # one padded copy for all 16 neighbour reads
    cols += [nb(dy, dx) for dy, dx in ((-1, 0), (1, 0), (0, -1), (0, 1), (-1, -1), (-1, 1), (1, -1), (1, 1))]
    up, down, left, right = (first_seen(a, 0, False), first_seen(a, 0, True), first_seen(a, 1, False),
                             first_seen(a, 1, True))
    cols += [up, down, left, right]
    for c in range(1, 10):
        cols.append(np.broadcast_to((a == c).any(axis=1)[:, None], (h, w)).astype(np.int64))
    for c in range(1, 10):
        cols.append(np.broadcast_to((a == c).any(axis=0)[None, :], (h, w)).astype(np.int64))
    size, edge, lab = components(a, False)
    cols += [edge, np.minimum(size, 15)]
    cols.append(((left == right) & (left != OFF)).astype(np.int64))
    cols.append(((up == down) & (up != OFF)).astype(np.int64))
    nz = sum(((nb(dy, dx) % OFF) != 0).astype(np.int64)
             for dy in (-1, 0, 1) for dx in (-1, 0, 1) if (dy, dx) != (0, 0))
    cols.append(nz)
    orth = np.stack(cols[1:5])
    diag = np.stack(cols[5:9])
    for c in range(1, 10):
        cols.append((orth == c).any(axis=0).astype(np.int64))
    for c in range(1, 10):
        cols.append((diag == c).any(axis=0).astype(np.int64))
    cols.append(_corner_parity(lab))
    cols.append(_corner_parity(components(a, True)[2]))  # the same from 8-connected components (diagonal lines)
    ys, xs = np.indices((h, w))
    cols.append((ys % 2) * 2 + xs % 2)  # and from the grid's own corners: top-left, bottom-right
    cols.append(((h - 1 - ys) % 2) * 2 + (w - 1 - xs) % 2)
    f = np.stack([np.asarray(c).ravel() for c in cols], axis=1)
    f.flags.writeable = False
    return f


def _corner_parity(lab: np.ndarray) -> np.ndarray:
    """Per cell, the parities of its row and column from its component's top-left corner (2 * row + column)."""
    h, w = lab.shape
    ys, xs = np.indices((h, w))
    top = np.full(int(lab.max()) + 1, h)
    left = np.full(int(lab.max()) + 1, w)
    np.minimum.at(top, lab.ravel(), ys.ravel())
    np.minimum.at(left, lab.ravel(), xs.ravel())
    return ((ys - top[lab]) % 2) * 2 + (xs - left[lab]) % 2


N_SLOTS = 13 + 18 + 5 + 18 + 4
"""Feature slots per cell: 13 colour slots, 18 row/column colour flags, 5 facts, 18 touching-colour flags, and
the parities of the cell's row and column from its 4- and its 8-connected component's top-left corner and
from the grid's top-left and bottom-right corners."""


def _encode_rule(c0: int, k: int, v: int, act: int) -> int:
    return (((c0 * 64 + k) * 16 + v) * 32) + act


@lru_cache(maxsize=256)
def decode(table: int) -> tuple[tuple[int, int, int, int], ...]:
    """Unpack an Int made by `pack` into its rules, first rule first."""
    if table < 1:
        raise ValueError("bad rule list")
    rules = []
    while table > 1:
        table, e = divmod(table, 1 << 19)
        e, act = divmod(e, 32)
        e, v = divmod(e, 16)
        c0, k = divmod(e, 64)
        rules.append((c0, k, v, act))
    if table != 1:
        raise ValueError("bad rule list")
    return tuple(reversed(rules))


def pack(rules: Sequence[tuple[int, int, int, int]]) -> int:
    """Pack (centre guard, slot, value, action) rules into one Int (a leading 1 marks the start)."""
    t = 1
    for r in rules:
        t = (t << 19) | _encode_rule(*r)
    return t


def cell_rules(g: Grid, table: int) -> Grid:
    """Recolour cells by a learned first-match list of feature tests (unmatched cells keep their colour)."""
    f = features(g)
    out = f[:, 0].copy()
    done = np.zeros(out.size, dtype=bool)
    for c0, k, v, act in decode(table):
        if k >= f.shape[1] or (act >= 10 and act - 10 >= N_COLOUR_SLOTS):
            raise ValueError("bad rule")
        m = ~done & (f[:, k] == v)
        if c0 != ANY:
            m &= f[:, 0] == c0
        val = act if act < 10 else f[:, act - 10]
        out = np.where(m, val, out)
        done |= m
    if (out > 9).any():
        raise ValueError("copied an off-grid slot")
    return Grid.adopt(out.reshape(g.shape).astype(np.uint8))


def fit(state: Sequence[Grid], outs: Sequence[Grid]) -> int | None:
    """Greedily learn a short rule list mapping every state grid onto its output, or None."""
    if any(s.shape != o.shape for s, o in zip(state, outs)):
        return None
    F = np.concatenate([features(s) for s in state])
    out = np.concatenate([o.a.ravel().astype(np.int64) for o in outs])
    centre = F[:, 0]
    changed = out != centre
    if not changed.any():
        return None
    # candidate tests: (centre guard, slot, value) masks
    tests: list[tuple[int, int, int]] = []
    masks = []
    centre_cols = sorted(set(centre[changed].tolist()))
    for k in range(1, F.shape[1]):
        col = F[:, k]
        for v in np.unique(col[changed]).tolist():
            if v > 15:
                continue
            base = col == v
            for c0 in [ANY] + centre_cols:
                m = base if c0 == ANY else base & (centre == c0)
                if (m & changed).any():
                    tests.append((c0, k, v))
                    masks.append(m)
    for c0 in centre_cols:  # centre colour alone
        tests.append((ANY, 0, c0))
        masks.append(centre == c0)
    if not tests:
        return None
    M = np.array(masks, dtype=np.float32)  # tests x cells
    onehot = (out[:, None] == np.arange(10)[None, :]).astype(np.float32)
    eq = (F[:, :N_COLOUR_SLOTS] == out[:, None]).astype(np.float32)
    remaining = np.ones(out.size, dtype=np.float32)
    rules: list[tuple[int, int, int, int]] = []
    left = changed.copy()
    while left.any():
        if len(rules) >= MAX_RULES:
            return None
        # one product over the cells still free: covered, gain, per-colour and per-slot agreement counts
        R = np.concatenate([remaining[:, None], (remaining * left)[:, None], remaining[:, None] * onehot,
                            remaining[:, None] * eq], axis=1)
        counts = M @ R
        covered, gain = counts[:, 0], counts[:, 1]
        lit_ok = counts[:, 2:12] == covered[:, None]  # tests x colours
        copy_ok = counts[:, 12:] == covered[:, None]  # tests x slots
        copy_ok[:, 0] = False  # "keep" explains no change
        ok = lit_ok.any(axis=1) | copy_ok.any(axis=1)
        score = np.where(ok & (gain > 0), gain, -1)
        best = int(np.argmax(score))
        if score[best] <= 0:
            return None
        c0, k, v = tests[best]
        if lit_ok[best].any():
            act = int(np.argmax(lit_ok[best]))
        else:
            act = 10 + int(np.argmax(copy_ok[best]))
        rules.append((c0, k, v, act))
        m = M[best] > 0
        remaining[m] = 0
        left &= ~m
    return pack(rules)


def fit_checked(state: Sequence[Grid], outs: Sequence[Grid]) -> tuple[int, bool] | None:
    """A fitted rule list and whether it passes leave-one-out (each pair predicted from the others)."""
    table = fit(state, outs)
    if table is None:
        return None
    if len(state) < 2:
        return table, False
    for k in range(len(state)):
        rest = fit(state[:k] + state[k + 1:], outs[:k] + outs[k + 1:])
        try:
            if rest is None or cell_rules(state[k], rest) != outs[k]:
                return table, False
        except ValueError:
            return table, False
    return table, True

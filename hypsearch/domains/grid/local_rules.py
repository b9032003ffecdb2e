"""Learned per-cell rules for same-shape ARC tasks: output cell = table[features of the input cell].

A feature kind maps every cell to a short tuple of colours read around it (its 4- or 8-
neighbourhood, the first non-zero colour seen along each axis direction, ...; 10 marks "off the
grid").  A table is learned from the train pairs, must be consistent on every cell, and is
stored in the program as one Int (`encode_table`), so `(local_rule x kind table)` is an ordinary,
pure, printable term.  A cell whose key the table lacks makes the rule fail (strict coverage),
so a rule that does not cover a test input yields no prediction instead of a guess.

In the abstract form (`local_rule_abs`) keys keep only the pattern of equal colours (0 and 10
stay literal, other colours are named by first appearance), and an entry says either "paint
colour c" or "copy the colour of slot j"; this generalises across colour permutations.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable, Sequence

import numpy as np

from hypsearch.domains.grid.labels import label, shifted
from hypsearch.domains.grid.values import Grid

OFF = 10
"""Feature value of a position outside the grid (or of no colour found)."""
ACTION_BITS = 5
"""An entry's action is < 32: colours 0-9 are literals, 10 + j copies slot j."""


def first_seen(a: np.ndarray, axis: int, reverse: bool) -> np.ndarray:
    """Per cell, the first non-zero colour strictly before it along an axis (OFF when none)."""
    b = a.astype(np.int64)
    if axis == 1:
        b = b.T
    if reverse:
        b = b[::-1]
    n = b.shape[0]
    idx = np.where(b != 0, np.arange(n)[:, None], -1)
    last = np.maximum.accumulate(idx, axis=0)
    prev = np.vstack([np.full((1, b.shape[1]), -1), last[:-1]])
    cols = np.broadcast_to(np.arange(b.shape[1]), b.shape)
    out = np.where(prev >= 0, b[np.maximum(prev, 0), cols], OFF)
    if reverse:
        out = out[::-1]
    return out.T if axis == 1 else out


def _rays(a: np.ndarray) -> list[np.ndarray]:
    return [first_seen(a, 0, False), first_seen(a, 0, True), first_seen(a, 1, False), first_seen(a, 1, True)]


def _n4(a: np.ndarray) -> list[np.ndarray]:
    nb = shifted(a.astype(np.int64), OFF)
    return [nb(0, 0), nb(-1, 0), nb(1, 0), nb(0, -1), nb(0, 1)]


def _n8(a: np.ndarray) -> list[np.ndarray]:
    nb = shifted(a.astype(np.int64), OFF)
    return [nb(dy, dx) for dy in (0, -1, 1) for dx in (0, -1, 1)]


def _count8(a: np.ndarray) -> list[np.ndarray]:
    nb = shifted(a.astype(np.int64), OFF)
    nz = sum(((nb(dy, dx) % OFF) != 0).astype(np.int64)
             for dy in (-1, 0, 1) for dx in (-1, 0, 1) if (dy, dx) != (0, 0))
    return [a.astype(np.int64), nz]


def _ray4(a: np.ndarray) -> list[np.ndarray]:
    return [a.astype(np.int64), *_rays(a)]


def _ray4_sym(a: np.ndarray) -> list[np.ndarray]:
    u, d, l, r = _rays(a)
    return [a.astype(np.int64), np.minimum(u, d), np.maximum(u, d), np.minimum(l, r), np.maximum(l, r)]


def _row_col_colours(a: np.ndarray) -> list[np.ndarray]:
    h, w = a.shape
    rows = np.zeros(h, dtype=np.int64)
    cols = np.zeros(w, dtype=np.int64)
    for c in range(1, 10):
        rows |= (a == c).any(axis=1).astype(np.int64) << (c - 1)
        cols |= (a == c).any(axis=0).astype(np.int64) << (c - 1)
    return [a.astype(np.int64), np.broadcast_to(rows[:, None], (h, w)), np.broadcast_to(cols[None, :], (h, w))]


def components(a: np.ndarray, diag: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per cell: the size of its single-colour component, whether it touches the border, and labels.

    Memoised by content (read-only results): rule fitting meets the same grid in many search states.
    """
    return _components(a.shape, a.dtype.str, np.ascontiguousarray(a).tobytes(), diag)


@lru_cache(maxsize=2048)
def _components(shape: tuple[int, int], dtype: str, data: bytes, diag: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    a = np.frombuffer(data, dtype=dtype).reshape(shape)
    lab = label(a, np.ones(a.shape, dtype=bool), True, diag)
    sizes = np.bincount(lab.ravel())
    edge = np.zeros(sizes.size, dtype=np.int64)
    edge[np.concatenate([lab[0], lab[-1], lab[:, 0], lab[:, -1]])] = 1
    out = (sizes[lab].astype(np.int64), edge[lab], lab)
    for arr in out:
        arr.flags.writeable = False
    return out


def _comp_size(a: np.ndarray) -> list[np.ndarray]:
    size, _, _ = components(a, False)
    return [a.astype(np.int64), np.minimum(size, 30)]


def _comp_border(a: np.ndarray) -> list[np.ndarray]:
    _, edge, _ = components(a, False)
    return [a.astype(np.int64), edge]


def _comp_box(a: np.ndarray) -> list[np.ndarray]:
    """Centre colour, and the height and width of its 8-connected component's bounding box."""
    _, _, lab = components(a, True)
    n = int(lab.max()) + 1
    ys, xs = np.indices(a.shape)
    top = np.full(n, 99)
    bot = np.full(n, -1)
    left = np.full(n, 99)
    right = np.full(n, -1)
    np.minimum.at(top, lab.ravel(), ys.ravel())
    np.maximum.at(bot, lab.ravel(), ys.ravel())
    np.minimum.at(left, lab.ravel(), xs.ravel())
    np.maximum.at(right, lab.ravel(), xs.ravel())
    return [a.astype(np.int64), (bot - top + 1)[lab].astype(np.int64), (right - left + 1)[lab].astype(np.int64)]


def _pos_mod(a: np.ndarray, k: int) -> list[np.ndarray]:
    h, w = a.shape
    ys, xs = np.indices((h, w))
    return [a.astype(np.int64), ys % k, xs % k]


def _pos_mod2(a: np.ndarray) -> list[np.ndarray]:
    """Centre colour and the row and column parities."""
    return _pos_mod(a, 2)


def _pos_mod3(a: np.ndarray) -> list[np.ndarray]:
    """Centre colour and the row and column indices modulo 3."""
    return _pos_mod(a, 3)


KINDS: tuple[tuple[str, Callable[[np.ndarray], list[np.ndarray]], int], ...] = (
    ("n4", _n4, 11),
    ("count8", _count8, 11),
    ("ray4", _ray4, 11),
    ("ray4_sym", _ray4_sym, 11),
    ("n8", _n8, 11),
    ("row_col", _row_col_colours, 512),
    ("comp_size", _comp_size, 32),
    ("comp_border", _comp_border, 11),
    ("comp_box", _comp_box, 32),
    ("pos_mod2", _pos_mod2, 11),
    ("pos_mod3", _pos_mod3, 11),
)
"""Feature kinds by number: name, slot function, radix of a slot value."""
ABSTRACT_KINDS = (0, 2, 3, 4)
"""The kinds whose slots are colours (so the abstract, colour-pattern form makes sense)."""


def slots(a: np.ndarray, kind: int) -> np.ndarray:
    """The feature slots of every cell: an int64 array (h, w, k)."""
    if not 0 <= kind < len(KINDS):
        raise ValueError(f"unknown local-rule kind {kind}")
    return np.stack(KINDS[kind][1](a), axis=-1)


def concrete_keys(s: np.ndarray, kind: int) -> np.ndarray:
    """One int key per cell from its slot values."""
    radix = KINDS[kind][2]
    key = np.zeros(s.shape[:2], dtype=np.int64)
    for j in range(s.shape[2]):
        key = key * radix + s[:, :, j]
    return key


def abstract_keys(s: np.ndarray) -> np.ndarray:
    """One int key per cell from the equality pattern of its slots (0 and OFF kept literally)."""
    k = s.shape[2]
    key = np.zeros(s.shape[:2], dtype=np.int64)
    for j in range(k):
        v = s[:, :, j]
        code = np.where(v == 0, 0, np.where(v == OFF, 1, 2 + j))
        for i in range(j - 1, -1, -1):  # the first earlier slot of the same colour names it
            code = np.where((v != 0) & (v != OFF) & (s[:, :, i] == v), 2 + i, code)
        key = key * (k + 2) + code
    return key


def _entry_radix(kind: int, abstract: bool) -> int:
    k = {"n4": 5, "count8": 2, "ray4": 5, "ray4_sym": 5, "n8": 9, "row_col": 3, "comp_size": 2, "comp_border": 2,
         "comp_box": 3, "pos_mod2": 3, "pos_mod3": 3}[KINDS[kind][0]]
    radix = (k + 2) if abstract else KINDS[kind][2]
    return radix ** k


def encode_table(entries: dict[int, int], kind: int, abstract: bool) -> int:
    """Pack key → action entries into one non-negative Int (a leading 1 marks the start)."""
    base = _entry_radix(kind, abstract) << ACTION_BITS
    t = 1
    for key in sorted(entries):
        t = t * base + (key << ACTION_BITS) + entries[key]
    return t


@lru_cache(maxsize=256)
def decode_table(table: int, kind: int, abstract: bool) -> dict[int, int]:
    """Unpack `encode_table`'s Int back into key → action."""
    if table < 1:
        raise ValueError("bad rule table")
    base = _entry_radix(kind, abstract) << ACTION_BITS
    out: dict[int, int] = {}
    while table > 1:
        table, e = divmod(table, base)
        out[e >> ACTION_BITS] = e & ((1 << ACTION_BITS) - 1)
    if table != 1:
        raise ValueError("bad rule table")
    return out


def _lookup(keys: np.ndarray, table: dict[int, int]) -> np.ndarray:
    uniq, inv = np.unique(keys, return_inverse=True)
    acts = np.empty(uniq.size, dtype=np.int64)
    for n, u in enumerate(uniq.tolist()):
        a = table.get(u)
        if a is None:
            raise ValueError("the rule does not cover this cell")
        acts[n] = a
    return acts[inv.reshape(keys.shape)]


def local_rule(g: Grid, kind: int, table: int) -> Grid:
    """Recolour each cell by a table learned on features around it (neighbours, rays, component, position)."""
    keys = concrete_keys(slots(g.a, kind), kind)
    acts = _lookup(keys, decode_table(table, kind, False))
    if (acts > 9).any():
        raise ValueError("bad colour in rule table")
    return Grid.adopt(acts.astype(np.uint8))


def local_rule_abs(g: Grid, kind: int, table: int) -> Grid:
    """Recolour each cell by a learned table keyed by the pattern of colours around it (copy or paint)."""
    s = slots(g.a, kind)
    acts = _lookup(abstract_keys(s), decode_table(table, kind, True))
    slot = np.clip(acts - 10, 0, s.shape[2] - 1)
    copied = np.take_along_axis(s, slot[:, :, None], axis=2)[:, :, 0]
    out = np.where(acts < 10, acts, copied)
    if (out > 9).any() or (acts >= 10 + s.shape[2]).any():
        raise ValueError("the rule copies an off-grid slot")
    return Grid.adopt(out.astype(np.uint8))


MAX_ENTRIES = 300
"""Tables bigger than this are not learned (they would not generalise, and the Int gets huge)."""


def fit(state: Sequence[Grid], outs: Sequence[Grid], kind: int, abstract: bool) -> int | None:
    """The encoded table of a rule mapping every state grid onto its output, or None."""
    keys_l, acts_l = [], []
    for s, o in zip(state, outs):
        if s.shape != o.shape:
            return None
        sl = slots(s.a, kind)
        out = o.a.astype(np.int64)
        mask = np.int64(1) << out  # literal colour
        if abstract:
            keys_l.append(abstract_keys(sl).ravel())
            for j in range(sl.shape[2]):
                mask = mask | ((sl[:, :, j] == out).astype(np.int64) << (10 + j))
        else:
            keys_l.append(concrete_keys(sl, kind).ravel())
        acts_l.append(mask.ravel())
    keys = np.concatenate(keys_l)
    masks = np.concatenate(acts_l)
    order = np.argsort(keys, kind="stable")
    keys, masks = keys[order], masks[order]
    starts = np.flatnonzero(np.diff(keys, prepend=-1))
    if starts.size > MAX_ENTRIES:
        return None
    common = np.bitwise_and.reduceat(masks, starts)
    if (common == 0).any():
        return None
    entries: dict[int, int] = {}
    for key, m in zip(keys[starts].tolist(), common.tolist()):
        slots_ok = m >> 10
        if slots_ok:  # prefer copying a slot (the centre first: "unchanged")
            entries[key] = 10 + ((slots_ok & -slots_ok).bit_length() - 1)
        else:
            entries[key] = (m & -m).bit_length() - 1
    return encode_table(entries, kind, abstract)


def fit_all(state: Sequence[Grid], outs: Sequence[Grid]) -> list[tuple[str, int, int]]:
    """Every (primitive name, kind, table) rule consistent with the state → outputs pairs."""
    found: list[tuple[str, int, int]] = []
    for kind in range(len(KINDS)):
        t = fit(state, outs, kind, False)
        if t is not None:
            found.append(("local_rule", kind, t))
    for kind in ABSTRACT_KINDS:
        t = fit(state, outs, kind, True)
        if t is not None:
            found.append(("local_rule_abs", kind, t))
    return found

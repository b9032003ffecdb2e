"""The answer chosen among the train outputs by one property of the input (ARC classification tasks).

Some tasks show a few possible outputs, each for several inputs that share a property: how many colours or
cells or objects the input has, which colours, its commonest colour, or its pattern of filled cells.  A rule is
a table "property value → output grid" that every train pair agrees with and that some value fills twice (a
table seen once per value would be memory, not evidence); an input whose value is not in the table makes the
rule fail (no guess).  The table is stored in the program as one Int, so `(lookup x feature table)` is a
pure printable term.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Sequence

import numpy as np

from hypsearch.domains.grid.labels import objects
from hypsearch.domains.grid.values import Grid

FEATURES = ("colour_count", "colours", "major_colour", "cell_count", "object_count", "shape_count", "pattern")
"""Input properties, by index, in the order `fit` tries them (`object_count` counts single-colour objects,
`shape_count` multicolour ones, both 8-connected; `pattern` is the grid's shape and which cells are filled)."""
MAX_CELLS = 100
"""Largest output (in cells) a table holds, and largest input a `pattern` key reads."""


@lru_cache(maxsize=512)
def feature(g: Grid, index: int) -> int | None:
    """The input's value of one property as a non-negative Int (None when it has none, e.g. a tied commonest
    colour or too many objects)."""
    a = g.a
    name = FEATURES[index]
    nz = a[a != 0]
    if name == "colour_count":
        return int(np.unique(nz).size)
    if name == "colours":
        return int(sum(1 << int(c) for c in np.unique(nz)))
    if name == "major_colour":
        counts = np.bincount(nz, minlength=10)
        return int(counts.argmax()) if nz.size and (counts == counts.max()).sum() == 1 else None
    if name == "cell_count":
        return int(nz.size)
    if name in ("object_count", "shape_count"):
        try:
            return len(objects(g, name == "object_count", True))
        except ValueError:
            return None
    if a.size > MAX_CELLS:
        return None
    bits = int("".join("1" if v else "0" for v in (a != 0).ravel()), 2)
    return (bits * 32 + a.shape[0]) * 32 + a.shape[1]


def _varints(values: Sequence[int]) -> int:
    """Non-negative ints packed 7 bits a chunk, high bit set on all but a value's last chunk, after a 1."""
    out = 1
    for v in values:
        chunks = [v & 127]
        v >>= 7
        while v:
            chunks.append((v & 127) | 128)
            v >>= 7
        for c in reversed(chunks):
            out = (out << 8) | c
    return out


def _unvarints(code: int) -> list[int]:
    raw = code.to_bytes((code.bit_length() + 7) // 8, "big")
    if not raw or raw[0] != 1:
        raise ValueError("bad lookup table")
    values, cur = [], 0
    for b in raw[1:]:
        cur = (cur << 7) | (b & 127)
        if not b & 128:
            values.append(cur)
            cur = 0
    return values


def pack(table: dict[int, Grid]) -> int:
    """One Int holding the table's entries: key, height, width and cells of each output."""
    values: list[int] = []
    for key, out in sorted(table.items()):
        values += [key, *out.shape, *(int(v) for v in out.a.ravel())]
    return _varints(values)


@lru_cache(maxsize=256)
def unpack(code: int) -> dict[int, Grid]:
    """The table `pack` made (raises ValueError on a malformed Int)."""
    values = _unvarints(code)
    table: dict[int, Grid] = {}
    i = 0
    while i < len(values):
        if i + 3 > len(values):
            raise ValueError("bad lookup table")
        key, h, w = values[i:i + 3]
        cells = values[i + 3:i + 3 + h * w]
        if h < 1 or w < 1 or h * w > MAX_CELLS or len(cells) != h * w or max(cells) > 9:
            raise ValueError("bad lookup table")
        table[key] = Grid.adopt(np.array(cells, dtype=np.uint8).reshape(h, w))
        i += 3 + h * w
    return table


def lookup(g: Grid, index: int, table: int) -> Grid:
    """The train output the table gives the input's value of property `index`; fails on an unseen value."""
    if not 0 <= index < len(FEATURES):
        raise ValueError("no such property")
    key = feature(g, index)
    answer = unpack(table).get(key) if key is not None else None
    if answer is None:
        raise ValueError("the input's property value is not in the table")
    return answer


def fit(state: Sequence[Grid], outs: Sequence[Grid]) -> list[tuple[int, int]]:
    """Every (property, packed table) that all train pairs agree with, with some value shown twice."""
    if len(set(outs)) == len(outs) or any(o.a.size > MAX_CELLS for o in outs):
        return []
    found = []
    for index in range(len(FEATURES)):
        table: dict[int, Grid] = {}
        for s, o in zip(state, outs):
            key = feature(s, index)
            if key is None or table.setdefault(key, o) != o:
                break
        else:
            if len(table) < len(outs):
                found.append((index, pack(table)))
    return found

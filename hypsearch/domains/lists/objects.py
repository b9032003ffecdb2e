"""Object-level semantics for one-row grids (1D-ARC): segments of equal colour on background 0.

An object is a maximal run of one non-zero colour (`segments`) or, for multicolour
objects, a maximal run of non-zero cells (`blobs`).  Every function keeps the row's
length and raises ValueError when the row has no shape the operation needs.
"""

from __future__ import annotations

from collections import Counter
from typing import NamedTuple

IntList = tuple[int, ...]
BG = 0


class Segment(NamedTuple):
    """Cells start..end-1 of the row; `colour` is the colour (or the majority colour of a blob)."""

    start: int
    end: int
    colour: int

    @property
    def size(self) -> int:
        return self.end - self.start


def segments(xs: IntList) -> list[Segment]:
    """Maximal runs of one non-background colour, left to right."""
    out: list[Segment] = []
    i = 0
    while i < len(xs):
        if xs[i] == BG:
            i += 1
            continue
        j = i
        while j < len(xs) and xs[j] == xs[i]:
            j += 1
        out.append(Segment(i, j, xs[i]))
        i = j
    return out


def blobs(xs: IntList) -> list[Segment]:
    """Maximal runs of non-background cells (any colours), with their majority colour."""
    out: list[Segment] = []
    i = 0
    while i < len(xs):
        if xs[i] == BG:
            i += 1
            continue
        j = i
        while j < len(xs) and xs[j] != BG:
            j += 1
        out.append(Segment(i, j, Counter(xs[i:j]).most_common(1)[0][0]))
        i = j
    return out


def shift(xs: IntList, k: int) -> IntList:
    """The row moved k cells right (left when k < 0), background flowing in."""
    n = len(xs)
    if k >= 0:
        return ((BG,) * k + xs)[:n] if k < n else (BG,) * n
    return (xs[-k:] + (BG,) * (-k)) if -k < n else (BG,) * n


def _anchor(xs: IntList, c: int) -> int:
    """Position of the single cell of colour c (the destination pixel)."""
    where = [i for i, x in enumerate(xs) if x == c]
    if len(where) != 1:
        raise ValueError(f"colour {c} is not a single anchor cell")
    return where[0]


def _movers(xs: IntList, c: int) -> list[Segment]:
    return [s for s in blobs(tuple(BG if x == c else x for x in xs))]


def move_toward(xs: IntList, c: int, k: int) -> IntList:
    """Every object moves k cells toward the cell of colour c, stopping when it touches it."""
    a = _anchor(xs, c)
    out = [BG] * len(xs)
    out[a] = c
    for s in _movers(xs, c):
        if s.end <= a:
            step = min(k, a - s.end)
        else:
            step = -min(k, s.start - a - 1)
        for i in range(s.start, s.end):
            out[i + step] = xs[i]
    return tuple(out)


def move_to_contact(xs: IntList, c: int) -> IntList:
    """Every object slides toward the cell of colour c until it touches it."""
    return move_toward(xs, c, len(xs))


def extend_to(xs: IntList, c: int) -> IntList:
    """Every object grows toward the cell of colour c until it touches it (its colour fills the gap)."""
    a = _anchor(xs, c)
    out = list(xs)
    for s in _movers(xs, c):
        if s.end <= a:
            for i in range(s.end, a):
                out[i] = xs[s.end - 1]
        else:
            for i in range(a + 1, s.start):
                out[i] = xs[s.start]
    return tuple(out)


def fill_pairs(xs: IntList) -> IntList:
    """Between consecutive pairs of same-coloured cells (1st-2nd, 3rd-4th …) fill with that colour."""
    out = list(xs)
    for colour in set(xs) - {BG}:
        where = [i for i, x in enumerate(xs) if x == colour]
        for a, b in zip(where[::2], where[1::2]):
            for i in range(a, b + 1):
                out[i] = colour
    return tuple(out)


def hollow(xs: IntList) -> IntList:
    """Keep only the two end cells of each object."""
    out = list(xs)
    for s in segments(xs):
        for i in range(s.start + 1, s.end - 1):
            out[i] = BG
    return tuple(out)


def flip_objects(xs: IntList) -> IntList:
    """Reverse each multicolour object in place."""
    out = list(xs)
    for s in blobs(xs):
        out[s.start:s.end] = xs[s.start:s.end][::-1]
    return tuple(out)


def mirror_about(xs: IntList, c: int) -> IntList:
    """Reflect every other object through the single cell of colour c."""
    a = _anchor(xs, c)
    out = [BG] * len(xs)
    out[a] = c
    for i, x in enumerate(xs):
        if x not in (BG, c):
            j = 2 * a - i
            if not 0 <= j < len(xs):
                raise ValueError("mirror image leaves the row")
            out[j] = x
    return tuple(out)


def keep_largest(xs: IntList) -> IntList:
    """Only the largest single-colour object stays (noise removed)."""
    segs = segments(xs)
    if not segs:
        raise ValueError("no objects")
    big = max(segs, key=lambda s: s.size)
    return tuple(x if big.start <= i < big.end else BG for i, x in enumerate(xs))


def majority_fill(xs: IntList) -> IntList:
    """Each multicolour object takes its majority colour (noise of other colours absorbed)."""
    out = list(xs)
    for s in blobs(xs):
        out[s.start:s.end] = [s.colour] * s.size
    return tuple(out)


def copy_pattern(xs: IntList) -> IntList:
    """Every single cell is replaced by the first larger object's shape, centred there, in its own colour."""
    segs = segments(xs)
    shapes = [s for s in segs if s.size > 1]
    if not shapes:
        raise ValueError("no pattern to copy")
    size = shapes[0].size
    out = list(xs)
    for s in segs:
        if s.size == 1:
            lo = s.start - (size - 1) // 2
            if lo < 0 or lo + size > len(xs):
                raise ValueError("copy leaves the row")
            out[lo:lo + size] = [s.colour] * size
    return tuple(out)


def recolor_largest(xs: IntList, c: int) -> IntList:
    """The largest object(s) take colour c."""
    segs = segments(xs)
    if not segs:
        raise ValueError("no objects")
    most = max(s.size for s in segs)
    out = list(xs)
    for s in segs:
        if s.size == most:
            out[s.start:s.end] = [c] * s.size
    return tuple(out)


def recolor_by_size(xs: IntList, a: int, b: int, c: int) -> IntList:
    """Objects of size 1, 2, 3 take colours a, b, c (other sizes unchanged)."""
    out = list(xs)
    table = {1: a, 2: b, 3: c}
    for s in segments(xs):
        if s.size in table:
            out[s.start:s.end] = [table[s.size]] * s.size
    return tuple(out)


def recolor_parity(xs: IntList, even: int, odd: int) -> IntList:
    """Objects of even size take colour `even`, of odd size colour `odd`."""
    out = list(xs)
    for s in segments(xs):
        out[s.start:s.end] = [even if s.size % 2 == 0 else odd] * s.size
    return tuple(out)

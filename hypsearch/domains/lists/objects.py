"""Segment operations on lists read as rows of cells with background 0 (1D images).

An object is a maximal run of one non-zero value (`segments`).  The operations are
generic ones of 1D images and run-length views of a sequence: translate the row, list the
objects' sizes, keep or recolour the objects whose size satisfies a predicate.  None names
a task concept; concepts are compositions (keep the largest object =
`(keep_objects (equals (max (object_sizes xs))) xs)`).  Every function keeps the length.
(An outline and a per-colour hull were tried and left out: each was one generator concept.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from hypsearch.domains.lists.functions import Pred

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


def shift(xs: IntList, k: int) -> IntList:
    """The row moved k cells right (left when k < 0), background flowing in."""
    n = len(xs)
    if k >= 0:
        return ((BG,) * k + xs)[:n] if k < n else (BG,) * n
    return (xs[-k:] + (BG,) * (-k)) if -k < n else (BG,) * n


def object_sizes(xs: IntList) -> IntList:
    """The sizes of the objects, left to right."""
    return tuple(s.size for s in segments(xs))


def keep_objects(p: "Pred", xs: IntList) -> IntList:
    """Only the objects whose size satisfies p stay; the rest becomes background."""
    out = [BG] * len(xs)
    for s in segments(xs):
        if p(s.size):
            out[s.start:s.end] = xs[s.start:s.end]
    return tuple(out)


def recolor_objects(p: "Pred", c: int, xs: IntList) -> IntList:
    """The objects whose size satisfies p take colour c."""
    out = list(xs)
    for s in segments(xs):
        if p(s.size):
            out[s.start:s.end] = [c] * s.size
    return tuple(out)

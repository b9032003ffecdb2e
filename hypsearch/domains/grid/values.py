"""Immutable, hashable grid and object values for the ARC grid domain.

A Grid wraps a read-only uint8 numpy array and caches the hash of its shape and
bytes, so search states (tuples of grids) can key deduplication tables cheaply.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

MAX_SIDE = 30
"""Largest grid side ARC allows; primitives refuse to build bigger grids."""


class Grid:
    """An immutable 2-D grid of colours 0-9 (read-only numpy uint8 array, cached hash)."""

    __slots__ = ("a", "_h")

    def __init__(self, a: Any) -> None:
        arr = np.array(a, dtype=np.uint8, copy=True) if not isinstance(a, np.ndarray) or a.dtype != np.uint8 or a.flags.writeable else a
        if arr.ndim != 2:
            raise ValueError(f"a grid must be 2-D, got shape {arr.shape}")
        if arr.shape[0] == 0 or arr.shape[1] == 0:
            raise ValueError("a grid must not be empty")
        if arr.shape[0] > MAX_SIDE or arr.shape[1] > MAX_SIDE:
            raise ValueError(f"grid {arr.shape} larger than {MAX_SIDE}x{MAX_SIDE}")
        arr = np.ascontiguousarray(arr)
        arr.flags.writeable = False
        self.a = arr
        self._h = hash((arr.shape, arr.tobytes()))

    @classmethod
    def adopt(cls, arr: np.ndarray) -> "Grid":
        """Wrap a freshly built uint8 array without copying (the caller must not mutate it later)."""
        arr = np.ascontiguousarray(arr, dtype=np.uint8)
        if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
            raise ValueError(f"bad grid shape {arr.shape}")
        if arr.shape[0] > MAX_SIDE or arr.shape[1] > MAX_SIDE:
            raise ValueError(f"grid {arr.shape} larger than {MAX_SIDE}x{MAX_SIDE}")
        arr.flags.writeable = False
        g = cls.__new__(cls)
        g.a = arr
        g._h = hash((arr.shape, arr.tobytes()))
        return g

    @classmethod
    def from_lists(cls, rows: Sequence[Sequence[int]]) -> "Grid":
        """Build a grid from a list of rows (ARC JSON form)."""
        return cls(np.array(rows, dtype=np.uint8))

    def to_lists(self) -> list[list[int]]:
        """The grid as a list of rows of ints (ARC JSON form)."""
        return self.a.tolist()

    @property
    def shape(self) -> tuple[int, int]:
        """(height, width)."""
        return self.a.shape  # type: ignore[return-value]

    def __hash__(self) -> int:
        return self._h

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Grid):
            return NotImplemented
        if self is other:
            return True
        return self._h == other._h and self.a.shape == other.a.shape and self.a.tobytes() == other.a.tobytes()

    def __repr__(self) -> str:
        return "Grid(" + "/".join("".join(str(int(v)) for v in row) for row in self.a) + ")"


def show_grid(g: Grid) -> str:
    """Render a grid as a compact literal `[[0,1],[2,3]]` (for printing constants)."""
    return str(g.to_lists()).replace(" ", "")


@dataclass(frozen=True)
class Obj:
    """A connected object: its top-left position in the source grid, colours and mask.

    `cells` holds the object's colours with 0 outside the mask; `mask` is 1 on the object.
    """

    top: int
    left: int
    cells: Grid
    mask: Grid
    grid_shape: tuple[int, int]

    @property
    def size(self) -> int:
        """Number of cells of the object."""
        return int(self.mask.a.sum())

    @property
    def color(self) -> int:
        """The most common colour of the object."""
        vals = self.cells.a[self.mask.a.astype(bool)]
        return int(np.bincount(vals, minlength=10).argmax())

    @property
    def touches_border(self) -> bool:
        """True when the object's bounding box reaches an edge of its source grid."""
        h, w = self.cells.shape
        return self.top == 0 or self.left == 0 or self.top + h == self.grid_shape[0] or self.left + w == self.grid_shape[1]


Objects = tuple
"""A tuple of Obj, in reading order of their top-left cell."""

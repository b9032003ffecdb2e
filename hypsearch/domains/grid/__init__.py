"""The ARC grid domain plug-in: immutable grids, objects and a typed DSL of grid primitives.

`DOMAIN` is registered under the `hypsearch.domains` entry point `grid`.  Programs are
s-expressions over the input grid `x`, e.g. `(rot90 (crop_nonzero x))`; colours and
counts are Int literals.  `GridDomain.enumerate_candidates` runs the grid-tuned search.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator

from hypsearch.core.domain import Domain, ValueType, WorkedExample
from hypsearch.domains.grid.primitives import PRIMITIVES
from hypsearch.domains.grid.values import Grid, Obj, show_grid
from hypsearch.core.program import Const, Term

if TYPE_CHECKING:
    from hypsearch.core.task import Task


def _as_grid(v: Any) -> Grid:
    return v if isinstance(v, Grid) else Grid.from_lists(v)


@dataclass(frozen=True, eq=False)
class GridDomain(Domain):
    """The grid DSL with an ARC-tuned enumerator (`enumerate_candidates`)."""

    def enumerate_candidates(self, task: "Task", deadline: float) -> Iterator[Term]:
        """Programs fitting every train example, simplest first, until `deadline` (time.monotonic)."""
        from hypsearch.domains.grid.search import search

        data = task_data(task)
        for term, _depth in search(data, deadline):
            yield term

    def constants(self, task: "Task") -> tuple[Const, ...]:
        """The colours seen in the task's grids, as Int constants."""
        seen: set[int] = set()
        for ex in task.examples:
            for g in (*ex.inputs, ex.output):
                seen.update(int(v) for v in _as_grid(g).a.ravel())
        return tuple(Const(c, "Int") for c in sorted(seen))


def task_data(task: "Task") -> "Any":
    """The task's grids as a search TaskData (train inputs/outputs, test inputs)."""
    from hypsearch.domains.grid.search import TaskData

    return TaskData(
        tuple(_as_grid(ex.inputs[0]) for ex in task.examples),
        tuple(_as_grid(ex.output) for ex in task.examples),
        tuple(_as_grid(ex.inputs[0]) for ex in task.tests),
    )


def _grid_size(v: Any) -> int:
    return int(v.a.size) if isinstance(v, Grid) else 1


TYPES = {
    "Grid": ValueType("Grid", show_grid, lambda v: isinstance(v, Grid), _grid_size,
                      to_json=lambda g: g.to_lists(), from_json=Grid.from_lists),
    "Int": ValueType("Int", str, lambda v: isinstance(v, int) and not isinstance(v, bool)),
    "Object": ValueType("Object", repr, lambda v: isinstance(v, Obj)),
    "Objects": ValueType("Objects", repr, lambda v: isinstance(v, tuple) and all(isinstance(o, Obj) for o in v)),
}

EXAMPLES = (
    WorkedExample("The output is the input turned a quarter turn clockwise.", "(rot270 x)", (("x", "Grid"),)),
    WorkedExample("Cut out the largest object and show it on its own.",
                  "(obj_crop (largest (objects8 x)))", (("x", "Grid"),)),
    WorkedExample("Every blue (1) cell becomes red (2).", "(replace_color x 1 2)", (("x", "Grid"),)),
    WorkedExample("The grid is split in two by a line; mark green (3) where both halves are empty.",
                  "(cell_nor (left_half x) (right_half x) 3)", (("x", "Grid"),)),
)

DOMAIN = GridDomain(
    name="grid",
    description="ARC grids: geometry, cropping, scaling, colours, objects, symmetry and logic on 2-D colour grids "
                "(colours 0-9, background 0); the input grid is `x`.",
    grammar="grid.lark",
    types=TYPES,
    primitives=PRIMITIVES,
    examples=EXAMPLES,
    literal_rules={"int": ("Int", int)},
)

__all__ = ["DOMAIN", "GridDomain", "Grid", "Obj", "task_data"]

"""The ARC grid domain plug-in: immutable grids, objects and a typed DSL of grid primitives.

`DOMAIN` is registered under the `hypsearch.domains` entry point `grid`.  Programs are
s-expressions over the input grid `x`, e.g. `(rot90 (crop_nonzero x))`; colours and
counts are Int literals.  `GridDomain.enumerate_candidates` runs the grid-tuned search.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Iterator

from hypsearch.core.domain import Domain, ValueType, WorkedExample
from hypsearch.domains.grid.primitives import PRIMITIVES
from hypsearch.domains.grid.values import Grid, Obj, show_grid
from hypsearch.core.program import Const, Term
from hypsearch.core.settings import handover_margin

if TYPE_CHECKING:
    from hypsearch.core.task import Task


def _as_grid(v: Any) -> Grid:
    return v if isinstance(v, Grid) else Grid.from_lists(v)


@dataclass(frozen=True, eq=False)
class GridDomain(Domain):
    """The grid DSL with an ARC-tuned enumerator (`enumerate_candidates`)."""

    ranks_answers: ClassVar[bool] = True
    """`enumerate_candidates` yields its fits best first (`select`): the engine keeps that order."""

    takes_seeds: ClassVar[bool] = True
    """`enumerate_candidates` takes `seeds=`: a model's programs, tried first and composed around (`search`)."""

    def enumerate_candidates(self, task: "Task", deadline: float, seeds: Any = None) -> Iterator[Term]:
        """Programs fitting every train example, the likeliest right on the tests first.

        The search gathers its fits until a little before `deadline` (time.monotonic), then yields one
        program per distinct test answer in the order `select.choose` ranks them.  `seeds`, a
        `hypsearch.core.seeds.Seeds` a model fills meanwhile, steers it (None: the plain search).
        """
        from hypsearch.domains.grid.search import fits
        from hypsearch.domains.grid.select import ranked

        data = task_data(task)
        search_deadline = deadline - handover_margin(deadline - time.monotonic())
        if not data.test_in:  # nothing to answer: programs in search order
            for fit in fits(data, search_deadline, seeds=seeds):
                yield fit.term
            return
        for choice in ranked(fits(data, search_deadline, seeds=seeds), max(task.attempts, 1) + 2):
            yield choice.fit.term

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

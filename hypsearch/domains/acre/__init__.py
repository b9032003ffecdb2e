"""ACRE domain: blicket-machine causal induction as boolean rules over panels of objects.

A program maps the panel `x` (a set of object names) to `on`, `off` or `undetermined`.
The domain's search (`enumerate_candidates`) builds the version space of blicket sets
consistent with the train panels and proposes the one rule that answers for all of them:
`on` when every consistent hypothesis lights the panel, `off` when none does.
Registered through the `hypsearch.domains` entry point `acre`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

from hypsearch.core.domain import Domain, WorkedExample
from hypsearch.domains.acre import semantics as S
from hypsearch.domains.acre.version_space import evidence, rule_program
from hypsearch.domains.sexpr_flat import show_flat
from hypsearch.core.program import Term

if TYPE_CHECKING:
    from hypsearch.core.task import Task


@dataclass(frozen=True, eq=False)
class AcreDomain(Domain):
    """The ACRE DSL with version-space search instead of blind enumeration."""

    def show(self, term: Term) -> str:
        """S-expressions with `and`/`or` chains printed flat."""
        return show_flat(self, term)

    def enumerate_candidates(self, task: "Task", deadline: float) -> Iterator[Term]:
        """The rule of the consistent-hypothesis space (nothing when no blicket set fits the panels)."""
        if time.monotonic() > deadline:
            return
        (var, _typ), = task.signature.params
        ev = evidence((ex.inputs[0], ex.output) for ex in task.examples)
        if ev.consistent:
            yield rule_program(ev, var)


DOMAIN = AcreDomain(
    name="acre",
    description="ACRE blicket detection: rules mapping a panel of objects to on / off / undetermined.",
    grammar="acre.lark",
    types=S.TYPES,
    primitives=S.PRIMITIVES,
    literal_rules={"object": ("Object", S.read_object), "objects": ("Objects", S.read_objects)},
    symbol_constants=S.SYMBOLS,
    examples=(
        WorkedExample("The red cube is a blicket; the others seen are not.",
                      '(ite (has x "red metal cube") on (ite (subset x {"blue rubber sphere"}) off undetermined))',
                      (("x", "Objects"),)),
        WorkedExample("Either the sphere or the cylinder is a blicket, nothing else is known.",
                      '(ite (and (has x "gray rubber sphere") (has x "cyan metal cylinder")) on undetermined)',
                      (("x", "Objects"),)),
    ),
)

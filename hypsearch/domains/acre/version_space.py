"""The consistent-hypothesis space of a blicket task, and the rule program that answers for it.

Hypothesis: a set B of blickets; the machine lights iff some blicket is on it (disjunctive
activation).  A dark panel puts all its objects outside B; a lit panel needs one of its
objects in B.  A query is `on` when every consistent B lights it, `off` when none does, and
`undetermined` when they disagree.  `rule_program` compiles that answer into a DSL term;
`label_by_z3` and `label_by_enumeration` decide it directly (references for the tests).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Iterable, Sequence

import z3

from hypsearch.core.program import App, Const, Term, Var


@dataclass(frozen=True)
class Evidence:
    """What the train panels say: objects known not to be blickets, and `at least one of` clauses."""

    non_blickets: frozenset[str]
    clauses: tuple[frozenset[str], ...]
    """For every lit panel, its objects that may still be blickets (minimal clauses only)."""

    @property
    def consistent(self) -> bool:
        """Some blicket set explains every panel (no lit panel holds only non-blickets)."""
        return all(self.clauses)

    @property
    def blickets(self) -> frozenset[str]:
        """Objects every consistent hypothesis calls a blicket (sole candidates of a lit panel)."""
        return frozenset(o for c in self.clauses if len(c) == 1 for o in c)

    def label(self, panel: frozenset[str]) -> str:
        """The answer every consistent hypothesis agrees on, else `undetermined`."""
        if any(c <= panel for c in self.clauses):
            return "on"
        if panel <= self.non_blickets:
            return "off"
        return "undetermined"


def evidence(panels: Iterable[tuple[frozenset[str], str]]) -> Evidence:
    """Collect non-blickets from dark panels, then reduce lit panels to minimal clauses."""
    panels = list(panels)
    off = frozenset(o for objs, label in panels if label == "off" for o in objs)
    lit = {frozenset(objs) - off for objs, label in panels if label == "on"}
    minimal = sorted((c for c in lit if not any(d < c for d in lit)), key=lambda c: (len(c), sorted(c)))
    return Evidence(off, tuple(minimal))


def rule_program(ev: Evidence, var: str = "x") -> Term:
    """`(ite (or clause...) on (ite (subset x {non-blickets}) off undetermined))`, clauses as `has` tests."""
    x = Var(var, "Objects")

    def has(o: str) -> Term:
        return App("has", (x, Const(o, "Object")), "Bool")

    def chain(op: str, parts: Sequence[Term]) -> Term:
        out = parts[-1]
        for p in reversed(parts[:-1]):
            out = App(op, (p, out), "Bool")
        return out

    dark = App("subset", (x, Const(ev.non_blickets, "Objects")), "Bool")
    rest = App("ite", (dark, Const("off", "Label"), Const("undetermined", "Label")), "Label")
    if not ev.clauses:
        return rest
    tests = [chain("and", [has(o) for o in sorted(c)]) for c in ev.clauses]
    return App("ite", (chain("or", tests), Const("on", "Label"), rest), "Label")


def label_by_z3(panels: Sequence[tuple[frozenset[str], str]], query: frozenset[str],
                timeout_ms: int = 5000) -> str | None:
    """Decide the query with z3 over one boolean `blicket` per object (None: no consistent hypothesis)."""
    objects = sorted({o for objs, _ in panels for o in objs} | set(query))
    b = {o: z3.Bool(f"blicket[{o}]") for o in objects}

    def lights(objs: Iterable[str]) -> z3.BoolRef:
        return z3.Or([b[o] for o in objs] or [z3.BoolVal(False)])

    solver = z3.Solver()
    solver.set("timeout", timeout_ms)
    for objs, label in panels:
        solver.add(lights(objs) if label == "on" else z3.Not(lights(objs)))
    if solver.check() != z3.sat:
        return None
    can_light = solver.check(lights(query)) == z3.sat
    can_stay_dark = solver.check(z3.Not(lights(query))) == z3.sat
    return "undetermined" if can_light and can_stay_dark else "on" if can_light else "off"


def label_by_enumeration(panels: Sequence[tuple[frozenset[str], str]], query: frozenset[str]) -> str | None:
    """Decide the query by listing every blicket subset of the objects seen (exponential: tests only)."""
    objects = sorted({o for objs, _ in panels for o in objs} | set(query))
    answers: set[bool] = set()
    for k in range(len(objects) + 1):
        for chosen in combinations(objects, k):
            blickets = set(chosen)
            if all(bool(objs & blickets) == (label == "on") for objs, label in panels):
                answers.add(bool(query & blickets))
    if not answers:
        return None
    return "undetermined" if len(answers) == 2 else "on" if True in answers else "off"

"""Fill the holes of a sketch with z3: find constants that make every example hold.

A sketch is a program with `Hole` leaves (`?` in the surface syntax), written by an LLM
or built by the enumerator.  The domain's z3 encoding turns each example into a
constraint over the hole constants; a model gives the constants.
"""

from __future__ import annotations

from typing import Any, Sequence

import z3

from hypsearch.core.domain import Domain
from hypsearch.core.errors import UnsupportedError
from hypsearch.core.program import Const, Sketch, Term, holes, substitute  # noqa: F401  (Sketch: re-exported)
from hypsearch.check.smt import encode, fresh, to_z3
from hypsearch.core.task import Example


def fill_holes(domain: Domain, sketch: Term, params: Sequence[tuple[str, str]], examples: Sequence[Example],
               timeout_ms: int = 2000) -> Term | None:
    """The sketch with its holes replaced by constants fitting all examples, or None."""
    open_holes = holes(sketch)
    if not open_holes:
        return sketch
    if not domain.has_encoding:
        raise UnsupportedError(f"domain {domain.name!r} has no z3 encoding to fill holes with")
    hole_vars = {h.name: fresh(domain, f"hole_{h.name}", h.type) for h in open_holes}
    solver = z3.Solver()
    solver.set("timeout", int(timeout_ms))
    for ex in examples:
        env = dict(hole_vars)
        env.update({name: to_z3(domain, v, typ) for (name, typ), v in zip(params, ex.inputs)})
        solver.add(encode(domain, sketch, env) == to_z3(domain, ex.output, sketch.type))
    if solver.check() != z3.sat:
        return None
    model = solver.model()
    mapping: dict[Term, Term] = {}
    for h in open_holes:
        value = model.eval(hole_vars[h.name], model_completion=True)
        mapping[h] = Const(domain.value_type(h.type).from_z3(value), h.type)
    return substitute(sketch, mapping)

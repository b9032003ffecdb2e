"""z3 side of a domain: encode programs as z3 terms and ask three-valued questions with timeouts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import z3

from hypsearch.core.domain import Domain
from hypsearch.core.errors import UnsupportedError
from hypsearch.core.program import App, Const, Hole, Term, Var


def encode(domain: Domain, term: Term, env: Mapping[str, Any]) -> z3.ExprRef:
    """The z3 term of `term`; `env` binds variable (and hole) names to z3 terms."""
    if isinstance(term, App):
        prim = domain.primitive(term.op)
        if prim is None or prim.encode is None:
            raise UnsupportedError(f"domain {domain.name!r}: primitive `{term.op}` has no z3 encoding")
        return prim.encode(*(encode(domain, a, env) for a in term.args))
    if isinstance(term, (Var, Hole)):
        try:
            return env[term.name]
        except KeyError:
            raise UnsupportedError(f"no z3 binding for `{term.name}`") from None
    if isinstance(term, Const):
        return to_z3(domain, term.value, term.type)
    raise UnsupportedError(f"not a term: {term!r}")


def to_z3(domain: Domain, value: Any, type_name: str) -> z3.ExprRef:
    """A Python value of a domain type as a z3 constant."""
    vt = domain.value_type(type_name)
    if vt.to_z3 is None:
        raise UnsupportedError(f"type {type_name} of domain {domain.name!r} has no z3 encoding")
    return vt.to_z3(value)


def fresh(domain: Domain, name: str, type_name: str) -> z3.ExprRef:
    """A z3 constant of a domain type."""
    vt = domain.value_type(type_name)
    if vt.z3_sort is None:
        raise UnsupportedError(f"type {type_name} of domain {domain.name!r} has no z3 sort")
    return z3.Const(name, vt.z3_sort())


@dataclass(frozen=True)
class SmtVerdict:
    """A three-valued z3 answer: 'sat', 'unsat' or 'unknown' (with z3's reason), plus a model."""

    result: str
    reason: str = ""
    model: Any = None


def check(assertions: Sequence[z3.BoolRef], timeout_ms: int = 5000) -> SmtVerdict:
    """Check satisfiability with a timeout; never ignores `unknown`."""
    solver = z3.Solver()
    solver.set("timeout", int(timeout_ms))
    solver.add(*assertions)
    answer = solver.check()
    if answer == z3.sat:
        return SmtVerdict("sat", model=solver.model())
    if answer == z3.unsat:
        return SmtVerdict("unsat")
    return SmtVerdict("unknown", reason=solver.reason_unknown())


def verify_examples(domain: Domain, term: Term, params: Sequence[tuple[str, str]],
                    examples: Sequence[Any], timeout_ms: int = 5000) -> SmtVerdict:
    """z3's verdict on whether `term` meets every example: 'holds', 'fails' or 'unknown'.

    On 'fails' the reason names the violated examples (from the unsat core).
    """
    solver = z3.Solver()
    solver.set("timeout", int(timeout_ms))
    for k, ex in enumerate(examples):
        env = {name: to_z3(domain, v, typ) for (name, typ), v in zip(params, ex.inputs)}
        lhs = encode(domain, term, env)
        rhs = to_z3(domain, ex.output, term.type)
        solver.assert_and_track(lhs == rhs, f"example_{k}")
    answer = solver.check()
    if answer == z3.sat:
        return SmtVerdict("holds")
    if answer == z3.unsat:
        core = [str(c) for c in solver.unsat_core()]
        return SmtVerdict("fails", reason="violates " + ", ".join(sorted(core)))
    return SmtVerdict("unknown", reason=solver.reason_unknown())

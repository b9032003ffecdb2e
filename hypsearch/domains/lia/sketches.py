"""Linear sketches for LIA: affine terms and `ite` chains over affine guards, with holes for z3 to fill.

Specs over several functions, or with a function applied to its own results, give the
enumerator no input/output observations; z3 can still solve for the coefficients of a
fixed shape against the counterexample points (see `hypsearch.search.sketches`).
"""

from __future__ import annotations

from itertools import count
from typing import Iterator

from hypsearch.check.holes import Sketch
from hypsearch.core.program import App, Const, Hole, Term, Var
from hypsearch.core.task import Signature

LEAF_BOUND = 10_000
"""Coefficients of the returned affine terms lie in [-LEAF_BOUND, LEAF_BOUND]."""
GUARD_BOUND = 20
"""Coefficients of the guards lie in [-GUARD_BOUND, GUARD_BOUND]: small, so guards generalise."""
MAX_GUARDS = 2


def _affine(prefix: str, params: list[str], ids: Iterator[int]) -> tuple[Term, list[str]]:
    names = [f"{prefix}{next(ids)}" for _ in range(len(params) + 1)]
    out: Term = Hole(names[0], "Int")
    for name, p in zip(names[1:], params):
        out = App("+", (out, App("*", (Hole(name, "Int"), Var(p, "Int")), "Int")), "Int")
    return out, names


def _guard(params: list[str], ids: Iterator[int]) -> tuple[Term, list[str]]:
    term, names = _affine("g", params, ids)
    return App(">=", (term, Const(0, "Int")), "Bool"), names


def linear_sketches(signature: Signature) -> tuple[Sketch, ...]:
    """Affine, then `ite` chains with 1..MAX_GUARDS affine guards (Int result); an affine inequality
    and conjunctions/disjunctions of two (Bool result).  Only Int parameters take part."""
    params = [n for n, t in signature.params if t == "Int"]
    out: list[Sketch] = []
    if signature.returns == "Int":
        for guards in range(MAX_GUARDS + 1):
            ids = count()
            body, leaf_names = _affine("c", params, ids)
            bounds = {n: (-LEAF_BOUND, LEAF_BOUND) for n in leaf_names}
            for _ in range(guards):
                cond, gnames = _guard(params, ids)
                leaf, lnames = _affine("c", params, ids)
                bounds.update({n: (-GUARD_BOUND, GUARD_BOUND) for n in gnames})
                bounds.update({n: (-LEAF_BOUND, LEAF_BOUND) for n in lnames})
                body = App("ite", (cond, leaf, body), "Int")
            out.append(Sketch(body, bounds, tidy_linear))
    elif signature.returns == "Bool":
        ids = count()
        first, names1 = _guard(params, ids)
        second, names2 = _guard(params, ids)
        bounds = {n: (-GUARD_BOUND, GUARD_BOUND) for n in names1 + names2}
        out.append(Sketch(first, {n: bounds[n] for n in names1}, tidy_linear))
        for op in ("and", "or"):
            out.append(Sketch(App(op, (first, second), "Bool"), bounds, tidy_linear))
    return tuple(out)


def tidy_linear(term: Term) -> Term:
    """Drop the `* 0`, `* 1` and `+ 0` a filled sketch leaves behind, and `ite` with equal branches."""
    if not isinstance(term, App):
        return term
    args = tuple(tidy_linear(a) for a in term.args)
    if term.op == "*":
        a, b = args
        if a == Const(0, "Int") or b == Const(0, "Int"):
            return Const(0, "Int")
        if a == Const(1, "Int"):
            return b
        if b == Const(1, "Int"):
            return a
    if term.op == "+":
        a, b = args
        if a == Const(0, "Int"):
            return b
        if b == Const(0, "Int"):
            return a
    if term.op == "ite" and args[1] == args[2]:
        return args[1]
    if term.op == ">=" and isinstance(args[0], Const) and isinstance(args[1], Const):
        return Const(args[0].value >= args[1].value, "Bool")
    return App(term.op, args, term.type)

"""Hypothesis strategies for any domain: random well-typed programs and input values.

Used by the property tests of every domain and by `hypsearch domain check`, so one
generator serves built-in and third-party domains alike.
"""

from __future__ import annotations

from typing import Any, Mapping

import z3
from hypothesis import strategies as st

from hypsearch.core.domain import TYPE_VARIABLES, Domain
from hypsearch.core.errors import PluginError
from hypsearch.core.program import App, Const, Term, Type, Var


def values(domain: Domain, typ: Type) -> st.SearchStrategy[Any]:
    """Typical values of a domain type (the ValueType's own strategy)."""
    vt = domain.value_type(typ)
    if vt.strategy is None:
        raise PluginError(domain.name, f"type {typ} gives no value strategy", rule=typ)
    return vt.strategy()


def terms(domain: Domain, variables: Mapping[str, Type], typ: Type, max_depth: int = 3) -> st.SearchStrategy[Term]:
    """Random well-typed programs of type `typ` over `variables`, at most `max_depth` deep."""
    memo: dict[tuple[Type, int], st.SearchStrategy[Term]] = {}
    concrete = [t for t in domain.types if domain.types[t].strategy is not None]

    def gen(t: Type, depth: int) -> st.SearchStrategy[Term]:
        key = (t, depth)
        if key in memo:
            return memo[key]
        leaves: list[st.SearchStrategy[Term]] = [st.just(Var(n, vt)) for n, vt in variables.items() if vt == t]
        if domain.types[t].strategy is not None:
            leaves.append(values(domain, t).map(lambda v, t=t: Const(v, t)))
        options = list(leaves)
        if depth > 0:
            for prim in domain.primitives:
                for inst in _instances(prim.arg_types, prim.ret_type, t, concrete):
                    arg_types = [inst.get(a, a) for a in prim.arg_types]
                    if not all(a in domain.types for a in arg_types):
                        continue
                    parts = [gen(a, depth - 1) for a in arg_types]
                    options.append(st.tuples(*parts).map(lambda args, p=prim, r=t: App(p.name, tuple(args), r)))
        if not options:
            raise PluginError(domain.name, f"no way to build a program of type {t}", rule=t)
        memo[key] = st.one_of(*leaves) if depth == 0 and leaves else st.one_of(*options)
        return memo[key]

    return gen(typ, max_depth)


def _instances(arg_types: tuple[Type, ...], ret: Type, want: Type, types: list[Type]) -> list[dict[Type, Type]]:
    if ret in TYPE_VARIABLES:
        return [{ret: want}]
    if ret != want:
        return []
    tvars = {a for a in arg_types if a in TYPE_VARIABLES}
    if not tvars:
        return [{}]
    return [{v: t for v in tvars} for t in types]


def z3_value(domain: Domain, term: Term, env: Mapping[str, Any], timeout_ms: int = 5000) -> Any:
    """Evaluate a program through its z3 encoding on concrete inputs (None when z3 is unsure)."""
    from hypsearch.check.smt import encode, to_z3

    z3_env = {}
    for name, value in env.items():
        var_type = next((v.type for v in _vars(term) if v.name == name), None)
        if var_type is not None:
            z3_env[name] = to_z3(domain, value, var_type)
    expr = encode(domain, term, z3_env)
    simple = z3.simplify(expr)
    vt = domain.value_type(term.type)
    try:
        return vt.from_z3(simple)
    except (AttributeError, z3.Z3Exception, ValueError):
        pass
    result = z3.Const("__result", vt.z3_sort())
    solver = z3.Solver()
    solver.set("timeout", timeout_ms)
    solver.add(result == expr)
    if solver.check() != z3.sat:
        return None
    value = z3.simplify(solver.model().eval(result, model_completion=True))
    try:
        return vt.from_z3(value)
    except (AttributeError, TypeError, z3.Z3Exception, ValueError):
        return None  # z3 gave no value the type can read back: unsure, not wrong


def _vars(term: Term) -> list[Var]:
    from hypsearch.core.program import subterms

    return [t for t in subterms(term) if isinstance(t, Var)]

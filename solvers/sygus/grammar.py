"""A SyGuS problem in hypsearch's terms: the domain that fits it and the search grammar of a synth-fun.

Shared by the PBE front-end (`frontend`) and the logical-spec one (`logical`), so neither imports the other.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from hypsearch.core.domain import Domain
from hypsearch.core.errors import InvalidTaskError, UnsupportedError
from hypsearch.core.grammar import Production, SearchGrammar
from hypsearch.core.program import Const, Var
from hypsearch.core.registry import domains_for
from hypsearch.solvers.sygus import sexpr
from hypsearch.solvers.sygus.problem import AnyConstant, AnyVariable, Grammar, SygusProblem, SynthFun


@dataclass(frozen=True)
class SygusMeta:
    """What the printer needs besides the program: the synth-fun's header."""

    fun: SynthFun


def _ops_of(fun: SynthFun) -> set[str]:
    ops: set[str] = set()

    def walk(t: Any) -> None:
        if isinstance(t, sexpr.App):
            ops.add(t.head)
            for a in t.args:
                walk(a)

    if fun.grammar is not None:
        for rule in fun.grammar.rules:
            for p in rule.productions:
                walk(p)
    return ops


def choose_domain(problem: SygusProblem) -> Domain:
    """The smallest registered domain with every sort and operator the problem needs."""
    fun = problem.synth_funs[0]
    sorts = {s for _, s in fun.params} | {fun.sort}
    if fun.grammar is not None:
        sorts |= {r.sort for r in fun.grammar.rules}
    ops = _ops_of(fun)

    def fitting(logic: str | None) -> list[Domain]:
        return [d for d in domains_for(sorts, logic).values() if all(d.primitive(op) is not None for op in ops)]

    fits = fitting(problem.logic) if problem.logic else []  # domains claiming the file's logic come first
    if not fits and fun.grammar is not None:
        fits = fitting(None)  # a grammar says which terms are allowed: any domain with its sorts and operators
    if not fits:
        raise UnsupportedError(f"{problem.path}: no installed domain handles sorts {sorted(sorts)} "
                               f"with operators {sorted(ops)}")
    return min(fits, key=lambda d: (len(d.primitives), d.name))


def _literal(domain: Domain, lit: sexpr.Lit) -> Const:
    if lit.sort not in domain.types:
        raise UnsupportedError(f"literal of sort {lit.sort} is not in domain {domain.name!r}")
    return Const(lit.value, lit.sort)


def search_grammar(domain: Domain, fun: SynthFun, grammar: Grammar) -> SearchGrammar:
    """The synth-fun grammar as a SearchGrammar (nested production arguments get helper nonterminals)."""
    nts = {r.nonterminal: r.sort for r in grammar.rules}
    params = dict(fun.params)
    prods: list[Production] = []
    extra: list[tuple[str, str]] = []
    fresh = itertools.count()
    any_constant: list[str] = []

    def leaf_or_nt(t: Any, sort: str | None) -> str:
        """A nonterminal deriving exactly the sub-production `t`."""
        if isinstance(t, sexpr.Sym) and t.name in nts:
            return t.name
        name = f"_n{next(fresh)}"
        typ = production(name, t)
        extra.append((name, typ))
        return name

    def production(nt: str, t: Any) -> str:
        """Add the production `nt -> t`; returns the type of t."""
        if isinstance(t, sexpr.Sym):
            if t.name in nts:
                prods.append(Production(nt, None, (t.name,)))
                return nts[t.name]
            if t.name in params:
                prods.append(Production(nt, leaf=Var(t.name, params[t.name])))
                return params[t.name]
            if t.name in domain.symbol_constants:
                typ, value = domain.symbol_constants[t.name]
                prods.append(Production(nt, leaf=Const(value, typ)))
                return typ
            raise UnsupportedError(f"grammar symbol `{t.name}` is not a nonterminal, parameter or constant")
        if isinstance(t, sexpr.Lit):
            c = _literal(domain, t)
            prods.append(Production(nt, leaf=c))
            return c.type
        if isinstance(t, AnyVariable):
            for name, sort in fun.params:
                if sort == t.sort:
                    prods.append(Production(nt, leaf=Var(name, sort)))
            return t.sort
        if isinstance(t, AnyConstant):
            any_constant.append(t.sort)
            for c in domain.default_constants(t.sort) if hasattr(domain, "default_constants") else ():
                prods.append(Production(nt, leaf=c))
            return t.sort
        if isinstance(t, sexpr.App):
            prim = domain.primitive(t.head)
            if prim is None:
                raise UnsupportedError(f"operator `{t.head}` is not in domain {domain.name!r}")
            if len(t.args) != prim.arity and not (prim.variadic and len(t.args) > prim.arity):
                raise InvalidTaskError(f"grammar production `{sexpr.show(t)}`: `{t.head}` takes "
                                       f"{prim.arity} arguments, not {len(t.args)}")
            args = tuple(leaf_or_nt(a, None) for a in t.args)
            prods.append(Production(nt, prim.name, args, cost=prim.cost))
            arg_types = [nts.get(a) or dict(extra)[a] for a in args]
            if prim.ret_type in ("T", "U"):
                position = prim.arg_types.index(prim.ret_type) if prim.ret_type in prim.arg_types else -1
                if not 0 <= position < len(arg_types):
                    raise InvalidTaskError(f"grammar production `{sexpr.show(t)}`: the sort of `{t.head}` "
                                           "cannot be told from its arguments")
                return arg_types[position]
            return prim.ret_type
        raise UnsupportedError(f"grammar production {t!r} is not supported")

    for rule in grammar.rules:
        for p in rule.productions:
            production(rule.nonterminal, p)
    return SearchGrammar(grammar.start, tuple(nts.items()) + tuple(extra), tuple(prods), tuple(any_constant))

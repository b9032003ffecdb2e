"""Search grammars: the typed components an enumerator builds programs from.

A search grammar has nonterminals (each with a type) and productions: a leaf (input,
constant) or a primitive applied to nonterminals.  A domain gives a default one; a task
may bring its own (a SyGuS `synth-fun` grammar), which then bounds the search exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hypsearch.core.program import TYPE_VARIABLES, Const, Term, Type, Var

if TYPE_CHECKING:
    from hypsearch.core.domain import Domain
    from hypsearch.core.task import Task


@dataclass(frozen=True)
class Production:
    """One way to build a `nonterminal`: a leaf term, or `op` over argument nonterminals."""

    nonterminal: str
    op: str | None = None
    args: tuple[str, ...] = ()
    leaf: Term | None = None
    cost: int = 1

    @property
    def is_leaf(self) -> bool:
        return self.leaf is not None


@dataclass(frozen=True)
class SearchGrammar:
    """Nonterminals with their types, productions per nonterminal, and the start symbol."""

    start: str
    nonterminals: tuple[tuple[str, Type], ...]
    productions: tuple[Production, ...]
    any_constant: tuple[Type, ...] = ()
    """Types for which any literal is allowed (SyGuS `(Constant Int)`): holes z3 may fill."""

    def type_of(self, nonterminal: str) -> Type:
        return dict(self.nonterminals)[nonterminal]

    def productions_of(self, nonterminal: str) -> tuple[Production, ...]:
        return tuple(p for p in self.productions if p.nonterminal == nonterminal)

    def ops(self) -> frozenset[str]:
        """Every primitive the grammar uses."""
        return frozenset(p.op for p in self.productions if p.op is not None)

    def accepts(self, term: Term, nonterminal: str | None = None) -> bool:
        """True when `term` derives from `nonterminal` (default: start)."""
        from hypsearch.core.program import App

        memo: dict[tuple[int, str], bool] = {}

        def derives(t: Term, nt: str) -> bool:
            key = (id(t), nt)
            if key not in memo:
                memo[key] = False  # guards cycles of unit productions
                memo[key] = any(production_derives(t, p) for p in self.productions_of(nt)) or (
                    isinstance(t, Const) and t.type in self.any_constant and self.type_of(nt) == t.type)
            return memo[key]

        def production_derives(t: Term, p: Production) -> bool:
            if p.leaf is not None:
                return p.leaf == t
            if p.op is None:  # unit production nt -> other
                return derives(t, p.args[0])
            return (isinstance(t, App) and t.op == p.op and len(t.args) == len(p.args)
                    and all(derives(a, n) for a, n in zip(t.args, p.args)))

        return derives(term, nonterminal or self.start)


def default_search_grammar(domain: "Domain", task: "Task") -> SearchGrammar:
    """One nonterminal per type: every primitive over them, the task's inputs and the domain's constants."""
    types = sorted(domain.types)
    prods: list[Production] = []
    for name, typ in task.signature.params:
        prods.append(Production(typ, leaf=Var(name, typ), cost=1))
    for c in domain.constants(task):
        prods.append(Production(c.type, leaf=c, cost=1))
    for prim in domain.primitives:
        if prim.polymorphic:
            for t in types:
                inst = {v: t for v in TYPE_VARIABLES}
                args = tuple(inst.get(a, a) for a in prim.arg_types)
                ret = inst.get(prim.ret_type, prim.ret_type)
                if all(a in domain.types for a in args):
                    prods.append(Production(ret, prim.name, args, cost=prim.cost))
        else:
            prods.append(Production(prim.ret_type, prim.name, prim.arg_types, cost=prim.cost))
    return SearchGrammar(task.signature.returns, tuple((t, t) for t in types), tuple(prods))

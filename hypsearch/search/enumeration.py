"""Bottom-up enumeration by cost with observational equivalence (EUSolver/Probe style).

Programs are built cheapest first from a search grammar.  Each program is run on all
examples at once; a program whose vector of outputs was already produced by a cheaper
program of the same nonterminal is dropped, so the bank holds one representative per
behaviour.  The enumerator knows nothing of any concrete domain: it calls primitives'
Python semantics through the domain.
"""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass, field
from itertools import product
from typing import Any, Callable, Iterator, Sequence

from hypsearch.check.interpreter import evaluate
from hypsearch.core.domain import Domain
from hypsearch.core.program import App, Term
from hypsearch.core.grammar import Production, SearchGrammar


@dataclass
class Bank:
    """One representative program per observed behaviour, per nonterminal and cost."""

    values: dict[str, dict[int, list[tuple[Any, ...]]]] = field(default_factory=dict)
    terms: dict[str, dict[int, list[Term]]] = field(default_factory=dict)
    seen: dict[str, dict[tuple[Any, ...], Term]] = field(default_factory=dict)
    """Per nonterminal: each behaviour seen so far and its cheapest program."""

    def level(self, nt: str, cost: int) -> tuple[list[tuple[Any, ...]], list[Term]]:
        return self.values[nt].get(cost, []), self.terms[nt].get(cost, [])


@dataclass(frozen=True)
class EnumerationStats:
    """What one enumeration did: how many behaviours it kept, up to which cost, how fast."""

    distinct: int
    evaluated: int
    max_cost: int
    seconds: float
    exhausted: bool

    @property
    def distinct_per_second(self) -> float:
        return self.distinct / self.seconds if self.seconds > 0 else 0.0


def collapse_aliases(grammar: SearchGrammar) -> SearchGrammar:
    """Merge nonterminals whose only production is another nonterminal (`Start -> ntString`).

    Each program would otherwise be banked once per alias; SyGuS grammars nearly always
    start with such a rule.
    """
    alias: dict[str, str] = {}
    for nt, _ in grammar.nonterminals:
        own = [p for p in grammar.productions if p.nonterminal == nt]
        if len(own) == 1 and own[0].op is None and own[0].leaf is None and own[0].args[0] != nt:
            alias[nt] = own[0].args[0]

    def resolve(nt: str) -> str:
        seen = {nt}
        while nt in alias and alias[nt] not in seen:
            nt = alias[nt]
            seen.add(nt)
        return nt

    if not alias:
        return grammar
    productions = tuple(
        Production(resolve(p.nonterminal), p.op, tuple(resolve(a) for a in p.args), p.leaf, p.cost)
        for p in grammar.productions if p.nonterminal not in alias
    )
    nonterminals = tuple((nt, t) for nt, t in grammar.nonterminals if nt not in alias)
    return SearchGrammar(resolve(grammar.start), nonterminals, productions, grammar.any_constant)


def _mapped(impl: Callable[..., Any]) -> Callable[..., tuple[Any, ...]]:
    """Lift a one-example implementation to tuples over all examples."""
    return lambda *columns: tuple(map(impl, *columns))


def _compositions(total: int, parts: int) -> Iterator[tuple[int, ...]]:
    """Ordered ways to write `total` as `parts` positive integers."""
    if parts == 1:
        if total >= 1:
            yield (total,)
        return
    for first in range(1, total - parts + 2):
        for rest in _compositions(total - first, parts - 1):
            yield (first, *rest)


class Enumerator:
    """Enumerate the programs of a search grammar over fixed example inputs, cheapest first.

    `on_level` is called after each cost level with the enumerator, so callers (e.g. the
    unifier) can look at the bank as it grows.  Iterating yields start-symbol programs
    whose outputs equal `target` (all examples right), cheapest first.
    """

    def __init__(self, domain: Domain, grammar: SearchGrammar, envs: Sequence[dict[str, Any]],
                 target: tuple[Any, ...] | None, *, deadline: float, max_cost: int = 40,
                 max_value_size: int = 1000, max_bank: int = 3_000_000, stop: Any = None) -> None:
        self.domain = domain
        self.stop = stop
        """An event (anything with `is_set()`) that ends the search early like the deadline does: a proposer
        running beside the enumeration sets it when it holds a program for the engine to check."""
        self.grammar = collapse_aliases(grammar)
        self.envs = list(envs)
        self.target = target
        self.deadline = deadline
        self.max_cost = max_cost
        self.max_value_size = max_value_size
        self.max_bank = max_bank
        self.bank = Bank()
        self.types = dict(self.grammar.nonterminals)
        for nt in self.types:
            self.bank.values[nt] = {}
            self.bank.terms[nt] = {}
            self.bank.seen[nt] = {}
        self.units = self._unit_closure()
        self.distinct = 0
        self.evaluated = 0
        self.cost = 0
        self.exhausted = False
        self.timed_out = False
        self.listeners: list[Callable[[str, Term, tuple[Any, ...]], None]] = []
        self._size = {t: vt.size for t, vt in domain.types.items() if vt.size is not None}
        self.by_first: dict[str, dict[Any, list[tuple[tuple[Any, ...], Term]]]] | None = None
        """Banked programs indexed by their value on the first example (decomposition uses it)."""

    def index_by_first_value(self) -> None:
        """Start indexing banked programs by their first example's value (for prefix look-ups)."""
        if self.by_first is None:
            self.by_first = {nt: {} for nt in self.types}
            for nt, table in self.bank.seen.items():
                for values, term in table.items():
                    self.by_first[nt].setdefault(values[0], []).append((values, term))

    # -- grammar helpers --------------------------------------------------------
    def _unit_closure(self) -> dict[str, tuple[str, ...]]:
        """For each nonterminal B, the nonterminals A with A =>* B by unit productions (B included)."""
        up: dict[str, set[str]] = {nt: {nt} for nt in self.types}
        changed = True
        while changed:
            changed = False
            for p in self.grammar.productions:
                if p.op is None and p.leaf is None:
                    a, b = p.nonterminal, p.args[0]
                    for nt, parents in up.items():
                        if b in parents and a not in parents:
                            parents.add(a)
                            changed = True
        return {nt: tuple(sorted(parents)) for nt, parents in up.items()}

    # -- banking ------------------------------------------------------------------
    def _add(self, nt: str, cost: int, term: Term, values: tuple[Any, ...]) -> bool:
        """Bank a program in `nt` and every nonterminal that reaches `nt` by unit productions."""
        added = False
        for owner in self.units[nt]:
            seen = self.bank.seen[owner]
            if values in seen:
                continue
            seen[values] = term
            if self.by_first is not None and values:
                self.by_first[owner].setdefault(values[0], []).append((values, term))
            self.bank.values[owner].setdefault(cost, []).append(values)
            self.bank.terms[owner].setdefault(cost, []).append(term)
            added = True
            for listener in self.listeners:
                listener(owner, term, values)
        if added:
            self.distinct += 1
        return added

    # -- the search ---------------------------------------------------------------
    def __iter__(self) -> Iterator[Term]:
        """Programs of the start symbol that fit every example, cheapest first."""
        for event, term in self.events():
            if event == "solution":
                yield term

    def events(self) -> Iterator[tuple[str, Term | None]]:
        """("solution", term) for each fitting program and ("level", None) after each cost level.

        The cyclic garbage collector is paused while a level is built: the bank holds millions
        of small tuples and no cycles, and collection passes over it cost a large share of the time.
        """
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            yield from self._events()
        finally:
            if was_enabled:
                gc.freeze()  # move the bank out of the collector's sight: re-enabling would
                gc.enable()  # otherwise start a full pass over millions of tuples

    def _events(self) -> Iterator[tuple[str, Term | None]]:
        start_owners = {self.grammar.start}
        apps = [p for p in self.grammar.productions if p.op is not None]
        widest = max((len(p.args) for p in apps), default=1)
        dearest = max((p.cost for p in self.grammar.productions), default=1)
        last_nonempty = 0
        for level_cost in range(1, self.max_cost + 1):
            self.cost = level_cost
            before = self.distinct
            for term in self._level(level_cost, start_owners):
                yield "solution", term
            if self.timed_out or self.distinct >= self.max_bank:
                return
            yield "level", None
            if self.distinct > before:
                last_nonempty = level_cost
            elif level_cost >= widest * last_nonempty + dearest:
                # every program of a higher cost needs a part costing more than the last
                # level that produced anything new: the space is finished
                self.exhausted = True
                return

    def _expired(self) -> bool:
        """The deadline has passed, or the stop event is set."""
        return time.monotonic() > self.deadline or (self.stop is not None and self.stop.is_set())

    def _level(self, cost: int, start_owners: set[str]) -> Iterator[Term]:
        domain = self.domain
        target = self.target
        for p in self.grammar.productions:
            if self._expired():
                self.timed_out = True
                return
            if p.leaf is not None:
                if p.cost == cost:
                    values = self._leaf_values(p)
                    if values is not None and self._add(p.nonterminal, cost, p.leaf, values):
                        if values == target and any(o in start_owners for o in self.units[p.nonterminal]):
                            yield p.leaf
                continue
            if p.op is None:
                continue  # unit productions are handled by banking
            rest = cost - p.cost
            if rest < len(p.args):
                continue
            prim = domain.primitive(p.op)
            if prim is None:
                continue
            fn = prim.batch or _mapped(prim.impl)
            yield from self._apply(p, fn, prim.commutative, rest, cost, start_owners)

    def _leaf_values(self, p: Production) -> tuple[Any, ...] | None:
        from hypsearch.core.program import Const, Var

        leaf = p.leaf
        if isinstance(leaf, Var):
            return tuple(env[leaf.name] for env in self.envs)
        if isinstance(leaf, Const):
            return tuple(leaf.value for _ in self.envs)
        if isinstance(leaf, App):  # a whole subprogram offered as a component (hybrid proposer's fragments)
            from hypsearch.core.errors import EvaluationError

            try:
                return tuple(evaluate(self.domain, leaf, env) for env in self.envs)
            except EvaluationError:
                return None
        return None

    def _apply(self, p: Production, fn: Callable[..., Any], commutative: bool, rest: int, cost: int,
               start_owners: set[str]) -> Iterator[Term]:
        """Build every program `op(args)` of this cost from banked arguments (the hot loop)."""
        nt, op, typ = p.nonterminal, p.op, self.types[p.nonterminal]
        target = self.target
        is_start = any(o in start_owners for o in self.units[nt])
        symmetric = commutative and len(p.args) == 2 and p.args[0] == p.args[1]
        seen = self.bank.seen[nt]
        measure = self._size.get(typ)
        limit = self.max_value_size
        add = self._add
        evaluated = 0
        try:
            for split in _compositions(rest, len(p.args)):
                if symmetric and split[0] > split[1]:
                    continue
                levels = [self.bank.level(a, c) for a, c in zip(p.args, split)]
                if any(not vals for vals, _ in levels):
                    continue
                if self._expired():
                    self.timed_out = True
                    return
                # each branch below is the same loop unrolled per arity, for speed
                if len(levels) == 1:
                    (vals0, terms0), = levels
                    for i, v0 in enumerate(vals0):
                        if i & 4095 == 4095 and self._expired():
                            self.timed_out = True
                            return
                        try:
                            out = fn(v0)
                        except Exception:  # a primitive rejected these inputs: not a program
                            continue
                        evaluated += 1
                        if out in seen or measure is not None and max(map(measure, out)) > limit:
                            continue
                        term = App(op, (terms0[i],), typ)
                        if add(nt, cost, term, out) and is_start and out == target:
                            yield term
                elif len(levels) == 2:
                    (vals0, terms0), (vals1, terms1) = levels
                    same = symmetric and split[0] == split[1]
                    for i, v0 in enumerate(vals0):
                        if i & 255 == 0 and self._expired():
                            self.timed_out = True
                            return
                        for j in range(i if same else 0, len(vals1)):
                            if j & 4095 == 4095 and self._expired():
                                self.timed_out = True
                                return
                            try:
                                out = fn(v0, vals1[j])
                            except Exception:  # a primitive rejected these inputs: not a program
                                continue
                            evaluated += 1
                            if out in seen or measure is not None and max(map(measure, out)) > limit:
                                continue
                            term = App(op, (terms0[i], terms1[j]), typ)
                            if add(nt, cost, term, out) and is_start and out == target:
                                yield term
                elif len(levels) == 3:
                    (vals0, terms0), (vals1, terms1), (vals2, terms2) = levels
                    for i, v0 in enumerate(vals0):
                        for j, v1 in enumerate(vals1):
                            if j & 63 == 0 and self._expired():
                                self.timed_out = True
                                return
                            for k, v2 in enumerate(vals2):
                                if k & 4095 == 4095 and self._expired():
                                    self.timed_out = True
                                    return
                                try:
                                    out = fn(v0, v1, v2)
                                except Exception:  # a primitive rejected these inputs: not a program
                                    continue
                                evaluated += 1
                                if out in seen or measure is not None and max(map(measure, out)) > limit:
                                    continue
                                term = App(op, (terms0[i], terms1[j], terms2[k]), typ)
                                if add(nt, cost, term, out) and is_start and out == target:
                                    yield term
                else:
                    for count, idx in enumerate(product(*(range(len(vals)) for vals, _ in levels))):
                        if count & 255 == 0 and self._expired():
                            self.timed_out = True
                            return
                        try:
                            out = fn(*(levels[a][0][b] for a, b in enumerate(idx)))
                        except Exception:  # a primitive rejected these inputs: not a program
                            continue
                        evaluated += 1
                        if out in seen or measure is not None and max(map(measure, out)) > limit:
                            continue
                        term = App(op, tuple(levels[a][1][b] for a, b in enumerate(idx)), typ)
                        if add(nt, cost, term, out) and is_start and out == target:
                            yield term
        finally:
            self.evaluated += evaluated

    def stats(self, seconds: float) -> EnumerationStats:
        return EnumerationStats(self.distinct, self.evaluated, self.cost, seconds, self.exhausted)

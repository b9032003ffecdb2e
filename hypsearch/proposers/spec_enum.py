"""Enumerative proposer for counterexample-guided synthesis: observations instead of a fixed target.

Like the symbolic proposer (bottom-up enumeration, observational equivalence over the
inputs seen so far, EUSolver unification), but an observation may allow several outputs
(`spec.Observation.allows`), and a conditional may be a domain `ite` or any operator
registered in `CONDITIONAL_OPS` (e.g. a SyGuS macro `(ite (= x #x…01) y z)`).
"""

from __future__ import annotations

import time
from typing import Any, Callable, Iterator, Sequence

from hypsearch.check.interpreter import evaluate
from hypsearch.core.candidate import Provenance
from hypsearch.check.checker import Proposal
from hypsearch.search.enumeration import Enumerator
from hypsearch.proposers import ProposerContext
from hypsearch.core.grammar import SearchGrammar
from hypsearch.check.spec import Observation
from hypsearch.core.program import App, Const, Term, size, subterms
from hypsearch.search.unification import IteShape, TermCover

CONDITIONAL_OPS: dict[tuple[str, str], Callable[[Any], bool]] = {}
"""(domain name, operator) → test on the first argument's value: operators that act as `ite`."""


def conditional_test(domain_name: str, op: str) -> Callable[[Any], bool] | None:
    if op == "ite":
        return lambda v: v is True
    return CONDITIONAL_OPS.get((domain_name, op))


def find_conditional(domain_name: str, grammar: SearchGrammar, units: dict[str, tuple[str, ...]]
                     ) -> tuple[IteShape, Callable[[Any], bool]] | None:
    """A conditional production whose branches derive the start symbol."""
    for p in grammar.productions:
        if p.op is None or len(p.args) != 3:
            continue
        test = conditional_test(domain_name, p.op)
        if test is None or grammar.start not in units.get(p.nonterminal, ()):
            continue
        cond, a, b = p.args
        if a == b and (a == p.nonterminal or grammar.start in units.get(a, ())):
            return IteShape(p.op, p.nonterminal, cond, a, b), test
    return None


class _OutOfTime(Exception):
    """Raised by the bank listener past the deadline (the enumerator only looks at the clock now and then)."""


class PointCover(TermCover):
    """Masks over observations: a term covers an observation when the outputs it gives there are allowed."""

    def __init__(self, slots: Sequence[tuple[int, ...]], checks: Sequence[Callable[[tuple[Any, ...]], bool]]) -> None:
        super().__init__(tuple(range(len(slots))))
        self.slots = slots
        self.checks = checks

    def mask_of(self, values: tuple[Any, ...]) -> int:
        mask = 0
        for k, (slot, ok) in enumerate(zip(self.slots, self.checks)):
            if ok(tuple(values[i] for i in slot)):
                mask |= 1 << k
        return mask

    def offer(self, term: Any, values: tuple[Any, ...]) -> None:
        mask = self.mask_of(values)
        if mask and mask not in self.best:
            self.best[mask] = term
            self.union |= mask


class SpecEnumProposer:
    """Enumerate cheapest-first against the observations of the current CEGIS round."""

    name = "spec-enum"
    rounds = 1

    def propose(self, ctx: ProposerContext) -> Iterator[Proposal]:
        domain, task, settings = ctx.domain, ctx.task, ctx.settings
        observations: Sequence[Observation] = task.metadata.get("observations", ())
        grammar = task.grammar or domain.search_grammar(task)
        inputs: list[tuple[Any, ...]] = []
        index: dict[tuple[Any, ...], int] = {}

        def slot(inp: tuple[Any, ...]) -> int:
            if inp not in index:
                index[inp] = len(inputs)
                inputs.append(inp)
            return index[inp]

        slots: list[tuple[int, ...]] = []
        checks: list[Callable[[tuple[Any, ...]], bool]] = []
        for ex in task.examples:
            slots.append((slot(ex.inputs),))
            checks.append(lambda vs, want=ex.output: vs[0] == want)
        for ob in observations:
            slots.append(tuple(slot(i) for i in ob.inputs))
            checks.append(ob.allows)
        if not inputs:  # no observation yet: any input makes the bank non-trivial
            inputs.append(tuple(domain.value_type(t).strategy and _zero(t) for _, t in task.signature.params))
        envs = [task.signature.env(i) for i in inputs]
        exact = not observations and all(len(s) == 1 for s in slots)
        target = None
        if exact and slots and len(index) == len(slots) == len(inputs):
            target = tuple(ex.output for ex in task.examples)
        started = time.monotonic()
        enum = Enumerator(domain, grammar, envs, target, deadline=ctx.deadline,
                          max_cost=settings.max_cost, max_value_size=settings.max_value_size)
        cover = PointCover(slots, checks)
        found = find_conditional(domain.name, grammar, enum.units)
        predicates: list[tuple[Any, tuple[Any, ...]]] = []
        hits: list[Any] = []
        shape = found[0] if found else None
        test = found[1] if found else None

        ticks = [0]

        def listen(owner: str, term: Any, values: tuple[Any, ...]) -> None:
            ticks[0] += 1
            if ticks[0] % 64 == 0 and time.monotonic() > ctx.deadline:
                raise _OutOfTime()
            if target is None and owner == grammar.start and cover.mask_of(values) == cover.full:
                hits.append(term)
            if shape is not None:
                if owner == shape.nonterminal:
                    cover.offer(term, values)
                if owner == shape.condition:
                    predicates.append((term, tuple(test(values[s[0]]) for s in slots)))

        enum.listeners.append(listen)
        fit = getattr(domain, "fit_terms", None)
        if task.grammar is None and shape is not None:
            from hypsearch.core.errors import EvaluationError

            leaves = list(task.metadata.get("spec_terms", ())) + (list(fit(task)) if fit is not None else [])
            for term in leaves:  # the spec's own terms and domain-fitted ones (e.g. linear) join the cover
                try:
                    values = tuple(evaluate(domain, term, env) for env in envs)
                except EvaluationError:
                    continue
                cover.offer(term, values)
                if cover.mask_of(values) == cover.full:
                    hits.append(term)
        unify_at = started + settings.unify_after * max(ctx.deadline - started, 0.0)
        tried = -1
        guard = task.metadata.get("spec_condition")
        tried_guarded: set[Any] = set()
        try:
            for event, term in enum.events():
                if event == "solution":
                    yield Proposal(Provenance(self.name, ctx.round), term)
                while hits:
                    yield Proposal(Provenance(self.name, ctx.round), hits.pop(0))
                if (shape is not None and event == "level" and cover.covers_all and len(slots) > 1
                        and all(len(s) == 1 for s in slots) and time.monotonic() >= unify_at):
                    if len(predicates) + len(cover.best) == tried:
                        continue
                    tried = len(predicates) + len(cover.best)
                    if guard is not None:
                        for triangular in (True, False):
                            guarded = guarded_chain(cover, guard, shape, triangular=triangular)
                            if guarded is not None and guarded not in tried_guarded:
                                tried_guarded.add(guarded)
                                yield Proposal(Provenance(self.name + "+guard", ctx.round), guarded)
                    # first predicates that compare inputs only (they generalise), then any
                    plain = [pv for pv in predicates if not _has_const(pv[0])]
                    tree = learn_tree(cover, plain, shape) if plain else None
                    if tree is None:
                        tree = learn_tree(cover, predicates, shape)
                    if tree is not None:
                        yield Proposal(Provenance(self.name + "+unify", ctx.round), tree)
            while hits:
                yield Proposal(Provenance(self.name, ctx.round), hits.pop(0))
        except _OutOfTime:
            return
        finally:
            ctx.stats.update(enum.stats(time.monotonic() - started).__dict__)
            ctx.stats["exhausted"] = enum.exhausted


def guarded_chain(cover: TermCover, guard: Callable[[Term], Term], shape: IteShape, most: int = 24, *,
                  triangular: bool = False) -> Term | None:
    """Single-invocation answer: terms chosen by greedy set cover, each guarded by the spec itself,
    `(ite spec[f:=t1] t1 (ite spec[f:=t2] t2 … tk))` (right wherever one of the terms is right).

    `triangular` drops from each guard the conjuncts that mention an earlier term of the chain
    (`max`: t_i need only beat the terms after it).  That guess is smaller, and far easier for z3
    to verify than full guards, whose check is a pigeonhole problem; z3 decides whether it holds."""
    if shape.op != "ite":
        return None
    left = cover.full
    chosen: list[Term] = []
    while left and len(chosen) < most:
        best = max(cover.best.items(), key=lambda kv: (bin(kv[0] & left).count("1"), -size(kv[1])), default=None)
        if best is None or not best[0] & left:
            return None
        chosen.append(best[1])
        left &= ~best[0]
    if left or not chosen:
        return None
    out = chosen[-1]
    for k in range(len(chosen) - 2, -1, -1):
        t = chosen[k]
        cond = guard(t)
        if triangular:
            earlier = chosen[:k]
            parts = [q for q in _conjuncts(cond) if not any(e in subterms(q) for e in earlier)]
            cond = _conjoin(parts, cond.type)
        out = App("ite", (cond, t, out), out.type)
    return out


def _conjuncts(term: Term) -> list[Term]:
    if isinstance(term, App) and term.op == "and":
        return [q for a in term.args for q in _conjuncts(a)]
    return [term]


def _conjoin(parts: list[Term], bool_type: str) -> Term:
    if not parts:
        return Const(True, bool_type)
    out = parts[0]
    for q in parts[1:]:
        out = App("and", (out, q), bool_type)
    return out


def _has_const(term: Term) -> bool:
    return any(isinstance(t, Const) for t in subterms(term))


def _zero(type_name: str) -> Any:
    return False if type_name == "Bool" else 0


def learn_tree(cover: TermCover, predicates: Sequence[tuple[Term, tuple[bool, ...]]], shape: IteShape, *,
               max_depth: int = 30, max_terms: int = 48) -> Term | None:
    """EUSolver decision tree (information gain over 'which term explains the point'), with
    per-point owner lists computed once so each split costs O(points)."""
    from math import log2

    n = len(cover.target)
    terms = sorted(cover.best.items(), key=lambda kv: (-bin(kv[0]).count("1"), size(kv[1])))[:max_terms]
    owners = [[i for i, (m, _) in enumerate(terms) if m >> k & 1] for k in range(n)]
    splits: list[tuple[int, Term]] = []
    seen: set[int] = set()
    for term, values in predicates:
        mask = 0
        for k, v in enumerate(values):
            if v:
                mask |= 1 << k
        if mask in (0, cover.full) or mask in seen:
            continue
        seen.add(mask)
        splits.append((mask, term))
    splits.sort(key=lambda mt: size(mt[1]))

    def entropy(points: list[int]) -> float:
        if not points:
            return 0.0
        weights: dict[int, float] = {}
        for k in points:
            if not owners[k]:
                continue
            share = 1.0 / len(owners[k])
            for i in owners[k]:
                weights[i] = weights.get(i, 0.0) + share
        total = len(points)
        return -sum(w / total * log2(w / total) for w in weights.values() if w > 0)

    def build(points: list[int], depth: int) -> Term | None:
        mask_pts = 0
        for k in points:
            mask_pts |= 1 << k
        for mask, term in terms:
            if mask & mask_pts == mask_pts:
                return term
        if depth >= max_depth:
            return None
        base = entropy(points)
        best: tuple[float, int, int] | None = None
        for idx, (mask, pred) in enumerate(splits):
            inside = mask & mask_pts
            if inside == 0 or inside == mask_pts:
                continue
            yes = [k for k in points if mask >> k & 1]
            no = [k for k in points if not mask >> k & 1]
            gain = base - (len(yes) * entropy(yes) + len(no) * entropy(no)) / len(points)
            key = (gain, -size(pred), -idx)
            if best is None or key > best:
                best = key
        if best is None:
            return None
        mask, pred = splits[-best[2]]
        then_t = build([k for k in points if mask >> k & 1], depth + 1)
        if then_t is None:
            return None
        else_t = build([k for k in points if not mask >> k & 1], depth + 1)
        if else_t is None:
            return None
        return App(shape.op, (pred, then_t, else_t), then_t.type)

    return build(list(range(n)), 0)

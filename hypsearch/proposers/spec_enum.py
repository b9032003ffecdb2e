"""Enumerative proposer for counterexample-guided synthesis: observations instead of a fixed target.

Like the symbolic proposer (bottom-up enumeration, observational equivalence over the
inputs seen so far, EUSolver unification), but an observation may allow several outputs
(`spec.Observation.allows`), and a conditional may be a domain `ite` or any operator
registered in `CONDITIONAL_OPS` (e.g. a SyGuS macro `(ite (= x #x…01) y z)`).
"""

from __future__ import annotations

import time
from typing import Any, Callable, Iterator, Sequence

from hypsearch.candidate import Provenance
from hypsearch.checker import Proposal
from hypsearch.enumeration import Enumerator
from hypsearch.proposers import ProposerContext
from hypsearch.search_grammar import SearchGrammar
from hypsearch.spec import Observation
from hypsearch.unification import IteShape, TermCover, learn_decision_tree

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
        if exact and len(index) == len(slots):
            target = tuple(ex.output for ex in task.examples)
        started = time.monotonic()
        enum = Enumerator(domain, grammar, envs, target, deadline=ctx.deadline,
                          max_cost=settings.max_cost, max_value_size=settings.max_value_size)
        cover = PointCover(slots, checks)
        found = find_conditional(domain.name, grammar, enum.units)
        predicates: list[tuple[Any, tuple[Any, ...]]] = []
        hits: list[Any] = []
        start_owners = set(enum.units.get(grammar.start, ())) | {grammar.start}
        shape = found[0] if found else None
        test = found[1] if found else None

        def listen(owner: str, term: Any, values: tuple[Any, ...]) -> None:
            if target is None and owner == grammar.start and cover.mask_of(values) == cover.full:
                hits.append(term)
            if shape is not None:
                if owner == shape.nonterminal:
                    cover.offer(term, values)
                if owner == shape.condition:
                    predicates.append((term, tuple(test(values[s[0]]) for s in slots)))

        enum.listeners.append(listen)
        unify_at = started + settings.unify_after * max(ctx.deadline - started, 0.0)
        tried = -1
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
                    tree = learn_decision_tree(cover, predicates, shape, max_depth=24)
                    if tree is not None:
                        yield Proposal(Provenance(self.name + "+unify", ctx.round), tree)
            while hits:
                yield Proposal(Provenance(self.name, ctx.round), hits.pop(0))
        finally:
            ctx.stats.update(enum.stats(time.monotonic() - started).__dict__)
            ctx.stats["exhausted"] = enum.exhausted


def _zero(type_name: str) -> Any:
    return False if type_name == "Bool" else 0

"""The symbolic proposer, the embedded default: grammar-driven enumeration plus unification.

Without any model it proposes the cheapest programs that fit the examples: bottom-up
enumeration with observational equivalence; when a single term does not fit all examples
and the grammar allows `ite`, terms right on subsets are joined by a learned decision
tree (EUSolver).  A domain with its own search (grids) supplies `enumerate_candidates`.
"""

from __future__ import annotations

import time
from typing import Iterator

from hypsearch.candidate import Provenance
from hypsearch.checker import Proposal
from hypsearch.enumeration import Enumerator
from hypsearch.proposers import ProposerContext
from hypsearch.unification import TermCover, find_ite, learn_decision_tree


class SymbolicProposer:
    """Enumerate programs cheapest-first; unify conditionals when allowed."""

    name = "symbolic"
    rounds = 1

    def propose(self, ctx: ProposerContext) -> Iterator[Proposal]:
        domain, task = ctx.domain, ctx.task
        custom = getattr(domain, "enumerate_candidates", None)
        if custom is not None and task.grammar is None:
            for term in custom(task, ctx.deadline):
                yield Proposal(Provenance(self.name, ctx.round), term)
            return
        yield from self._bottom_up(ctx)

    def _bottom_up(self, ctx: ProposerContext) -> Iterator[Proposal]:
        domain, task, settings = ctx.domain, ctx.task, ctx.settings
        grammar = task.grammar or domain.search_grammar(task)
        envs = [task.signature.env(ex.inputs) for ex in task.examples]
        target = tuple(ex.output for ex in task.examples)
        started = time.monotonic()
        enum = Enumerator(domain, grammar, envs, target, deadline=ctx.deadline,
                          max_cost=settings.max_cost, max_value_size=settings.max_value_size)
        shape = find_ite(grammar, enum.units)
        cover: TermCover | None = None
        predicates: list = []
        if shape is not None and len(target) > 1:
            cover = TermCover(target)

            def listen(owner: str, term, values) -> None:
                if owner == shape.nonterminal:
                    cover.offer(term, values)
                elif owner == shape.condition:
                    predicates.append((term, values))

            enum.listeners.append(listen)
        unify_at = started + settings.unify_after * max(ctx.deadline - started, 0.0)
        tried_union = 0
        try:
            for event, term in enum.events():
                if event == "solution":
                    yield Proposal(Provenance(self.name, ctx.round), term)
                elif cover is not None and cover.covers_all and time.monotonic() >= unify_at:
                    # retry only when the bank learnt something new since the last attempt
                    if len(predicates) + len(cover.best) == tried_union:
                        continue
                    tried_union = len(predicates) + len(cover.best)
                    tree = learn_decision_tree(cover, predicates, shape)
                    if tree is not None:
                        yield Proposal(Provenance(self.name + "+unify", ctx.round), tree)
        finally:
            ctx.stats.update(enum.stats(time.monotonic() - started).__dict__)
            ctx.stats["exhausted"] = enum.exhausted

"""The symbolic proposer, the embedded default: grammar-driven enumeration plus unification.

Without any model it proposes the cheapest programs that fit the examples: bottom-up
enumeration with observational equivalence; when a single term does not fit all examples
and the grammar allows `ite`, terms right on subsets are joined by a learned decision
tree (EUSolver).  Large example sets are handled by example-level CEGIS: enumerate
against a few examples, check candidates on all of them, add a failing example, repeat.
A domain with its own search (grids) supplies `enumerate_candidates`.
"""

from __future__ import annotations

import time
from typing import Any, Iterator, Sequence

from hypsearch.core.candidate import Provenance
from hypsearch.check.checker import Proposal
from hypsearch.search.decompose import decompose
from hypsearch.search.enumeration import Enumerator
from hypsearch.check.interpreter import evaluate
from hypsearch.core.errors import EvaluationError
from hypsearch.core.program import Term, size
from hypsearch.proposers import ProposerContext
from hypsearch.core.grammar import SearchGrammar
from hypsearch.core.task import Example
from hypsearch.search.unification import TermCover, find_ite, learn_decision_tree

INITIAL_EXAMPLES = 3
"""Examples the first enumeration sees; more are added as counterexamples."""


class SymbolicProposer:
    """Enumerate programs cheapest-first; unify conditionals when allowed."""

    name = "symbolic"
    rounds = 1

    def propose(self, ctx: ProposerContext) -> Iterator[Proposal]:
        domain, task = ctx.domain, ctx.task
        custom = getattr(domain, "enumerate_candidates", None)
        if custom is not None and task.grammar is None:
            seeded = ctx.seeds is not None and domain.takes_seeds
            for term in (custom(task, ctx.deadline, seeds=ctx.seeds) if seeded else custom(task, ctx.deadline)):
                yield Proposal(Provenance(self.name, ctx.round), term)
            return
        grammar = task.grammar or domain.search_grammar(task)
        examples = _distinct(task.examples)
        chosen = _spread(examples, INITIAL_EXAMPLES)
        ctx.stats["restarts"] = 0
        while True:
            subset = [examples[k] for k in chosen]
            counterexample = None
            for term, provenance in self._bottom_up(ctx, grammar, subset):
                counterexample = _first_failure(ctx, term, examples)
                if counterexample is None:
                    yield Proposal(provenance, term)
                    if len(subset) == len(examples):
                        continue
                    return
                if counterexample not in chosen:
                    break
                counterexample = None
            if counterexample is None or time.monotonic() > ctx.deadline or \
                    ctx.interrupt is not None and ctx.interrupt.is_set():
                return
            chosen.append(counterexample)
            ctx.stats["restarts"] += 1

    def _bottom_up(self, ctx: ProposerContext, grammar: SearchGrammar,
                   examples: Sequence[Example]) -> Iterator[tuple[Term, Provenance]]:
        domain, task, settings = ctx.domain, ctx.task, ctx.settings
        envs = [task.signature.env(ex.inputs) for ex in examples]
        target = tuple(ex.output for ex in examples)
        started = time.monotonic()
        enum = Enumerator(domain, grammar, envs, target, deadline=ctx.deadline,
                          max_cost=settings.max_cost, max_value_size=settings.max_value_size, stop=ctx.interrupt)
        shape = find_ite(enum.grammar, enum.units)
        cover: TermCover | None = None
        predicates: list[tuple[Term, tuple[Any, ...]]] = []
        if shape is not None and len(target) > 1:
            cover = TermCover(target)

            def listen(owner: str, term: Term, values: tuple[Any, ...]) -> None:
                if owner == shape.nonterminal:
                    cover.offer(term, values)
                elif owner == shape.condition:
                    predicates.append((term, values))

            enum.listeners.append(listen)
        unify_at = started + settings.unify_after * max(ctx.deadline - started, 0.0)
        tried = -1
        pending: Term | None = None  # a decomposed solution, held while a smaller one may turn up
        pending_until = 0.0
        try:
            for event, term in enum.events():
                if event == "solution":
                    yield term, Provenance(self.name, ctx.round)
                    continue
                now = time.monotonic()
                if pending is not None:
                    if enum.cost >= size(pending) or now >= pending_until:
                        yield pending, Provenance(self.name + "+decompose", ctx.round)
                        pending = None
                    continue
                if enum.cost >= 3:
                    remaining = ctx.deadline - now
                    pending = decompose(enum, target, deadline=now + 0.25 * remaining)
                    if pending is not None:
                        # Occam: keep enumerating a little for a smaller program of the same behaviour
                        pending_until = time.monotonic() + min(0.2 * remaining, 3.0)
                        enum.deadline = min(ctx.deadline, pending_until)  # stop early, then answer
                        continue
                if cover is not None and shape is not None and cover.covers_all and now >= unify_at:
                    grown = len(predicates) + len(cover.best)
                    if grown == tried:
                        continue  # nothing new since the last attempt
                    tried = grown
                    tree = learn_decision_tree(cover, predicates, shape, deadline=ctx.deadline)
                    if tree is not None:
                        yield tree, Provenance(self.name + "+unify", ctx.round)
            if pending is not None:
                yield pending, Provenance(self.name + "+decompose", ctx.round)
        finally:
            stats = enum.stats(time.monotonic() - started)
            ctx.stats["distinct"] = ctx.stats.get("distinct", 0) + stats.distinct
            ctx.stats["evaluated"] = ctx.stats.get("evaluated", 0) + stats.evaluated
            ctx.stats["max_cost"] = stats.max_cost
            ctx.stats["exhausted"] = enum.exhausted and len(examples) == len(_distinct(task.examples))


def _distinct(examples: Sequence[Example]) -> list[Example]:
    """Examples without repeats (several benchmark files list the same example many times)."""
    out: list[Example] = []
    seen: set[Any] = set()
    for ex in examples:
        try:
            key = (ex.inputs, ex.output)
            if key in seen:
                continue
            seen.add(key)
        except TypeError:  # unhashable values: keep them all
            pass
        out.append(ex)
    return out


def _spread(examples: Sequence[Example], k: int) -> list[int]:
    """Indices of k examples spread over the list (first, last, middle, …)."""
    n = len(examples)
    if n <= k:
        return list(range(n))
    return sorted({round(i * (n - 1) / (k - 1)) for i in range(k)})


def _first_failure(ctx: ProposerContext, term: Term, examples: Sequence[Example]) -> int | None:
    """Index of the first example the program gets wrong, or None."""
    sig = ctx.task.signature
    for k, ex in enumerate(examples):
        try:
            if evaluate(ctx.domain, term, sig.env(ex.inputs)) != ex.output:
                return k
        except EvaluationError:
            return k
    return None

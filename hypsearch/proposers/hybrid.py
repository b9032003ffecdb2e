"""The hybrid proposer: the model and the enumerator help each other within one loop.

Each round the LLM proposer runs first (its sketches' holes are filled by z3 in the checker, or here
by a small enumeration when the domain has no z3 encoding).  Then the symbolic proposer runs, for a
share of the remaining time, on a search grammar enriched with fragments of the model's programs:
every subterm becomes a leaf production (cost 1) of each nonterminal of its type that can derive it,
so a nearly right program from the model is a few enumeration steps from a right one.
"""

from __future__ import annotations

import dataclasses
import itertools
import threading
import time
from typing import Any, Iterator, Sequence

from hypsearch.check.interpreter import evaluate
from hypsearch.core.candidate import Provenance
from hypsearch.check.checker import Proposal
from hypsearch.core.domain import Domain
from hypsearch.core.errors import BudgetExhausted, EvaluationError
from hypsearch.llm.client import LLMCallFailed
from hypsearch.core.program import Hole, Term, Var, holes, size, subterms, substitute
from hypsearch.proposers import ProposerContext
from hypsearch.proposers.llm import LLMProposer
from hypsearch.proposers.symbolic import SymbolicProposer
from hypsearch.core.grammar import Production, SearchGrammar
from hypsearch.core.task import Task

MAX_FRAGMENTS = 40
MAX_FRAGMENT_SIZE = 12
MAX_FILLINGS = 2000
SYMBOLIC_FIRST_SHARE = 0.8
"""Share of round 0 the plain enumeration gets while the model's first requests run beside it."""


def fragments(programs: Sequence[Term], limit: int = MAX_FRAGMENTS) -> list[Term]:
    """Distinct hole-free subterms (constants and applications) of the programs, most frequent and smallest first."""
    counts: dict[Term, int] = {}
    for program in programs:
        for t in subterms(program):
            if isinstance(t, (Var, Hole)) or holes(t) or size(t) > MAX_FRAGMENT_SIZE:
                continue
            counts[t] = counts.get(t, 0) + 1
    ranked = sorted(counts, key=lambda t: (-counts[t], size(t), repr(t)))
    return ranked[:limit]


def enrich_grammar(grammar: SearchGrammar, pieces: Sequence[Term], *, strict: bool) -> SearchGrammar:
    """`grammar` plus each piece as a cost-1 leaf of every nonterminal of its type.

    With `strict` (the task brought its own grammar) a piece is added only where the grammar derives it,
    so every program built from the enriched grammar stays inside the original one.
    """
    existing = {(p.nonterminal, p.leaf) for p in grammar.productions if p.leaf is not None}
    added: list[Production] = []
    for piece in pieces:
        for nt, typ in grammar.nonterminals:
            if typ != piece.type or (nt, piece) in existing:
                continue
            if strict and not grammar.accepts(piece, nt):
                continue
            existing.add((nt, piece))
            added.append(Production(nt, leaf=piece, cost=1))
    if not added:
        return grammar
    return dataclasses.replace(grammar, productions=tuple(added) + grammar.productions)


def fill_by_enumeration(domain: Domain, task: Task, sketch: Term, components: Sequence[Term],
                        deadline: float, limit: int = MAX_FILLINGS) -> Term | None:
    """Fill a sketch's holes from `components` of the right type (for domains without a z3 encoding)."""
    open_holes = holes(sketch)
    if not open_holes:
        return sketch
    choices = [[c for c in components if c.type == h.type] for h in open_holes]
    if any(not c for c in choices):
        return None
    envs = [task.signature.env(ex.inputs) for ex in task.examples]
    for k, combo in enumerate(itertools.product(*choices)):
        if k >= limit or time.monotonic() > deadline:
            return None
        program = substitute(sketch, dict(zip(open_holes, combo)))
        try:
            if all(evaluate(domain, program, env) == ex.output for env, ex in zip(envs, task.examples)):
                return program
        except EvaluationError:
            continue
    return None


class HybridProposer:
    """LLM proposals first, then enumeration over a grammar enriched with the model's fragments."""

    name = "hybrid"

    def __init__(self, llm: LLMProposer, symbolic: SymbolicProposer | None = None) -> None:
        self.llm = llm
        self.symbolic = symbolic or SymbolicProposer()

    @property
    def rounds(self) -> int:
        return self.llm.rounds

    def observe(self, candidate: Any) -> None:
        """Pass verdicts on to the LLM half (transcripts, fragments of filled sketches)."""
        self.llm.observe(candidate)

    def propose(self, ctx: ProposerContext) -> Iterator[Proposal]:
        if ctx.round == 0:
            yield from self._model_beside_enumeration(ctx)
        else:
            yield from self.llm.propose(ctx)
        yield from self._enriched_enumeration(ctx)

    def _model_beside_enumeration(self, ctx: ProposerContext) -> Iterator[Proposal]:
        """Round 0: the model's requests run in a thread while the plain enumeration runs here.

        The model waits on its server (another core), so the enumeration loses no time to it: whatever the
        symbolic proposer finds alone in its share, the hybrid finds too.  An endpoint fault ends only the
        model's half (its reason stays in the LLM stats); a configuration error still ends the task.
        """
        background = _Background(self.llm.propose(ctx))
        try:
            now = time.monotonic()
            share = dataclasses.replace(ctx, deadline=now + SYMBOLIC_FIRST_SHARE * max(ctx.deadline - now, 0.0))
            for proposal in self.symbolic.propose(share):
                yield dataclasses.replace(proposal, provenance=Provenance(
                    self.name + "+" + proposal.provenance.proposer, ctx.round))
            yield from background.results(ctx.deadline)
        finally:
            background.cancel()

    def _enriched_enumeration(self, ctx: ProposerContext) -> Iterator[Proposal]:
        """Fill the model's sketches, then enumerate over a grammar enriched with its fragments."""
        st = self.llm.state(ctx)
        domain, task = ctx.domain, ctx.task
        filled = [c.program for c in st.checked if c.program is not None]
        pieces = fragments([*st.programs, *filled])
        if not domain.has_encoding:  # the checker cannot fill holes with z3: try the pieces and grammar leaves
            grammar = task.grammar or domain.search_grammar(task)
            leaves = [p.leaf for p in grammar.productions if p.leaf is not None]
            for sketch in [p for p in st.programs if holes(p)]:
                program = fill_by_enumeration(domain, task, sketch, [*leaves, *pieces], ctx.deadline)
                if program is not None:
                    yield Proposal(Provenance(self.name + "+fill", ctx.round), program)
        now = time.monotonic()
        rounds_left = max(self.rounds - ctx.round, 1)
        until = now + max(ctx.deadline - now, 0.0) / rounds_left
        custom = getattr(domain, "enumerate_candidates", None) is not None and task.grammar is None
        if ctx.round == 0 and not pieces:
            return  # nothing new to enumerate with: the plain search already had its turn
        sub_task = task
        if not custom and pieces:
            base = task.grammar or domain.search_grammar(task)
            sub_task = dataclasses.replace(task, grammar=enrich_grammar(base, pieces, strict=task.grammar is not None))
        sub = ProposerContext(sub_task, domain, ctx.settings, until, ctx.round, ctx.feedback, ctx.stats)
        if st.transcript is not None:
            st.transcript.write("symbolic", round=ctx.round, fragments=0 if custom else len(pieces),
                                seconds=round(until - now, 3))
        for proposal in self.symbolic.propose(sub):
            yield dataclasses.replace(proposal, provenance=Provenance(
                self.name + "+" + proposal.provenance.proposer, ctx.round))


class _Background:
    """Drain a proposal generator in a daemon thread; hand its proposals over when asked."""

    def __init__(self, proposals: Iterator[Proposal]) -> None:
        self._proposals = proposals
        self._done = threading.Event()
        self._cancelled = threading.Event()
        self._lock = threading.Lock()
        self._ready: list[Proposal] = []
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="hypsearch-hybrid-llm", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            for proposal in self._proposals:
                with self._lock:
                    self._ready.append(proposal)
                if self._cancelled.is_set():
                    break
        except (LLMCallFailed, BudgetExhausted):  # the model's half ends; its reason is in the stats
            pass
        except BaseException as exc:  # noqa: BLE001 - re-raised in the engine's thread
            self._error = exc
        finally:
            self._done.set()

    def results(self, deadline: float) -> Iterator[Proposal]:
        """Every proposal the thread makes until it ends or `deadline` passes, as they come."""
        while True:
            finished = self._done.wait(timeout=max(0.0, min(0.05, deadline - time.monotonic())))
            with self._lock:
                batch, self._ready = self._ready, []
            yield from batch
            if finished and not self._ready:
                break
            if time.monotonic() > deadline:
                return
        if self._error is not None:
            raise self._error

    def cancel(self) -> None:
        """Ask the thread to stop after its current request (it is a daemon: it never holds the process)."""
        self._cancelled.set()

"""The hybrid proposer: the model and the enumerator help each other within one loop.

In round 0 the plain enumeration runs with the whole round's time while the model's requests run in a
thread beside it; a model program that fits every example stops the enumeration so the engine checks
it at once.  In later rounds the LLM proposer runs first (its sketches' holes are filled by z3 in the
checker, or here by a small enumeration when the domain has no z3 encoding).  Then the symbolic proposer
runs, for a share of the remaining time, on a search grammar enriched with fragments of the model's programs:
every subterm becomes a leaf production (cost 1) of each nonterminal of its type that can derive it,
so a nearly right program from the model is a few enumeration steps from a right one.

A domain whose own search takes seeds (`Domain.takes_seeds`, the grid search) gets the model's programs while
it runs instead: every translated program, fitting or not, goes into a `Seeds` the search polls, so its
pieces are tried first and composed at depth within the same deadline; fits built from them are credited to
`hybrid+seeded`.  Without a model nothing is seeded and the search is the plain one.
"""

from __future__ import annotations

import dataclasses
import itertools
import threading
import time
from typing import Any, Callable, Iterator, Sequence

from hypsearch.check.interpreter import evaluate
from hypsearch.core.candidate import Provenance
from hypsearch.check.checker import Proposal, check
from hypsearch.core.candidate import CandidateStatus
from hypsearch.core.domain import Domain
from hypsearch.core.errors import BudgetExhausted, EvaluationError
from hypsearch.llm.client import LLMCallFailed
from hypsearch.core.program import Hole, Term, Var, holes, size, subterms, substitute
from hypsearch.core.seeds import Seeds
from hypsearch.proposers import ProposerContext
from hypsearch.proposers.llm import LLMProposer
from hypsearch.proposers.symbolic import SymbolicProposer
from hypsearch.core.grammar import Production, SearchGrammar
from hypsearch.core.task import Task

MAX_FRAGMENTS = 40
MAX_FRAGMENT_SIZE = 12
MAX_FILLINGS = 2000
SYMBOLIC_FIRST_SHARE = 0.8
"""Share of round 0 a domain's own (uninterruptible) search gets while the model's first requests run beside it."""


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
        self._observed: set[tuple[int, str]] = set()
        """(round, program text) of model candidates already checked and observed in the model's thread."""
        self._fitting: set[int] = set()
        """ids of model proposals the thread found to fit every example (they stop the enumeration)."""
        self._model_done = False
        """True once the model's thread ran all its rounds (later engine rounds only enumerate)."""
        self._settled = False
        """True once a seeded domain search stopped early on its own fits: the task's later rounds propose nothing."""

    @property
    def rounds(self) -> int:
        return self.llm.rounds

    def observe(self, candidate: Any) -> None:
        """Pass verdicts on to the LLM half (transcripts, fragments of filled sketches), except those its own
        thread has observed already."""
        if (candidate.provenance.round, candidate.text) in self._observed:
            return
        self.llm.observe(candidate)

    def propose(self, ctx: ProposerContext) -> Iterator[Proposal]:
        if ctx.round == 0:
            self._settled = False  # a new task (or a new solve of one)
            yield from self._model_beside_enumeration(ctx)
        elif self._settled:
            return
        elif not self._model_done:
            yield from self.llm.propose(ctx)
        yield from self._enriched_enumeration(ctx)

    def _model_rounds(self, ctx: ProposerContext, seeds: Seeds | None = None) -> Iterator[Proposal]:
        """The model's side, run in its thread: with examples to fit (no spec), all of its rounds, each proposal
        checked here so its verdict feeds the next round at once; with a spec, one round (CEGIS brings the
        counterexamples round by round).  The engine checks again what it is handed.  Every translated program
        also goes to `seeds`, where the domain's own search takes it while it runs."""
        try:
            for proposal in self._model_round_proposals(ctx):
                if seeds is not None and proposal.program is not None:
                    seeds.add(proposal.program)
                yield proposal
        finally:
            if seeds is not None:
                seeds.close()

    def _model_round_proposals(self, ctx: ProposerContext) -> Iterator[Proposal]:
        if ctx.task.spec is not None:
            yield from self.llm.propose(ctx)
            return
        feedback: tuple[Any, ...] = ctx.feedback
        for round_no in range(max(self.llm.rounds, 1)):
            if time.monotonic() >= ctx.deadline:
                return
            rctx = ProposerContext(ctx.task, ctx.domain, ctx.settings, ctx.deadline, round_no, feedback, ctx.stats)
            failures = []
            for proposal in self.llm.propose(rctx):
                # the examples only (the engine's own check adds z3): every bit of CPU this thread spends is
                # taken from the enumeration, which shares the interpreter lock with it
                candidate = check(ctx.domain, ctx.task, proposal, use_z3=False)
                self._observed.add((candidate.provenance.round, candidate.text))
                self.llm.observe(candidate)
                if candidate.status is CandidateStatus.ACCEPTED:
                    self._fitting.add(id(proposal))
                yield proposal
                if candidate.status is not CandidateStatus.ACCEPTED:
                    failures.append(candidate)
            feedback = tuple(failures)
        self._model_done = True

    def _model_beside_enumeration(self, ctx: ProposerContext) -> Iterator[Proposal]:
        """Round 0: the model's requests run in a thread while the plain enumeration runs here with the whole
        round's time.

        The thread runs each model program on the examples as it arrives; one that fits them all stops the
        enumeration (`ctx.interrupt`) so the engine checks it at once, and the enumeration starts again if the
        engine asks for more.  The model waits on its server, so the enumeration loses no time to it: whatever
        the symbolic proposer finds alone in the same time, the hybrid finds too.  A domain's own search
        (`enumerate_candidates`) cannot be interrupted: it gets SYMBOLIC_FIRST_SHARE of the time, the model's
        proposals the rest.  An endpoint fault ends only the model's half (its reason stays in the LLM stats);
        a configuration error still ends the task.
        """
        found = threading.Event()
        spec = ctx.task.spec is not None  # no check in the thread then: run the program on the examples here
        custom = getattr(ctx.domain, "enumerate_candidates", None) is not None and ctx.task.grammar is None
        seeds = Seeds() if custom and ctx.domain.takes_seeds else None
        background = _Background(self._model_rounds(ctx, seeds),
                                 lambda p: _fits(ctx, p) if spec else id(p) in self._fitting, found)
        try:
            while True:
                now = time.monotonic()
                # a domain search that takes seeds checks the model's programs itself: it keeps the whole round
                share = SYMBOLIC_FIRST_SHARE if custom and seeds is None else 1.0
                run = dataclasses.replace(ctx, deadline=now + share * max(ctx.deadline - now, 0.0), interrupt=found,
                                          seeds=seeds)
                searched = 0
                for proposal in self.symbolic.propose(run):
                    searched += 1
                    yield self._from_search(proposal, seeds, ctx)
                if seeds is not None:
                    ctx.stats["seeds"] = {**seeds.stats, "programs": len(seeds), "seeded_fits": seeds.marked}
                    if searched and not found.is_set() and time.monotonic() < ctx.deadline:
                        # the seeded search stopped early on fits of its own (it waits for seeds otherwise):
                        # its answer is settled, so the model's later rounds would only spend the budget
                        ctx.stats["model_skipped"] = "the domain's search settled its answer first"
                        self._settled = True
                        yield from background.ready()
                        return
                if not found.is_set() or ctx.stats.get("exhausted") or time.monotonic() >= ctx.deadline:
                    break
                # the model has a program that fits every example: the engine checks it now; if it asks for
                # more (z3 refuted it, or a second attempt is wanted), the enumeration resumes
                found.clear()
                ctx.stats["model_interrupts"] = ctx.stats.get("model_interrupts", 0) + 1
                yield from background.ready()
            yield from background.results(ctx.deadline)
        finally:
            background.cancel()

    def _from_search(self, proposal: Proposal, seeds: Seeds | None, ctx: ProposerContext) -> Proposal:
        """A proposal of the search, credited to the hybrid (`hybrid+seeded` when the domain's search built it
        from a model's piece)."""
        tag = proposal.provenance.proposer
        if seeds is not None and proposal.program is not None and seeds.seeded(proposal.program):
            tag = "seeded"
        return dataclasses.replace(proposal, provenance=Provenance(self.name + "+" + tag, ctx.round))

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
        seeded = custom and domain.takes_seeds
        if ctx.round == 0 and (not pieces or seeded):
            return  # nothing new to enumerate with, or the search took the model's programs as they came
        sub_task = task
        if not custom and pieces:
            base = task.grammar or domain.search_grammar(task)
            sub_task = dataclasses.replace(task, grammar=enrich_grammar(base, pieces, strict=task.grammar is not None))
        seeds = None
        if seeded:  # a later round: the search starts with every program the model gave so far
            seeds = Seeds([*st.programs, *filled])
            seeds.close()
        sub = ProposerContext(sub_task, domain, ctx.settings, until, ctx.round, ctx.feedback, ctx.stats, seeds=seeds)
        if st.transcript is not None:
            st.transcript.write("symbolic", round=ctx.round, fragments=len(seeds) if seeds is not None else
                                0 if custom else len(pieces), seconds=round(until - now, 3))
        for proposal in self.symbolic.propose(sub):
            yield self._from_search(proposal, seeds, ctx)


def _fits(ctx: ProposerContext, proposal: Proposal) -> bool:
    """A hole-free program whose outputs equal every example's (the checker still decides; this only says
    "worth stopping the enumeration for")."""
    program = proposal.program
    if program is None and proposal.text:
        try:
            program = ctx.domain.parse(proposal.text, dict(ctx.task.signature.params), source="<proposal>")
        except Exception:  # noqa: BLE001 - unparsable: the engine's checker says why
            return False
    if program is None or holes(program):
        return False
    try:
        return all(evaluate(ctx.domain, program, ctx.task.signature.env(ex.inputs)) == ex.output
                   for ex in ctx.task.examples)
    except Exception:  # noqa: BLE001 - any failure of a model's program means "does not fit"
        return False


class _Background:
    """Drain a proposal generator in a daemon thread; hand its proposals over when asked.  Each proposal for
    which `fits` holds sets `found` (the enumeration in the engine's thread stops for it)."""

    def __init__(self, proposals: Iterator[Proposal], fits: Callable[[Proposal], bool] | None = None,
                 found: threading.Event | None = None) -> None:
        self._proposals = proposals
        self._fits = fits
        self._found = found
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
                if self._found is not None and self._fits is not None and self._fits(proposal):
                    self._found.set()
                if self._cancelled.is_set():
                    break
        except (LLMCallFailed, BudgetExhausted):  # the model's half ends; its reason is in the stats
            pass
        except BaseException as exc:  # noqa: BLE001 - re-raised in the engine's thread
            self._error = exc
        finally:
            self._done.set()

    def ready(self) -> list[Proposal]:
        """The proposals made so far and not yet handed over (without waiting)."""
        with self._lock:
            batch, self._ready = self._ready, []
        return batch

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

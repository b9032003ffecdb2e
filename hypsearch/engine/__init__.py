"""The one loop: propose → check → select → (feedback) → propose …, ended by a stated reason.

The engine imports no concrete domain and no concrete proposer beyond the default
symbolic one; domains come from the registry, proposers through `proposer=`.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Sequence

from hypsearch.core.candidate import Candidate, CandidateStatus
from hypsearch.check.checker import check, predict
from hypsearch.core.domain import Domain
from hypsearch.core.errors import BudgetExhausted, HypsearchError
from hypsearch.core.program import size
from hypsearch.proposers import Proposer, ProposerContext
from hypsearch.proposers.factory import default_proposer  # noqa: F401  (re-exported: engine.default_proposer)
from hypsearch.core.registry import get_domain
from hypsearch.core.result import PhaseStats, Result, Status
from hypsearch.core.settings import Settings, handover_margin
from hypsearch.core.task import Task

if TYPE_CHECKING:
    from hypsearch.core.oracle import Oracle

KEEP_REJECTED = 50
"""Rejected candidates kept in a Result (the full count is in `phases`)."""


@dataclass
class _Phase:
    count: int = 0
    seconds: float = 0.0


@dataclass
class _Run:
    """Mutable bookkeeping of one solve; frozen into a Result at the end."""

    phases: dict[str, _Phase] = field(default_factory=lambda: {n: _Phase() for n in ("propose", "check")})
    accepted: list[Candidate] = field(default_factory=list)
    kept: list[Candidate] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)

    def frozen_phases(self) -> tuple[PhaseStats, ...]:
        return tuple(PhaseStats(n, p.count, p.seconds) for n, p in self.phases.items())


def solve(task: Task, settings: Settings | None = None, *, proposer: Proposer | None = None,
          domain: Domain | None = None, oracle: "Oracle | None" = None,
          pool: Sequence[tuple[Any, ...]] = ()) -> Result:
    """Find the simplest program that explains `task`'s examples, within the settings' budget.

    With `settings.ambiguity_seconds` > 0 the result also reports competing behaviours (`Result.ambiguity`);
    with an `oracle` (`inputs -> output`, None: cannot answer) the engine asks it about inputs that split
    them, up to `settings.max_queries` times, each answer a new example (`Result.queries`).  `pool` holds
    unlabelled inputs searched first for such questions (the task's test inputs always are).

    >>> from hypsearch import Task, Example, Signature, solve
    >>> task = Task("greet", "strings", Signature((("x", "String"),), "String"),
    ...             (Example(("Ann",), "Hi Ann"), Example(("Bo",), "Hi Bo")))
    >>> solve(task).program_text  # doctest: +SKIP
    '(str.++ "Hi " x)'
    """
    if not isinstance(task, Task):  # a LabelledTask carries answers: only its `.task` may reach a solver
        raise TypeError(f"solve() takes a Task, not {type(task).__name__}"
                        + ("; pass labelled.task (the answers stay with the scorer)" if hasattr(task, "answers") else ""))
    settings = settings or Settings()
    domain = domain or get_domain(task.domain)
    if task.spec is None and (oracle is not None or settings.ambiguity_seconds > 0):
        from hypsearch.engine.active import solve_actively

        return solve_actively(task, settings, oracle, domain=domain, pool=pool,
                              solve_once=lambda t: _solve_once(t, settings, proposer, domain))
    return _solve_once(task, settings, proposer, domain)


def _solve_once(task: Task, settings: Settings, proposer: Proposer | None, domain: Domain) -> Result:
    """One pass of the loop over the task's examples as they stand."""
    started = time.monotonic()
    deadline = started + settings.time_limit
    run = _Run()

    def finish(status: Status, reason: str, stats: dict[str, Any] | None = None) -> Result:
        return _result(task, domain, run, status, reason, time.monotonic() - started, stats or {})

    if task.spec is not None:  # a logical spec: counterexample-guided rounds around the proposer
        from hypsearch.engine.cegis import solve_with_spec

        return solve_with_spec(task, settings, proposer=proposer, domain=domain)
    clash = task.contradictory_examples()
    if clash is not None:
        return finish(Status.INFEASIBLE, f"infeasible: examples with input {clash[0].inputs!r} want different outputs")
    proposer = proposer or default_proposer(settings)
    attempts = settings.attempts or task.attempts
    feedback: list[Candidate] = []
    stats: dict[str, Any] = {}
    stop = ""
    budget_stop = ""
    observe = getattr(proposer, "observe", None)  # optional: the proposer sees every verdict (transcripts)
    for round_no in range(max(1, proposer.rounds)):
        ctx = ProposerContext(task, domain, settings, deadline, round_no, tuple(feedback), stats)
        round_failures: list[Candidate] = []
        t_prop = time.monotonic()
        try:
            for proposal in proposer.propose(ctx):
                t_check = time.monotonic()
                run.phases["propose"].seconds += t_check - t_prop
                run.phases["propose"].count += 1
                candidate = check(domain, task, proposal, z3_timeout_ms=settings.z3_timeout_ms)
                t_prop = time.monotonic()
                run.phases["check"].seconds += t_prop - t_check
                run.phases["check"].count += 1
                run.statuses[candidate.status] += 1
                if observe is not None:
                    observe(candidate)
                if candidate.status is CandidateStatus.ACCEPTED:
                    if all(candidate.text != c.text for c in run.accepted):
                        run.accepted.append(candidate)
                    if _enough(domain, task, run.accepted, attempts):
                        stop = "solved"
                        break
                else:
                    round_failures.append(candidate)
                    if len(run.kept) < KEEP_REJECTED:
                        run.kept.append(candidate)
                if time.monotonic() > deadline:
                    break
        except BudgetExhausted as exc:  # a per-task budget (LLM calls, tokens, seconds) ends the task
            budget_stop = str(exc)
            break
        except HypsearchError as exc:
            return finish(Status.ERROR, f"{type(exc).__name__}: {exc}", stats)
        if stop or time.monotonic() > deadline:
            break
        feedback = round_failures
    if run.accepted:
        return finish(Status.SOLVED, "solved", stats)
    if budget_stop:
        return finish(Status.UNSOLVED, budget_stop, stats)
    if time.monotonic() > deadline - handover_margin(settings.time_limit):  # a domain's search stops just short
        return finish(Status.UNSOLVED, f"time limit {settings.time_limit:g} s", stats)
    if stats.get("exhausted"):
        return finish(Status.UNSOLVED, f"search space exhausted at size {stats.get('max_cost')}", stats)
    if run.statuses and not run.statuses[CandidateStatus.ACCEPTED]:
        return finish(Status.UNSOLVED, f"no candidate fit after {proposer.rounds} round(s)", stats)
    return finish(Status.UNSOLVED, "no proposal", stats)


def _enough(domain: Domain, task: Task, accepted: list[Candidate], attempts: int) -> bool:
    """Stop once there are `attempts` fitting programs with distinct test predictions."""
    if attempts <= 1 or not task.tests:
        return bool(accepted)
    distinct = set()
    for c in accepted:
        pred = predict(domain, task, c.program) if c.program is not None else (None,)
        if None not in pred:  # a program that fails on a test input makes no attempt
            distinct.add(repr(pred))
    return len(distinct) >= attempts


def _from_domain_search(candidate: Candidate) -> bool:
    """The candidate came from the domain's own search: alone (`symbolic`) or run by a hybrid (`hybrid+symbolic`,
    `hybrid+seeded`)."""
    return candidate.provenance.proposer.rsplit("+", 1)[-1] in ("symbolic", "seeded")


def _result(task: Task, domain: Domain, run: _Run, status: Status, reason: str, seconds: float,
            stats: dict[str, Any]) -> Result:
    own_order = domain.ranks_answers and task.grammar is None and all(
        _from_domain_search(c) for c in run.accepted)  # the domain's search ranked these itself
    ordered = list(run.accepted) if own_order else sorted(run.accepted, key=lambda c: (size(c.program), c.text))
    best = ordered[0] if ordered else None
    predictions: tuple[tuple[Any, ...], ...] = ()
    alternatives: list[str] = []
    if ordered and task.tests:
        attempts = max(1, task.attempts)
        chosen: list[tuple[Any, ...]] = []
        for cand in ordered:
            pred = predict(domain, task, cand.program)
            if None in pred and chosen:
                continue  # fails on some test input: no use as a further attempt
            if pred not in chosen:
                chosen.append(pred)
                if cand is not best:
                    alternatives.append(cand.text)
            if len(chosen) == attempts:
                break
        predictions = tuple(tuple(p[i] for p in chosen) for i in range(len(task.tests)))
    counts = {s.value: n for s, n in run.statuses.items()}
    return Result(
        task_id=task.id, domain=task.domain, status=status, stop_reason=reason,
        program=best.program if best else None, program_text=best.text if best else "",
        alternatives=tuple(alternatives), predictions=predictions,
        candidates=tuple(run.accepted) + tuple(run.kept), phases=run.frozen_phases(),
        seconds=seconds, stats={**stats, "candidates": counts},
    )

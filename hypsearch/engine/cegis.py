"""Counterexample-guided inductive synthesis around any proposer (domain-agnostic).

Round k: the proposer is asked for programs for a task whose examples are the
observations gathered so far (forced outputs become `Example`s; points that allow several
outputs travel in `metadata["observations"]`).  Each proposal is checked on those
observations by the interpreter, then verified by z3 against the full spec; a failure
yields a counterexample point, which becomes a new observation, and the next round
starts with the failed candidates as feedback (an LLM proposer sees them).  Invariant
specs go to `hypsearch.proposers.invariants`.  Nothing is reported solved unless z3
proved it meets the whole spec.
"""

from __future__ import annotations

import dataclasses
import random
import time
from typing import Any

from hypsearch.check.interpreter import evaluate
from hypsearch.core.candidate import Candidate, CandidateStatus
from hypsearch.check.checker import check
from hypsearch.core.domain import Domain
from hypsearch.core.errors import BudgetExhausted, EvaluationError, HypsearchError
from hypsearch.core.program import Term, size
from hypsearch.proposers import ProposerContext
from hypsearch.core.result import Result, Status
from hypsearch.core.settings import Settings
from hypsearch.check.spec import (
    FAILS, HOLDS, FunctionalSpec, InvariantSpec, MultiFunctionSpec, NotSingleInvocation, Observation, Unrealizable,
)
from hypsearch.core.task import Example, Task

MAX_ROUNDS = 2000
TIME_SHARE = 0.8
"""Share of the time limit the loop plans to use: the rest covers process start-up and the last z3 call."""
RANDOM_POINTS = 16
SKETCH_SHARE = 0.4
"""Share of the budget z3's sketch filling gets first on specs that are not single-invocation."""
EXTRA_COUNTEREXAMPLES = 3


def _result(task: Task, status: Status, reason: str, started: float, *, program: Any = None, text: str = "",
            stats: dict[str, Any] | None = None, candidates: tuple[Candidate, ...] = ()) -> Result:
    return Result(task_id=task.id, domain=task.domain, status=status, stop_reason=reason, program=program,
                  program_text=text, seconds=time.monotonic() - started, stats=stats or {}, candidates=candidates)


def initial_points(spec: FunctionalSpec, count: int = RANDOM_POINTS, seed: int = 0) -> list[dict[str, Any]]:
    """All-zero values, then small random values for the spec variables: the first observations."""
    rng = random.Random(seed)
    points = [{n: (False if t == "Bool" else 0) for n, t in spec.variables}]
    if spec.variables and all(t in ("Int", "Bool") for _, t in spec.variables):
        for _ in range(count):
            points.append({n: (rng.random() < 0.5 if t == "Bool" else rng.randint(-1000, 1000)) for n, t in spec.variables})
    return points


class _Observations:
    """The growing observation set: forced outputs as Examples, the rest as Observations."""

    def __init__(self, task: Task) -> None:
        self.examples: dict[tuple[Any, ...], Example] = {ex.inputs: ex for ex in task.examples}
        self.constraints: list[Observation] = []

    def add(self, ob: Observation) -> None:
        if ob.examples is None:
            self.constraints.append(ob)
            return
        for ex in ob.examples:
            prev = self.examples.get(ex.inputs)
            if prev is not None and prev.output != ex.output:
                raise Unrealizable(f"inputs {ex.inputs!r} must map to {prev.output!r} and {ex.output!r}")
            self.examples[ex.inputs] = ex

    def task(self, task: Task) -> Task:
        return dataclasses.replace(task, examples=tuple(self.examples.values()), spec=None,
                                   metadata={**task.metadata, "observations": tuple(self.constraints)})

    def meets(self, domain: Domain, task: Task, program: Term) -> bool:
        for ob in self.constraints:
            try:
                outs = tuple(evaluate(domain, program, task.signature.env(i)) for i in ob.inputs)
            except EvaluationError:
                return False
            if not ob.allows(outs):
                return False
        return True


def solve_with_spec(task: Task, settings: Settings, *, proposer: Any = None, domain: Domain) -> Result:
    """Solve a task with a logical spec: CEGIS for functional specs, invariant search for invariants."""
    started = time.monotonic()
    if isinstance(task.spec, InvariantSpec):
        from hypsearch.proposers.invariants import solve_invariant

        return solve_invariant(task, settings, domain=domain, started=started)
    if isinstance(task.spec, MultiFunctionSpec):
        return solve_multi(task, settings, domain=domain, started=started)
    spec: FunctionalSpec = task.spec
    deadline = started + TIME_SHARE * settings.time_limit
    stats: dict[str, Any] = {"cegis_rounds": 0, "counterexamples": 0}
    proposer = _inner_proposer(proposer, settings)
    inner_settings = dataclasses.replace(settings, unify_after=0.0)
    kept: list[Candidate] = []

    def z3_ms() -> int:
        return max(50, min(settings.z3_timeout_ms, int(1000 * (deadline - time.monotonic()))))

    def done(status: Status, reason: str, program: Term | None = None) -> Result:
        text = domain.show(program) if program is not None else ""
        if program is not None:
            stats["size"] = size(program)
        return _result(task, status, reason, started, program=program, text=text, stats=stats,
                       candidates=tuple(kept[-20:]))

    if spec.single_call is None and task.grammar is None and domain.sketches(task.signature):
        # nested or permuted calls give the enumerator few observations: first let z3 fill sketches
        from hypsearch.search.sketches import solve_by_sketches

        share = started + SKETCH_SHARE * (deadline - started)
        try:
            out = solve_by_sketches(MultiFunctionSpec.of(spec), domain, share, settings.z3_timeout_ms)
        except HypsearchError:
            out = None
        if out is not None and out.programs is not None:
            stats["sketch_rounds"] = out.rounds
            return done(Status.SOLVED, out.reason, out.programs[task.signature.name])
    obs = _Observations(task)
    unknown = ""
    try:
        for point in initial_points(spec):
            try:
                ob = spec.observe(domain, point, z3_ms())
            except NotSingleInvocation:
                break  # nested calls: learn from verification alone until a point is observable
            if ob is not None and ob.inputs:
                obs.add(ob)
        feedback: list[Candidate] = []
        idle = 0  # consecutive rounds that taught nothing new
        for round_no in range(MAX_ROUNDS):
            if time.monotonic() > deadline:
                break
            stats["cegis_rounds"] = round_no + 1
            sub = obs.task(task)
            ctx = ProposerContext(sub, domain, inner_settings, deadline, round_no, tuple(feedback), stats)
            feedback = []
            learnt = False
            for proposal in proposer.propose(ctx):
                cand = check(domain, sub, proposal, use_z3=False)
                if cand.status is CandidateStatus.ACCEPTED and not obs.meets(domain, sub, cand.program):
                    cand = dataclasses.replace(cand, status=CandidateStatus.REJECTED,
                                               detail="violates an observed counterexample")
                if cand.status is not CandidateStatus.ACCEPTED:
                    feedback.append(cand)
                    if time.monotonic() > deadline:
                        break
                    continue
                verdict = spec.verify(domain, cand.program, z3_ms())
                if verdict.status == HOLDS:
                    return done(Status.SOLVED, "solved (verified by z3)", cand.program)
                rejected = dataclasses.replace(cand, status=CandidateStatus.REJECTED if verdict.status == FAILS
                                               else CandidateStatus.UNKNOWN, detail=verdict.detail)
                feedback.append(rejected)
                kept.append(rejected)
                if verdict.status != FAILS or verdict.counterexample is None:
                    unknown = verdict.detail
                    continue  # z3 could not decide this one: look at the next proposal
                stats["counterexamples"] += 1
                try:
                    ob = spec.observe(domain, verdict.counterexample.values, z3_ms())
                except NotSingleInvocation as exc:
                    return done(Status.UNSUPPORTED, str(exc))
                if ob is None:
                    return done(Status.UNSOLVED, "z3 could not tell what the spec requires at a counterexample")
                obs.add(ob)
                idle = 0
                # a few more points where this candidate fails: fewer, better-informed rounds
                extra = spec.more_counterexamples(domain, cand.program, [verdict.counterexample.values],
                                                  EXTRA_COUNTEREXAMPLES, min(z3_ms(), 1000))
                for point in extra:
                    more = spec.observe(domain, point, z3_ms())
                    if more is not None and more.inputs:
                        obs.add(more)
                stats["counterexamples"] += len(extra)
                learnt = True
                break
            if not learnt:
                if time.monotonic() > deadline:
                    break
                idle += 1
                if idle < getattr(proposer, "rounds", 1):
                    continue  # a refining proposer (the LLM) tries again with this round's failures as feedback
                reason = "search space exhausted" if stats.get("exhausted") else "no further proposal"
                if unknown:
                    reason += f"; z3 unknown on a candidate: {unknown}"
                return done(Status.UNSOLVED, reason)
        reason = f"time limit {settings.time_limit:g} s"
        if unknown:
            reason += f"; z3 unknown on a candidate: {unknown}"
        return done(Status.UNSOLVED, reason)
    except Unrealizable as exc:
        return done(Status.INFEASIBLE, f"infeasible: {exc}")
    except BudgetExhausted as exc:
        return done(Status.UNSOLVED, str(exc))
    except HypsearchError as exc:
        return done(Status.ERROR, f"{type(exc).__name__}: {exc}")


def solve_multi(task: Task, settings: Settings, *, domain: Domain, started: float) -> Result:
    """Several functions under one spec: z3 fills the domain's sketches (see `hypsearch.search.sketches`)."""
    from hypsearch.search.sketches import solve_by_sketches

    spec: MultiFunctionSpec = task.spec
    deadline = started + TIME_SHARE * settings.time_limit
    try:
        if spec.unrealizable(domain, min(2000, settings.z3_timeout_ms)):
            return _result(task, Status.INFEASIBLE, "infeasible: no functions at all meet the specification "
                           "(z3: unsatisfiable with the functions uninterpreted)", started)
        out = solve_by_sketches(spec, domain, deadline, settings.z3_timeout_ms)
    except HypsearchError as exc:
        return _result(task, Status.ERROR, f"{type(exc).__name__}: {exc}", started)
    stats = {"sketch_rounds": out.rounds, "counterexamples": out.points}
    if out.programs is None:
        reason = out.reason if out.reason != "time limit" else f"time limit {settings.time_limit:g} s"
        if out.unknown:
            reason += f"; {out.unknown}"
        return _result(task, Status.UNSOLVED, reason, started, stats=stats)
    first = out.programs[task.signature.name]
    definitions = tuple((sig.name, domain.show(out.programs[sig.name])) for sig in spec.signatures)
    stats["size"] = sum(size(p) for p in out.programs.values())
    return dataclasses.replace(
        _result(task, Status.SOLVED, out.reason, started, program=first, text=domain.show(first), stats=stats),
        definitions=definitions)


def _inner_proposer(proposer: Any, settings: Settings) -> Any:
    if proposer is not None:
        return proposer
    if settings.proposer == "symbolic":
        from hypsearch.proposers.spec_enum import SpecEnumProposer

        return SpecEnumProposer()
    from hypsearch.proposers.factory import default_proposer

    return default_proposer(settings)

"""The checker: parse/type-check a proposal, run it on the examples, then ask z3.

Its verdict is a frozen Candidate: status, per-example outcomes, detail (error text,
z3 reason).  It is the same for every proposer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypsearch.core.candidate import Candidate, CandidateStatus, ExampleOutcome, Provenance
from hypsearch.core.domain import Domain, Limits
from hypsearch.core.errors import EvaluationError, InputSyntaxError, ProgramError, UnsupportedError
from hypsearch.check.interpreter import evaluate
from hypsearch.check.holes import fill_holes
from hypsearch.core.program import Term, holes
from hypsearch.check.smt import verify_examples
from hypsearch.core.task import Task


@dataclass(frozen=True)
class Proposal:
    """What a proposer hands the checker: a program, or text for the domain's parser."""

    provenance: Provenance
    program: Term | None = None
    text: str = ""


def check(domain: Domain, task: Task, proposal: Proposal, *, use_z3: bool = True,
          z3_timeout_ms: int = 5000, limits: Limits | None = None) -> Candidate:
    """Verdict on one proposal against the task's examples (and grammar, and z3)."""
    prov = proposal.provenance
    program = proposal.program
    if program is None:
        try:
            program = domain.parse(proposal.text, dict(task.signature.params), source="<proposal>")
        except InputSyntaxError as exc:
            return Candidate(CandidateStatus.UNPARSABLE, prov, text=proposal.text, detail=exc.render())
        except ProgramError as exc:
            return Candidate(CandidateStatus.ILL_TYPED, prov, text=proposal.text, detail=str(exc))
    if holes(program):
        try:
            filled = fill_holes(domain, program, task.signature.params, task.examples, z3_timeout_ms)
        except UnsupportedError as exc:
            return Candidate(CandidateStatus.REJECTED, prov, program, domain.show(program), detail=str(exc))
        if filled is None:
            return Candidate(CandidateStatus.REJECTED, prov, program, domain.show(program),
                             detail="no constants for the holes make every example hold")
        program = filled
        proposal = Proposal(prov, program)
    text = proposal.text or domain.show(program)
    if program.type != task.signature.returns:
        return Candidate(CandidateStatus.ILL_TYPED, prov, program, text,
                         detail=f"program has type {program.type}, the task wants {task.signature.returns}")
    if task.grammar is not None and not task.grammar.accepts(program):
        return Candidate(CandidateStatus.REJECTED, prov, program, text, detail="program lies outside the task's grammar")
    outcomes = run_examples(domain, task, program, limits)
    if any(o.error for o in outcomes):
        first = next(o for o in outcomes if o.error)
        return Candidate(CandidateStatus.RUNTIME_ERROR, prov, program, text, outcomes,
                         detail=f"example {first.index}: {first.error}")
    if not all(o.ok for o in outcomes):
        return Candidate(CandidateStatus.REJECTED, prov, program, text, outcomes,
                         detail=f"wrong on {sum(not o.ok for o in outcomes)} of {len(outcomes)} examples")
    if use_z3 and domain.has_encoding and task.examples:
        try:
            verdict = verify_examples(domain, program, task.signature.params, task.examples, z3_timeout_ms)
        except UnsupportedError as exc:
            return Candidate(CandidateStatus.ACCEPTED, prov, program, text, outcomes, detail=f"not z3-checked: {exc}")
        if verdict.result == "fails":
            return Candidate(CandidateStatus.REJECTED, prov, program, text, outcomes,
                             detail=f"z3 disagrees with the interpreter: {verdict.reason}")
        if verdict.result == "unknown":
            return Candidate(CandidateStatus.UNKNOWN, prov, program, text, outcomes, detail=f"z3: {verdict.reason}")
    if task.spec is not None:
        verdict = task.spec.verify(domain, program)
        if verdict.status != "holds":
            status = CandidateStatus.UNKNOWN if verdict.status == "unknown" else CandidateStatus.REJECTED
            return Candidate(status, prov, program, text, outcomes, detail=verdict.detail)
    return Candidate(CandidateStatus.ACCEPTED, prov, program, text, outcomes)


def run_examples(domain: Domain, task: Task, program: Term, limits: Limits | None = None) -> tuple[ExampleOutcome, ...]:
    """Run a program on every example with the interpreter."""
    outcomes = []
    for k, ex in enumerate(task.examples):
        try:
            value: Any = evaluate(domain, program, task.signature.env(ex.inputs), limits)
        except EvaluationError as exc:
            outcomes.append(ExampleOutcome(k, False, None, str(exc)))
            continue
        outcomes.append(ExampleOutcome(k, value == ex.output, value))
    return tuple(outcomes)


def predict(domain: Domain, task: Task, program: Term, limits: Limits | None = None) -> tuple[Any, ...]:
    """The program's outputs on the task's test inputs (None where it fails)."""
    out = []
    for ex in task.tests:
        try:
            out.append(evaluate(domain, program, task.signature.env(ex.inputs), limits))
        except EvaluationError:
            out.append(None)
    return tuple(out)

"""Candidates: a proposed program, the verdict on it, and where it came from."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from hypsearch.core.program import Term


class CandidateStatus(enum.Enum):
    """How a candidate fared, in pipeline order."""

    UNPARSABLE = "unparsable"
    ILL_TYPED = "ill-typed"
    RUNTIME_ERROR = "runtime error"
    REJECTED = "rejected"
    """Runs, but gets some example wrong."""
    UNKNOWN = "unknown"
    """Fits the examples, but z3 could not decide the spec in time."""
    ACCEPTED = "accepted"


@dataclass(frozen=True)
class Provenance:
    """Who proposed a candidate, in which round, from which hypothesis text."""

    proposer: str
    round: int = 0
    hypothesis: str = ""


@dataclass(frozen=True)
class ExampleOutcome:
    """One example's result for a candidate: what it produced, and whether that was right."""

    index: int
    ok: bool
    produced: object = None
    error: str = ""


@dataclass(frozen=True)
class Candidate:
    """A proposal after checking: program (if it parsed), status, fit and provenance."""

    status: CandidateStatus
    provenance: Provenance
    program: Term | None = None
    text: str = ""
    outcomes: tuple[ExampleOutcome, ...] = ()
    detail: str = ""
    """Why it failed: parse error text, type error, z3 reason, counterexample."""

    @property
    def fit(self) -> float:
        """Fraction of examples the candidate gets right."""
        if not self.outcomes:
            return 1.0 if self.status is CandidateStatus.ACCEPTED else 0.0
        return sum(o.ok for o in self.outcomes) / len(self.outcomes)

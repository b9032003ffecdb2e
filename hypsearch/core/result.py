"""The outcome of solving one task: answer, stop reason, lineage and per-phase figures."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Mapping

from hypsearch.core.ambiguity import Ambiguity
from hypsearch.core.candidate import Candidate
from hypsearch.core.json_values import to_json
from hypsearch.core.oracle import Asked
from hypsearch.core.program import Term, size


class Status(enum.Enum):
    """How a task ended."""

    SOLVED = "solved"
    INFEASIBLE = "infeasible"
    """Provably no program fits (contradictory examples, unrealizable spec)."""
    UNSOLVED = "unsolved"
    UNSUPPORTED = "unsupported"
    ERROR = "error"


@dataclass(frozen=True)
class PhaseStats:
    """Counts and seconds of one named phase (propose, check, verify, refine, …)."""

    name: str
    count: int
    seconds: float


@dataclass(frozen=True)
class Result:
    """Frozen record of a finished task; `stop_reason` reads as a sentence ("time limit 10 s")."""

    task_id: str
    domain: str
    status: Status
    stop_reason: str
    program: Term | None = None
    program_text: str = ""
    answer: str = ""
    """The answer in the task's own output format (a SyGuS define-fun, …)."""
    definitions: tuple[tuple[str, str], ...] = ()
    """(name, program text) of every synthesised function when a task has several; `program` is the first's."""
    alternatives: tuple[str, ...] = ()
    """Further distinct programs kept as extra attempts (ARC's second attempt)."""
    predictions: tuple[tuple[Any, ...], ...] = ()
    """Per test input, the predicted outputs (one per attempt)."""
    candidates: tuple[Candidate, ...] = ()
    phases: tuple[PhaseStats, ...] = ()
    seconds: float = 0.0
    stats: Mapping[str, Any] = field(default_factory=dict)
    ambiguity: Ambiguity | None = None
    """Competing fitting programs and the inputs that separate them (None: not looked for)."""
    queries: tuple[Asked, ...] = ()
    """Queries put to the oracle, in order, with their answers."""

    @property
    def solved(self) -> bool:
        return self.status is Status.SOLVED

    @property
    def program_size(self) -> int | None:
        return size(self.program) if self.program is not None else None

    def to_json(self) -> dict[str, Any]:
        """A JSON-able summary (used by the CLI's --json and the batch runner)."""
        return {
            "task": self.task_id,
            "domain": self.domain,
            "status": self.status.value,
            "stop_reason": self.stop_reason,
            "program": self.program_text or None,
            "answer": self.answer or None,
            **({"definitions": dict(self.definitions)} if self.definitions else {}),
            "alternatives": list(self.alternatives),
            "size": self.program_size,
            "seconds": round(self.seconds, 4),
            "phases": {p.name: {"count": p.count, "seconds": round(p.seconds, 4)} for p in self.phases},
            "candidates": {
                status: sum(1 for c in self.candidates if c.status.value == status)
                for status in sorted({c.status.value for c in self.candidates})
            },
            "stats": dict(self.stats),
            **({"ambiguity": ambiguity_json(self.ambiguity)} if self.ambiguity is not None else {}),
            **({"queries": [asked_json(q) for q in self.queries]} if self.queries else {}),
        }


def ambiguity_json(amb: Ambiguity) -> dict[str, Any]:
    """The `ambiguity` object of `--json` and batch records."""
    return {
        "behaviours": amb.behaviours,
        "competing": amb.ambiguous,
        "competitors": list(amb.competitors),
        "searched": amb.searched,
        "distinguishing_inputs": [
            {"inputs": to_json(d.inputs), "source": d.source,
             "outputs": [{"program": text, "output": to_json(out)} for text, out in d.outputs]}
            for d in amb.distinctions
        ],
        "summary": amb.summary(),
    }


def asked_json(q: Asked) -> dict[str, Any]:
    """One query of `--json` and batch records: the inputs, the answer or the reason there was none."""
    out: dict[str, Any] = {"inputs": to_json(q.inputs), "answered": q.answered, "source": q.source}
    if q.answered:
        out["output"] = to_json(q.output)
    else:
        out["reason"] = q.reason
    return out

"""Proposers: whoever suggests programs (enumeration, an LLM, both) sits behind one interface."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, Protocol, Sequence

from hypsearch.core.candidate import Candidate
from hypsearch.check.checker import Proposal
from hypsearch.core.domain import Domain
from hypsearch.core.settings import Settings
from hypsearch.core.task import Task


@dataclass
class ProposerContext:
    """What a proposer may read in one round: the task, its domain, settings, deadline, feedback."""

    task: Task
    domain: Domain
    settings: Settings
    deadline: float
    round: int = 0
    feedback: Sequence[Candidate] = ()
    """Checked candidates of earlier rounds (failures carry their outcomes and detail)."""
    stats: dict[str, Any] = field(default_factory=dict)
    """Counters the proposer reports (distinct programs, LLM calls, …); they end up in the Result."""
    interrupt: Any = None
    """An event (`threading.Event`) that ends the round's search early, like its deadline: set by a proposer
    running beside the enumeration when it holds a program that fits every example (see `hybrid`)."""
    seeds: Any = None
    """A `hypsearch.core.seeds.Seeds` of model programs for a domain whose own search takes them
    (`Domain.takes_seeds`), filled while the search runs (see `hybrid`); None: plain search."""


class Proposer(Protocol):
    """Yields proposals for a round; the engine checks each and feeds failures back next round."""

    name: str

    def propose(self, ctx: ProposerContext) -> Iterator[Proposal]:
        ...

    @property
    def rounds(self) -> int:
        """How many rounds this proposer wants (enumeration needs one)."""
        ...

"""Oracles: whoever can label a new input (a Python function, a command, the person at the terminal).

An oracle is any callable `inputs -> output`; returning None means "cannot answer this input", raising
OracleError says why not.  The engine turns every answer into a new example; nothing else adds labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


class Oracle(Protocol):
    """Label one input tuple (parameter order) with the function's output, or None when it cannot."""

    def __call__(self, inputs: tuple[Any, ...]) -> Any:
        ...


@dataclass(frozen=True)
class Asked:
    """One query put to the oracle and what came back: the answer, or why there was none."""

    inputs: tuple[Any, ...]
    output: Any = None
    answered: bool = False
    reason: str = ""
    """Why the query went unanswered (refused, crashed, wrong type); empty when answered."""
    source: str = ""
    """Where the input came from: 'pool', 'z3' or 'generated'."""

"""Picking a proposer by name: the one place that knows every concrete proposer.

`symbolic` needs nothing outside the package; `llm` and `hybrid` build an LLM client, imported
only when asked for.  The engine and the CEGIS loop both come here, so neither imports the other.
"""

from __future__ import annotations

from hypsearch.core.settings import Settings
from hypsearch.proposers import Proposer


def default_proposer(settings: Settings) -> Proposer:
    """The proposer named by `settings.proposer` ('symbolic' needs nothing outside this package)."""
    if settings.proposer == "symbolic":
        from hypsearch.proposers.symbolic import SymbolicProposer

        return SymbolicProposer()
    return make_llm_proposer(settings)  # only when asked for


def make_llm_proposer(settings: Settings) -> Proposer:
    """The proposer for `settings.proposer` 'llm' or 'hybrid'."""
    from hypsearch.proposers.llm import LLMProposer, make_client

    llm = LLMProposer(settings, make_client(settings))
    if settings.proposer == "hybrid":
        from hypsearch.proposers.hybrid import HybridProposer

        return HybridProposer(llm)
    return llm


__all__ = ["default_proposer", "make_llm_proposer"]

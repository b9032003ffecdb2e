"""One frozen, validated settings object with named profiles."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from hypsearch.core.errors import ConfigError


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Budgets and knobs for one task.  Every budget ends a task with a stated reason."""

    time_limit: float = 10.0
    """Wall-clock seconds for the whole task."""
    proposer: str = "symbolic"
    """'symbolic' (enumeration, the default), 'llm', or 'hybrid'."""
    rounds: int = 3
    """Refinement rounds T (LLM proposer)."""
    hypotheses: int = 5
    """Hypotheses per round N (LLM proposer)."""
    repairs: int = 2
    """Parse/type repair attempts K per translation (LLM translator)."""
    max_cost: int = 40
    """Largest program cost the enumerator reaches."""
    max_value_size: int = 1000
    """Largest intermediate value (string length, grid cells) kept during enumeration."""
    unify_after: float = 0.15
    """Fraction of the time budget spent looking for a single term before ite unification starts."""
    z3_timeout_ms: int = 5000
    """Timeout of each z3 query."""
    seed: int = 0
    attempts: int | None = None
    """Answers per test input; None means the task's own (ARC: 2)."""
    llm_config: str | None = None
    """Path of an LLM endpoint config file (see `hypsearch.llm.config`)."""
    cache_path: str | None = None
    """SQLite completion cache of the LLM proposer (None: no cache)."""
    cache_mode: str = "use"
    """'use', 'refresh', 'off' or 'replay' (read only; a miss is an error)."""
    llm_grammar: str = "auto"
    """Grammar-constrained translation: 'auto' (where the endpoint supports it), 'on' or 'off'."""
    llm_max_calls: int | None = None
    """Per-task budget of LLM calls (None: unlimited)."""
    llm_max_tokens: int | None = None
    """Per-task budget of LLM tokens (None: unlimited)."""
    llm_max_seconds: float | None = None
    """Per-task budget of seconds spent in LLM calls and their retries (None: the task's time limit)."""
    llm_max_cost: float | None = None
    """Per-task budget of estimated LLM cost in USD, from the config's prices (None: unlimited)."""
    local_model: str | None = None
    """GGUF file served by a local llama.cpp engine for the LLM proposer (`hypsearch.llm.local_engine`);
    its endpoint replaces the config's base_url, backend and model."""
    local_engine_url: str | None = None
    """Base URL of an engine already serving `local_model` (set by the CLI that started it, or from
    `hypsearch llm serve`); None: the proposer starts one in this process on first use."""
    llm_threads: int = 1
    """Threads of the local engine (one is fastest on 2-core machines; ../shared/models/README-models.md)."""
    llm_slots: int = 1
    """Requests the local engine decodes at once; the client sends no more than this at a time."""
    transcript_dir: str | None = None
    """Run directory for per-task LLM transcripts (JSON lines; `hypsearch show DIR`)."""
    ambiguity_seconds: float = 0.0
    """Seconds spent after a solve looking for fitting programs that behave differently (0: do not look;
    with an oracle, `QUERY_SECONDS` when 0)."""
    max_queries: int = 5
    """Queries put to an oracle per task at most."""

    def __post_init__(self) -> None:
        if self.time_limit <= 0:
            raise ConfigError(f"time_limit must be positive, got {self.time_limit}")
        if self.proposer not in ("symbolic", "llm", "hybrid"):
            raise ConfigError(f"proposer must be 'symbolic', 'llm' or 'hybrid', got {self.proposer!r}")
        for name in ("rounds", "hypotheses", "max_cost", "max_value_size", "z3_timeout_ms", "llm_threads", "llm_slots"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.ambiguity_seconds < 0:
            raise ConfigError(f"ambiguity_seconds must be at least 0, got {self.ambiguity_seconds}")
        if self.max_queries < 0:
            raise ConfigError(f"max_queries must be at least 0, got {self.max_queries}")
        if self.repairs < 0:
            raise ConfigError(f"repairs must be at least 0, got {self.repairs}")
        if self.cache_mode not in ("use", "refresh", "off", "replay"):
            raise ConfigError(f"cache_mode must be 'use', 'refresh', 'off' or 'replay', got {self.cache_mode!r}")
        if self.llm_grammar not in ("auto", "on", "off"):
            raise ConfigError(f"llm_grammar must be 'auto', 'on' or 'off', got {self.llm_grammar!r}")
        for name in ("llm_max_calls", "llm_max_tokens", "llm_max_seconds", "llm_max_cost"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise ConfigError(f"{name} must be positive, got {value}")
        if self.local_engine_url and not self.local_model:
            raise ConfigError("local_engine_url (--local-engine) needs local_model (--local-model): the GGUF file "
                              "that engine serves names the model")
        if not 0.0 <= self.unify_after <= 1.0:
            raise ConfigError(f"unify_after must lie in [0, 1], got {self.unify_after}")

    @classmethod
    def profile(cls, name: str, **overrides: Any) -> "Settings":
        """A named profile ('quick', 'default', 'thorough') with optional overrides."""
        try:
            base = PROFILES[name]
        except KeyError:
            raise ConfigError(f"unknown profile {name!r}; known: {', '.join(PROFILES)}") from None
        return replace(base, **overrides)

    def with_(self, **changes: Any) -> "Settings":
        """A copy with some fields changed (validated again)."""
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


QUERY_SECONDS = 2.0
"""Seconds per query round spent looking for competing programs when an oracle is given and
`ambiguity_seconds` is 0."""

LLM_TIME_LIMIT = 180.0
"""Default seconds per task for `--proposer llm|hybrid` on the command line when no --timeout is given: a real
model needs several round trips (hypotheses, then one translation per hypothesis), each seconds to minutes long
on a CPU, so the symbolic default of 10 s would end the task before the first reply."""


def default_time_limit(proposer: str, profile: str = "default") -> float:
    """The CLI's time budget per task when none is given: the profile's, or LLM_TIME_LIMIT for llm/hybrid."""
    return LLM_TIME_LIMIT if proposer in ("llm", "hybrid") else PROFILES[profile].time_limit


def default_cache_path(env: Mapping[str, str] = os.environ) -> Path:
    """Where the CLI caches LLM completions by default: $XDG_CACHE_HOME/hypsearch/completions.sqlite,
    else ~/.cache/hypsearch/completions.sqlite (a rerun of the same requests pays nothing)."""
    base = env.get("XDG_CACHE_HOME", "").strip()
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / "hypsearch" / "completions.sqlite"


PROFILES: dict[str, Settings] = {
    "quick": Settings(time_limit=2.0, max_cost=20, rounds=1, hypotheses=3),
    "default": Settings(),
    "thorough": Settings(time_limit=60.0, rounds=5, hypotheses=8, max_cost=60),
}

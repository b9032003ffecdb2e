"""One frozen, validated settings object with named profiles."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from hypsearch.errors import ConfigError


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
    transcript_dir: str | None = None
    """Run directory for per-task LLM transcripts (JSON lines; `hypsearch show DIR`)."""

    def __post_init__(self) -> None:
        if self.time_limit <= 0:
            raise ConfigError(f"time_limit must be positive, got {self.time_limit}")
        if self.proposer not in ("symbolic", "llm", "hybrid"):
            raise ConfigError(f"proposer must be 'symbolic', 'llm' or 'hybrid', got {self.proposer!r}")
        for name in ("rounds", "hypotheses", "max_cost", "max_value_size", "z3_timeout_ms"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.repairs < 0:
            raise ConfigError(f"repairs must be at least 0, got {self.repairs}")
        if self.cache_mode not in ("use", "refresh", "off", "replay"):
            raise ConfigError(f"cache_mode must be 'use', 'refresh', 'off' or 'replay', got {self.cache_mode!r}")
        if self.llm_grammar not in ("auto", "on", "off"):
            raise ConfigError(f"llm_grammar must be 'auto', 'on' or 'off', got {self.llm_grammar!r}")
        for name in ("llm_max_calls", "llm_max_tokens", "llm_max_seconds"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise ConfigError(f"{name} must be positive, got {value}")
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


PROFILES: dict[str, Settings] = {
    "quick": Settings(time_limit=2.0, max_cost=20, rounds=1, hypotheses=3),
    "default": Settings(),
    "thorough": Settings(time_limit=60.0, rounds=5, hypotheses=8, max_cost=60),
}

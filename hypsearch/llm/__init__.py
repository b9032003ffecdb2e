"""The LLM edge layer: endpoint settings, a persistent completion cache, a retrying client, reply parsing.

Everything that talks to a model goes through `LLMClient.complete`; nothing else in hypsearch imports `openai`.
Names are imported lazily, so `hypsearch.llm.cache`/`.replies`/`.gbnf`/`.config` do not pay for importing openai.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS: dict[str, str] = {
    "BackendKind": "config", "EndpointConfig": "config", "load_config": "config",
    "model_rejects_temperature": "config",
    "CacheMiss": "cache", "CacheMode": "cache", "CompletionCache": "cache", "request_hash": "cache",
    "Budget": "client", "Completion": "client", "GrammarSpec": "client", "LLMCallFailed": "client",
    "LLMClient": "client", "Usage": "client", "UsageMeter": "client", "UsageStats": "client",
    "lark_to_gbnf": "gbnf",
    "extract_program": "replies", "parse_hypotheses": "replies",
}
__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from hypsearch.llm.cache import CacheMiss, CacheMode, CompletionCache, request_hash
    from hypsearch.llm.client import (Budget, Completion, GrammarSpec, LLMCallFailed, LLMClient, Usage,
                                      UsageMeter, UsageStats)
    from hypsearch.llm.config import BackendKind, EndpointConfig, load_config, model_rejects_temperature
    from hypsearch.llm.gbnf import lark_to_gbnf
    from hypsearch.llm.replies import extract_program, parse_hypotheses


def __getattr__(name: str) -> Any:
    """Import the public name's module on first use."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'hypsearch.llm' has no attribute {name!r}")
    return getattr(importlib.import_module(f"hypsearch.llm.{module}"), name)

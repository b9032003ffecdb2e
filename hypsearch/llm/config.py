"""Endpoint settings for the LLM layer: one frozen `EndpointConfig`, loaded from TOML, environment and overrides.

Precedence (highest first): keyword overrides, the `[llm]` table of the TOML file, environment variables,
defaults.  This mirrors the `openai` client, where an explicit `base_url`/`api_key` wins over
OPENAI_BASE_URL/OPENAI_API_KEY and the environment only fills what is unset.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, get_args
from urllib.parse import urlparse

from hypsearch.core.errors import ConfigError

BackendKind = Literal["openai", "vllm", "llamacpp", "generic"]
BACKENDS: tuple[str, ...] = get_args(BackendKind)

DEFAULT_BASE_URL = "https://api.openai.com/v1"  # the openai client's own default
DEFAULT_MODEL = "gpt-4o-mini"
DEFAULT_MAX_TOKENS = 512  # sent when neither the config nor the call sets max_tokens: a reply is never unbounded
PLACEHOLDER_API_KEY = "EMPTY"  # local servers (vLLM, llama.cpp) ignore the key but the client needs one

# OpenAI reasoning models answer 400 to any `temperature` (o1, o3, o4-mini, gpt-5*, except the gpt-5 chat models).
_REJECTS_TEMPERATURE = re.compile(r"^(?:.*/)?(?:o1|o3|o4)(?:$|[-.])|^(?:.*/)?gpt-5(?!.*-chat)", re.IGNORECASE)


def model_rejects_temperature(model: str) -> bool:
    """True for model names known to reject a `temperature` parameter (o1/o3/o4* and gpt-5* reasoning models)."""
    return bool(_REJECTS_TEMPERATURE.search(model.strip()))


@dataclass(frozen=True)
class EndpointConfig:
    """Everything needed to call one OpenAI-compatible endpoint, validated on construction.

    `supports_n` and `reject_temperature` default to None meaning "decide from backend/model"; after
    construction they are always plain bools.  Prices are USD per 1000 tokens (None: cost not estimated).
    `extra` is merged into the request body of the API that accepts each key (e.g. {"top_k": 20} for vLLM;
    {"reasoning_effort": "low"} goes to Chat Completions as is and to the Responses API as `reasoning.effort`).
    `max_tokens` None means DEFAULT_MAX_TOKENS: a limit is always sent.

    Concurrency: at most `max_concurrency` requests are in flight per client.  On backend "llamacpp" the client
    also asks the server once (GET <root>/props, `total_slots`) and never exceeds its slots: llama-server queues
    further requests, and they would spend their timeout waiting there.  `timeout_s` bounds one HTTP attempt and
    starts only once the client holds a slot (time waiting for a slot is not counted).  On backend "vllm" the
    server version is asked once (GET <root>/version) before the first grammar-constrained request: vLLM before
    0.10.2 ignores `structured_outputs` and gets `guided_grammar` instead.
    """

    base_url: str = DEFAULT_BASE_URL
    api_key: str = field(default="", repr=False)
    model: str = DEFAULT_MODEL
    backend: BackendKind = "openai"
    timeout_s: float = 60.0
    max_concurrency: int = 4
    max_retries: int = 3
    backoff_base_s: float = 0.5
    backoff_max_s: float = 30.0
    temperature: float | None = None
    max_tokens: int | None = None
    top_p: float | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    supports_n: bool | None = None
    reject_temperature: bool | None = None
    price_input_per_1k: float | None = None
    price_output_per_1k: float | None = None
    cache_namespace: str | None = None
    """Stands for the endpoint in completion-cache keys instead of base_url (a local engine's port changes per run)."""

    def __post_init__(self) -> None:
        _validate(self)
        if self.supports_n is None:
            object.__setattr__(self, "supports_n", self.backend in ("openai", "vllm"))
        if self.reject_temperature is None:
            object.__setattr__(self, "reject_temperature", model_rejects_temperature(self.model))
        object.__setattr__(self, "base_url", self.base_url.rstrip("/"))
        object.__setattr__(self, "extra", dict(self.extra))

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        """Estimated USD cost of the given token counts (0.0 when no price is configured)."""
        cin = (self.price_input_per_1k or 0.0) * prompt_tokens / 1000.0
        cout = (self.price_output_per_1k or 0.0) * completion_tokens / 1000.0
        return cin + cout


def _validate(cfg: EndpointConfig) -> None:
    """Raise ConfigError naming the first invalid setting of `cfg`."""
    url = urlparse(cfg.base_url) if isinstance(cfg.base_url, str) else None
    if url is None or url.scheme not in ("http", "https") or not url.netloc:
        raise ConfigError(f"llm.base_url must be an http(s) URL such as http://127.0.0.1:8000/v1, got {cfg.base_url!r}")
    if not isinstance(cfg.model, str) or not cfg.model.strip():
        raise ConfigError("llm.model must be a non-empty model name (set it in [llm] or HYPSEARCH_LLM_MODEL)")
    if cfg.backend not in BACKENDS:
        raise ConfigError(f"llm.backend must be one of {', '.join(BACKENDS)}, got {cfg.backend!r}")
    if not isinstance(cfg.api_key, str) or not cfg.api_key:
        raise ConfigError("no API key: set OPENAI_API_KEY, or api_key / api_key_env in the [llm] table")
    _check_number("timeout_s", cfg.timeout_s, low=0.0, low_open=True)
    _check_int("max_concurrency", cfg.max_concurrency, low=1)
    _check_int("max_retries", cfg.max_retries, low=0)
    _check_number("backoff_base_s", cfg.backoff_base_s, low=0.0)
    _check_number("backoff_max_s", cfg.backoff_max_s, low=0.0)
    if cfg.temperature is not None:
        _check_number("temperature", cfg.temperature, low=0.0, high=2.0)
    if cfg.top_p is not None:
        _check_number("top_p", cfg.top_p, low=0.0, high=1.0, low_open=True)
    if cfg.max_tokens is not None:
        _check_int("max_tokens", cfg.max_tokens, low=1)
    for name in ("price_input_per_1k", "price_output_per_1k"):
        value = getattr(cfg, name)
        if value is not None:
            _check_number(name, value, low=0.0)
    if not isinstance(cfg.extra, Mapping) or not all(isinstance(k, str) for k in cfg.extra):
        raise ConfigError("llm.extra must be a table of request-body fields")
    for name in ("supports_n", "reject_temperature"):
        value = getattr(cfg, name)
        if value is not None and not isinstance(value, bool):
            raise ConfigError(f"llm.{name} must be true or false, got {value!r}")


def _check_number(name: str, value: object, *, low: float, high: float = math.inf, low_open: bool = False) -> None:
    """Raise ConfigError unless `value` is a finite real number within [low, high] (or (low, high])."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ConfigError(f"llm.{name} must be a number, got {value!r}")
    if value < low or (low_open and value == low) or value > high:
        lo = "(" if low_open else "["
        raise ConfigError(f"llm.{name} must lie in {lo}{low}, {high}], got {value!r}")


def _check_int(name: str, value: object, *, low: int) -> None:
    """Raise ConfigError unless `value` is an int >= low."""
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ConfigError(f"llm.{name} must be an integer >= {low}, got {value!r}")


_FIELD_NAMES = frozenset(f.name for f in fields(EndpointConfig))
_FILE_ONLY_KEYS = frozenset({"api_key_env"})  # name of an environment variable holding the key


def _read_table(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Return the `[llm]` table of the TOML file at `path` ({} when the table is absent)."""
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{p}: configuration file not found") from None
    except OSError as exc:
        raise ConfigError(f"{p}: cannot read configuration file: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{p}: invalid TOML: {exc}") from None
    table = data.get("llm", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{p}: `llm` must be a table ([llm])")
    unknown = sorted(set(table) - _FIELD_NAMES - _FILE_ONLY_KEYS)
    if unknown:
        raise ConfigError(f"{p}: unknown key(s) in [llm]: {', '.join(unknown)}; "
                          f"known: {', '.join(sorted(_FIELD_NAMES | _FILE_ONLY_KEYS))}")
    return dict(table)


def load_config(path: str | os.PathLike[str] | None = None, env: Mapping[str, str] = os.environ,
                **overrides: Any) -> EndpointConfig:
    """Build a validated EndpointConfig from the TOML file's [llm] table, environment variables and overrides.

    Environment: HYPSEARCH_LLM_MODEL, HYPSEARCH_LLM_BACKEND, OPENAI_BASE_URL, OPENAI_API_KEY (empty values
    count as unset).  Explicit settings win over the environment, exactly like the openai client's arguments.
    For backends other than "openai" a missing key becomes the placeholder "EMPTY".
    """
    unknown = sorted(set(overrides) - _FIELD_NAMES)
    if unknown:
        raise ConfigError(f"unknown LLM setting(s): {', '.join(unknown)}")
    settings: dict[str, Any] = {}
    env_map = {"model": "HYPSEARCH_LLM_MODEL", "backend": "HYPSEARCH_LLM_BACKEND",
               "base_url": "OPENAI_BASE_URL", "api_key": "OPENAI_API_KEY"}
    for key, var in env_map.items():
        value = env.get(var, "")
        if value.strip():
            settings[key] = value.strip()
    if path is not None:
        table = _read_table(path)
        key_env = table.pop("api_key_env", None)
        if key_env is not None:
            if not isinstance(key_env, str) or not env.get(key_env, ""):
                raise ConfigError(f"{path}: api_key_env names {key_env!r}, which is not set in the environment")
            settings["api_key"] = env[key_env]
        settings.update(table)
    settings.update({k: v for k, v in overrides.items() if v is not None})
    if not settings.get("api_key") and settings.get("backend", "openai") != "openai":
        settings["api_key"] = PLACEHOLDER_API_KEY
    if "extra" in settings and not isinstance(settings["extra"], Mapping):
        raise ConfigError("llm.extra must be a table of request-body fields")
    return EndpointConfig(**settings)

"""`LLMClient`: the one place that calls a model, through the real `openai` client over HTTP.

It adds what the SDK does not do our way: its own retry loop (exponential backoff with jitter, Retry-After),
a concurrency limit, the persistent cache, per-backend grammar-constrained decoding, usage metering and
per-task budgets.  Backends: "openai" (grammar via the Responses API custom tool with a Lark grammar),
"vllm" (`structured_outputs.grammar`; `guided_grammar` before vLLM 0.10.2), "llamacpp" (`grammar` in GBNF,
requests capped at the server's slots), "generic" (no constraint).

Every fault of an endpoint ends in a stated reason, never a traceback: HTTP errors, timeouts, a 200 whose body
is not a completion (MalformedReply), replies that are refused, filtered, cut off or missing (UnusableReply),
an exhausted quota (QuotaExhausted).  A grammar-constrained reply that does not match its grammar is counted
(`unconstrained_replies`): the endpoint ignored the grammar.
"""

from __future__ import annotations

import email.utils
import functools
import json
import math
import random
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
import dataclasses
from dataclasses import dataclass, field, fields
from typing import Any, Literal

import lark
import openai
import pydantic

from hypsearch.core.errors import BudgetExhausted, ConfigError, HypsearchError
from hypsearch.llm.cache import CompletionCache, canonical_json, request_hash
from hypsearch.llm.config import DEFAULT_MAX_TOKENS, EndpointConfig
from hypsearch.llm.gbnf import lark_to_gbnf
from hypsearch.llm.replies import strip_think

Message = Mapping[str, Any]
RETRYABLE_STATUS = frozenset({408, 409, 429})  # plus every 5xx
GRAMMAR_IGNORED = "grammar ignored by endpoint: decoding was unconstrained"
"""What stats and transcripts say once a grammar-constrained reply did not match its grammar."""
VLLM_STRUCTURED_OUTPUTS = (0, 10, 2)
"""The first vLLM release that reads `structured_outputs`; older ones ignore it and read `guided_grammar`."""
PROBE_TIMEOUT_S = 5.0
"""Seconds allowed for asking a server about itself (llama.cpp /props, vLLM /version)."""


class LLMCallFailed(HypsearchError):
    """An LLM call failed for good: retries exhausted, or a non-retryable HTTP error (e.g. 400).

    `attempts` is the number of HTTP attempts made; `status` the last HTTP status (None for timeouts and
    connection errors).  Seen by the proposer loop, which records it and ends or skips the step.
    """

    def __init__(self, message: str, *, attempts: int, status: int | None = None) -> None:
        self.attempts = attempts
        self.status = status
        super().__init__(message)


class MalformedReply(LLMCallFailed):
    """The endpoint answered 200 with a body that is not a completion (truncated JSON, an HTML page, other JSON).

    Not retried: a proxy or server that answers like this once usually does so every time.
    """


class UnusableReply(LLMCallFailed):
    """The endpoint answered, but no sample is usable: refused, blocked by a content filter, cut off at
    max_tokens before any text, or no choices at all; the message says which (the request itself succeeded).
    """


class RetryBudgetExhausted(BudgetExhausted):
    """The time budget ran out while a failing call waited for its retry; `last_error` says how it failed."""

    def __init__(self, message: str, *, last_error: str) -> None:
        self.last_error = last_error
        super().__init__(message)


class QuotaExhausted(ConfigError):
    """HTTP 429 `insufficient_quota`: the account's quota or credit is spent, so retrying cannot help; ends the task."""


@dataclass(frozen=True)
class GrammarSpec:
    """A grammar constraining one reply: Lark text (all backends) or GBNF text (llamacpp and vllm only).

    `tool_name`/`description` name the custom tool used on the OpenAI Responses API.
    """

    text: str
    syntax: Literal["lark", "gbnf"] = "lark"
    tool_name: str = "emit_program"
    description: str = "Emit exactly one program of the DSL."

    def __post_init__(self) -> None:
        if self.syntax not in ("lark", "gbnf"):
            raise ConfigError(f"grammar syntax must be 'lark' or 'gbnf', got {self.syntax!r}")
        if not self.text.strip():
            raise ConfigError("grammar text is empty")


@dataclass(frozen=True)
class Usage:
    """Token counts of one completion (prompt tokens are charged to sample 0 of a multi-sample call)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        """prompt + completion tokens."""
        return self.prompt_tokens + self.completion_tokens


@dataclass(frozen=True)
class Completion:
    """One sampled reply: its text, token usage, whether it came from the cache, and the model that wrote it.

    `finish_reason` is the endpoint's ("stop", "length" = cut off at max_tokens, "content_filter", …; None when
    unknown); `refusal` the model's refusal message, if any.  A cut-off reply keeps its text (it may still hold
    hypotheses).  `unconstrained` is True when the reply was asked under a grammar but does not match it.
    """

    text: str
    usage: Usage
    cached: bool
    model: str
    finish_reason: str | None = None
    refusal: str | None = None
    unconstrained: bool = False

    @property
    def truncated(self) -> bool:
        """True when the reply was cut off at max_tokens."""
        return self.finish_reason == "length"

    @property
    def refused(self) -> bool:
        """True when the model refused or a content filter blocked the reply."""
        return bool(self.refusal) or self.finish_reason == "content_filter"

    @property
    def usable(self) -> bool:
        """True when the reply has text and was not refused (cut-off text counts as usable)."""
        return bool(self.text.strip()) and not self.refused


@dataclass(frozen=True)
class UsageStats:
    """A snapshot of a UsageMeter; add snapshots with `+` to aggregate tasks.

    Tokens and cost count only replies fetched over HTTP (what the endpoint bills); cache hits are counted apart.
    `failures` = calls that failed for good + unusable samples: empty replies, refusals and missing choices
    (the first two also counted alone in `empty_replies` and `refusals`).  `truncated_replies` counts replies
    cut off at max_tokens (usable or not); `unconstrained_replies` grammar-constrained replies that do not
    match their grammar (the endpoint ignored it).
    """

    calls: int = 0
    samples: int = 0
    http_calls: int = 0
    retries: int = 0
    failures: int = 0
    empty_replies: int = 0
    refusals: int = 0
    truncated_replies: int = 0
    unconstrained_replies: int = 0
    cache_hits: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0

    def __add__(self, other: UsageStats) -> UsageStats:
        return UsageStats(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})


class UsageMeter:
    """Thread-safe running totals of LLM usage for one task (or a whole run)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._totals: dict[str, float] = {f.name: 0 for f in fields(UsageStats)}

    def add(self, **deltas: float) -> None:
        """Add to the named counters (names of UsageStats fields)."""
        with self._lock:
            for name, delta in deltas.items():
                if name not in self._totals:
                    raise KeyError(f"unknown usage counter {name!r}")
                self._totals[name] += delta

    def stats(self) -> UsageStats:
        """The current totals."""
        with self._lock:
            return UsageStats(**{k: (v if k == "cost_usd" else int(v)) for k, v in self._totals.items()})

    @staticmethod
    def aggregate(meters: Iterable[UsageMeter | UsageStats]) -> UsageStats:
        """Sum of several meters or snapshots."""
        total = UsageStats()
        for m in meters:
            total = total + (m.stats() if isinstance(m, UsageMeter) else m)
        return total


class Budget:
    """Per-task limits on LLM calls, tokens and wall-clock seconds; `check` raises BudgetExhausted when spent.

    A call is one `complete()` invocation whatever its `n`; tokens are those of the returned samples, cached or
    not, so a replayed run spends exactly what the original did.  The clock starts at construction.
    Limits are checked before each call, so the last call may overshoot the token limit.
    """

    def __init__(self, max_calls: int | None = None, max_tokens: int | None = None,
                 max_seconds: float | None = None, clock: Callable[[], float] = time.monotonic,
                 max_cost_usd: float | None = None) -> None:
        for name, value in (("max_calls", max_calls), ("max_tokens", max_tokens), ("max_seconds", max_seconds),
                            ("max_cost_usd", max_cost_usd)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0):
                raise ConfigError(f"budget {name} must be a non-negative number, got {value!r}")
        self.max_calls = max_calls
        self.max_tokens = max_tokens
        self.max_seconds = max_seconds
        self.max_cost_usd = max_cost_usd  # estimated USD (EndpointConfig prices), cached samples included
        self.cost_usd = 0.0
        self._clock = clock
        self._start = clock()
        self._lock = threading.Lock()
        self.calls = 0
        self.tokens = 0

    def elapsed(self) -> float:
        """Seconds since the budget was created."""
        return self._clock() - self._start

    def remaining_seconds(self) -> float | None:
        """Seconds left (None when unlimited)."""
        return None if self.max_seconds is None else self.max_seconds - self.elapsed()

    def exhausted_reason(self) -> str | None:
        """Why the budget is spent, or None while something is left."""
        with self._lock:
            if self.max_calls is not None and self.calls >= self.max_calls:
                return f"LLM call budget exhausted: {self.calls} of {self.max_calls} calls used"
            if self.max_tokens is not None and self.tokens >= self.max_tokens:
                return f"LLM token budget exhausted: {self.tokens} of {self.max_tokens} tokens used"
            if self.max_cost_usd is not None and self.cost_usd >= self.max_cost_usd:
                return f"LLM cost budget exhausted: ${self.cost_usd:.4f} of ${self.max_cost_usd:g} used"
        if self.max_seconds is not None and self.elapsed() >= self.max_seconds:
            return f"time budget exhausted: {self.elapsed():.1f} s of {self.max_seconds:g} s used"
        return None

    def check(self) -> None:
        """Raise BudgetExhausted (with the reason) when any limit is reached."""
        reason = self.exhausted_reason()
        if reason is not None:
            raise BudgetExhausted(reason)

    def charge(self, *, calls: int = 0, tokens: int = 0, cost_usd: float = 0.0) -> None:
        """Record spending."""
        with self._lock:
            self.cost_usd += cost_usd
            self.calls += calls
            self.tokens += tokens


@dataclass(frozen=True)
class _Plan:
    """One logical request: which API, the JSON body (minus `n`), and its cache identity."""

    api: Literal["chat", "responses"]
    body: dict[str, Any]          # keyword arguments for the SDK call, except extra_body
    extra_body: dict[str, Any]
    identity: dict[str, Any] = field(repr=False)  # hashed with the sample index for the cache key
    tool_name: str = ""
    max_tokens: int = DEFAULT_MAX_TOKENS
    grammar: GrammarSpec | None = None  # the grammar actually sent (None when the backend takes none)


@dataclass(frozen=True)
class _Reply:
    """A raw reply of one HTTP call: texts, finish reasons and refusals per choice, and the call's usage."""

    texts: tuple[str, ...]
    prompt_tokens: int
    completion_tokens: int
    model: str
    finish_reasons: tuple[str | None, ...] = ()
    refusals: tuple[str | None, ...] = ()


@functools.lru_cache(maxsize=64)
def _cached_gbnf(lark_text: str) -> str:
    """lark_to_gbnf, memoised (grammars are reused for every call of a task)."""
    return lark_to_gbnf(lark_text)


@functools.lru_cache(maxsize=64)
def _lark_checker(lark_text: str) -> lark.Lark | None:
    """An Earley parser of a Lark grammar, memoised; None when lark cannot build one (then no check is made)."""
    try:
        return lark.Lark(lark_text, parser="earley")
    except (lark.exceptions.LarkError, RecursionError, ValueError, TypeError):
        return None


def matches_grammar(grammar: GrammarSpec, text: str) -> bool | None:
    """Whether `text` (without <think> blocks) is a sentence of a Lark `grammar`; None when it cannot be told."""
    if grammar.syntax != "lark":
        return None
    parser = _lark_checker(grammar.text)
    if parser is None:
        return None
    try:
        parser.parse(strip_think(text).strip())
    except (lark.exceptions.LarkError, RecursionError):
        return False
    return True


def _shorten(text: object, limit: int = 80) -> str:
    """One line of at most `limit` characters, for error messages."""
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[:limit - 1] + "\u2026"


def _plural(count: int, word: str) -> str:
    """'1 reply' / '2 replies'."""
    return f"{count} {word}" if count == 1 else f"{count} {word[:-1]}ies" if word.endswith("y") else f"{count} {word}s"


def unusable_reason(completions: Sequence[Completion], *, missing: int = 0,
                    max_tokens: int | None = None) -> str | None:
    """Why these samples give nothing to work with (refused, filtered, cut off, missing), or None when no
    sample shows a fault (plain empty replies, or at least one usable reply).
    """
    if any(c.usable for c in completions):
        return None
    parts: list[str] = []
    refusal = next((c.refusal for c in completions if c.refusal), None)
    if refusal:
        parts.append(f"the model refused: {_shorten(refusal)}")
    if any(c.finish_reason == "content_filter" and not c.refusal for c in completions):
        parts.append("the reply was blocked by the endpoint's content filter")
    cut = [c for c in completions if c.truncated and not c.refused]
    limit = f"max_tokens={max_tokens}" if max_tokens is not None else "max_tokens"
    if cut and len(cut) == len(completions) and not missing:
        parts.append(f"every reply was cut off at {limit}" + ("" if any(c.text.strip() for c in cut)
                                                               else " before any text"))
    elif cut:
        parts.append(f"{_plural(len(cut), 'reply')} cut off at {limit}")
    if missing:
        parts.append("the endpoint returned no choices" if not completions
                     else f"the endpoint returned {len(completions)} of {len(completions) + missing} choices")
    if not parts:
        return None
    empty = sum(1 for c in completions if not c.text.strip() and not c.refused and not c.truncated)
    if empty:
        parts.append(f"{_plural(empty, 'empty reply')}")
    return "; ".join(parts)


def _retry_after_seconds(exc: Exception) -> float | None:
    """Seconds the server asked us to wait (Retry-After / retry-after-ms), if it said so."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    ms = headers.get("retry-after-ms")
    if ms is not None:
        try:
            return max(0.0, float(ms) / 1000.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = when.timestamp() - time.time()
    return max(0.0, seconds) if math.isfinite(seconds) else None


def _describe(exc: Exception, timeout_s: float) -> str:
    """A short human description of a failed attempt."""
    if isinstance(exc, openai.APITimeoutError):
        return f"timed out after {timeout_s:g} s"
    if isinstance(exc, openai.APIConnectionError):
        return f"connection error ({exc.__cause__ or exc})"
    if isinstance(exc, openai.APIStatusError):
        return f"HTTP {exc.status_code}: {exc.message}"
    return f"{type(exc).__name__}: {exc}"


def _quota_exhausted(exc: openai.APIStatusError) -> bool:
    """True for OpenAI's answer to a spent quota: 429 with error code or type `insufficient_quota`."""
    return exc.status_code == 429 and "insufficient_quota" in (getattr(exc, "code", None), getattr(exc, "type", None))


class _Malformed(Exception):
    """Raised while reading a 200 reply that is not a completion; the message is a short reason."""


class _NotACompletion(_Malformed):
    """The body is JSON without the fields of a completion; `_send` describes it from the raw body."""


_JSON_KINDS = {type(None): "null", bool: "a boolean", int: "a number", float: "a number", str: "a string",
               list: "an array"}


def _body_shape(text: str) -> str:
    """A few words on what a body that should have been a completion actually is."""
    stripped = text.strip()
    if not stripped:
        return "an empty body"
    try:
        value = json.loads(stripped)
    except (ValueError, RecursionError):
        if stripped[:1] == "<":
            return f"an HTML/XML page ({_shorten(stripped, 60)!r})"
        return f"text that is not JSON ({_shorten(stripped, 60)!r})"
    if isinstance(value, dict):
        keys = ", ".join(sorted(str(k) for k in value)[:6]) or "none"
        return f"a JSON object without the fields of a completion (keys: {keys})"
    if value is None:
        return "JSON null instead of a completion object"
    return f"{_JSON_KINDS.get(type(value), 'a JSON value')} ({_shorten(stripped, 60)}) instead of a completion object"


def _malformed_json(exc: ValueError) -> str:
    """The reason for a body that failed to decode as JSON."""
    if isinstance(exc, json.JSONDecodeError):
        if not exc.doc.strip():
            return "an empty body"
        ended = exc.pos >= len(exc.doc.rstrip()) - 1 or exc.msg.startswith("Unterminated")
        cut = "; truncated?" if ended else ""
        return f"the body is not valid JSON ({exc.msg}: character {exc.pos} of {len(exc.doc)}{cut})"
    return f"the body could not be decoded ({_shorten(exc)})"


def _field(obj: object, name: str) -> Any:
    """`obj.name` or `obj[name]` of a possibly incomplete SDK model or dict; None when absent."""
    if isinstance(obj, Mapping):
        return obj.get(name)
    try:
        return getattr(obj, name, None)
    except Exception:  # noqa: BLE001 - a half-built model may raise anything on attribute access
        return None


def _text_field(value: object, what: str) -> str:
    """A text field of a reply ('' for null); raise _Malformed when it is not a string."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _Malformed(f"{what} is {type(value).__name__}, not a string")
    return value


def _parse_chat(chat: object) -> tuple[list[object], object, object]:
    """(choices, usage, model) of a chat completion; raise _Malformed when it is not one."""
    choices = _field(chat, "choices")
    if not isinstance(choices, list):
        raise _NotACompletion()
    return choices, _field(chat, "usage"), _field(chat, "model")


_RESPONSES_FINISH = {"max_output_tokens": "length", "content_filter": "content_filter"}


class LLMClient:
    """Calls one endpoint with retries, a concurrency limit, caching, grammar constraints, metering and budgets.

    Thread-safe: several threads may call `complete` at once; at most `max_concurrency` HTTP requests are in
    flight per client (per process).  Close it (or use it as a context manager) to free its thread pool.
    """

    def __init__(self, config: EndpointConfig, cache: CompletionCache | None = None, *,
                 meter: UsageMeter | None = None, sleep: Callable[[float], None] = time.sleep) -> None:
        self.config = config
        self.cache = cache
        self.meter = meter if meter is not None else UsageMeter()
        self._sleep = sleep
        self._sdk: openai.OpenAI | None = None
        self._sdk_lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(config.max_concurrency)
        self._pool = ThreadPoolExecutor(max_workers=config.max_concurrency, thread_name_prefix="hypsearch-llm")
        self._probe_lock = threading.Lock()
        self._count_lock = threading.Lock()
        self._probed: set[str] = set()
        self.server_slots: int | None = None
        """llama-server's `total_slots` (backend "llamacpp", once asked); in-flight requests never exceed it."""
        self.server_version: str | None = None
        """vLLM's version (backend "vllm", asked before the first grammar-constrained request); None if unknown."""
        self.unconstrained_replies = 0
        """Grammar-constrained replies (cached or fetched) that did not match their grammar, over the client's life."""

    @property
    def grammar_ignored(self) -> bool:
        """True once a grammar-constrained reply did not match its grammar: the endpoint decodes unconstrained."""
        return self.unconstrained_replies > 0

    @property
    def _openai(self) -> openai.OpenAI:
        """The SDK client, built on first use: building it (an HTTP client with its TLS context) takes about
        0.4 s of CPU, which a hybrid proposer spends in its model thread rather than before the enumeration."""
        with self._sdk_lock:
            if self._sdk is None:
                self._sdk = openai.OpenAI(base_url=self.config.base_url, api_key=self.config.api_key,
                                          timeout=self.config.timeout_s, max_retries=0)
            return self._sdk

    def close(self) -> None:
        """Release the HTTP connections and the worker threads."""
        self._pool.shutdown(wait=True)
        if self._sdk is not None:
            self._sdk.close()

    def __enter__(self) -> LLMClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ------------------------------------------------------------------------------------------------ public API

    def complete(self, messages: Sequence[Message], *, n: int = 1, grammar: GrammarSpec | None = None,
                 max_tokens: int | None = None, meter: UsageMeter | None = None,
                 budget: Budget | None = None) -> list[Completion]:
        """Sample `n` replies to `messages` (chat format), from the cache where possible, else over HTTP.

        `max_tokens` caps this call's replies (default: the config's max_tokens, else DEFAULT_MAX_TOKENS).
        Returns the usable replies in sample order (so possibly fewer than n: empty and refused replies count as
        failures in the meters; cut-off replies keep their text, see Completion.truncated).  Raises
        BudgetExhausted, ConfigError (bad settings, auth, unknown model, QuotaExhausted, CacheMiss in replay
        mode), LLMCallFailed when no sample could be obtained (MalformedReply for a body that is not a
        completion), or UnusableReply when every sample was refused, filtered, cut off before any text or
        missing; plain empty replies give [].
        """
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"n must be a positive integer, got {n!r}")
        if max_tokens is not None and (isinstance(max_tokens, bool) or not isinstance(max_tokens, int)
                                       or max_tokens < 1):
            raise ValueError(f"max_tokens must be a positive integer, got {max_tokens!r}")
        _check_messages(messages)
        meters = [m for m in (self.meter, meter) if m is not None]
        if budget is not None:
            budget.check()
            budget.charge(calls=1)
        _record(meters, calls=1, samples=n)
        plan = self._plan(messages, grammar, self.max_tokens_for(max_tokens))
        keys = [request_hash(plan.identity, i) for i in range(n)]
        slots: list[Completion | None] = [None] * n
        missing: list[int] = []
        for i, key in enumerate(keys):
            hit = self.cache.lookup(key) if self.cache is not None else None
            if hit is not None and (hit.get("text") or self.cache.mode == "replay"):
                slots[i] = _completion_from_cache(hit, self.config.model)
                _record(meters, cache_hits=1)
            else:
                missing.append(i)
        short = 0
        if missing:
            self._learn_server(plan, budget)
            short = self._fetch(plan, missing, keys, slots, meters, budget)
        done = [self._check_grammar(plan, c) for c in slots if c is not None]
        if budget is not None:
            budget.charge(tokens=sum(c.usage.total_tokens for c in done),
                          cost_usd=self.config.cost(sum(c.usage.prompt_tokens for c in done),
                                                    sum(c.usage.completion_tokens for c in done)))
        empties = sum(1 for c in done if not c.text.strip() and not c.refused)
        refusals = sum(1 for c in done if c.refused)
        truncated = sum(1 for c in done if c.truncated)
        unconstrained = sum(1 for c in done if c.unconstrained)
        if empties or refusals or truncated or unconstrained:
            _record(meters, empty_replies=empties, refusals=refusals, failures=empties + refusals,
                    truncated_replies=truncated, unconstrained_replies=unconstrained)
        if unconstrained:
            with self._count_lock:
                self.unconstrained_replies += unconstrained
        usable = [c for c in done if c.usable]
        if not usable:
            reason = unusable_reason(done, missing=short, max_tokens=plan.max_tokens)
            if reason is not None:
                cfg = self.config
                raise UnusableReply(f"LLM call to {cfg.base_url} (model {cfg.model}) gave no usable reply: {reason}",
                                    attempts=1 if missing else 0, status=200 if missing else None)
        return usable

    def _check_grammar(self, plan: _Plan, completion: Completion) -> Completion:
        """`completion`, marked unconstrained when it was asked under a grammar it does not match."""
        if plan.grammar is None or not completion.usable or completion.truncated:
            return completion
        if matches_grammar(plan.grammar, completion.text) is False:
            return dataclasses.replace(completion, unconstrained=True)
        return completion

    # ----------------------------------------------------------------------------------------- server probes

    def _learn_server(self, plan: _Plan, budget: Budget | None) -> None:
        """Ask the server about itself once, before the first request that needs it (see EndpointConfig)."""
        backend = self.config.backend
        need = "props" if backend == "llamacpp" else "version" if backend == "vllm" and plan.grammar else None
        if need is None or need in self._probed:
            return
        with self._probe_lock:
            if need in self._probed:
                return
            self._probed.add(need)
            left = budget.remaining_seconds() if budget is not None else None
            if left is not None and left <= 0:
                return
            info = self._probe(need, min(PROBE_TIMEOUT_S, self.config.timeout_s, left if left is not None else math.inf))
            if need == "props":
                slots = _field(info, "total_slots")
                if isinstance(slots, int) and not isinstance(slots, bool) and slots >= 1:
                    self.server_slots = slots
                    self._slots = threading.BoundedSemaphore(min(slots, self.config.max_concurrency))
            else:
                version = _field(info, "version")
                self.server_version = version if isinstance(version, str) and version.strip() else None

    def _probe(self, path: str, timeout: float) -> object:
        """GET <server root>/<path> as JSON through the SDK's HTTP client; None on any failure."""
        url = f"{_server_root(self.config.base_url)}/{path}"
        try:
            return self._openai.get(url, cast_to=object, options={"timeout": timeout, "max_retries": 0})
        except (openai.OpenAIError, ValueError, TypeError):
            return None

    def _legacy_vllm(self) -> bool:
        """True when the server is vLLM older than 0.10.2 (it ignores `structured_outputs`)."""
        version = _version_tuple(self.server_version)
        return self.config.backend == "vllm" and version is not None and version < VLLM_STRUCTURED_OUTPUTS

    def _wire_extra(self, plan: _Plan) -> dict[str, Any]:
        """The extra body sent: the plan's, with `structured_outputs` as `guided_grammar` for old vLLM.

        The plan (and so the cache key) keeps the modern form, so a request's key does not depend on the probe.
        """
        extra = dict(plan.extra_body)
        constraint = extra.get("structured_outputs")
        if isinstance(constraint, Mapping) and "grammar" in constraint and self._legacy_vllm():
            del extra["structured_outputs"]
            extra["guided_grammar"] = constraint["grammar"]
        return extra

    # -------------------------------------------------------------------------------------------- request shape

    def max_tokens_for(self, max_tokens: int | None = None) -> int:
        """The reply-token limit sent: the call's, else the config's, else DEFAULT_MAX_TOKENS (never omitted)."""
        if max_tokens is not None:
            return max_tokens
        return self.config.max_tokens if self.config.max_tokens is not None else DEFAULT_MAX_TOKENS

    def _plan(self, messages: Sequence[Message], grammar: GrammarSpec | None, max_tokens: int) -> _Plan:
        """The request body for this backend (see the module docstring), without `n`."""
        cfg = self.config
        msgs = [dict(m) for m in messages]
        sampling: dict[str, Any] = {}
        if not cfg.reject_temperature:  # reasoning models reject temperature and top_p alike
            if cfg.temperature is not None:
                sampling["temperature"] = cfg.temperature
            if cfg.top_p is not None:
                sampling["top_p"] = cfg.top_p
        api: Literal["chat", "responses"] = "chat"
        tool_name = ""
        body: dict[str, Any] = {"model": cfg.model}
        sent = grammar if grammar is not None and cfg.backend != "generic" else None
        if grammar is not None and cfg.backend == "openai":
            if grammar.syntax != "lark":
                raise ConfigError("the openai backend constrains output with Lark grammars only (got GBNF)")
            api, tool_name = "responses", grammar.tool_name
            body.update(input=msgs, tools=[{
                "type": "custom", "name": grammar.tool_name, "description": grammar.description,
                "format": {"type": "grammar", "syntax": "lark", "definition": grammar.text}}],
                tool_choice={"type": "custom", "name": grammar.tool_name}, parallel_tool_calls=False)
            body["max_output_tokens"] = max_tokens
            extra = _extra_for_responses(cfg.extra)
        else:
            body["messages"] = msgs
            body["max_completion_tokens" if cfg.backend == "openai" else "max_tokens"] = max_tokens
            extra = _extra_for_chat(cfg.extra)
            if grammar is not None and cfg.backend == "vllm":
                extra["structured_outputs"] = {"grammar": grammar.text}
            elif grammar is not None and cfg.backend == "llamacpp":
                extra["grammar"] = grammar.text if grammar.syntax == "gbnf" else _cached_gbnf(grammar.text)
        body.update(sampling)
        identity = {"base_url": cfg.cache_namespace or cfg.base_url, "backend": cfg.backend, "api": api,
                    "body": body, "extra": extra}
        try:
            canonical_json(identity)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"messages and settings must be JSON-serialisable: {exc}") from None
        return _Plan(api=api, body=body, extra_body=extra, identity=identity, tool_name=tool_name,
                     max_tokens=max_tokens, grammar=sent)

    # ----------------------------------------------------------------------------------------------- fetching

    def _fetch(self, plan: _Plan, missing: list[int], keys: list[str], slots: list[Completion | None],
               meters: list[UsageMeter], budget: Budget | None) -> int:
        """Fill `slots[missing]` over HTTP: one call with `n` when supported, else one call per sample.

        Returns how many samples the server left out (fewer choices than asked).
        """
        if plan.api == "chat" and self.config.supports_n and len(missing) > 1:
            batches: list[list[int]] = [missing]
        else:
            batches = [[i] for i in missing]
        if len(batches) == 1:
            outcomes: list[_Reply | BaseException] = [self._attempt_batch(plan, len(batches[0]), meters, budget)]
        else:
            futures: list[Future[_Reply]] = [self._pool.submit(self._call, plan, 1, meters, budget)
                                             for _ in batches]
            outcomes = [f.exception() or f.result() for f in futures]
        errors: list[BaseException] = []
        short = 0
        for batch, outcome in zip(batches, outcomes):
            if isinstance(outcome, BaseException):
                errors.append(outcome)
                _record(meters, failures=1)
                continue
            short += self._store(plan, batch, outcome, keys, slots, meters)
        fatal = [e for e in errors if isinstance(e, (ConfigError, BudgetExhausted))]
        if fatal:
            raise fatal[0]
        if errors and all(slots[i] is None for i in missing):
            raise errors[0]
        unexpected = [e for e in errors if not isinstance(e, HypsearchError)]
        if unexpected:
            raise unexpected[0]
        return short

    def _attempt_batch(self, plan: _Plan, n: int, meters: list[UsageMeter],
                       budget: Budget | None) -> _Reply | BaseException:
        """Run one call in this thread, returning the exception instead of raising it."""
        try:
            return self._call(plan, n, meters, budget)
        except (HypsearchError, openai.OpenAIError) as exc:
            return exc

    def _store(self, plan: _Plan, batch: list[int], reply: _Reply, keys: list[str],
               slots: list[Completion | None], meters: list[UsageMeter]) -> int:
        """Split one reply's choices over the batch's sample indices, cache them and meter the tokens.

        Returns how many of the batch's samples the reply lacks.
        """
        cfg = self.config
        _record(meters, prompt_tokens=reply.prompt_tokens, completion_tokens=reply.completion_tokens,
                cost_usd=cfg.cost(reply.prompt_tokens, reply.completion_tokens))
        per_choice = _split_tokens(reply.completion_tokens, len(batch))
        short = 0
        for j, index in enumerate(batch):
            if j >= len(reply.texts):  # the server returned fewer choices than asked
                _record(meters, failures=1)
                short += 1
                continue
            usage = Usage(prompt_tokens=reply.prompt_tokens if j == 0 else 0, completion_tokens=per_choice[j])
            finish = reply.finish_reasons[j] if j < len(reply.finish_reasons) else None
            refusal = reply.refusals[j] if j < len(reply.refusals) else None
            completion = Completion(text=reply.texts[j], usage=usage, cached=False, model=reply.model,
                                    finish_reason=finish, refusal=refusal)
            slots[index] = completion
            if self.cache is not None:
                value: dict[str, Any] = {"text": completion.text, "prompt_tokens": usage.prompt_tokens,
                                         "completion_tokens": usage.completion_tokens, "model": completion.model}
                if finish is not None:
                    value["finish_reason"] = finish
                if refusal:
                    value["refusal"] = refusal
                self.cache.store(keys[index], value)
        return short

    def _call(self, plan: _Plan, n: int, meters: list[UsageMeter], budget: Budget | None) -> _Reply:
        """One logical HTTP call with the retry loop; raises LLMCallFailed, ConfigError or BudgetExhausted."""
        cfg = self.config
        attempts = 0
        last: Exception | None = None
        timeout = cfg.timeout_s
        for attempt in range(cfg.max_retries + 1):
            attempts += 1
            try:
                with self._slots:  # the timeout starts only now: waiting for a slot does not count
                    timeout = cfg.timeout_s
                    left = budget.remaining_seconds() if budget is not None else None
                    if left is not None:
                        if left <= 0:
                            raise BudgetExhausted(f"time budget exhausted: {budget.max_seconds:g} s used")  # type: ignore[union-attr]
                        timeout = min(timeout, left)
                    _record(meters, http_calls=1)
                    return self._send(plan, n, timeout)
            except _Malformed as exc:
                raise MalformedReply(f"LLM call to {cfg.base_url} (model {cfg.model}) returned a malformed reply: "
                                     f"{exc}", attempts=attempts, status=200) from None
            except openai.RateLimitError as exc:
                if _quota_exhausted(exc):
                    raise QuotaExhausted(f"{cfg.base_url}: quota exhausted for model {cfg.model} (HTTP 429 "
                                         f"insufficient_quota: {_shorten(exc.message, 160)}); add credit or use "
                                         f"another API key") from None
                last = exc
            except (openai.AuthenticationError, openai.PermissionDeniedError) as exc:
                raise ConfigError(f"{cfg.base_url} rejected the API key ({_describe(exc, timeout)}); "
                                  f"check OPENAI_API_KEY / llm.api_key") from None
            except openai.NotFoundError as exc:
                raise ConfigError(f"{cfg.base_url}: model {cfg.model!r} or its API route was not found "
                                  f"({_describe(exc, timeout)})") from None
            except openai.APIStatusError as exc:
                if exc.status_code not in RETRYABLE_STATUS and exc.status_code < 500:
                    raise LLMCallFailed(f"LLM call to {cfg.base_url} (model {cfg.model}) was refused: "
                                        f"{_describe(exc, timeout)}", attempts=attempts,
                                        status=exc.status_code) from None
                last = exc
            except openai.APIConnectionError as exc:  # includes APITimeoutError
                last = exc
            except openai.APIResponseValidationError as exc:
                raise MalformedReply(f"LLM call to {cfg.base_url} (model {cfg.model}) returned a malformed reply: "
                                     f"{_shorten(exc.message, 160)}", attempts=attempts, status=200) from None
            if attempt == cfg.max_retries:
                break
            delay = self._backoff(attempt, last)
            left = budget.remaining_seconds() if budget is not None else None
            if left is not None and left < delay:
                failure = _describe(last, timeout)
                raise RetryBudgetExhausted(f"time budget exhausted while retrying (last error: {failure})",
                                           last_error=f"LLM call to {cfg.base_url} (model {cfg.model}) failed: {failure}")
            _record(meters, retries=1)
            self._sleep(delay)
        assert last is not None
        status = last.status_code if isinstance(last, openai.APIStatusError) else None
        raise LLMCallFailed(f"LLM call to {cfg.base_url} (model {cfg.model}) failed after {attempts} attempt(s): "
                            f"{_describe(last, timeout)}", attempts=attempts, status=status)

    def _backoff(self, attempt: int, exc: Exception | None) -> float:
        """Seconds to wait before retry `attempt + 1`: the server's Retry-After, else exponential with jitter."""
        cfg = self.config
        asked = _retry_after_seconds(exc) if exc is not None else None
        if asked is not None:
            return min(asked, cfg.backoff_max_s)
        ceiling = min(cfg.backoff_max_s, cfg.backoff_base_s * (2 ** attempt))
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    def _send(self, plan: _Plan, n: int, timeout: float) -> _Reply:
        """One HTTP request through the openai SDK, parsed into a _Reply; raises _Malformed for a 200 whose body
        is not a completion (HTTP errors, timeouts and connection errors come from the SDK as usual).
        """
        extra_body = self._wire_extra(plan) or None
        kwargs = dict(plan.body)
        if plan.api == "chat" and n > 1:
            kwargs["n"] = n
        api = self._openai.responses if plan.api == "responses" else self._openai.chat.completions
        raw = api.with_raw_response.create(**kwargs, extra_body=extra_body, timeout=timeout)
        try:
            parsed = raw.parse()
        except openai.APIResponseValidationError as exc:
            raise _Malformed(f"the body does not have the shape of a completion ({_shorten(exc.message)})") from None
        except pydantic.ValidationError as exc:
            raise _Malformed(f"the body does not have the shape of a completion ({exc.error_count()} "
                             f"field error(s))") from None
        except ValueError as exc:  # json.JSONDecodeError, UnicodeDecodeError
            raise _Malformed(_malformed_json(exc)) from None
        if parsed is None or isinstance(parsed, (str, bytes)):
            content_type = raw.headers.get("content-type", "no content type")
            raise _Malformed(f"{_body_shape(_raw_text(raw))} (content type {content_type})")
        try:
            return self._read_response(parsed, plan) if plan.api == "responses" else self._read_chat(parsed)
        except _NotACompletion:
            raise _Malformed(_body_shape(_raw_text(raw))) from None

    def _read_chat(self, chat: object) -> _Reply:
        """A _Reply from a parsed chat completion, checking every field it reads."""
        choices, usage, model = _parse_chat(chat)
        rows: list[tuple[int, str, str | None, str | None]] = []
        for k, choice in enumerate(choices):
            if not isinstance(choice, Mapping) and not hasattr(choice, "model_dump"):
                raise _Malformed(f"choices[{k}] is {type(choice).__name__}, not an object")
            message = _field(choice, "message")
            if message is not None and not isinstance(message, Mapping) and not hasattr(message, "model_dump"):
                raise _Malformed(f"choices[{k}].message is {type(message).__name__}, not an object")
            content = _content_text(_field(message, "content"), f"choices[{k}].message.content")
            refusal = _field(message, "refusal")
            finish = _field(choice, "finish_reason")
            index = _field(choice, "index")
            rows.append((index if isinstance(index, int) and not isinstance(index, bool) else k, content,
                         refusal if isinstance(refusal, str) and refusal.strip() else None,
                         finish if isinstance(finish, str) else None))
        rows.sort(key=lambda r: r[0])
        return _Reply(texts=tuple(r[1] for r in rows), prompt_tokens=_int(_field(usage, "prompt_tokens")),
                      completion_tokens=_int(_field(usage, "completion_tokens")),
                      model=model if isinstance(model, str) and model else self.config.model,
                      finish_reasons=tuple(r[3] for r in rows), refusals=tuple(r[2] for r in rows))

    def _read_response(self, resp: object, plan: _Plan) -> _Reply:
        """A _Reply from a parsed Responses API object: the custom tool call's input, else the message text."""
        output = _field(resp, "output")
        if not isinstance(output, list):
            raise _NotACompletion()
        text: str | None = None
        parts: list[str] = []
        refusal: str | None = None
        for item in output:
            kind = _field(item, "type")
            if kind == "custom_tool_call" and _field(item, "name") == plan.tool_name:
                text = _text_field(_field(item, "input"), "custom_tool_call.input")
                break
            if kind == "message":
                content = _field(item, "content")
                for part in content if isinstance(content, list) else []:
                    if _field(part, "type") == "output_text":
                        parts.append(_text_field(_field(part, "text"), "output_text.text"))
                    elif _field(part, "type") == "refusal" and isinstance(_field(part, "refusal"), str):
                        refusal = refusal or _field(part, "refusal")
        status = _field(resp, "status")
        details = _field(resp, "incomplete_details")
        if status == "incomplete":
            reason = _field(details, "reason")
            finish: str | None = _RESPONSES_FINISH.get(reason, reason if isinstance(reason, str) else "incomplete")
        elif status in (None, "completed"):
            finish = "stop"
        else:
            finish = status if isinstance(status, str) else None
        usage = _field(resp, "usage")
        model = _field(resp, "model")
        return _Reply(texts=(text if text is not None else "".join(parts),),
                      prompt_tokens=_int(_field(usage, "input_tokens")),
                      completion_tokens=_int(_field(usage, "output_tokens")),
                      model=model if isinstance(model, str) and model else self.config.model,
                      finish_reasons=(finish,), refusals=(refusal if refusal and refusal.strip() else None,))


def _raw_text(raw: Any) -> str:
    """The body of a raw SDK response as text ('' when it cannot be read)."""
    try:
        return str(raw.text)
    except Exception:  # noqa: BLE001 - describing a broken body must not fail
        return ""


def _content_text(value: object, what: str) -> str:
    """Message content as text: a string, null, or a list of {"type": "text", "text": ...} parts."""
    if isinstance(value, list):
        return "".join(_text_field(_field(part, "text"), f"{what}[].text") for part in value
                       if _field(part, "type") in ("text", "output_text"))
    return _text_field(value, what)


_CHAT_ONLY_KEYS = frozenset({
    "n", "seed", "stop", "presence_penalty", "frequency_penalty", "logit_bias", "logprobs", "response_format",
    "modalities", "audio", "prediction", "web_search_options", "functions", "function_call", "max_tokens",
    "max_completion_tokens"})
"""Chat Completions parameters the Responses API rejects (reasoning_effort and verbosity are moved instead)."""
_RESPONSES_ONLY_KEYS = frozenset({
    "reasoning", "text", "max_output_tokens", "instructions", "previous_response_id", "include", "truncation",
    "background", "conversation", "prompt"})
"""Responses API parameters Chat Completions does not take (reasoning.effort and text.verbosity are moved)."""


def _extra_for_responses(extra: Mapping[str, Any]) -> dict[str, Any]:
    """`extra` as the Responses API takes it: reasoning_effort -> reasoning.effort, verbosity -> text.verbosity,
    chat-only keys dropped.
    """
    out = {k: v for k, v in extra.items() if k not in _CHAT_ONLY_KEYS and k not in ("reasoning_effort", "verbosity")}
    for key, outer, inner in (("reasoning_effort", "reasoning", "effort"), ("verbosity", "text", "verbosity")):
        if key in extra:
            nested = dict(out[outer]) if isinstance(out.get(outer), Mapping) else {}
            nested.setdefault(inner, extra[key])
            out[outer] = nested
    return out


def _extra_for_chat(extra: Mapping[str, Any]) -> dict[str, Any]:
    """`extra` as Chat Completions takes it: reasoning.effort -> reasoning_effort, text.verbosity -> verbosity,
    Responses-only keys dropped.
    """
    out = {k: v for k, v in extra.items() if k not in _RESPONSES_ONLY_KEYS}
    for outer, inner, key in (("reasoning", "effort", "reasoning_effort"), ("text", "verbosity", "verbosity")):
        nested = extra.get(outer)
        if isinstance(nested, Mapping) and inner in nested:
            out.setdefault(key, nested[inner])
    return out


def _server_root(base_url: str) -> str:
    """The server's root URL: `base_url` without a trailing /v1 (where vLLM and llama-server serve /version, /props)."""
    root = base_url.rstrip("/")
    return root[:-3] if root.endswith("/v1") else root


def _version_tuple(text: object) -> tuple[int, ...] | None:
    """(0, 10, 1) from "0.10.1", "v0.10.1rc2" or "0.10.1.dev12+gabc"; None when it holds no version."""
    if not isinstance(text, str):
        return None
    parts: list[int] = []
    for piece in text.strip().lstrip("vV").split("."):
        digits = ""
        for ch in piece:
            if not ch.isdigit():
                break
            digits += ch
        if not digits:
            break
        parts.append(int(digits))
        if len(digits) < len(piece):
            break
    return tuple(parts) or None


def _int(value: object) -> int:
    """A token count from a possibly missing field."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def _split_tokens(total: int, parts: int) -> list[int]:
    """Split `total` into `parts` near-equal integers summing to it (remainder on the first ones)."""
    base, extra = divmod(total, max(parts, 1))
    return [base + (1 if i < extra else 0) for i in range(parts)]


def _record(meters: list[UsageMeter], **deltas: float) -> None:
    """Add the same deltas to every meter."""
    for m in meters:
        m.add(**deltas)


def _completion_from_cache(value: Mapping[str, Any], default_model: str) -> Completion:
    """A Completion rebuilt from a cache entry."""
    return Completion(text=str(value.get("text") or ""),
                      usage=Usage(prompt_tokens=_int(value.get("prompt_tokens")),
                                  completion_tokens=_int(value.get("completion_tokens"))),
                      cached=True, model=str(value.get("model") or default_model),
                      finish_reason=_optional_text(value.get("finish_reason")),
                      refusal=_optional_text(value.get("refusal")))


def _optional_text(value: object) -> str | None:
    """A non-empty string field of a cache entry, else None."""
    return value if isinstance(value, str) and value else None


def _check_messages(messages: Sequence[Message]) -> None:
    """Raise ValueError unless `messages` is a non-empty list of {"role", "content"} mappings."""
    if isinstance(messages, (str, bytes)) or not isinstance(messages, Sequence) or not messages:
        raise ValueError("messages must be a non-empty list of {'role': ..., 'content': ...} mappings")
    for m in messages:
        if not isinstance(m, Mapping) or not isinstance(m.get("role"), str) or "content" not in m:
            raise ValueError(f"bad chat message {m!r}: expected a mapping with 'role' and 'content'")

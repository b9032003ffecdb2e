"""`LLMClient`: the one place that calls a model, through the real `openai` client over HTTP.

It adds what the SDK does not do our way: its own retry loop (exponential backoff with jitter, Retry-After),
a concurrency limit, the persistent cache, per-backend grammar-constrained decoding, usage metering and
per-task budgets.  Backends: "openai" (grammar via the Responses API custom tool with a Lark grammar),
"vllm" (`structured_outputs.grammar`), "llamacpp" (`grammar` in GBNF), "generic" (no constraint).
"""

from __future__ import annotations

import email.utils
import functools
import math
import random
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, fields
from typing import Any, Literal

import openai

from hypsearch.errors import BudgetExhausted, ConfigError, HypsearchError
from hypsearch.llm.cache import CompletionCache, canonical_json, request_hash
from hypsearch.llm.config import EndpointConfig
from hypsearch.llm.gbnf import lark_to_gbnf

Message = Mapping[str, Any]
RETRYABLE_STATUS = frozenset({408, 409, 429})  # plus every 5xx


class LLMCallFailed(HypsearchError):
    """An LLM call failed for good: retries exhausted, or a non-retryable HTTP error (e.g. 400).

    `attempts` is the number of HTTP attempts made; `status` the last HTTP status (None for timeouts and
    connection errors).  Seen by the proposer loop, which records it and ends or skips the step.
    """

    def __init__(self, message: str, *, attempts: int, status: int | None = None) -> None:
        self.attempts = attempts
        self.status = status
        super().__init__(message)


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
    """One sampled reply: its text, token usage, whether it came from the cache, and the model that wrote it."""

    text: str
    usage: Usage
    cached: bool
    model: str


@dataclass(frozen=True)
class UsageStats:
    """A snapshot of a UsageMeter; add snapshots with `+` to aggregate tasks.

    Tokens and cost count only replies fetched over HTTP (what the endpoint bills); cache hits are counted apart.
    `failures` = calls that failed for good + empty replies (also counted alone in `empty_replies`).
    """

    calls: int = 0
    samples: int = 0
    http_calls: int = 0
    retries: int = 0
    failures: int = 0
    empty_replies: int = 0
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


@dataclass(frozen=True)
class _Reply:
    """A raw reply of one HTTP call: texts per choice and the call's usage."""

    texts: tuple[str, ...]
    prompt_tokens: int
    completion_tokens: int
    model: str


@functools.lru_cache(maxsize=64)
def _cached_gbnf(lark_text: str) -> str:
    """lark_to_gbnf, memoised (grammars are reused for every call of a task)."""
    return lark_to_gbnf(lark_text)


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
        self._openai = openai.OpenAI(base_url=config.base_url, api_key=config.api_key,
                                     timeout=config.timeout_s, max_retries=0)
        self._slots = threading.BoundedSemaphore(config.max_concurrency)
        self._pool = ThreadPoolExecutor(max_workers=config.max_concurrency, thread_name_prefix="hypsearch-llm")

    def close(self) -> None:
        """Release the HTTP connections and the worker threads."""
        self._pool.shutdown(wait=True)
        self._openai.close()

    def __enter__(self) -> LLMClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ------------------------------------------------------------------------------------------------ public API

    def complete(self, messages: Sequence[Message], *, n: int = 1, grammar: GrammarSpec | None = None,
                 meter: UsageMeter | None = None, budget: Budget | None = None) -> list[Completion]:
        """Sample `n` replies to `messages` (chat format), from the cache where possible, else over HTTP.

        Returns the non-empty replies in sample order (so possibly fewer than n: empty replies count as failures
        in the meters).  Raises BudgetExhausted, ConfigError (bad settings, auth, unknown model, CacheMiss in
        replay mode) or LLMCallFailed when no sample could be obtained.
        """
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"n must be a positive integer, got {n!r}")
        _check_messages(messages)
        meters = [m for m in (self.meter, meter) if m is not None]
        if budget is not None:
            budget.check()
            budget.charge(calls=1)
        _record(meters, calls=1, samples=n)
        plan = self._plan(messages, grammar)
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
        if missing:
            self._fetch(plan, missing, keys, slots, meters, budget)
        done = [c for c in slots if c is not None]
        if budget is not None:
            budget.charge(tokens=sum(c.usage.total_tokens for c in done),
                          cost_usd=self.config.cost(sum(c.usage.prompt_tokens for c in done),
                                                    sum(c.usage.completion_tokens for c in done)))
        empties = sum(1 for c in done if not c.text.strip())
        if empties:
            _record(meters, empty_replies=empties, failures=empties)
        return [c for c in done if c.text.strip()]

    # -------------------------------------------------------------------------------------------- request shape

    def _plan(self, messages: Sequence[Message], grammar: GrammarSpec | None) -> _Plan:
        """The request body for this backend (see the module docstring), without `n`."""
        cfg = self.config
        msgs = [dict(m) for m in messages]
        sampling: dict[str, Any] = {}
        if not cfg.reject_temperature:  # reasoning models reject temperature and top_p alike
            if cfg.temperature is not None:
                sampling["temperature"] = cfg.temperature
            if cfg.top_p is not None:
                sampling["top_p"] = cfg.top_p
        extra = dict(cfg.extra)
        api: Literal["chat", "responses"] = "chat"
        tool_name = ""
        body: dict[str, Any] = {"model": cfg.model}
        if grammar is not None and cfg.backend == "openai":
            if grammar.syntax != "lark":
                raise ConfigError("the openai backend constrains output with Lark grammars only (got GBNF)")
            api, tool_name = "responses", grammar.tool_name
            body.update(input=msgs, tools=[{
                "type": "custom", "name": grammar.tool_name, "description": grammar.description,
                "format": {"type": "grammar", "syntax": "lark", "definition": grammar.text}}],
                tool_choice={"type": "custom", "name": grammar.tool_name}, parallel_tool_calls=False)
            if cfg.max_tokens is not None:
                body["max_output_tokens"] = cfg.max_tokens
        else:
            body["messages"] = msgs
            if cfg.max_tokens is not None:
                body["max_completion_tokens" if cfg.backend == "openai" else "max_tokens"] = cfg.max_tokens
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
        return _Plan(api=api, body=body, extra_body=extra, identity=identity, tool_name=tool_name)

    # ----------------------------------------------------------------------------------------------- fetching

    def _fetch(self, plan: _Plan, missing: list[int], keys: list[str], slots: list[Completion | None],
               meters: list[UsageMeter], budget: Budget | None) -> None:
        """Fill `slots[missing]` over HTTP: one call with `n` when supported, else one call per sample."""
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
        for batch, outcome in zip(batches, outcomes):
            if isinstance(outcome, BaseException):
                errors.append(outcome)
                _record(meters, failures=1)
                continue
            self._store(plan, batch, outcome, keys, slots, meters)
        fatal = [e for e in errors if isinstance(e, (ConfigError, BudgetExhausted))]
        if fatal:
            raise fatal[0]
        if errors and all(slots[i] is None for i in missing):
            raise errors[0]
        unexpected = [e for e in errors if not isinstance(e, HypsearchError)]
        if unexpected:
            raise unexpected[0]

    def _attempt_batch(self, plan: _Plan, n: int, meters: list[UsageMeter],
                       budget: Budget | None) -> _Reply | BaseException:
        """Run one call in this thread, returning the exception instead of raising it."""
        try:
            return self._call(plan, n, meters, budget)
        except (HypsearchError, openai.OpenAIError) as exc:
            return exc

    def _store(self, plan: _Plan, batch: list[int], reply: _Reply, keys: list[str],
               slots: list[Completion | None], meters: list[UsageMeter]) -> None:
        """Split one reply's choices over the batch's sample indices, cache them and meter the tokens."""
        cfg = self.config
        _record(meters, prompt_tokens=reply.prompt_tokens, completion_tokens=reply.completion_tokens,
                cost_usd=cfg.cost(reply.prompt_tokens, reply.completion_tokens))
        per_choice = _split_tokens(reply.completion_tokens, len(batch))
        for j, index in enumerate(batch):
            if j >= len(reply.texts):  # the server returned fewer choices than asked
                _record(meters, failures=1)
                continue
            usage = Usage(prompt_tokens=reply.prompt_tokens if j == 0 else 0, completion_tokens=per_choice[j])
            completion = Completion(text=reply.texts[j], usage=usage, cached=False, model=reply.model)
            slots[index] = completion
            if self.cache is not None:
                self.cache.store(keys[index], {"text": completion.text, "prompt_tokens": usage.prompt_tokens,
                                               "completion_tokens": usage.completion_tokens,
                                               "model": completion.model})

    def _call(self, plan: _Plan, n: int, meters: list[UsageMeter], budget: Budget | None) -> _Reply:
        """One logical HTTP call with the retry loop; raises LLMCallFailed, ConfigError or BudgetExhausted."""
        cfg = self.config
        attempts = 0
        last: Exception | None = None
        timeout = cfg.timeout_s
        for attempt in range(cfg.max_retries + 1):
            timeout = cfg.timeout_s
            left = budget.remaining_seconds() if budget is not None else None
            if left is not None:
                if left <= 0:
                    raise BudgetExhausted(f"time budget exhausted: {budget.max_seconds:g} s used")  # type: ignore[union-attr]
                timeout = min(timeout, left)
            attempts += 1
            try:
                with self._slots:
                    _record(meters, http_calls=1)
                    return self._send(plan, n, timeout)
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
                raise LLMCallFailed(f"LLM call to {cfg.base_url} returned a malformed reply: {exc}",
                                    attempts=attempts) from None
            if attempt == cfg.max_retries:
                break
            delay = self._backoff(attempt, last)
            left = budget.remaining_seconds() if budget is not None else None
            if left is not None and left < delay:
                raise BudgetExhausted(f"time budget exhausted while retrying (last error: {_describe(last, timeout)})")
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
        """One HTTP request through the openai SDK, parsed into a _Reply."""
        extra_body = plan.extra_body or None
        if plan.api == "responses":
            resp = self._openai.responses.create(**plan.body, extra_body=extra_body, timeout=timeout)
            text = ""
            for item in resp.output or []:
                if getattr(item, "type", None) == "custom_tool_call" and getattr(item, "name", None) == plan.tool_name:
                    text = item.input or ""
                    break
            else:
                text = resp.output_text or ""
            usage = resp.usage
            return _Reply(texts=(text,), prompt_tokens=_int(getattr(usage, "input_tokens", 0)),
                          completion_tokens=_int(getattr(usage, "output_tokens", 0)),
                          model=resp.model or self.config.model)
        kwargs = dict(plan.body)
        if n > 1:
            kwargs["n"] = n
        chat = self._openai.chat.completions.create(**kwargs, extra_body=extra_body, timeout=timeout)
        choices = sorted(chat.choices or [], key=lambda c: c.index if isinstance(c.index, int) else 0)
        texts = tuple((c.message.content or "") if c.message is not None else "" for c in choices)
        usage = chat.usage
        return _Reply(texts=texts, prompt_tokens=_int(getattr(usage, "prompt_tokens", 0)),
                      completion_tokens=_int(getattr(usage, "completion_tokens", 0)),
                      model=chat.model or self.config.model)


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
                      cached=True, model=str(value.get("model") or default_model))


def _check_messages(messages: Sequence[Message]) -> None:
    """Raise ValueError unless `messages` is a non-empty list of {"role", "content"} mappings."""
    if isinstance(messages, (str, bytes)) or not isinstance(messages, Sequence) or not messages:
        raise ValueError("messages must be a non-empty list of {'role': ..., 'content': ...} mappings")
    for m in messages:
        if not isinstance(m, Mapping) or not isinstance(m.get("role"), str) or "content" not in m:
            raise ValueError(f"bad chat message {m!r}: expected a mapping with 'role' and 'content'")

"""LLMClient through the real openai client over HTTP to the local test double (tests/llm_server.py)."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from hypsearch.core.errors import BudgetExhausted, ConfigError
from hypsearch.llm import (Budget, CacheMiss, CompletionCache, EndpointConfig, LLMCallFailed, LLMClient,
                           UsageMeter, UsageStats, load_config)
from hypsearch.llm.client import (GRAMMAR_IGNORED, GrammarSpec, MalformedReply, QuotaExhausted, UnusableReply,
                                  matches_grammar)
from hypsearch.llm.config import DEFAULT_MAX_TOKENS

try:
    from llm_server import (FakeOpenAIServer, Reply, cut_off, delay, empty, error, no_choices, quota_exhausted,
                            raw, refused, running_server, text, tool_call)
except ImportError:  # tests/ became a package
    from tests.llm_server import (FakeOpenAIServer, Reply, cut_off, delay, empty, error, no_choices,
                                  quota_exhausted, raw, refused, running_server, text, tool_call)

MSGS = [{"role": "system", "content": "You propose rules."}, {"role": "user", "content": "Find the rule."}]


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with running_server() as srv:
        yield srv


def config(server: FakeOpenAIServer, **kw: Any) -> EndpointConfig:
    settings: dict[str, Any] = {"base_url": server.base_url, "api_key": "sk-test", "model": "gpt-4o-mini",
                                "backoff_base_s": 0.01, "backoff_max_s": 0.05, "max_retries": 2, "timeout_s": 5.0}
    settings.update(kw)
    return EndpointConfig(**settings)


def test_basic_request_shape_and_auth_header(server: FakeOpenAIServer) -> None:
    server.script(text("rule: reverse the string"))
    with LLMClient(config(server, temperature=0.7, top_p=0.9, max_tokens=64, extra={"seed": 7})) as client:
        [c] = client.complete(MSGS)
    assert c.text == "rule: reverse the string" and not c.cached and c.model == "gpt-4o-mini"
    assert c.usage.prompt_tokens > 0 and c.usage.completion_tokens == 4
    [req] = server.requests
    assert req.path == "/v1/chat/completions"
    assert req.headers["authorization"] == "Bearer sk-test"
    assert req.body == {"model": "gpt-4o-mini", "messages": MSGS, "temperature": 0.7, "top_p": 0.9,
                        "max_completion_tokens": 64, "seed": 7}


def test_local_backends_send_max_tokens(server: FakeOpenAIServer) -> None:
    with LLMClient(config(server, backend="vllm", model="qwen", max_tokens=32)) as client:
        client.complete(MSGS)
    assert server.bodies()[0]["max_tokens"] == 32 and "max_completion_tokens" not in server.bodies()[0]


@pytest.mark.parametrize("model", ["o3-mini", "gpt-5-mini"])
def test_reasoning_models_get_no_temperature(server: FakeOpenAIServer, model: str) -> None:
    with LLMClient(config(server, model=model, temperature=0.7, top_p=0.5)) as client:
        client.complete(MSGS)
    body = server.bodies()[0]
    assert body["model"] == model
    assert "temperature" not in body and "top_p" not in body


def test_n_in_one_call_when_supported(server: FakeOpenAIServer) -> None:
    server.script(Reply(texts=("a1", "a2", "a3")))
    with LLMClient(config(server, supports_n=True)) as client:
        out = client.complete(MSGS, n=3)
    assert [c.text for c in out] == ["a1", "a2", "a3"]
    [body] = server.bodies()
    assert body["n"] == 3
    assert sum(c.usage.completion_tokens for c in out) == 3  # the call's usage is split over the samples
    assert [c.usage.prompt_tokens > 0 for c in out] == [True, False, False]


def test_one_call_per_sample_without_n(server: FakeOpenAIServer, tmp_path: Path) -> None:
    server.responder = lambda body: text(f"sample for {body['messages'][-1]['content']}")
    cache = CompletionCache(tmp_path / "c.sqlite")
    with LLMClient(config(server, supports_n=False), cache) as client:
        out = client.complete(MSGS, n=3)
        assert len(out) == 3 and server.count() == 3
        assert all("n" not in b for b in server.bodies())
        again = client.complete(MSGS, n=4)  # samples 0-2 come from the cache, only sample 3 is fetched
    assert server.count() == 4
    assert [c.cached for c in again] == [True, True, True, False]
    assert len(cache) == 4


def test_concurrency_limit_bounds_requests_in_flight(server: FakeOpenAIServer) -> None:
    server.responder = lambda body: delay(0.25, "slow")
    with LLMClient(config(server, supports_n=False, max_concurrency=2)) as client:
        start = time.monotonic()
        out = client.complete(MSGS, n=6)
        elapsed = time.monotonic() - start
    assert len(out) == 6
    assert server.max_in_flight == 2  # parallel, but never more than the limit
    assert elapsed > 0.7  # six 0.25 s replies two at a time (a lower bound: load only adds time)


def test_retries_on_429_and_500_then_success_honouring_retry_after(server: FakeOpenAIServer) -> None:
    server.script(error(429, retry_after="1"), error(500), text("third time lucky"))
    meter = UsageMeter()
    sleeps: list[float] = []
    with LLMClient(config(server, backoff_max_s=2.0), sleep=sleeps.append) as client:
        [c] = client.complete(MSGS, meter=meter)
    assert c.text == "third time lucky"
    assert server.count() == 3
    assert sleeps[0] == 1.0 and len(sleeps) == 2  # Retry-After: 1 was honoured, then backoff
    stats = meter.stats()
    assert (stats.http_calls, stats.retries, stats.failures, stats.calls) == (3, 2, 0, 1)


def test_retries_exhausted_is_a_clear_error(server: FakeOpenAIServer) -> None:
    server.responder = lambda body: error(503, message="overloaded")
    with LLMClient(config(server, max_retries=2)) as client:
        with pytest.raises(LLMCallFailed, match=r"failed after 3 attempt\(s\): HTTP 503") as info:
            client.complete(MSGS)
        assert client.meter.stats().failures == 1
    assert info.value.status == 503 and info.value.attempts == 3
    assert server.count() == 3


def test_hanging_call_times_out_after_retries(server: FakeOpenAIServer) -> None:
    server.responder = lambda body: delay(3.0)
    with LLMClient(config(server, timeout_s=0.5, max_retries=1)) as client:
        start = time.monotonic()
        with pytest.raises(LLMCallFailed, match=r"failed after 2 attempt\(s\): timed out after 0.5 s"):
            client.complete(MSGS)
        elapsed = time.monotonic() - start
    assert elapsed > 0.9  # both attempts waited for their timeout
    assert server.count() == 2


def test_client_errors_are_not_retried(server: FakeOpenAIServer) -> None:
    server.script(error(400, message="grammar rejected"))
    with LLMClient(config(server)) as client:
        with pytest.raises(LLMCallFailed, match="refused: HTTP 400") as info:
            client.complete(MSGS)
    assert info.value.attempts == 1 and server.count() == 1


def test_bad_api_key_and_unknown_route_are_config_errors() -> None:
    with running_server(required_api_key="sk-right") as srv:
        with LLMClient(config(srv, api_key="sk-wrong")) as client:
            with pytest.raises(ConfigError, match="rejected the API key"):
                client.complete(MSGS)
        with LLMClient(config(srv, base_url=srv.base_url.replace("/v1", "/nope"))) as client:
            with pytest.raises(ConfigError, match="not found"):
                client.complete(MSGS)
        assert srv.count() == 2


def test_cache_hit_on_rerun_makes_zero_http_calls(server: FakeOpenAIServer, tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    server.script(Reply(texts=("h1", "h2")))
    with LLMClient(config(server), CompletionCache(path)) as first:
        fresh = first.complete(MSGS, n=2)
    assert server.count() == 1
    meter = UsageMeter()
    with LLMClient(config(server), CompletionCache(path)) as second:
        again = second.complete(MSGS, n=2, meter=meter)
    assert server.count() == 1  # no new request reached the server
    assert [c.text for c in again] == [c.text for c in fresh] and all(c.cached for c in again)
    assert [c.usage for c in again] == [c.usage for c in fresh]
    stats = meter.stats()
    assert (stats.cache_hits, stats.http_calls, stats.prompt_tokens) == (2, 0, 0)


def test_cache_key_changes_with_request(server: FakeOpenAIServer, tmp_path: Path) -> None:
    cache = CompletionCache(tmp_path / "c.sqlite")
    with LLMClient(config(server, temperature=0.2), cache) as client:
        client.complete(MSGS)
    with LLMClient(config(server, temperature=0.9), cache) as client:
        client.complete(MSGS)
    assert server.count() == 2


def test_refresh_mode_refetches_and_replay_miss_raises(server: FakeOpenAIServer, tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    with LLMClient(config(server), CompletionCache(path)) as client:
        client.complete(MSGS)
    with LLMClient(config(server), CompletionCache(path, "refresh")) as client:
        [c] = client.complete(MSGS)
    assert server.count() == 2 and not c.cached
    with LLMClient(config(server), CompletionCache(path, "replay")) as client:
        assert client.complete(MSGS)[0].cached
        with pytest.raises(CacheMiss, match="replay mode: no cached completion for request [0-9a-f]{64}"):
            client.complete([{"role": "user", "content": "never asked"}])
    assert server.count() == 2


def _process_worker(base_url: str, cache_path: str, worker: int) -> list[str]:
    """Child process: ask a private and a shared question through the shared cache."""
    cfg = EndpointConfig(base_url=base_url, api_key="sk-test", model="m", backoff_base_s=0.01)
    with LLMClient(cfg, CompletionCache(cache_path)) as client:
        own = client.complete([{"role": "user", "content": f"question {worker}"}])
        shared = client.complete([{"role": "user", "content": "shared question"}])
    return [c.text for c in own + shared]


def test_concurrent_processes_share_the_cache(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.sqlite")
    with running_server(responder=lambda body: text("answer to " + body["messages"][0]["content"])) as srv:
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(2) as pool:
            results = pool.starmap(_process_worker, [(srv.base_url, path, w) for w in range(3)])
        assert [r[0] for r in results] == [f"answer to question {w}" for w in range(3)]
        assert all(r[1] == "answer to shared question" for r in results)
        before = srv.count()
        # every question reached the server (the shared one at least once; a retry under load may add a
        # request, so no upper bound here); what matters is that all answers landed in the one cache:
        assert before >= 4
        assert len({b["messages"][0]["content"] for b in srv.bodies()}) == 4
        cfg = EndpointConfig(base_url=srv.base_url, api_key="sk-test", model="m")
        with LLMClient(cfg, CompletionCache(path, "replay")) as client:
            for w in range(3):
                assert client.complete([{"role": "user", "content": f"question {w}"}])[0].cached
            assert client.complete([{"role": "user", "content": "shared question"}])[0].cached
        assert srv.count() == before


def test_empty_replies_count_as_failures_not_crashes(server: FakeOpenAIServer, tmp_path: Path) -> None:
    server.script(empty(), Reply(texts=("good", "", "  ")))
    meter = UsageMeter()
    with LLMClient(config(server), CompletionCache(tmp_path / "c.sqlite")) as client:
        assert client.complete(MSGS, meter=meter) == []
        out = client.complete([{"role": "user", "content": "other"}], n=3, meter=meter)
    assert [c.text for c in out] == ["good"]
    stats = meter.stats()
    assert (stats.failures, stats.empty_replies, stats.samples) == (3, 3, 4)


def test_empty_cached_reply_is_refetched_in_use_mode(server: FakeOpenAIServer, tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    server.script(empty(), text("second try"))
    with LLMClient(config(server), CompletionCache(path)) as client:
        assert client.complete(MSGS) == []
        assert client.complete(MSGS)[0].text == "second try"
    assert server.count() == 2


def test_budget_calls_tokens_and_time(server: FakeOpenAIServer) -> None:
    with LLMClient(config(server)) as client:
        calls = Budget(max_calls=2)
        client.complete(MSGS, budget=calls)
        client.complete(MSGS, budget=calls)
        with pytest.raises(BudgetExhausted, match="call budget exhausted: 2 of 2"):
            client.complete(MSGS, budget=calls)
        assert server.count() == 2
        tokens = Budget(max_tokens=10)
        server.script(Reply(text="x", usage=(8, 4)))
        client.complete(MSGS, budget=tokens)
        with pytest.raises(BudgetExhausted, match="token budget exhausted: 12 of 10"):
            client.complete(MSGS, budget=tokens)


def test_time_budget_caps_a_hanging_call(server: FakeOpenAIServer) -> None:
    server.responder = lambda body: delay(30.0)
    with LLMClient(config(server, timeout_s=60.0, max_retries=3, backoff_base_s=0.2)) as client:
        start = time.monotonic()
        with pytest.raises(BudgetExhausted, match="time budget exhausted"):
            client.complete(MSGS, budget=Budget(max_seconds=0.4))
        # the call ended long before the server would have answered (30 s): a wide bound, not a speed target
        assert time.monotonic() - start < 20


def test_usage_meter_aggregates_and_costs(server: FakeOpenAIServer) -> None:
    server.script(Reply(text="a", usage=(1000, 500)), Reply(text="b", usage=(2000, 0)))
    task_a, task_b = UsageMeter(), UsageMeter()
    cfg = config(server, price_input_per_1k=0.5, price_output_per_1k=2.0)
    with LLMClient(cfg) as client:
        client.complete(MSGS, meter=task_a)
        client.complete([{"role": "user", "content": "b"}], meter=task_b)
        total = UsageMeter.aggregate([task_a, task_b])
        assert total == client.meter.stats()
    assert task_a.stats().cost_usd == pytest.approx(0.5 + 1.0)
    assert total.cost_usd == pytest.approx(2.5) and total.prompt_tokens == 3000 and total.calls == 2
    assert UsageStats(calls=1) + UsageStats(calls=2, cache_hits=1) == UsageStats(calls=3, cache_hits=1)


def test_bad_arguments_are_rejected(server: FakeOpenAIServer) -> None:
    with LLMClient(config(server)) as client:
        with pytest.raises(ValueError, match="n must be"):
            client.complete(MSGS, n=0)
        with pytest.raises(ValueError, match="messages"):
            client.complete("just a string")  # type: ignore[arg-type]
    assert server.count() == 0


def test_test_double_lists_models_and_loads_from_env(server: FakeOpenAIServer) -> None:
    cfg = load_config(env={"OPENAI_BASE_URL": server.base_url, "OPENAI_API_KEY": "sk-env"})
    sdk = openai.OpenAI(base_url=cfg.base_url, api_key=cfg.api_key, max_retries=0)
    assert [m.id for m in sdk.models.list()] == ["test-model"]
    assert server.requests[0].headers["authorization"] == "Bearer sk-env"


# ------------------------------------------------------------------------------------ endpoint faults, stated


@pytest.mark.parametrize(("reply", "reason"), [
    (raw('{"id": "chatcmpl-1", "object": "chat.completion", "choices": [{"index": 0, "mess'),
     "the body is not valid JSON (Unterminated string starting at: character 75 of 80; truncated?)"),
    (raw("<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html"), "an HTML/XML page"),
    (raw("upstream connect error", "text/plain"), "text that is not JSON"),
    (raw('{"detail": "Not Found"}'), "without the fields of a completion (keys: detail)"),
    (raw("[1, 2, 3]"), "an array ([1, 2, 3]) instead of a completion object"),
    (raw("null"), "JSON null instead of a completion object (content type application/json)"),
    (raw(""), "an empty body"),
    (raw('{"choices": "none"}'), "without the fields of a completion"),
    (raw('{"choices": [{"index": 0, "message": {"role": "assistant", "content": 42}}]}'),
     "choices[0].message.content is int, not a string"),
    (raw('{"choices": ["just text"]}'), "choices[0] is str, not an object"),
])
def test_a_200_that_is_not_a_completion_is_a_stated_malformed_reply(server: FakeOpenAIServer, reply: Reply,
                                                                    reason: str) -> None:
    server.script(reply)
    with LLMClient(config(server)) as client:
        with pytest.raises(MalformedReply, match="returned a malformed reply: ") as info:
            client.complete(MSGS)
        assert client.meter.stats().failures == 1
    assert reason in str(info.value)
    assert info.value.attempts == 1 and server.count() == 1  # not retried
    assert "Traceback" not in str(info.value) and "\n" not in str(info.value)


def test_a_malformed_responses_api_reply_is_stated_too(server: FakeOpenAIServer) -> None:
    server.script(raw('{"object": "response", "output": "oops"}'))
    with LLMClient(config(server, model="gpt-5-mini")) as client:
        with pytest.raises(MalformedReply, match="keys: object, output"):
            client.complete(MSGS, grammar=GrammarSpec(SMALL_LARK))
    assert server.count("/v1/responses") == 1


def test_no_choices_is_a_stated_unusable_reply(server: FakeOpenAIServer) -> None:
    server.script(no_choices())
    with LLMClient(config(server)) as client:
        with pytest.raises(UnusableReply, match="gave no usable reply: the endpoint returned no choices"):
            client.complete(MSGS, n=2)
        assert client.meter.stats().failures == 2


def test_a_refusal_is_stated_and_counted(server: FakeOpenAIServer) -> None:
    server.script(refused("I can't help with that."))
    meter = UsageMeter()
    with LLMClient(config(server)) as client:
        with pytest.raises(UnusableReply, match="the model refused: I can't help with that."):
            client.complete(MSGS, meter=meter)
    stats = meter.stats()
    assert (stats.refusals, stats.failures, stats.empty_replies) == (1, 1, 0)


def test_a_content_filter_stop_is_a_refusal(server: FakeOpenAIServer) -> None:
    server.script(Reply(text=None, finish_reason="content_filter"))
    with LLMClient(config(server)) as client:
        with pytest.raises(UnusableReply, match="blocked by the endpoint's content filter"):
            client.complete(MSGS)
        assert client.meter.stats().refusals == 1


def test_a_cut_off_reply_keeps_its_text_and_is_counted(server: FakeOpenAIServer, tmp_path: Path) -> None:
    server.script(cut_off("1. Reverse the string\n2. Upper"))
    meter = UsageMeter()
    cache = CompletionCache(tmp_path / "c.sqlite")
    with LLMClient(config(server, max_tokens=16), cache) as client:
        [c] = client.complete(MSGS, meter=meter)
        [again] = client.complete(MSGS, meter=meter)  # from the cache, still marked cut off
    assert c.text.startswith("1. Reverse") and c.truncated and c.finish_reason == "length" and c.usable
    assert again.cached and again.truncated
    assert meter.stats().truncated_replies == 2 and meter.stats().failures == 0


def test_replies_cut_off_before_any_text_are_a_stated_reason(server: FakeOpenAIServer) -> None:
    server.script(Reply(texts=("", ""), finish_reason="length"))
    with LLMClient(config(server, max_tokens=16)) as client:
        with pytest.raises(UnusableReply, match="every reply was cut off at max_tokens=16 before any text"):
            client.complete(MSGS, n=2)


def test_mixed_samples_return_the_usable_ones(server: FakeOpenAIServer) -> None:
    server.script(Reply(texts=("good", None, "partial"), finish_reasons=("stop", "content_filter", "length")))
    meter = UsageMeter()
    with LLMClient(config(server)) as client:
        out = client.complete(MSGS, n=3, meter=meter)
    assert [(c.text, c.finish_reason) for c in out] == [("good", "stop"), ("partial", "length")]
    stats = meter.stats()
    assert (stats.refusals, stats.truncated_replies, stats.failures) == (1, 1, 1)


def test_a_refusal_on_the_responses_api_is_read(server: FakeOpenAIServer) -> None:
    server.script(refused("No."))
    with LLMClient(config(server, model="gpt-5-mini")) as client:
        with pytest.raises(UnusableReply, match="the model refused: No."):
            client.complete(MSGS, grammar=GrammarSpec(SMALL_LARK))


def test_quota_exhausted_is_fatal_at_once(server: FakeOpenAIServer) -> None:
    server.responder = lambda body: quota_exhausted()
    sleeps: list[float] = []
    with LLMClient(config(server, max_retries=3), sleep=sleeps.append) as client:
        with pytest.raises(QuotaExhausted, match="quota exhausted .*insufficient_quota") as info:
            client.complete(MSGS)
    assert isinstance(info.value, ConfigError)
    assert server.count() == 1 and sleeps == []


def test_an_ordinary_429_is_still_retried_with_retry_after(server: FakeOpenAIServer) -> None:
    server.script(error(429, retry_after="0.5", message="Rate limit reached"), text("fine"))
    sleeps: list[float] = []
    with LLMClient(config(server, backoff_max_s=2.0), sleep=sleeps.append) as client:
        [c] = client.complete(MSGS)
    assert c.text == "fine" and sleeps == [0.5] and server.count() == 2


# ------------------------------------------------------------------------------------------ request shapes


SMALL_LARK = 'start: expr\nexpr: NAME | "(" NAME expr* ")"\nNAME: /[a-z]+/\n%import common.WS\n%ignore WS\n'


def test_max_tokens_is_always_sent_and_a_call_may_cap_it(server: FakeOpenAIServer, tmp_path: Path) -> None:
    cache = CompletionCache(tmp_path / "c.sqlite")
    with LLMClient(config(server, backend="vllm", model="q"), cache) as client:
        client.complete(MSGS)
        client.complete(MSGS, max_tokens=40)
        client.complete(MSGS, max_tokens=DEFAULT_MAX_TOKENS)  # the same request as the first: a cache hit
        client.complete(MSGS, max_tokens=40)
        with pytest.raises(ValueError, match="max_tokens"):
            client.complete(MSGS, max_tokens=0)
    assert [b["max_tokens"] for b in server.bodies()] == [DEFAULT_MAX_TOKENS, 40]
    with LLMClient(config(server, max_tokens=64)) as client:
        client.complete(MSGS, max_tokens=8)
    assert server.bodies()[-1]["max_completion_tokens"] == 8


def test_extra_goes_only_to_the_api_that_takes_it(server: FakeOpenAIServer) -> None:
    extra = {"reasoning_effort": "low", "seed": 7, "verbosity": "low", "service_tier": "flex"}
    server.script(text("(f x)"), tool_call("(f x)"))
    with LLMClient(config(server, model="gpt-5-mini", extra=extra, max_tokens=99)) as client:
        client.complete(MSGS)
        client.complete(MSGS, grammar=GrammarSpec(SMALL_LARK))
    chat, = server.bodies("/v1/chat/completions")
    responses, = server.bodies("/v1/responses")
    assert chat["reasoning_effort"] == "low" and chat["seed"] == 7 and chat["verbosity"] == "low"
    assert "reasoning" not in chat and chat["max_completion_tokens"] == 99
    assert responses["reasoning"] == {"effort": "low"} and responses["text"] == {"verbosity": "low"}
    assert not {"reasoning_effort", "seed", "verbosity", "max_tokens", "max_completion_tokens"} & set(responses)
    assert responses["max_output_tokens"] == 99 and responses["service_tier"] == "flex"


def test_responses_style_extra_becomes_chat_style_on_chat(server: FakeOpenAIServer) -> None:
    with LLMClient(config(server, extra={"reasoning": {"effort": "high"}, "max_output_tokens": 5})) as client:
        client.complete(MSGS)
    [body] = server.bodies()
    assert body["reasoning_effort"] == "high" and "reasoning" not in body and "max_output_tokens" not in body


@pytest.mark.parametrize(("version", "field"), [("0.10.1", "guided_grammar"), ("0.9.2", "guided_grammar"),
                                                ("0.10.2", "structured_outputs"), ("0.11.0", "structured_outputs"),
                                                (None, "structured_outputs")])
def test_old_vllm_gets_guided_grammar(server: FakeOpenAIServer, tmp_path: Path, version: str | None,
                                      field: str) -> None:
    server.version = version  # None: GET /version answers 404, the version stays unknown
    with LLMClient(config(server, backend="vllm", model="q"), CompletionCache(tmp_path / "c.sqlite")) as client:
        client.complete(MSGS, grammar=GrammarSpec(SMALL_LARK))
        client.complete([{"role": "user", "content": "again"}], grammar=GrammarSpec(SMALL_LARK))
        assert client.server_version == version
    first, second = server.bodies("/v1/chat/completions")
    other = ({"guided_grammar", "structured_outputs"} - {field}).pop()
    assert all(other not in b for b in (first, second))
    assert first[field] == (SMALL_LARK if field == "guided_grammar" else {"grammar": SMALL_LARK})
    assert [p.path for p in server.probes] == ["/version"]  # asked once
    # the cache key does not depend on the server's version: a newer server replays the same entry
    server.version = "0.12.0"
    with LLMClient(config(server, backend="vllm", model="q"), CompletionCache(tmp_path / "c.sqlite")) as client:
        assert client.complete(MSGS, grammar=GrammarSpec(SMALL_LARK))[0].cached


def test_vllm_without_a_grammar_is_not_asked_its_version(server: FakeOpenAIServer) -> None:
    server.version = "0.10.1"
    with LLMClient(config(server, backend="vllm", model="q")) as client:
        client.complete(MSGS)
    assert server.probes == []


def test_a_reply_outside_the_grammar_means_the_endpoint_ignored_it(server: FakeOpenAIServer) -> None:
    server.script(text("(f x (g y))"), text("Sure! The program is (f x)."), text("<think>hmm</think>(f x)"))
    meter = UsageMeter()
    grammar = GrammarSpec(SMALL_LARK)
    with LLMClient(config(server, backend="vllm", model="q")) as client:
        [ok] = client.complete(MSGS, grammar=grammar, meter=meter)
        assert not ok.unconstrained and not client.grammar_ignored
        [bad] = client.complete([{"role": "user", "content": "2"}], grammar=grammar, meter=meter)
        [thought] = client.complete([{"role": "user", "content": "3"}], grammar=grammar, meter=meter)
        assert bad.unconstrained and client.grammar_ignored and not thought.unconstrained
    assert meter.stats().unconstrained_replies == 1
    assert matches_grammar(GrammarSpec('root ::= "a"', syntax="gbnf"), "b") is None  # GBNF is not checked
    assert GRAMMAR_IGNORED == "grammar ignored by endpoint: decoding was unconstrained"


def test_llamacpp_requests_never_exceed_the_servers_slots(server: FakeOpenAIServer) -> None:
    server.props = {"total_slots": 1, "default_generation_settings": {}}
    server.queue_slots(1)
    server.responder = lambda body: delay(0.3, "slow")
    # 4 parallel requests would queue on a 1-slot server and the last would wait 0.9 s > timeout 0.8 s; capped
    # at the server's slot, each request's timeout starts once it holds the slot, so all of them succeed
    with LLMClient(config(server, backend="llamacpp", model="m", max_concurrency=4, timeout_s=0.8,
                          max_retries=0)) as client:
        out = client.complete(MSGS, n=4)
        assert client.server_slots == 1
        client.complete([{"role": "user", "content": "again"}])
    assert len(out) == 4 and server.max_in_flight == 1
    assert [p.path for p in server.probes] == ["/props"]  # asked once


@pytest.mark.parametrize("props", [None, {"default_generation_settings": {}}, {"total_slots": "many"}])
def test_llamacpp_without_slot_count_keeps_the_configured_limit(server: FakeOpenAIServer,
                                                                props: dict[str, Any] | None) -> None:
    server.props = props
    server.responder = lambda body: delay(0.2, "slow")
    with LLMClient(config(server, backend="llamacpp", model="m", max_concurrency=2)) as client:
        assert len(client.complete(MSGS, n=3)) == 3
        assert client.server_slots is None
    assert server.max_in_flight == 2


def test_server_root_and_version_parsing() -> None:
    from hypsearch.llm.client import _server_root, _version_tuple

    assert _server_root("http://127.0.0.1:8000/v1") == "http://127.0.0.1:8000"
    assert _server_root("http://host/proxy/") == "http://host/proxy"
    assert _version_tuple("0.10.1") == (0, 10, 1) and _version_tuple("v0.10.2rc1") == (0, 10, 2)
    assert _version_tuple("0.9.2.dev17+gabc") == (0, 9, 2) and _version_tuple("unknown") is None
    assert _version_tuple(None) is None

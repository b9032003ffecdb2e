"""Every fault of an LLM endpoint ends the task with a stated reason in Result.stop_reason and stats["llm"],
never a traceback: end to end through the real openai client against the TEST DOUBLE (tests/llm_server.py,
a scripted server, not a model).  Nothing here measures any model.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from hypsearch import Example, Signature, Task
from hypsearch.engine import solve
from hypsearch.llm.client import GRAMMAR_IGNORED
from hypsearch.llm.prompts import is_translation as is_translation_request
from hypsearch.core.result import Result, Status
from hypsearch.core.settings import Settings

try:
    from llm_server import (FakeOpenAIServer, Reply, cut_off, delay, no_choices, quota_exhausted, raw, refused,
                            running_server, text)
except ImportError:  # tests/ became a package
    from tests.llm_server import (FakeOpenAIServer, Reply, cut_off, delay, no_choices, quota_exhausted, raw,
                                  refused, running_server, text)

GREET = Task("greet", "strings", Signature((("x", "String"),), "String"),
             (Example(("Ann",), "Hi Ann"), Example(("Bo",), "Hi Bo")))
RULE = "Prefix the input with Hi and a space."


def is_translation(body: dict[str, Any]) -> bool:
    messages = body.get("messages") or body.get("input") or []
    return is_translation_request(messages)


def model(hypotheses: Callable[[], Reply], program: str = '(str.++ "Hi " x)') -> Callable[[dict], Reply]:
    """Scripted replies: `hypotheses()` for hypothesis requests, `program` for translations."""
    return lambda body: text(program) if is_translation(body) else hypotheses()


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with running_server() as srv:
        yield srv


def run(server: FakeOpenAIServer, tmp_path: Path, toml: str = "", **kw: Any) -> Result:
    cfg = tmp_path / "llm.toml"
    cfg.write_text(f'[llm]\nbase_url = "{server.base_url}"\napi_key = "sk-test"\nmodel = "gpt-4o-mini"\n'
                   f'backoff_base_s = 0.01\nbackoff_max_s = 0.05\nmax_retries = 1\ntimeout_s = 5.0\n{toml}')
    options: dict[str, Any] = {"proposer": "llm", "time_limit": 30.0, "rounds": 2, "hypotheses": 1,
                               "llm_config": str(cfg)}
    options.update(kw)
    return solve(GREET, Settings(**options))


@pytest.mark.parametrize(("reply", "reason"), [
    (lambda: refused("I can't help with that."), "the model refused: I can't help with that."),
    (lambda: Reply(text=None, finish_reason="content_filter"), "blocked by the endpoint's content filter"),
    (lambda: cut_off(""), "every reply was cut off at max_tokens=512 before any text"),
    (lambda: cut_off("["), "every reply was cut off at max_tokens=512 and held no hypothesis"),
    (no_choices, "the endpoint returned no choices"),
    (lambda: raw("<html>Bad Gateway</html>", "text/html"), "returned a malformed reply: an HTML/XML page"),
    (lambda: raw('{"choices": [{"index": 0, "message": {"content": "[\\"Prefix'), "the body is not valid JSON"),
])
def test_every_unusable_round_ends_with_its_reason(server: FakeOpenAIServer, tmp_path: Path,
                                                   reply: Callable[[], Reply], reason: str) -> None:
    server.responder = model(reply)
    result = run(server, tmp_path, transcript_dir=str(tmp_path / "run"))
    assert result.status is Status.ERROR
    assert result.stop_reason.startswith(("UnusableReply: ", "MalformedReply: ", "LLMCallFailed: "))
    assert reason in result.stop_reason and "Traceback" not in result.stop_reason
    assert result.stats["llm"]["last_fault"] and reason in result.stats["llm"]["last_fault"]
    assert server.count() == 2  # one hypothesis request per round, nothing retried
    events = [json.loads(x)["event"] for x in (tmp_path / "run" / "greet.jsonl").read_text().splitlines()]
    assert events.count("unusable_replies") + events.count("request_failed") + events.count("no_hypotheses") == 2


def test_refusals_and_cut_offs_are_metered_and_a_later_round_recovers(server: FakeOpenAIServer,
                                                                      tmp_path: Path) -> None:
    replies = iter([refused(), cut_off("["), text(json.dumps([RULE]))])
    server.responder = model(lambda: next(replies))
    result = run(server, tmp_path, rounds=3)
    assert result.status is Status.SOLVED
    llm = result.stats["llm"]
    assert (llm["refusals"], llm["truncated_replies"], llm["unusable_replies"]) == (1, 1, 2)
    assert json.loads(json.dumps(result.to_json()))["stats"]["llm"]["refusals"] == 1


def test_cut_off_text_still_gives_its_hypotheses(server: FakeOpenAIServer, tmp_path: Path) -> None:
    server.responder = model(lambda: cut_off(f'1. {RULE}\n2. Sw'))
    result = run(server, tmp_path, rounds=1)
    assert result.status is Status.SOLVED and result.stats["llm"]["truncated_replies"] == 1


def test_quota_exhausted_ends_the_task_at_once(server: FakeOpenAIServer, tmp_path: Path) -> None:
    server.responder = lambda body: quota_exhausted()
    result = run(server, tmp_path, rounds=3)
    assert result.status is Status.ERROR
    assert result.stop_reason.startswith("QuotaExhausted: ") and "quota exhausted" in result.stop_reason
    assert server.count() == 1  # neither retried nor asked again next round


def test_an_endpoint_that_never_answers_is_named_even_when_the_time_limit_ends_the_task(
        server: FakeOpenAIServer, tmp_path: Path) -> None:
    server.responder = lambda body: delay(10.0)
    result = run(server, tmp_path, toml="", rounds=3, time_limit=1.5)
    assert result.status is Status.ERROR
    assert "LLMCallFailed" in result.stop_reason and "timed out" in result.stop_reason


def test_an_endpoint_that_ignores_the_grammar_is_reported(server: FakeOpenAIServer, tmp_path: Path) -> None:
    server.responder = model(lambda: text(json.dumps([RULE])), program='Here is the program.\n```\n(str.++ "Hi " x)\n```')
    result = run(server, tmp_path, toml='backend = "vllm"\n', rounds=1, llm_grammar="on",
                 transcript_dir=str(tmp_path / "run"))
    assert result.status is Status.SOLVED
    llm = result.stats["llm"]
    assert llm["grammar_constrained"] is False and llm["grammar_note"] == GRAMMAR_IGNORED
    assert llm["unconstrained_replies"] == 1
    events = [json.loads(x) for x in (tmp_path / "run" / "greet.jsonl").read_text().splitlines()]
    assert [e["note"] for e in events if e["event"] == "grammar_ignored"] == [GRAMMAR_IGNORED]


def test_an_endpoint_that_keeps_the_grammar_is_reported_constrained(server: FakeOpenAIServer,
                                                                    tmp_path: Path) -> None:
    from hypsearch.llm.client import matches_grammar
    from hypsearch.llm.config import EndpointConfig
    from hypsearch.core.registry import get_domain
    from hypsearch.llm.translator import grammar_for

    cfg = EndpointConfig(base_url=server.base_url, api_key="k", backend="vllm", model="q")
    grammar = grammar_for(cfg, get_domain("strings"), GREET, "on")
    assert grammar is not None
    program = next(p for p in ('(str.++ "Hi " x)', '```\n(str.++ "Hi " x)\n```', '```\n(str.++ "Hi " x)\n```\n')
                   if matches_grammar(grammar, p))  # what a server that keeps the grammar would send
    server.responder = model(lambda: text(json.dumps([RULE])), program=program)
    result = run(server, tmp_path, toml='backend = "vllm"\n', rounds=1, llm_grammar="on")
    assert result.status is Status.SOLVED
    llm = result.stats["llm"]
    assert llm["grammar_constrained"] is True and "grammar_note" not in llm and llm["unconstrained_replies"] == 0

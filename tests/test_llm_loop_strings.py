"""The LLM loop end to end on a strings task, through the real openai client over HTTP to the TEST DOUBLE
(tests/llm_server.py, a scripted server, not a model): feedback flow, replies of every shape, faults,
cache and replay, budgets, transcripts.  Nothing here measures any model's performance.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from hypsearch import Example, Signature, Task
from hypsearch.engine import solve
from hypsearch.llm.prompts import is_translation as is_translation_request
from hypsearch.proposers.factory import make_llm_proposer
from hypsearch.proposers.llm import merge_hypotheses
from hypsearch.core.result import Result, Status
from hypsearch.core.settings import Settings

try:
    from llm_server import FakeOpenAIServer, Reply, delay, empty, error, running_server, text
except ImportError:  # tests/ became a package
    from tests.llm_server import FakeOpenAIServer, Reply, delay, empty, error, running_server, text

GREET = Task("greet", "strings", Signature((("x", "String"),), "String"),
             (Example(("Ann",), "Hi Ann"), Example(("Bo",), "Hi Bo"), Example(("Cy",), "Hi Cy")))
WRONG_RULE = "The output is the input followed by an exclamation mark."
RIGHT_RULE = "Prefix the input with Hi and a space."


def messages_of(body: dict[str, Any]) -> list[dict[str, Any]]:
    return body.get("messages") or body.get("input") or []


def is_translation(body: dict[str, Any]) -> bool:
    return is_translation_request(messages_of(body))


def rule_of(body: dict[str, Any]) -> str:
    first_user = next(m for m in messages_of(body) if m["role"] == "user")["content"]
    return first_user.rsplit("Rule: ", 1)[1].split("\n", 1)[0]


def greet_model(first: Callable[[], Reply] = lambda: text(json.dumps([WRONG_RULE]))) -> Callable[[dict], Reply]:
    """Scripted replies: a wrong rule first, the right one once the request carries feedback."""
    def respond(body: dict[str, Any]) -> Reply:
        if is_translation(body):
            return text('```\n(str.++ x "!")\n```') if "exclamation" in rule_of(body) else text('(str.++ "Hi " x)')
        if "failed" in messages_of(body)[-1]["content"]:
            return text(json.dumps([RIGHT_RULE]))
        return first()
    return respond


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAIServer]:
    with running_server() as srv:
        cfg = tmp_path / "llm.toml"
        cfg.write_text(f'[llm]\nbase_url = "{srv.base_url}"\napi_key = "sk-test"\nmodel = "gpt-4o-mini"\n'
                       'backoff_base_s = 0.01\nbackoff_max_s = 0.05\nmax_retries = 2\ntimeout_s = 5.0\n'
                       'price_input_per_1k = 0.001\nprice_output_per_1k = 0.002\n')
        monkeypatch.setenv("HYPSEARCH_TEST_LLM_CONFIG", str(cfg))
        yield srv


def run(server: FakeOpenAIServer, tmp_path: Path, task: Task = GREET, **kw: Any) -> Result:
    import os

    options: dict[str, Any] = {"proposer": "llm", "time_limit": 30.0, "rounds": 3, "hypotheses": 2,
                               "llm_config": os.environ["HYPSEARCH_TEST_LLM_CONFIG"]}
    options.update(kw)
    return solve(task, Settings(**options))


def hypothesis_requests(server: FakeOpenAIServer) -> list[dict[str, Any]]:
    return [b for b in server.bodies("/chat/completions") if not is_translation(b)]


def test_feedback_flows_into_the_second_round_and_the_loop_solves(server: FakeOpenAIServer, tmp_path: Path) -> None:
    server.responder = greet_model()
    result = run(server, tmp_path, transcript_dir=str(tmp_path / "run"))
    assert result.status is Status.SOLVED and result.program_text == '(str.++ "Hi " x)'
    first, second = hypothesis_requests(server)
    assert "failed" not in messages_of(first)[-1]["content"]
    feedback = messages_of(second)[-1]["content"]
    assert WRONG_RULE in feedback and '(str.++ x "!")' in feedback
    assert 'expected = "Hi Ann"' in feedback and 'produced = "Ann!"' in feedback  # input, expected, produced
    assert first["n"] == 2  # N hypotheses in one request where the endpoint supports n
    llm = result.stats["llm"]
    assert llm["calls"] == 4 and llm["http_calls"] == 4 and llm["hypothesis_requests"] == 2
    assert llm["translations"]["parse_successes"] == 2 and llm["cost_usd"] > 0
    assert json.loads(json.dumps(result.to_json()))["stats"]["llm"]["prompt_tokens"] > 0
    lines = [json.loads(x) for x in (tmp_path / "run" / "greet.jsonl").read_text().splitlines()]
    assert [e["event"] for e in lines].count("hypotheses") == 2
    assert [e["status"] for e in lines if e["event"] == "check"] == ["rejected", "accepted"]


def test_prose_reply_and_one_call_per_sample(server: FakeOpenAIServer, tmp_path: Path) -> None:
    def respond(body: dict[str, Any]) -> Reply:
        if is_translation(body):
            return text("Sure! Here it is.\nProgram: (str.++ \"Hi \" x)")
        return text(f"Looking at the examples, I believe the rule is simple. {RIGHT_RULE}")
    server.responder = respond
    result = run(server, tmp_path, rounds=1)
    assert result.status is Status.SOLVED
    assert merge_hypotheses(['["a rule", "b rule"]', "1. b rule\n2. c rule"], 5) == ["a rule", "b rule", "c rule"]


def test_empty_and_garbage_replies_are_counted_failures(server: FakeOpenAIServer, tmp_path: Path) -> None:
    replies = iter([empty(), text("!!! ??? 42")])
    server.responder = greet_model(first=lambda: next(replies, text(json.dumps([RIGHT_RULE]))))
    result = run(server, tmp_path, hypotheses=1)
    assert result.status is Status.SOLVED
    llm = result.stats["llm"]
    assert llm["empty_replies"] == 1 and llm["unusable_replies"] == 2 and llm["hypothesis_requests"] == 3


def test_429_and_500_are_retried(server: FakeOpenAIServer, tmp_path: Path) -> None:
    server.responder = greet_model(first=lambda: text(json.dumps([RIGHT_RULE])))
    server.script(error(429, retry_after="0"), error(500))
    result = run(server, tmp_path)
    assert result.status is Status.SOLVED
    assert result.stats["llm"]["retries"] == 2 and server.count() == 4


def test_hanging_endpoint_times_out_with_a_stated_reason(server: FakeOpenAIServer, tmp_path: Path) -> None:
    cfg = tmp_path / "slow.toml"
    cfg.write_text(f'[llm]\nbase_url = "{server.base_url}"\napi_key = "k"\ntimeout_s = 0.3\nmax_retries = 0\n')
    server.responder = lambda body: delay(5.0)
    result = run(server, tmp_path, rounds=1, llm_config=str(cfg))
    assert result.status is Status.ERROR
    assert "LLMCallFailed" in result.stop_reason and "timed out" in result.stop_reason


def test_rerun_is_served_from_cache_and_replay_misses_fail_clearly(server: FakeOpenAIServer, tmp_path: Path) -> None:
    server.responder = greet_model()
    cache = str(tmp_path / "cache.sqlite")
    first = run(server, tmp_path, cache_path=cache)
    requests = server.count()
    again = run(server, tmp_path, cache_path=cache)
    replay = run(server, tmp_path, cache_path=cache, cache_mode="replay")
    assert server.count() == requests  # zero HTTP calls on the reruns
    assert first.program_text == again.program_text == replay.program_text
    assert again.stats["llm"]["http_calls"] == 0 and again.stats["llm"]["cache_hits"] == requests + 2  # n=2 samples
    other = Task("shout", "strings", GREET.signature, (Example(("a",), "a!"),))
    miss = run(server, tmp_path, task=other, cache_path=cache, cache_mode="replay")
    assert miss.status is Status.ERROR and "replay mode: no cached completion" in miss.stop_reason
    assert server.count() == requests


@pytest.mark.parametrize("budget, reason", [({"llm_max_calls": 1}, "LLM call budget exhausted: 1 of 1 calls used"),
                                            ({"llm_max_tokens": 10}, "LLM token budget exhausted")])
def test_budget_exhaustion_states_which_budget(server: FakeOpenAIServer, tmp_path: Path,
                                               budget: dict[str, int], reason: str) -> None:
    server.responder = greet_model()
    result = run(server, tmp_path, **budget)
    assert result.status is Status.UNSOLVED and result.stop_reason.startswith(reason)


def test_hybrid_fills_the_holes_of_a_sketch(server: FakeOpenAIServer, tmp_path: Path) -> None:
    server.responder = lambda body: text("(str.++ ? x)") if is_translation(body) else text(json.dumps([RIGHT_RULE]))
    result = run(server, tmp_path, proposer="hybrid", rounds=1, max_cost=1)  # too small for the enumerator
    assert result.status is Status.SOLVED and result.program_text == '(str.++ "Hi " x)'
    accepted = result.candidates[0]
    assert accepted.provenance.proposer == "llm" and accepted.provenance.hypothesis == RIGHT_RULE


def test_hybrid_enumerates_over_the_models_fragments(server: FakeOpenAIServer, tmp_path: Path) -> None:
    task = Task("join", "strings", GREET.signature,
                (Example(("abc-def",), "abcdef"), Example(("xyz-uvw",), "xyzuvw"), Example(("pqr-stu",), "pqrstu")))
    swapped = "(str.++ (str.substr x 4 3) (str.substr x 0 3))"  # wrong, but its parts are right
    server.responder = lambda body: text(swapped) if is_translation(body) else text('["Swap the halves."]')
    alone = solve(task, Settings(proposer="symbolic", time_limit=3.0, max_cost=4))
    assert not alone.solved
    result = run(server, tmp_path, task=task, proposer="hybrid", rounds=1, max_cost=4, time_limit=10.0)
    assert result.status is Status.SOLVED
    assert result.program_text == "(str.++ (str.substr x 0 3) (str.substr x 4 3))"
    assert result.candidates[0].provenance.proposer.startswith("hybrid+symbolic")


def test_the_llm_proposer_needs_a_key_for_openai(monkeypatch: pytest.MonkeyPatch) -> None:
    from hypsearch.core.errors import ConfigError

    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(ConfigError, match="API key"):
        make_llm_proposer(Settings(proposer="llm"))


def test_feedback_names_failing_examples_and_spec_counterexamples() -> None:
    from hypsearch.core.candidate import Candidate, CandidateStatus, ExampleOutcome, Provenance
    from hypsearch.llm.feedback import candidate_feedback, round_feedback
    from hypsearch.core.registry import get_domain

    strings = get_domain("strings")
    wrong = Candidate(CandidateStatus.REJECTED, Provenance("llm", 0, "shout"), None, '(str.++ x "!")',
                      (ExampleOutcome(0, False, "Ann!"), ExampleOutcome(1, True, "Hi Bo"),
                       ExampleOutcome(2, False, None, "`str.at` failed")))
    text_ = candidate_feedback(strings, GREET, wrong)
    assert text_.startswith("It gets 2 of 3 examples wrong.")
    assert 'x = "Ann"\n  expected = "Hi Ann"\n  produced = "Ann!"' in text_ and "failed: `str.at` failed" in text_
    spec = Candidate(CandidateStatus.REJECTED, Provenance("llm", 0, "echo"), None, "x",
                     (ExampleOutcome(0, True, "a"),), detail="violated at x='b'")
    assert "violates the specification: violated at x='b'" in candidate_feedback(strings, GREET, spec)
    both = round_feedback(strings, GREET, [wrong, spec])
    assert both.index("Hypothesis: echo") < both.index("Hypothesis: shout")  # best fit first


def test_a_repeated_hypothesis_is_not_translated_again(server: FakeOpenAIServer, tmp_path: Path) -> None:
    server.responder = lambda body: (text('(str.++ x "!")') if is_translation(body)
                                     else text(json.dumps([WRONG_RULE])))
    result = run(server, tmp_path, rounds=3)
    assert result.status is Status.UNSOLVED and result.stop_reason == "no candidate fit after 3 round(s)"
    llm = result.stats["llm"]
    assert llm["hypothesis_requests"] == 3 and llm["translations"]["translations"] == 1
    assert llm["repeated_hypotheses"] == 2


def test_llamacpp_gets_one_call_for_n_rules_under_a_bounded_list_grammar(server: FakeOpenAIServer,
                                                                           tmp_path: Path) -> None:
    server.responder = greet_model(first=lambda: text(json.dumps([WRONG_RULE, RIGHT_RULE])))
    result = run(server, tmp_path, rounds=1, hypotheses=2, llm_config=_config_with(tmp_path, backend="llamacpp"))
    assert result.status is Status.SOLVED
    [ask] = hypothesis_requests(server)
    assert "n" not in ask and "2 different candidate rules" in messages_of(ask)[-1]["content"]
    assert "HYPOTHESIS" in ask["grammar"] and "root ::=" in ask["grammar"]  # a JSON list, bounded
    translations = [b for b in server.bodies("/chat/completions") if is_translation(b)]
    assert translations and all('"x"' in b["grammar"] and "SYMBOL" not in b["grammar"] for b in translations)


def _config_with(tmp_path: Path, **fields: str) -> str:
    import os

    base = Path(os.environ["HYPSEARCH_TEST_LLM_CONFIG"]).read_text()
    path = tmp_path / "llm-variant.toml"
    path.write_text(base + "".join(f'{k} = "{v}"\n' for k, v in fields.items()))
    return str(path)


MAX2 = """(set-logic LIA)
(synth-fun max2 ((x Int) (y Int)) Int)
(declare-var x Int)
(declare-var y Int)
(constraint (>= (max2 x y) x))
(constraint (>= (max2 x y) y))
(constraint (or (= x (max2 x y)) (= y (max2 x y))))
(check-synth)
"""


def test_spec_tasks_get_refinement_rounds_with_counterexamples(server: FakeOpenAIServer, tmp_path: Path) -> None:
    """CEGIS with the LLM: a wrong rule is refuted by z3, the counterexample reaches the next request."""
    from hypsearch.core.formats import detect_format

    path = tmp_path / "max2.sl"
    path.write_text(MAX2)
    [task] = [t.task for t in detect_format(path).load(path)]

    def respond(body: dict[str, Any]) -> Reply:
        if is_translation(body):
            return text("(ite (>= x y) x y)" if "larger" in rule_of(body) else "x")
        if "failed" in messages_of(body)[-1]["content"]:
            return text(json.dumps(["The output is the larger of x and y."]))
        return text(json.dumps(["The output is x."]))
    server.responder = respond
    result = run(server, tmp_path, task=task, rounds=3, hypotheses=1)
    assert result.status is Status.SOLVED and result.program_text == "(ite (>= x y) x y)"
    asks = hypothesis_requests(server)
    assert len(asks) >= 2 and "The output is x." in messages_of(asks[1])[-1]["content"]


def test_hybrid_enumerates_while_the_model_is_slow_or_down(server: FakeOpenAIServer, tmp_path: Path) -> None:
    """The model's requests run beside the enumeration: a dead endpoint costs the hybrid no symbolic solve."""
    server.responder = lambda body: error(500)
    result = run(server, tmp_path, proposer="hybrid", rounds=1, time_limit=20.0)
    assert result.status is Status.SOLVED and result.program_text == '(str.++ "Hi " x)'
    assert result.candidates[0].provenance.proposer == "hybrid+symbolic"



class WaitingEnumeration:
    """A symbolic proposer standing in for a long search: finds nothing, stops only at its deadline or interrupt."""

    name = "symbolic"
    rounds = 1

    def __init__(self) -> None:
        self.deadlines: list[float] = []
        """Seconds each call was given."""

    def propose(self, ctx: Any) -> Iterator[Any]:
        import time

        self.deadlines.append(ctx.deadline - time.monotonic())
        while time.monotonic() < ctx.deadline and not (ctx.interrupt is not None and ctx.interrupt.is_set()):
            time.sleep(0.01)
        return iter(())


def test_hybrid_model_answer_stops_the_enumeration_and_refines_in_its_thread(server: FakeOpenAIServer,
                                                                             tmp_path: Path) -> None:
    """The enumeration keeps the whole round; the model's rounds run beside it with their own feedback, and
    the first model program that fits every example stops the enumeration so the engine checks it."""
    from hypsearch.proposers.hybrid import HybridProposer
    from hypsearch.proposers.llm import LLMProposer, make_client

    server.responder = greet_model()
    settings = Settings(proposer="hybrid", time_limit=120.0, rounds=3, hypotheses=1,
                        llm_config=os.environ["HYPSEARCH_TEST_LLM_CONFIG"], transcript_dir=str(tmp_path / "run"))
    enumeration = WaitingEnumeration()
    result = solve(GREET, settings, proposer=HybridProposer(LLMProposer(settings, make_client(settings)), enumeration))
    assert result.status is Status.SOLVED and result.program_text == '(str.++ "Hi " x)', result.stop_reason
    accepted = result.candidates[0]
    assert accepted.provenance.proposer == "llm" and accepted.provenance.round == 1  # the refined rule
    assert result.stats["model_interrupts"] == 1
    # the enumeration was given the whole round, not a share of it
    assert enumeration.deadlines and enumeration.deadlines[0] > 100
    first, second = hypothesis_requests(server)[:2]
    assert '(str.++ x "!")' in messages_of(second)[-1]["content"]  # the thread's own verdict was fed back
    checks = [json.loads(line) for f in (tmp_path / "run").glob("*.jsonl") for line in f.read_text().splitlines()]
    programs = [c.get("program") for c in checks if c.get("event") == "check"]
    assert programs and len(programs) == len(set(programs))  # each verdict once, not again when the engine re-checks

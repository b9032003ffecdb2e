"""`hypsearch solve FILE --proposer llm` end to end against the TEST DOUBLE (tests/llm_server.py) via
OPENAI_BASE_URL; cache reruns with zero HTTP calls; `hypsearch show`; symbolic solving with no endpoint at all;
the LLM flags of `solve` and `batch`, the default completion cache and the cost budget.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from hypsearch.llm.prompts import is_translation

try:
    from llm_server import Reply, running_server, text
except ImportError:  # tests/ became a package
    from tests.llm_server import Reply, running_server, text

SL = ('(set-logic SLIA)\n(synth-fun f ((x String)) String ((Start String (x "Hi " (str.++ Start Start)))))\n'
      '(constraint (= (f "Ann") "Hi Ann"))\n(constraint (= (f "Bo") "Hi Bo"))\n(check-synth)\n')


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "hypsearch", *args], capture_output=True, text=True,
                          timeout=120, env=env)


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "HYPSEARCH_LLM_", "XDG_CACHE_HOME"))}
    env.update(extra)
    return env


@pytest.fixture(autouse=True)
def private_cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The default completion cache goes to a temporary directory, never the user's ~/.cache."""
    home = tmp_path / "xdg-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


def respond(body: dict[str, Any]) -> Reply:
    msgs = body.get("messages") or body.get("input")
    if is_translation(msgs):
        return text('```\n(str.++ "Hi " x)\n```')
    return text('["Say Hi, a space, then the input."]')


def test_solve_with_the_llm_proposer_cache_replay_and_show(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    from hypsearch import cli
    import hypsearch.llm.transcript  # noqa: F401  registers `show` (the lead wires this import into cli.py)

    sl = tmp_path / "greet.sl"
    sl.write_text(SL)
    cache, runs = str(tmp_path / "cache.sqlite"), tmp_path / "run"
    with running_server(respond) as server:
        env = clean_env(OPENAI_BASE_URL=server.base_url, OPENAI_API_KEY="sk-test")
        proc = run_cli("solve", str(sl), "--proposer", "llm", "--json", "--cache", cache,
                       "--transcripts", str(runs), env=env)
        assert proc.returncode == 0, proc.stderr
        record = json.loads(proc.stdout)
        assert record["answer"] == '(define-fun f ((x String)) String (str.++ "Hi " x))'
        assert record["stats"]["llm"]["http_calls"] == server.count() == 2
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        assert cli.main(["solve", str(sl), "--proposer", "llm", "--cache", cache, "--cache-mode", "replay"]) == 0
        assert capsys.readouterr().out.strip() == record["answer"]
        assert server.count() == 2  # the rerun made zero HTTP calls
    assert cli.main(["show", str(runs), "--task", "greet"]) == 0
    shown = capsys.readouterr().out
    assert "H1. Say Hi, a space, then the input." in shown and '-> accepted, fit 1.00: (str.++ "Hi " x)' in shown
    assert cli.main(["show", str(runs), "--task", "nope"]) == 2


def test_show_prints_the_lineage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from hypsearch import cli
    from hypsearch.llm.transcript import TranscriptWriter

    w = TranscriptWriter(tmp_path, "t/1")
    w.write("hypotheses", round=0, replies=1, hypotheses=["add a dot"], feedback="")
    w.write("translation", round=0, hypothesis="add a dot", outcome="repaired", program='(str.++ x ".")',
            attempts=[{"reply": "(str.concat x)", "program": "(str.concat x)", "error": "unknown primitive"},
                      {"reply": '(str.++ x ".")', "program": '(str.++ x ".")', "error": ""}])
    w.write("check", round=0, hypothesis="add a dot", program='(str.++ x ".")', status="accepted", fit=1.0)
    assert cli.main(["show", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "round 1: 1 hypothesis" in out and "H1. add a dot" in out
    assert "! unknown primitive" in out and 'program (after repair): (str.++ x ".")' in out
    assert "-> accepted, fit 1.00" in out


def test_symbolic_solving_needs_no_endpoint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    from hypsearch import cli

    for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "HYPSEARCH_LLM_MODEL", "HYPSEARCH_LLM_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    sl = tmp_path / "greet.sl"
    sl.write_text(SL)
    assert cli.main(["solve", str(sl), "--proposer", "symbolic"]) == 0
    assert capsys.readouterr().out.startswith("(define-fun f ((x String)) String")


def test_solve_flags_reach_the_settings(monkeypatch: pytest.MonkeyPatch, private_cache_home: Path) -> None:
    from hypsearch import cli
    from hypsearch.core.settings import LLM_TIME_LIMIT

    args = cli.build_parser().parse_args([
        "solve", "x.sl", "--proposer", "hybrid", "--rounds", "2", "--hypotheses", "4", "--repairs", "0",
        "--llm-max-calls", "9", "--llm-max-tokens", "5000", "--llm-max-seconds", "50", "--llm-max-cost", "0.25",
        "--grammar", "off", "--local-model", "m.gguf", "--llm-threads", "2", "--llm-slots", "3"])
    s = cli._settings(args)
    assert (s.proposer, s.rounds, s.hypotheses, s.repairs) == ("hybrid", 2, 4, 0)
    assert (s.llm_max_calls, s.llm_max_tokens, s.llm_max_seconds, s.llm_max_cost) == (9, 5000, 50.0, 0.25)
    assert (s.llm_grammar, s.local_model, s.llm_threads, s.llm_slots) == ("off", "m.gguf", 2, 3)
    assert s.time_limit == LLM_TIME_LIMIT  # LLM modes get their own default budget
    assert s.cache_path == str(private_cache_home / "hypsearch" / "completions.sqlite")
    off = cli._settings(cli.build_parser().parse_args(["solve", "x.sl", "--proposer", "llm", "--cache-mode", "off"]))
    assert off.cache_path is None
    symbolic = cli._settings(cli.build_parser().parse_args(["solve", "x.sl"]))
    assert symbolic.time_limit == 10.0 and symbolic.cache_path is None
    timed = cli._settings(cli.build_parser().parse_args(["solve", "x.sl", "--proposer", "llm", "--timeout", "7"]))
    assert timed.time_limit == 7.0
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["solve", "x.sl", "--rounds", "0"])


def test_batch_takes_the_same_llm_flags() -> None:
    from hypsearch import cli
    from hypsearch.batch.cli import parse_settings

    args = cli.build_parser().parse_args(["batch", "tasks/", "--out", "run", "--proposer", "llm", "--rounds", "1",
                                          "--llm-max-cost", "0.5", "--grammar", "on", "--local-model", "m.gguf",
                                          "--local-engine", "http://127.0.0.1:8080/v1", "--cache-mode", "off"])
    settings = parse_settings(args)
    assert settings == {"proposer": "llm", "rounds": 1, "llm_max_cost": 0.5, "llm_grammar": "on",
                        "local_model": "m.gguf", "local_engine_url": "http://127.0.0.1:8080/v1", "cache_mode": "off"}
    assert args.timeout is None  # resolved in main_batch: LLM_TIME_LIMIT for llm/hybrid, else DEFAULT_TIMEOUT


def test_the_default_cache_is_used_and_named_once(tmp_path: Path, private_cache_home: Path) -> None:
    sl = tmp_path / "greet.sl"
    sl.write_text(SL)
    with running_server(respond) as server:
        env = clean_env(OPENAI_BASE_URL=server.base_url, OPENAI_API_KEY="sk-test",
                        XDG_CACHE_HOME=str(private_cache_home))
        first = run_cli("solve", str(sl), "--proposer", "llm", env=env)
        assert first.returncode == 0, first.stderr
        cache = private_cache_home / "hypsearch" / "completions.sqlite"
        assert first.stderr.count(f"caching LLM completions in {cache}") == 1 and cache.is_file()
        calls = server.count()
        again = run_cli("solve", str(sl), "--proposer", "llm", "--cache-mode", "replay", env=env)
        assert again.returncode == 0, again.stderr
        assert again.stdout == first.stdout and server.count() == calls  # the rerun paid nothing
        off = run_cli("solve", str(sl), "--proposer", "llm", "--cache-mode", "off", env=env)
        assert off.returncode == 0 and "caching LLM completions" not in off.stderr
        assert server.count() > calls


def test_the_cost_budget_ends_the_task_with_its_reason(tmp_path: Path) -> None:
    sl = tmp_path / "greet.sl"
    sl.write_text(SL)
    config = tmp_path / "llm.toml"
    config.write_text("[llm]\nprice_input_per_1k = 1000.0\nprice_output_per_1k = 1000.0\n")

    def wrong(body: dict[str, Any]) -> Reply:
        msgs = body.get("messages") or body.get("input")
        if is_translation(msgs):
            return text('```\n(str.++ x x)\n```')
        return text('["Repeat the input."]')

    with running_server(wrong) as server:
        env = clean_env(OPENAI_BASE_URL=server.base_url, OPENAI_API_KEY="sk-test")
        proc = run_cli("solve", str(sl), "--proposer", "llm", "--json", "--llm-config", str(config),
                       "--llm-max-cost", "0.01", "--cache-mode", "off", "--rounds", "3", env=env)
    record = json.loads(proc.stdout)
    assert record["status"] == "unsolved"
    assert "LLM cost budget exhausted" in record["stop_reason"], record["stop_reason"]
    assert record["stats"]["llm"]["calls"] == 1  # the first call spent the budget; nothing more was asked


def test_budget_counts_cost_and_refuses_past_it() -> None:
    from hypsearch.core.errors import BudgetExhausted, ConfigError
    from hypsearch.llm.client import Budget

    budget = Budget(max_cost_usd=0.5)
    budget.check()
    budget.charge(cost_usd=0.3)
    assert budget.exhausted_reason() is None
    budget.charge(cost_usd=0.25)
    with pytest.raises(BudgetExhausted, match=r"LLM cost budget exhausted: \$0\.5500 of \$0\.5 used"):
        budget.check()
    with pytest.raises(ConfigError, match="max_cost_usd"):
        Budget(max_cost_usd=-1)

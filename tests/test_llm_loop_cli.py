"""`hypsearch solve FILE --proposer llm` end to end against the TEST DOUBLE (tests/llm_server.py) via
OPENAI_BASE_URL; cache reruns with zero HTTP calls; `hypsearch show`; symbolic solving with no endpoint at all.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from hypsearch.prompts import TRANSLATE_SYSTEM

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
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "HYPSEARCH_LLM_"))}
    env.update(extra)
    return env


def respond(body: dict[str, Any]) -> Reply:
    msgs = body.get("messages") or body.get("input")
    if msgs[0]["content"].startswith(TRANSLATE_SYSTEM):
        return text('```\n(str.++ "Hi " x)\n```')
    return text('["Say Hi, a space, then the input."]')


def test_solve_with_the_llm_proposer_cache_replay_and_show(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    from hypsearch import cli
    import hypsearch.transcript  # noqa: F401  registers `show` (the lead wires this import into cli.py)

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
    from hypsearch.transcript import TranscriptWriter

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

"""Small batch runs for the report tests, made by the real `hypsearch batch` CLI (no hand-written records).

`symbolic_run` solves two ARC tasks and one SyGuS task with the default proposer; `model_run` solves the
SyGuS task with `--proposer llm` against the scripted TEST DOUBLE (tests/llm_server.py, never a model): round 1
proposes a rule that fails both examples, the feedback goes back, round 2's rule is accepted.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from hypsearch.llm.prompts import is_translation

try:
    from llm_server import Reply, running_server, text
except ImportError:  # tests/ became a package
    from tests.llm_server import Reply, running_server, text

REPO = Path(__file__).resolve().parents[1]
ARC_TASKS = ("flip_lr.json", "recolour.json")
GREET_SL = ('(set-logic SLIA)\n'
            '(synth-fun f ((x String)) String ((Start String (x "Hi " "Hello " (str.++ Start Start)))))\n'
            '(constraint (= (f "Ann") "Hi Ann"))\n(constraint (= (f "Bo") "Hi Bo"))\n(check-synth)\n')
WRONG_RULE = "Greet the person with Hello and a space."
RIGHT_RULE = "Say Hi, a space, then the name."


def _words(body: dict[str, Any]) -> str:
    return "\n".join(str(m.get("content", "")) for m in body.get("messages") or body.get("input") or [])


def respond(body: dict[str, Any]) -> Reply:
    """Round 1: a wrong rule; once feedback on it arrives, the right one; each rule's program in the DSL."""
    msgs = body.get("messages") or body.get("input")
    words = _words(body)
    if is_translation(msgs):
        return text('```\n(str.++ "Hello " x)\n```' if WRONG_RULE in words else '```\n(str.++ "Hi " x)\n```')
    return text(json.dumps([RIGHT_RULE] if "wrong" in words else [WRONG_RULE]))


def task_folder(root: Path) -> Path:
    """A folder with the ARC tasks and greet.sl."""
    folder = root / "tasks"
    folder.mkdir(parents=True, exist_ok=True)
    for name in ARC_TASKS:
        shutil.copy(REPO / "tests" / "data" / "arc" / name, folder / name)
    (folder / "greet.sl").write_text(GREET_SL)
    return folder


def _batch(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run([sys.executable, "-m", "hypsearch", "batch", *args, "--quiet"], capture_output=True,
                          text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "HYPSEARCH_LLM_"))}
    env.update(extra)
    return env


def symbolic_run(root: Path) -> Path:
    """Run dir `root/symbolic`: the ARC tasks and greet.sl, default proposer."""
    out = root / "symbolic"
    _batch([str(task_folder(root)), "--out", str(out), "--jobs", "2", "--timeout", "60"], _env())
    return out


def model_run(root: Path) -> Path:
    """Run dir `root/model`: greet.sl with the LLM proposer against the test double (two rounds recorded)."""
    out = root / "model"
    sl = task_folder(root) / "greet.sl"
    with running_server(respond) as server:
        env = _env(OPENAI_BASE_URL=server.base_url, OPENAI_API_KEY="sk-test",
                   XDG_CACHE_HOME=str(root / "xdg-cache"))
        _batch([str(sl), "--out", str(out), "--proposer", "llm", "--rounds", "3", "--hypotheses", "1",
                "--timeout", "60", "--cache-mode", "off"], env)
    return out

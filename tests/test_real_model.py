"""A REAL model (Qwen2.5-Coder-0.5B-Instruct, GGUF) served by the local llama.cpp engine: grammars it accepts,
constrained translations that parse and type-check, and `--local-model` starting and stopping cleanly.

The model comes from ../shared/models/get-model (verified against the official SHA-256); when it cannot be
fetched these tests FAIL with the reason, they never skip.  One engine serves the whole module.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Iterator

import pytest

from hypsearch.llm.gbnf import lark_to_gbnf
from hypsearch.llm.local_engine import LocalEngine, health_status, port_is_free
from hypsearch.core.registry import available_domains, get_domain
from hypsearch.core.task import Example, Signature, Task

pytestmark = pytest.mark.real_model

REPO = Path(__file__).resolve().parents[1]
GET_MODEL = REPO.parent / "shared" / "models" / "get-model"
MODEL = "qwen2.5-coder-0.5b"

SIGNATURES = {  # one task signature per built-in domain, for its typed decoding grammar
    "strings": Signature((("name", "String"),), "String"),
    "lists": Signature((("xs", "List"),), "List"),
    "grid": Signature((("g", "Grid"),), "Grid"),
    "lia": Signature((("x", "Int"), ("y", "Int")), "Int"),
    "bv": Signature((("x", "(_ BitVec 64)"),), "(_ BitVec 64)"),
    "miniscan": Signature((("words", "String"),), "String"),
    "acre": Signature((("objects", "Objects"),), "Bool"),
}


@pytest.fixture(scope="session")
def model_path() -> Path:
    """The 0.5B GGUF file, fetched (about a minute the first time) and verified by get-model."""
    if not GET_MODEL.is_file():
        pytest.fail(f"{GET_MODEL} is missing: the real-model tests need ../shared/models beside the repo")
    try:
        proc = subprocess.run([sys.executable, str(GET_MODEL), MODEL], capture_output=True, text=True, timeout=900)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{GET_MODEL} {MODEL} did not finish within 900 s")
    if proc.returncode != 0:
        pytest.fail(f"{GET_MODEL} {MODEL} failed (exit {proc.returncode}): {proc.stderr.strip()[-2000:]}")
    path = Path(proc.stdout.strip().splitlines()[-1])
    if not path.is_file():
        pytest.fail(f"{GET_MODEL} printed {path}, which is not a file")
    return path


@pytest.fixture(scope="module")
def engine(model_path: Path) -> Iterator[LocalEngine]:
    with LocalEngine(model_path) as running:
        yield running


def chat(engine: LocalEngine, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """POST /v1/chat/completions; the HTTP status and the JSON body (errors included)."""
    request = urllib.request.Request(f"{engine.base_url}/chat/completions", json.dumps(body).encode(),
                                     {"Content-Type": "application/json"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=300) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def test_the_signature_table_covers_every_built_in_domain() -> None:
    builtin = {"strings", "lists", "grid", "lia", "bv", "miniscan", "acre"}
    assert builtin <= set(available_domains()) and set(SIGNATURES) == builtin


def grammar_request(engine: LocalEngine, gbnf: str) -> dict[str, Any]:
    return {"model": engine.model, "max_tokens": 2, "temperature": 0.0, "grammar": gbnf,
            "messages": [{"role": "user", "content": "Write one program."}]}


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_llama_cpp_accepts_the_domain_grammar(engine: LocalEngine, name: str) -> None:
    status, body = chat(engine, grammar_request(engine, lark_to_gbnf(get_domain(name).grammar_text())))
    assert status == 200, body


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_llama_cpp_accepts_the_typed_decoding_grammar(engine: LocalEngine, name: str) -> None:
    from hypsearch.llm.decoding import decoding_grammar

    gbnf = lark_to_gbnf(decoding_grammar(get_domain(name), SIGNATURES[name]))
    status, body = chat(engine, grammar_request(engine, gbnf))
    assert status == 200, body


def test_a_malformed_grammar_is_refused_with_400(engine: LocalEngine) -> None:
    status, body = chat(engine, grammar_request(engine, 'root ::= "unclosed'))
    assert status == 400 and "grammar" in json.dumps(body)


@pytest.mark.parametrize("domain, signature, hypothesis, example", [
    ("strings", Signature((("name", "String"),), "String"),
     "Return the first character of name followed by a period.", Example(("Ann Lee",), "A.")),
    ("lists", Signature((("xs", "List"),), "List"), "Reverse the list.", Example(([1, 2, 3],), [3, 2, 1])),
])
def test_a_constrained_translation_parses_and_type_checks(engine: LocalEngine, domain: str, signature: Signature,
                                                          hypothesis: str, example: Example) -> None:
    from hypsearch.llm.client import GrammarSpec, LLMClient
    from hypsearch.llm.config import load_config
    from hypsearch.llm.decoding import decoding_grammar
    from hypsearch.llm.translator import Translator

    dom = get_domain(domain)
    task = Task("fixed", domain, signature, (example,))
    config = load_config(None, env={}, **engine.endpoint.overrides(), temperature=0.0, max_tokens=96)
    with LLMClient(config) as client:
        translation = Translator(client, dom, task, repairs=0,
                                 grammar=GrammarSpec(decoding_grammar(dom, signature))).translate(hypothesis)
    assert translation.outcome == "first_try", translation.attempts
    assert translation.program is not None and translation.program.type == signature.returns


def engine_processes(port: int) -> list[str]:
    """Command lines of live engine child processes serving `port` (read from /proc)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if b"hypsearch.llm.local_engine" in args and str(port).encode() in args:
            found.append(b" ".join(args).decode(errors="replace"))
    return found


def test_solve_with_local_model_starts_and_stops_the_server_cleanly(model_path: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "HYPSEARCH_LLM_"))}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    proc = subprocess.run([sys.executable, "-m", "hypsearch", "solve", str(REPO / "examples" / "initials.sl"),
                           "--proposer", "llm", "--local-model", str(model_path), "--timeout", "60",
                           "--rounds", "1", "--hypotheses", "1"],
                          capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode in (0, 1), proc.stderr  # solved, or `fail` within the time limit
    assert "Traceback" not in proc.stderr
    assert proc.stdout.strip().startswith(("(define-fun", "fail")), proc.stdout
    started = re.search(r"local engine: .* on http://127\.0\.0\.1:(\d+)/v1 .*ready in [\d.]+ s", proc.stderr)
    assert started, proc.stderr
    assert "local engine stopped" in proc.stderr
    port = int(started.group(1))
    assert health_status(f"http://127.0.0.1:{port}") is None and port_is_free(port)  # nothing listens any more
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    assert not engine_processes(port)
    assert (tmp_path / "cache" / "hypsearch" / "completions.sqlite").is_file()  # the default completion cache


def test_the_server_runs_below_the_search_in_priority(engine: LocalEngine) -> None:
    """The model's process yields the CPU to the enumeration beside it (local_engine.DEFAULT_NICENESS)."""
    assert engine._proc is not None
    own = os.getpriority(os.PRIO_PROCESS, 0)
    assert os.getpriority(os.PRIO_PROCESS, engine._proc.pid) == min(own + 10, 19)

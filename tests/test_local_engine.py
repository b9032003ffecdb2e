"""The local llama.cpp engine's plumbing, without a model: file checks, error messages, endpoint overrides, CLI.

The real model is exercised in tests/test_real_model.py; here a file that merely starts with the GGUF magic
shows llama.cpp's own load error reaching the user, and everything else needs no server at all.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import need_module

from hypsearch.llm import local_engine as le
from hypsearch.llm.config import load_config
from hypsearch.llm.local_engine import Endpoint, LocalEngine, LocalEngineError
from hypsearch.core.settings import Settings

REPO = Path(__file__).resolve().parents[1]
INITIALS = str(REPO / "examples" / "initials.sl")


def hypsearch(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "hypsearch", *args], capture_output=True, text=True,
                          timeout=120, env=env)


def not_gguf(tmp_path: Path) -> Path:
    path = tmp_path / "model.gguf"
    path.write_bytes(b"<html>404 not found</html>")
    return path


def test_a_missing_model_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(LocalEngineError, match=r"missing\.gguf: no such model file"):
        LocalEngine(tmp_path / "missing.gguf").start()


def test_a_file_that_is_not_gguf_is_refused_before_any_server_starts(tmp_path: Path) -> None:
    path = not_gguf(tmp_path)
    with pytest.raises(LocalEngineError, match=r"model\.gguf: not a GGUF model file \(it starts with b'<htm'"):
        le.check_model_file(path)
    with pytest.raises(LocalEngineError, match="not a model file"):
        le.check_model_file(tmp_path)


def test_a_corrupt_gguf_file_reports_llama_cpp_s_own_error(tmp_path: Path) -> None:
    need_module("xllamacpp", "the [local] extra is not installed")
    path = tmp_path / "broken.gguf"
    path.write_bytes(b"GGUF" + b"\x00" * 64)
    engine = LocalEngine(path, start_timeout_s=60)
    with pytest.raises(LocalEngineError) as info:
        engine.start()
    message = str(info.value)
    assert message.startswith(f"cannot load model {path.resolve()}: the server exited with status")
    assert "llama.cpp said:" in message and "gguf" in message.lower()
    assert not engine.running


def test_without_xllamacpp_the_message_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "ok.gguf"
    path.write_bytes(b"GGUF\x03\x00\x00\x00")
    monkeypatch.setattr(le.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(LocalEngineError, match=r"pip install 'hypsearch\[local\]'"):
        LocalEngine(path).start()


@pytest.mark.parametrize("option, value", [("threads", 0), ("slots", -1), ("context", 1.5), ("port", 70000)])
def test_engine_settings_are_validated(option: str, value: object) -> None:
    with pytest.raises(LocalEngineError, match=f"local engine {option} must"):
        LocalEngine("m.gguf", **{option: value})  # type: ignore[arg-type]


def test_a_port_in_use_is_refused_by_name(tmp_path: Path) -> None:
    import socket

    path = tmp_path / "ok.gguf"
    path.write_bytes(b"GGUF\x03\x00\x00\x00")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(LocalEngineError, match=f"port {port} on 127.0.0.1 is in use"):
            LocalEngine(path, port=port).start()


def test_the_endpoint_overrides_the_config_file_and_environment(tmp_path: Path) -> None:
    toml = tmp_path / "llm.toml"
    toml.write_text('[llm]\nbase_url = "https://api.example.com/v1"\nmodel = "gpt-x"\nmax_concurrency = 8\n'
                    "temperature = 0.5\n")
    ep = Endpoint(base_url="http://127.0.0.1:1234/v1", model="qwen", max_concurrency=2,
                  cache_namespace="llama.cpp:qwen.gguf:10")
    cfg = load_config(toml, env={"OPENAI_BASE_URL": "http://elsewhere/v1", "HYPSEARCH_LLM_BACKEND": "vllm"},
                      **ep.overrides())
    assert (cfg.base_url, cfg.backend, cfg.model, cfg.max_concurrency) == ("http://127.0.0.1:1234/v1", "llamacpp",
                                                                           "qwen", 2)
    assert cfg.timeout_s == le.REQUEST_TIMEOUT_S and cfg.temperature == 0.5  # the file's sampling settings stay
    assert cfg.cache_namespace == "llama.cpp:qwen.gguf:10" and cfg.api_key == "EMPTY"


def test_an_attached_engine_is_named_by_its_model_file(tmp_path: Path) -> None:
    model = tmp_path / "qwen-tiny.gguf"
    model.write_bytes(b"GGUF1234")
    ep = le.attached_endpoint("http://127.0.0.1:8080", model, slots=3)
    assert ep == Endpoint("http://127.0.0.1:8080/v1", "qwen-tiny", 3, le.REQUEST_TIMEOUT_S, "llamacpp",
                          "llama.cpp:qwen-tiny.gguf:8")
    assert le.attached_endpoint("http://127.0.0.1:8080/v1/", model).base_url == "http://127.0.0.1:8080/v1"


def test_the_llm_client_reaches_the_engine_the_settings_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from hypsearch.proposers.llm import make_client

    monkeypatch.setenv("OPENAI_BASE_URL", "http://elsewhere/v1")
    settings = Settings(proposer="llm", local_model=str(tmp_path / "m.gguf"),
                        local_engine_url="http://127.0.0.1:4321/v1", llm_slots=2)
    with make_client(settings) as client:
        cfg = client.config
    assert (cfg.base_url, cfg.backend, cfg.model, cfg.max_concurrency) == ("http://127.0.0.1:4321/v1", "llamacpp",
                                                                           "m", 2)


def test_log_errors_keeps_llama_cpp_s_error_lines() -> None:
    log = ("0.00.005.676 W srv          init: security: no API key\n"
           "0.00.006.384 E gguf_init_from_reader: invalid magic characters: 'hell', expected 'GGUF'\n"
           "0.00.006.566 E llama_model_load: error loading model: failed\n"
           "0.00.006.600 E gguf_init_from_reader: invalid magic characters: 'hell', expected 'GGUF'\n")
    assert le.log_errors(log) == ["gguf_init_from_reader: invalid magic characters: 'hell', expected 'GGUF'",
                                  "llama_model_load: error loading model: failed"]


def test_solve_names_a_missing_model_without_a_traceback(tmp_path: Path) -> None:
    proc = hypsearch("solve", INITIALS, "--proposer", "llm", "--local-model", str(tmp_path / "nope.gguf"))
    assert proc.returncode == 1
    assert "nope.gguf: no such model file" in proc.stderr and "Traceback" not in proc.stderr


def test_solve_refuses_a_non_gguf_model_without_a_traceback(tmp_path: Path) -> None:
    proc = hypsearch("solve", INITIALS, "--proposer", "hybrid", "--local-model", str(not_gguf(tmp_path)))
    assert proc.returncode == 1
    assert "not a GGUF model file" in proc.stderr and "Traceback" not in proc.stderr


def test_llm_serve_refuses_a_non_gguf_model_without_a_traceback(tmp_path: Path) -> None:
    proc = hypsearch("llm", "serve", str(not_gguf(tmp_path)), "--port", "1")
    assert proc.returncode == 1
    assert proc.stderr.startswith("hypsearch: ") and "not a GGUF model file" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_the_symbolic_proposer_starts_no_engine(tmp_path: Path) -> None:
    proc = hypsearch("solve", INITIALS, "--local-model", str(not_gguf(tmp_path)), "--timeout", "30")
    assert proc.returncode == 0, proc.stderr
    assert "--local-model ignored" in proc.stderr and proc.stdout.startswith("(define-fun")


def test_the_cli_wraps_the_run_in_the_engine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """`--local-model` starts one engine before the first task and stops it after the last, even on errors."""
    from hypsearch import cli

    events: list[str] = []

    class FakeEngine:
        def __init__(self, path: str, *, threads: int, slots: int, niceness: int = 10) -> None:
            events.append(f"init {Path(path).name} threads={threads} slots={slots}")
            self.base_url = "http://127.0.0.1:9/v1"
            self.startup_seconds = 0.5

        def describe(self) -> str:
            return "fake engine"

        def __enter__(self) -> FakeEngine:
            events.append("start")
            return self

        def __exit__(self, *exc: object) -> None:
            events.append("stop")

    def fake_solve(task: object, settings: Settings) -> object:
        events.append(f"solve {settings.local_engine_url} {settings.time_limit:g}")
        raise KeyboardInterrupt  # the engine must still stop

    monkeypatch.setattr(le, "LocalEngine", FakeEngine)
    monkeypatch.setattr("hypsearch.engine.solve", fake_solve)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    with pytest.raises(KeyboardInterrupt):
        cli.main(["solve", INITIALS, "--proposer", "llm", "--local-model", "m.gguf", "--llm-slots", "2"])
    assert events == ["init m.gguf threads=1 slots=2", "start", "solve http://127.0.0.1:9/v1 180", "stop"]
    err = capsys.readouterr().err
    assert "hypsearch: local engine: fake engine, ready in 0.5 s" in err
    assert f"caching LLM completions in {tmp_path / 'hypsearch' / 'completions.sqlite'}" in err


def test_llm_serve_prints_how_to_use_the_engine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    from hypsearch import cli

    model = tmp_path / "qwen.gguf"
    model.write_bytes(b"GGUF")

    class FakeEngine(LocalEngine):
        def start(self) -> FakeEngine:
            self.port = self.port or 5555
            self.startup_seconds = 1.0
            return self

        def wait(self) -> int:
            raise KeyboardInterrupt  # Ctrl-C

        def stop(self) -> None:
            pass

    monkeypatch.setattr(le, "LocalEngine", FakeEngine)
    config = tmp_path / "llm.toml"
    assert cli.main(["llm", "serve", str(model), "--slots", "2", "--write-config", str(config)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "http://127.0.0.1:5555/v1"
    assert f"--local-model {model} --local-engine http://127.0.0.1:5555/v1 --llm-slots 2" in out
    assert "OPENAI_BASE_URL=http://127.0.0.1:5555/v1 HYPSEARCH_LLM_BACKEND=llamacpp HYPSEARCH_LLM_MODEL=qwen" in out
    cfg = load_config(config, env={})
    assert (cfg.base_url, cfg.backend, cfg.model, cfg.max_concurrency) == ("http://127.0.0.1:5555/v1", "llamacpp",
                                                                           "qwen", 2)


def test_the_child_command_line_carries_the_settings(tmp_path: Path) -> None:
    engine = LocalEngine(tmp_path / "m.gguf", port=1234)
    command = engine.child_command()
    assert command[:3] == [sys.executable, "-m", "hypsearch.llm.local_engine"]
    assert command[command.index("--port") + 1] == "1234" and command[command.index("--threads") + 1] == "1"
    assert os.path.basename(command[3]) == "m.gguf"
    assert command[command.index("--niceness") + 1] == "10"  # the search beside it keeps the CPU first
    with pytest.raises(LocalEngineError, match="niceness"):
        LocalEngine(tmp_path / "m.gguf", niceness=40)
    from hypsearch.llm.local_engine import niceness_for

    assert niceness_for("hybrid") == 10 and niceness_for("llm") == 0  # alone, the model needs no yielding


def test_an_engine_url_needs_the_model_it_serves() -> None:
    from hypsearch.core.errors import ConfigError

    with pytest.raises(ConfigError, match="needs local_model"):
        Settings(proposer="llm", local_engine_url="http://127.0.0.1:8080/v1")

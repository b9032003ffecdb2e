"""A local llama.cpp engine: one GGUF file served by llama.cpp's own server (`xllamacpp`) on 127.0.0.1.

`LocalEngine` is the embedded default for the neural half: `hypsearch solve --local-model FILE.gguf`
starts one for the run and stops it after; `hypsearch llm serve FILE.gguf` runs one in the foreground
for a batch run to share.  It yields what `load_config` needs (`Endpoint.overrides()`): the base URL
http://127.0.0.1:PORT/v1, backend "llamacpp", the model name, max_concurrency = slots (so a client never
queues more requests than the server serves at once) and a per-request timeout that allows for a queue.

The server runs in a CHILD PROCESS (`python -m hypsearch.llm.local_engine MODEL --port N ...`), not in
this one.  `xllamacpp.Server` can be stopped in-process (deleting it terminates and joins its loop), but
its constructor holds the GIL until the model is loaded, so no start-up timeout or Ctrl-C can act
meanwhile, and llama.cpp logs to file descriptor 2, where a load error would either mix with our output
or (at verbosity below 1) vanish.  In a child, the parent waits for `/health` with a stated timeout,
quotes llama.cpp's own error lines from the child's log when the model does not load, and stops it by
closing its stdin (the child also exits when this process dies, because its stdin reaches end of file),
then SIGTERM, then SIGKILL.  Stopping happens on `stop()`, on leaving the `with` block and at exit.
"""

from __future__ import annotations

import argparse
import atexit
import importlib.util
import math
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Sequence

from hypsearch.core.errors import HypsearchError

HOST = "127.0.0.1"
DEFAULT_THREADS = 1
"""Generation and prompt threads: on the 2-core machines here one thread is several times faster than two
(OpenMP-style spinning collapses when anything shares the cores; ../shared/models/README-models.md)."""
DEFAULT_NICENESS = 10
"""Scheduling niceness of the server process: it yields the CPU to the search.  With an idle core (the model
waits on one, the enumeration runs on the other) it costs the model nothing; when other work shares the cores,
the enumeration beside it keeps its share instead of losing one to the model (measured: a hybrid run solved
fewer tasks than the plain search when the server competed at equal priority on a loaded 2-core machine)."""
DEFAULT_SLOTS = 1
"""Requests the server decodes at once (llama.cpp `n_parallel`)."""
DEFAULT_CONTEXT = 8192
"""Context tokens per slot: our longest prompts (hypotheses with feedback) stay under 4k tokens."""
DEFAULT_MAX_REPLY_TOKENS = 1024
"""Server-side cap on one reply (llama.cpp `n_predict`), whatever the request asks: a runaway reply ends."""
START_TIMEOUT_S = 120.0
"""Seconds to wait for `/health` to answer 200 (loading takes 1-3 s for the 0.5B and 1.5B models here)."""
REQUEST_TIMEOUT_S = 600.0
"""Per-request client timeout.  A local engine queues requests instead of dropping them, so a retry after a
timeout only rejoins the queue; the timeout is long and each task's own time budget bounds every request
(the client never waits past it).  600 s covers a few full 1.5B requests (3k prompt tokens at 26 tokens/s
plus 512 reply tokens at 16 tokens/s, about 150 s each) queued ahead on one slot."""
STOP_GRACE_S = 5.0
"""Seconds the child gets to stop after its stdin closes, before SIGTERM (and as long again before SIGKILL)."""
CHILD_STOP_S = 2
"""Seconds the child lets llama.cpp's server shut down in order before it exits regardless."""
BACKEND = "llamacpp"
GGUF_MAGIC = b"GGUF"
LOG_VERBOSITY = 1
"""llama.cpp log threshold in the child: 1 keeps errors (quoted when loading fails) and drops request logs."""


class LocalEngineError(HypsearchError):
    """The local engine cannot start: missing or non-GGUF file, no xllamacpp, port in use, load failure.

    Seen by users (the CLI prints it without a traceback); the message names the model file.
    """


@dataclass(frozen=True)
class Endpoint:
    """What an LLMClient needs to reach a running engine; `overrides()` feeds `load_config(**...)`."""

    base_url: str
    model: str
    max_concurrency: int = DEFAULT_SLOTS
    timeout_s: float = REQUEST_TIMEOUT_S
    backend: str = BACKEND
    cache_namespace: str | None = None
    """Identifies the model in completion-cache keys, so a rerun on a new port still hits the cache."""

    def overrides(self) -> dict[str, Any]:
        """Keyword overrides for `hypsearch.llm.config.load_config` (they win over file and environment)."""
        return {"base_url": self.base_url, "backend": self.backend, "model": self.model,
                "max_concurrency": self.max_concurrency, "timeout_s": self.timeout_s,
                "cache_namespace": self.cache_namespace}


def model_name(model_path: str | os.PathLike[str]) -> str:
    """The name the engine serves a model under: the file name without `.gguf` (as in /v1/models)."""
    name = Path(model_path).name
    return name[:-5] if name.lower().endswith(".gguf") else name


def cache_namespace(model_path: str | os.PathLike[str]) -> str:
    """The model's identity in cache keys: `llama.cpp:<file name>:<size in bytes>` (name only if unreadable)."""
    path = Path(model_path).expanduser()
    try:
        return f"llama.cpp:{path.name}:{path.stat().st_size}"
    except OSError:
        return f"llama.cpp:{path.name}"


def attached_endpoint(base_url: str, model_path: str | os.PathLike[str], slots: int = DEFAULT_SLOTS) -> Endpoint:
    """The Endpoint of an engine already running at `base_url` (`hypsearch llm serve`, or a batch's parent)."""
    url = base_url.rstrip("/")
    if not url.endswith("/v1"):
        url += "/v1"
    return Endpoint(base_url=url, model=model_name(model_path), max_concurrency=slots,
                    cache_namespace=cache_namespace(model_path))


def check_model_file(model_path: str | os.PathLike[str]) -> Path:
    """The model path, resolved, if it names a readable GGUF file; LocalEngineError saying what is wrong."""
    path = Path(model_path).expanduser()
    if not path.exists():
        raise LocalEngineError(f"{path}: no such model file (fetch one with ../shared/models/get-model, "
                               f"or give the path of a .gguf file)")
    if not path.is_file():
        raise LocalEngineError(f"{path}: not a model file (a directory?); give the path of a .gguf file")
    try:
        with path.open("rb") as fh:
            head = fh.read(len(GGUF_MAGIC))
    except OSError as exc:
        raise LocalEngineError(f"{path}: cannot read the model file: {exc.strerror or exc}") from None
    if head != GGUF_MAGIC:
        raise LocalEngineError(f"{path}: not a GGUF model file (it starts with {head!r}, a GGUF file with "
                               f"{GGUF_MAGIC!r}); llama.cpp serves .gguf files only")
    return path.resolve()


def check_xllamacpp() -> None:
    """LocalEngineError unless the `xllamacpp` package (llama.cpp's server for Python) is installed."""
    if importlib.util.find_spec("xllamacpp") is None:
        raise LocalEngineError("the local engine needs the xllamacpp package (llama.cpp's server): "
                               "pip install 'hypsearch[local]'")


def free_port(host: str = HOST) -> int:
    """A TCP port on `host` that nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int, host: str = HOST) -> bool:
    """True when `port` on `host` can be bound (nothing listens there; closed connections in TIME_WAIT do not count)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))
"""An opener that ignores http_proxy: the engine is on loopback."""


def health_status(base: str, timeout: float = 2.0) -> int | None:
    """HTTP status of GET {base}/health (503 while loading, 200 when ready); None when nothing answers."""
    try:
        with _NO_PROXY.open(f"{base}/health", timeout=timeout) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except (urllib.error.URLError, OSError, ValueError):
        return None


def log_errors(text: str, limit: int = 3) -> list[str]:
    """The first few distinct llama.cpp error lines of a log (timestamps and levels dropped)."""
    out: list[str] = []
    for line in text.splitlines():
        parts = line.split(maxsplit=2)
        if len(parts) < 3 or parts[1] != "E":
            continue
        message = parts[2].strip()
        if message and message not in out:
            out.append(message)
        if len(out) >= limit:
            break
    return out


class LocalEngine:
    """Serves one GGUF file with llama.cpp's server in a child process on 127.0.0.1; a context manager.

    `start()` (or `with`) launches it and returns once `/health` answers 200; `endpoint` then says how to
    reach it; `stop()` (also at `with` exit and at interpreter exit) ends it.  Not thread-safe.
    """

    def __init__(self, model_path: str | os.PathLike[str], *, threads: int = DEFAULT_THREADS,
                 slots: int = DEFAULT_SLOTS, context: int = DEFAULT_CONTEXT, port: int | None = None,
                 max_reply_tokens: int = DEFAULT_MAX_REPLY_TOKENS, start_timeout_s: float = START_TIMEOUT_S,
                 request_timeout_s: float = REQUEST_TIMEOUT_S, niceness: int = DEFAULT_NICENESS) -> None:
        if isinstance(niceness, bool) or not isinstance(niceness, int) or not 0 <= niceness <= 19:
            raise LocalEngineError(f"local engine niceness must lie in 0..19, got {niceness!r}")
        self.niceness = niceness
        for name, value in (("threads", threads), ("slots", slots), ("context", context),
                            ("max_reply_tokens", max_reply_tokens)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise LocalEngineError(f"local engine {name} must be a positive integer, got {value!r}")
        if port is not None and (isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536):
            raise LocalEngineError(f"local engine port must lie in 1..65535, got {port!r}")
        for name, value in (("start_timeout_s", start_timeout_s), ("request_timeout_s", request_timeout_s)):
            if not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
                raise LocalEngineError(f"local engine {name} must be a positive number of seconds, got {value!r}")
        self.model_path = Path(model_path).expanduser()
        self.threads = threads
        self.slots = slots
        self.context = context
        self.port = port
        self.max_reply_tokens = max_reply_tokens
        self.start_timeout_s = float(start_timeout_s)
        self.request_timeout_s = float(request_timeout_s)
        self.startup_seconds: float | None = None
        """Seconds from launching the child to /health answering 200 (None until started)."""
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    # -- what a client needs -------------------------------------------------------------------------
    @property
    def model(self) -> str:
        """The model name the server answers to (the file name without .gguf)."""
        return model_name(self.model_path)

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:PORT/v1 (the port is fixed by `start()` when none was given)."""
        if self.port is None:
            raise LocalEngineError("the local engine has no port before start()")
        return f"http://{HOST}:{self.port}/v1"

    @property
    def endpoint(self) -> Endpoint:
        """Base URL, backend, model, max_concurrency = slots and the per-request timeout."""
        return Endpoint(base_url=self.base_url, model=self.model, max_concurrency=self.slots,
                        timeout_s=self.request_timeout_s, cache_namespace=cache_namespace(self.model_path))

    @property
    def running(self) -> bool:
        """True while the child process is alive."""
        return self._proc is not None and self._proc.poll() is None

    def describe(self) -> str:
        """One line for progress output: model, URL, threads, slots, context."""
        return (f"{self.model_path.name} on {self.base_url} (threads {self.threads}, slots {self.slots}, "
                f"context {self.context} tokens per slot)")

    # -- lifecycle --------------------------------------------------------------------------------------
    def __enter__(self) -> LocalEngine:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def child_command(self) -> list[str]:
        """The command line of the child process that serves the model."""
        assert self.port is not None
        return [sys.executable, "-m", "hypsearch.llm.local_engine", str(self.model_path), "--port", str(self.port),
                "--threads", str(self.threads), "--slots", str(self.slots), "--context", str(self.context),
                "--max-reply-tokens", str(self.max_reply_tokens), "--alias", self.model,
                "--niceness", str(self.niceness)]

    def start(self) -> LocalEngine:
        """Launch the server and wait until it answers /health; LocalEngineError naming the file if it cannot."""
        if self.running:
            return self
        self.model_path = check_model_file(self.model_path)
        check_xllamacpp()
        if self.port is None:
            self.port = free_port()
        elif not port_is_free(self.port):
            raise LocalEngineError(f"cannot serve {self.model_path.name}: port {self.port} on {HOST} is in use")
        self._log = tempfile.TemporaryFile(prefix="hypsearch-llama-")
        began = time.monotonic()
        self._proc = subprocess.Popen(self.child_command(), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                      stderr=self._log, start_new_session=True)
        atexit.register(self.stop)
        try:
            self._await_health(began)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - began
        return self

    def _await_health(self, began: float) -> None:
        """Poll /health until 200; raise LocalEngineError when the child exits or the start timeout passes."""
        base = self.base_url[: -len("/v1")]
        while True:
            if health_status(base) == 200:
                return
            assert self._proc is not None
            code = self._proc.poll()
            if code is not None:
                raise LocalEngineError(self._failure(f"the server exited with status {code} before it was ready"))
            if time.monotonic() - began > self.start_timeout_s:
                raise LocalEngineError(self._failure(f"the server did not answer {base}/health within "
                                                     f"{self.start_timeout_s:g} s"))
            time.sleep(0.1)

    def _failure(self, what: str) -> str:
        """The error message for a failed start: file, what happened, llama.cpp's own error lines."""
        errors = log_errors(self.log_text())
        detail = ("; llama.cpp said: " + " | ".join(errors)) if errors else ""
        return f"cannot load model {self.model_path}: {what}{detail}"

    def log_text(self) -> str:
        """What the child wrote to its stderr so far (llama.cpp's log at LOG_VERBOSITY)."""
        if self._log is None:
            return ""
        try:
            self._log.flush()
            self._log.seek(0)
            return self._log.read().decode("utf-8", "replace")
        except (OSError, ValueError):
            return ""

    def stop(self) -> None:
        """Stop the server (close its stdin, then SIGTERM, then SIGKILL) and wait for it; idempotent."""
        proc, self._proc = self._proc, None
        atexit.unregister(self.stop)
        if proc is not None:
            if proc.stdin is not None:
                try:
                    proc.stdin.close()
                except OSError:
                    pass
            for signal_it in (None, proc.terminate, proc.kill):
                if signal_it is not None:
                    signal_it()
                try:
                    proc.wait(timeout=STOP_GRACE_S)
                    break
                except subprocess.TimeoutExpired:
                    continue
        if self._log is not None:
            self._log.close()
            self._log = None

    def wait(self) -> int:
        """Block until the child exits (it only does on a signal or a crash); its exit status."""
        if self._proc is None:
            return 0
        return self._proc.wait()


def niceness_for(proposer: str) -> int:
    """DEFAULT_NICENESS beside a search (the hybrid proposer); 0 when the model works alone (llm)."""
    return DEFAULT_NICENESS if proposer == "hybrid" else 0


_shared: dict[tuple[str, int, int, int], LocalEngine] = {}
_shared_lock = threading.Lock()


def shared_engine(model_path: str | os.PathLike[str], *, threads: int = DEFAULT_THREADS,
                  slots: int = DEFAULT_SLOTS, niceness: int = DEFAULT_NICENESS) -> LocalEngine:
    """This process's running engine for the model (started on first use, stopped at exit)."""
    key = (str(Path(model_path).expanduser().resolve()), threads, slots, niceness)
    with _shared_lock:
        engine = _shared.get(key)
        if engine is None or not engine.running:
            engine = LocalEngine(model_path, threads=threads, slots=slots, niceness=niceness).start()
            _shared[key] = engine
        return engine


def endpoint_for(settings: Any) -> Endpoint:
    """The endpoint of `settings.local_model`: the engine at `settings.local_engine_url` when one is given
    (the CLI's, or `hypsearch llm serve`), else this process's shared engine (started now if needed)."""
    if getattr(settings, "local_engine_url", None):
        return attached_endpoint(settings.local_engine_url, settings.local_model, settings.llm_slots)
    return shared_engine(settings.local_model, threads=settings.llm_threads, slots=settings.llm_slots,
                         niceness=niceness_for(settings.proposer)).endpoint


# -- the child process ------------------------------------------------------------------------------------

def _serve_child(args: argparse.Namespace) -> int:
    """Serve the model until stdin reaches end of file or SIGTERM arrives (runs in the child)."""
    import signal

    import xllamacpp

    def _terminate(signum: int, frame: object) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    if args.niceness:
        os.nice(args.niceness)  # the search beside this server keeps the CPU first (DEFAULT_NICENESS)
    params = xllamacpp.CommonParams()
    params.model.path = args.model
    params.model_alias = {args.alias}
    params.n_parallel = args.slots
    params.n_ctx = args.context * args.slots  # llama.cpp splits n_ctx evenly over the slots
    params.n_predict = args.max_reply_tokens
    params.cpuparams.n_threads = args.threads
    params.cpuparams_batch.n_threads = args.threads
    params.hostnames = [HOST]
    params.port = args.port
    params.verbosity = LOG_VERBOSITY
    try:
        server = xllamacpp.Server(params)
    except RuntimeError as exc:  # llama.cpp's own reason is already in the log on stderr
        print(f"xllamacpp: {exc}", file=sys.stderr)
        return 3
    try:
        while sys.stdin.buffer.read(4096):
            pass
    finally:
        # ~Server terminates the loop and joins it, but a request still being decoded can keep that join (which
        # holds the GIL, so no Python watchdog could run) waiting for good: SIGALRM's default action ends the
        # process after CHILD_STOP_S whatever it is doing (it has nothing on disk to flush)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.alarm(CHILD_STOP_S)
        del server
    return 0


def child_main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m hypsearch.llm.local_engine MODEL --port N ...` (the child process)."""
    parser = argparse.ArgumentParser(prog="python -m hypsearch.llm.local_engine",
                                     description="Serve a GGUF model with llama.cpp's server until stdin closes.")
    parser.add_argument("model")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS)
    parser.add_argument("--slots", type=int, default=DEFAULT_SLOTS)
    parser.add_argument("--context", type=int, default=DEFAULT_CONTEXT)
    parser.add_argument("--max-reply-tokens", type=int, default=DEFAULT_MAX_REPLY_TOKENS)
    parser.add_argument("--alias", default=None)
    parser.add_argument("--niceness", type=int, default=0)
    args = parser.parse_args(argv)
    if args.alias is None:
        args.alias = model_name(args.model)
    return _serve_child(args)


__all__ = ["DEFAULT_CONTEXT", "DEFAULT_SLOTS", "DEFAULT_THREADS", "Endpoint", "LocalEngine", "LocalEngineError",
           "REQUEST_TIMEOUT_S", "START_TIMEOUT_S", "attached_endpoint", "check_model_file", "endpoint_for",
           "model_name", "niceness_for", "shared_engine"]

if __name__ == "__main__":
    sys.exit(child_main())

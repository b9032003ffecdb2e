"""Parent side of a worker process: start it, hand it jobs, enforce the wall-clock limit.

A `WorkerHandle` owns one long-lived worker (its own session / process group).  `run`
sends a pickled job and waits; on overrun it SIGKILLs the whole group and reports
`timeout`; if the worker dies it reports `crashed` (or `memory` when the log shows an
allocation failure) with the tail of the worker's log.  The next `run` starts a fresh
worker, so a pool of handles stays full.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Sequence

from hypsearch.batch.killable import kill_group
from hypsearch.batch.records import CRASHED, MEMORY, TIMEOUT

STARTUP_TIMEOUT = 120.0
"""Seconds a new worker may take to import its preloaded modules and say ready."""

POLL_INTERVAL = 0.25
"""How often a waiting handle checks that its worker is still alive (seconds)."""

WORKER_ENV_DEFAULTS = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
"""One thread per numeric library in each worker: parallelism comes from the pool, not from BLAS."""

CAPPED_ENV_DEFAULTS = {"MALLOC_ARENA_MAX": "2"}
"""Under an address-space cap, keep glibc from reserving 64 MB of address space per thread."""

MEMORY_MARKERS = ("MemoryError", "std::bad_alloc", "Cannot allocate memory", "out of memory", "Out of memory")


class WorkerStartError(RuntimeError):
    """A worker process could not be started at all (a broken installation, not a task's fault)."""


class Cancelled(Exception):
    """The run was stopped while this job was in flight."""


class WorkerHandle:
    """One isolated worker process, restarted on demand after it is killed or dies."""

    def __init__(self, *, memory_mb: float | None = None, preload: Sequence[str] = (),
                 log_dir: str | os.PathLike[str] | None = None, die_with_parent: bool = True) -> None:
        self.memory_mb = memory_mb
        self.preload = tuple(preload)
        self.log_dir = Path(log_dir) if log_dir is not None else None
        self.die_with_parent = die_with_parent
        self.proc: subprocess.Popen[bytes] | None = None
        self.pid: int | None = None
        self.baseline_mb = 0.0
        self.starts = 0
        self._inbox: Connection | None = None   # results from the worker
        self._outbox: Connection | None = None  # jobs to the worker
        self._log_path: Path | None = None
        self._seq = 0

    # -- lifecycle -------------------------------------------------------------
    @property
    def alive(self) -> bool:
        """True while the worker process is running."""
        return self.proc is not None and self.proc.poll() is None

    def start(self) -> None:
        """Start the worker and wait for its ready message (raises WorkerStartError)."""
        self.close()
        job_r, job_w = os.pipe()
        res_r, res_w = os.pipe()
        if self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix="worker-", suffix=".log", dir=self.log_dir)
        else:
            fd, name = tempfile.mkstemp(prefix="hypsearch-worker-", suffix=".log")
        self._log_path = Path(name)
        code = ("import sys; from hypsearch.batch.worker import main; "
                f"main({job_r}, {res_w}, {os.getpid()}, {self.die_with_parent!r})")
        env = {**WORKER_ENV_DEFAULTS, **(CAPPED_ENV_DEFAULTS if self.memory_mb else {}), **os.environ}
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", code], stdin=subprocess.DEVNULL, stdout=fd, stderr=fd, env=env,
                pass_fds=(job_r, res_w), start_new_session=True, close_fds=True,
            )
        finally:
            os.close(fd)
            os.close(job_r)
            os.close(res_w)
        self.pid = self.proc.pid
        self.starts += 1
        self._inbox = Connection(res_r, writable=False)
        self._outbox = Connection(job_w, readable=False)
        self._outbox.send({"sys_path": list(sys.path), "preload": list(self.preload), "memory_mb": self.memory_mb})
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not self._inbox.poll(POLL_INTERVAL):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise WorkerStartError(f"a batch worker failed to start:\n{self.log_tail()}")
        try:
            message = self._inbox.recv()
        except EOFError:
            self.kill()
            raise WorkerStartError(f"a batch worker failed to start:\n{self.log_tail()}") from None
        self.baseline_mb = float(message[2])
        if self.log_dir is not None:
            final = self.log_dir / f"worker-{self.pid}.log"
            os.replace(self._log_path, final)
            self._log_path = final

    def kill(self) -> None:
        """SIGKILL the worker's whole process group and reap it."""
        if self.proc is None:
            return
        kill_group(self.proc)
        try:
            self.proc.kill()
        except ProcessLookupError:
            pass
        self.proc.wait()
        self._close_pipes()

    def close(self) -> None:
        """Ask an idle worker to exit (killing it if it does not), and forget it."""
        if self.proc is None:
            return
        if self.proc.poll() is None and self._outbox is not None:
            try:
                self._outbox.send(None)
                self.proc.wait(timeout=2.0)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self.kill()
        if self._log_path is not None and (self.log_dir is None or self._log_size() == 0):
            self._log_path.unlink(missing_ok=True)
        self.proc = None

    def _close_pipes(self) -> None:
        for conn in (self._inbox, self._outbox):
            if conn is not None:
                conn.close()
        self._inbox = self._outbox = None

    def log_tail(self, offset: int = 0, size: int = 2000) -> str:
        """The last `size` characters the worker wrote to its log after byte `offset`."""
        if self._log_path is None:
            return ""
        try:
            with open(self._log_path, "rb") as fh:
                fh.seek(0, os.SEEK_END)
                end = fh.tell()
                fh.seek(max(offset, end - size))
                return fh.read().decode("utf-8", "replace").strip()
        except OSError:
            return ""

    def _log_size(self) -> int:
        try:
            return self._log_path.stat().st_size if self._log_path else 0
        except OSError:
            return 0

    # -- running jobs ------------------------------------------------------------
    def run(self, payload: bytes, timeout: float | None, stop: threading.Event | None = None) -> dict[str, Any]:
        """Run one pickled job; returns its outcome. Raises Cancelled if `stop` is set meanwhile."""
        if not self.alive or self._outbox is None:
            self.start()
        assert self.proc is not None and self._inbox is not None and self._outbox is not None
        self._seq += 1
        offset = self._log_size()
        start = time.monotonic()
        try:
            self._outbox.send((self._seq, payload))
        except OSError:
            return self._crashed(offset, time.monotonic() - start)
        deadline = start + timeout if timeout else None
        while True:
            wait = POLL_INTERVAL if deadline is None else max(0.0, min(POLL_INTERVAL, deadline - time.monotonic()))
            if self._inbox.poll(wait):
                try:
                    message = self._inbox.recv()
                except (EOFError, OSError):
                    return self._crashed(offset, time.monotonic() - start)
                _, seq, outcome = message
                if seq == self._seq:
                    if not self.alive or outcome.get("status") == MEMORY:
                        self.proc.wait()
                    return outcome
                continue
            if self.proc.poll() is not None:
                return self._crashed(offset, time.monotonic() - start)
            if deadline is not None and time.monotonic() >= deadline:
                self.kill()
                return {"status": TIMEOUT, "seconds": time.monotonic() - start,
                        "error": f"killed after the {timeout:g} s wall-clock limit"}
            if stop is not None and stop.is_set():
                self.kill()
                raise Cancelled()

    def _crashed(self, offset: int, seconds: float) -> dict[str, Any]:
        assert self.proc is not None
        self.kill()
        code = self.proc.returncode
        if code is not None and code < 0:
            try:
                how = f"killed by {signal.Signals(-code).name}"
            except ValueError:
                how = f"killed by signal {-code}"
            if code == -signal.SIGKILL:
                how += " (not by the batch runner: possibly the kernel OOM killer)"
        else:
            how = f"exited with status {code}"
        tail = self.log_tail(offset)
        status = MEMORY if any(m in tail for m in MEMORY_MARKERS) else CRASHED
        error = f"worker process {how}" + (f"; its last output:\n{tail}" if tail else "")
        return {"status": status, "seconds": seconds, "error": error}

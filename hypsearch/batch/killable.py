"""Children with a hard wall-clock kill: the one runner batch isolation and the benchmark scripts share.

Three shapes of the same thing, each killing a whole process group so nothing a child spawned survives:
- `kill_group(proc)`: SIGKILL a child's process group (batch's isolated workers use it);
- `run_command(argv, limit)`: a command in its own process group, killed after `limit` seconds
  (the SyGuS benchmark's hypsearch and cvc5 arms), with `ProcessGroups` to kill every live one on Ctrl-C;
- `run_killable(tasks, child, limit, jobs, failed, done)`: each task in its own forked child, N at a time
  (the ARC and induction benchmarks): a task that hangs or crashes costs only its own record.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import subprocess
import threading
import time
from typing import Any, Callable, Sequence

Child = Callable[[Any, float, Any], None]
Record = dict[str, Any]

POLL_SECONDS = 0.05


def kill_group(proc: Any) -> None:
    """SIGKILL the process group led by `proc` (a Popen started with `start_new_session=True`)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


class ProcessGroups:
    """Live child process groups, so an interrupted run can kill them all."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._procs: set[subprocess.Popen[str]] = set()

    def add(self, p: subprocess.Popen[str]) -> None:
        with self._lock:
            self._procs.add(p)

    def discard(self, p: subprocess.Popen[str]) -> None:
        with self._lock:
            self._procs.discard(p)

    def kill_all(self) -> None:
        with self._lock:
            for p in list(self._procs):
                kill_group(p)


def run_command(argv: list[str], limit: float, groups: ProcessGroups | None = None, *,
                cwd: str | None = None) -> tuple[str, str, str, float]:
    """Run argv in a new process group; kill the group after `limit` seconds.

    Returns (outcome, stdout, stderr, wall seconds); outcome is "done" or "timeout".
    """
    start = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                         text=True, start_new_session=True, cwd=cwd)
    if groups:
        groups.add(p)
    try:
        out, err = p.communicate(timeout=limit)
        outcome = "done"
    except subprocess.TimeoutExpired:
        kill_group(p)
        out, err = p.communicate()
        outcome = "timeout"
    finally:
        kill_group(p)  # leftovers the child may have spawned
        if groups:
            groups.discard(p)
    return outcome, out, err, time.perf_counter() - start


def run_killable(tasks: Sequence[Any], child: Child, limit: float, jobs: int,
                 failed: Callable[[Any, str], Record], done: Callable[[Any, Record, float], None], *,
                 grace: float = 0.0, payload: Callable[[Any], Any] = lambda task: task) -> None:
    """Give each child `limit - 1` seconds of solving and kill it at `limit + grace` wall-clock seconds;
    `done(task, record, wall_seconds)` is called in completion order.  The child is handed `payload(task)`
    (benchmarks pass a LabelledTask's `.task`, so the answers stay in this process for scoring)."""
    ctx = mp.get_context("fork")
    pending = list(tasks)
    running: dict[int, tuple[Any, Any, Any, float]] = {}
    while pending or running:
        while pending and len(running) < jobs:
            task = pending.pop(0)
            recv, send = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=child, args=(payload(task), max(limit - 1.0, 0.5), send), daemon=True)
            proc.start()
            send.close()
            running[proc.pid] = (task, proc, recv, time.monotonic())
        time.sleep(POLL_SECONDS)
        for pid, (task, proc, recv, started) in list(running.items()):
            record: Record | None = None
            if recv.poll():
                try:
                    record = recv.recv()
                except EOFError:
                    record = failed(task, "child died")
            elif not proc.is_alive():
                record = failed(task, f"child exited with {proc.exitcode}")
            elif time.monotonic() - started > limit + grace:
                proc.kill()
                record = failed(task, f"wall-clock limit {limit:g} s (killed)")
            if record is None:
                continue
            proc.join(timeout=1.0)
            if proc.is_alive():
                proc.kill()
            recv.close()
            del running[pid]
            done(task, record, time.monotonic() - started)

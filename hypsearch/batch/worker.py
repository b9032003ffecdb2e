"""The long-lived worker process: runs one job at a time and reports an outcome dict.

Started by `isolation.WorkerHandle` as `python -c ...main(...)` in its own session
(process group), with stdout/stderr sent to a log file.  It speaks pickled messages
over two inherited pipes, caps its address space with RLIMIT_AS, and kills its own
group when its parent disappears, so a killed batch leaves no orphans behind.
"""

from __future__ import annotations

import ctypes
import faulthandler
import importlib
import os
import pickle
import resource
import signal
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, Callable, Mapping

from hypsearch.batch.records import ERROR, MEMORY, jsonable
from hypsearch.core.refs import TaskRef

PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Job:
    """What a worker runs: the task, the settings, the solve function and the loader table."""

    ref: TaskRef
    settings: Mapping[str, Any]
    solve_fn: Callable[[TaskRef, dict[str, Any]], Mapping[str, Any]]
    loaders: Mapping[str, Callable[[TaskRef], Any]]


def address_space_mb() -> float:
    """This process's current virtual memory size in MB (Linux /proc), or 0 if unknown."""
    try:
        with open("/proc/self/statm") as fh:
            pages = int(fh.read().split()[0])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


def run_job(payload: bytes) -> dict[str, Any]:
    """Unpickle and run one job; never raises: failures become an outcome with a status."""
    start = time.perf_counter()
    try:
        job: Job = pickle.loads(payload)
        from hypsearch.batch.formats import install_loaders

        install_loaders(dict(job.loaders))
        record = job.solve_fn(job.ref, dict(job.settings))
        if not isinstance(record, Mapping):
            raise TypeError(f"the solve function returned {type(record).__name__}, not a dict")
        outcome: dict[str, Any] = {"record": jsonable(dict(record))}
    except MemoryError:
        outcome = {"status": MEMORY, "error": "MemoryError: the task exceeded the memory cap"}
    except (Exception, SystemExit) as exc:  # a solve function's failure is that task's error row
        tb = traceback.format_exception(exc)
        outcome = {"status": ERROR, "error": f"{type(exc).__name__}: {exc}", "traceback": "".join(tb[-6:])[-4000:]}
    outcome["seconds"] = time.perf_counter() - start
    return outcome


def _die_with_parent(expected_ppid: int, pdeathsig: bool) -> None:
    if pdeathsig and sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass

    def watchdog() -> None:
        while True:
            if os.getppid() != expected_ppid:
                os.killpg(os.getpgrp(), signal.SIGKILL)
            time.sleep(0.2)

    if os.getppid() != expected_ppid:
        os.killpg(os.getpgrp(), signal.SIGKILL)
    threading.Thread(target=watchdog, name="hypsearch-parent-watchdog", daemon=True).start()


def main(read_fd: int, write_fd: int, parent_pid: int, pdeathsig: bool) -> None:
    """Worker entry point: handshake, then run jobs until told to stop or the pipe closes."""
    _die_with_parent(parent_pid, pdeathsig)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    faulthandler.enable(all_threads=False)
    inbox = Connection(read_fd, writable=False)
    outbox = Connection(write_fd, readable=False)
    init: dict[str, Any] = inbox.recv()
    for entry in init.get("sys_path", ()):
        if entry not in sys.path:
            sys.path.append(entry)
    for module in init.get("preload", ()):
        try:
            importlib.import_module(module)
        except Exception as exc:  # a missing optional module only matters to the tasks that need it
            print(f"hypsearch worker: preloading {module} failed: {exc!r}", file=sys.stderr, flush=True)
    baseline = address_space_mb()
    memory_mb = init.get("memory_mb")
    if memory_mb:
        limit = int(memory_mb * 2**20)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    outbox.send(("ready", os.getpid(), baseline))
    while True:
        try:
            message = inbox.recv()
        except EOFError:
            break
        if message is None:
            break
        seq, payload = message
        outcome = run_job(payload)
        sys.stdout.flush()
        sys.stderr.flush()
        outbox.send(("done", seq, outcome))
        if outcome.get("status") == MEMORY:
            break  # start afresh rather than run on in a fragmented heap
    os._exit(0)

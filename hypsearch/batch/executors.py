"""Executors: where jobs run.  `LocalExecutor` (a pool of isolated worker processes) and
`DaskExecutor` (Dask distributed; each task isolated in a child of the Dask worker).

Both take `(ref, pickled job)` pairs and yield `(ref, outcome)` as tasks finish, with
the same outcome shape and the same per-task wall-clock and memory limits.
"""

from __future__ import annotations

import atexit
import os
import queue
import sys
import threading
import uuid
from pathlib import Path
from typing import Any, Iterable, Iterator, Protocol, Sequence

from hypsearch.batch.isolation import Cancelled, WorkerHandle
from hypsearch.batch.records import CRASHED
from hypsearch.core.refs import TaskRef
from hypsearch.core.errors import ConfigError

Outcome = dict[str, Any]


class Executor(Protocol):
    """Runs pickled jobs under the limits and yields outcomes in completion order."""

    def map(self, jobs: Iterable[tuple[TaskRef, bytes]]) -> Iterator[tuple[TaskRef, Outcome]]:
        """Yield `(ref, outcome)` per job as each finishes; closing the iterator stops the work."""
        ...


class LocalExecutor:
    """`jobs` long-lived worker processes on this machine, each driven by one thread."""

    def __init__(self, *, jobs: int = 1, timeout: float | None = None, memory_mb: float | None = None,
                 preload: Sequence[str] = (), log_dir: str | os.PathLike[str] | None = None) -> None:
        if jobs < 1:
            raise ConfigError(f"--jobs must be at least 1, not {jobs}")
        self.jobs = jobs
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.preload = tuple(preload)
        self.log_dir = Path(log_dir) if log_dir is not None else None
        self.handles: list[WorkerHandle] = []
        self.warnings: list[str] = []

    def map(self, jobs: Iterable[tuple[TaskRef, bytes]]) -> Iterator[tuple[TaskRef, Outcome]]:
        """Run every job; the generator's `close()` (or an exception) kills the workers."""
        todo: queue.SimpleQueue[tuple[TaskRef, bytes] | None] = queue.SimpleQueue()
        count = 0
        for item in jobs:
            todo.put(item)
            count += 1
        if count == 0:
            return
        done: queue.SimpleQueue[tuple[str, Any, Any]] = queue.SimpleQueue()
        stop = threading.Event()
        n = min(self.jobs, count)
        for _ in range(n):
            todo.put(None)
        self.handles = [WorkerHandle(memory_mb=self.memory_mb, preload=self.preload, log_dir=self.log_dir)
                        for _ in range(n)]
        threads = [threading.Thread(target=self._drive, args=(h, todo, done, stop), daemon=True,
                                    name=f"hypsearch-batch-{i}") for i, h in enumerate(self.handles)]
        for t in threads:
            t.start()
        finished = 0
        try:
            while finished < n:
                try:
                    kind, ref, value = done.get(timeout=0.5)
                except queue.Empty:
                    continue
                if kind == "result":
                    yield ref, value
                elif kind == "fatal":
                    raise value
                else:
                    finished += 1
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=10.0)
            for h in self.handles:
                h.close()

    def _drive(self, handle: WorkerHandle, todo: queue.SimpleQueue[Any], done: queue.SimpleQueue[Any],
               stop: threading.Event) -> None:
        try:
            while not stop.is_set():
                item = todo.get()
                if item is None:
                    break
                ref, payload = item
                if not handle.alive:
                    handle.start()
                    self._check_baseline(handle)
                try:
                    outcome = handle.run(payload, self.timeout, stop)
                except Cancelled:
                    break
                done.put(("result", ref, outcome))
        except BaseException as exc:  # hand any failure to the consuming thread, which re-raises it
            done.put(("fatal", None, exc))
        finally:
            handle.close()
            done.put(("finished", None, None))

    def _check_baseline(self, handle: WorkerHandle) -> None:
        if self.memory_mb and handle.baseline_mb > 0.8 * self.memory_mb and not self.warnings:
            self.warnings.append(
                f"hypsearch batch: warning: memory cap {self.memory_mb:g} MB is close to or below a worker's address space right "
                f"after start-up ({handle.baseline_mb:.0f} MB); most tasks may fail with status 'memory'"
            )
            print(self.warnings[-1], file=sys.stderr, flush=True)


# -- Dask -----------------------------------------------------------------------------

_dask_handles: dict[tuple[Any, ...], list[WorkerHandle]] = {}
_dask_lock = threading.Lock()


def run_isolated(payload: bytes, timeout: float | None, memory_mb: float | None,
                 preload: tuple[str, ...] = ()) -> Outcome:
    """Run one pickled job in an isolated child of the current process (used inside Dask workers).

    Idle children are kept per (memory, preload) and reused, so a Dask worker pays the
    start-up of a child once, not per task.
    """
    key = (memory_mb, tuple(preload))
    with _dask_lock:
        free = _dask_handles.setdefault(key, [])
        handle = free.pop() if free else WorkerHandle(memory_mb=memory_mb, preload=preload, die_with_parent=False)
    try:
        return handle.run(payload, timeout)
    finally:
        with _dask_lock:
            _dask_handles.setdefault(key, []).append(handle)


def shutdown_isolated_workers() -> None:
    """Stop the idle children `run_isolated` keeps in this process."""
    with _dask_lock:
        handles = [h for hs in _dask_handles.values() for h in hs]
        _dask_handles.clear()
    for h in handles:
        h.close()


atexit.register(shutdown_isolated_workers)


def parse_dask_url(url: str) -> str:
    """`dask://HOST:PORT` -> the scheduler address `tcp://HOST:PORT` (tcp://, tls:// pass through)."""
    if url.startswith("dask://"):
        return "tcp://" + url[len("dask://"):]
    if url.startswith(("tcp://", "tls://", "ucx://", "inproc://")):
        return url
    raise ConfigError(f"unknown executor {url!r}: use `local` or `dask://HOST:PORT`")


class DaskExecutor:
    """Submit each job to a Dask distributed cluster; limits are enforced on the Dask worker."""

    def __init__(self, address: str, *, timeout: float | None = None, memory_mb: float | None = None,
                 preload: Sequence[str] = ()) -> None:
        self.address = parse_dask_url(address)
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.preload = tuple(preload)

    def map(self, jobs: Iterable[tuple[TaskRef, bytes]]) -> Iterator[tuple[TaskRef, Outcome]]:
        """Submit every job at once and yield outcomes as futures complete."""
        try:
            from distributed import Client, as_completed
        except ImportError:
            raise ConfigError("the dask executor needs `pip install 'hypsearch[dask]'`") from None
        client = Client(self.address, timeout="30s")
        futures: dict[Any, TaskRef] = {}
        try:
            batch_key = uuid.uuid4().hex[:8]
            for ref, payload in jobs:
                future = client.submit(run_isolated, payload, self.timeout, self.memory_mb, self.preload,
                                       pure=False, key=f"hypsearch-{batch_key}-{len(futures)}")
                futures[future] = ref
            for future in as_completed(list(futures)):
                ref = futures[future]
                try:
                    outcome = future.result()
                except Exception as exc:  # the Dask worker itself died or the task was lost
                    outcome = {"status": CRASHED, "seconds": None, "error": f"dask: {type(exc).__name__}: {exc}"}
                yield ref, outcome
        finally:
            for future in futures:
                if not future.done():
                    future.cancel()
            client.close()

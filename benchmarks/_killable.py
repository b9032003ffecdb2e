"""Run benchmark tasks each in its own forked child, N at a time, killed past a wall-clock limit.

The one place the ARC and induction benchmarks get their isolation from: a task that hangs
or crashes costs only its own record.  `child(task, seconds, conn)` must send one dict on
`conn`; `failed(task, reason)` builds the record for a child that died or was killed.
"""

from __future__ import annotations

import multiprocessing as mp
import time
from typing import Any, Callable, Sequence

Child = Callable[[Any, float, Any], None]
Record = dict[str, Any]

POLL_SECONDS = 0.05


def run_killable(tasks: Sequence[Any], child: Child, limit: float, jobs: int,
                 failed: Callable[[Any, str], Record], done: Callable[[Any, Record, float], None], *,
                 grace: float = 0.0) -> None:
    """Give each child `limit - 1` seconds of solving and kill it at `limit + grace` wall-clock seconds;
    `done(task, record, wall_seconds)` is called in completion order."""
    ctx = mp.get_context("fork")
    pending = list(tasks)
    running: dict[int, tuple[Any, Any, Any, float]] = {}
    while pending or running:
        while pending and len(running) < jobs:
            task = pending.pop(0)
            recv, send = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=child, args=(task, max(limit - 1.0, 0.5), send), daemon=True)
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

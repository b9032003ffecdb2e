"""Batch runner overhead and parallel speed-up, on synthetic tasks (no engine involved).

(a) per-task overhead of `hypsearch.batch.run` over N trivially fast tasks versus calling
    the same solve function in one process (target <= 20 ms per task);
(b) wall time of `--jobs 2` versus `--jobs 1` on a CPU-bound folder (target <= 0.6x).

    python benchmarks/batch_overhead.py [--tasks 200] [--cpu-tasks 16] [--cpu-seconds 0.25] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from hypsearch.batch import discover, run_all
from hypsearch.batch import synthetic


def measure_overhead(root: Path, n: int) -> dict[str, float]:
    """Wall time of a batch of `n` instant tasks against a plain loop; per-task overhead in ms."""
    folder = root / "trivial"
    synthetic.write_synthetic_tasks(folder, n)
    refs = list(discover([folder]))
    start = time.perf_counter()
    for ref in refs:
        synthetic.trivial_solve(ref, {})
    in_process = time.perf_counter() - start
    start = time.perf_counter()
    records = run_all([folder], out=root / "run-trivial", jobs=1, timeout=30, solve_fn=synthetic.trivial_solve,
                      progress=False, write_reports=False)
    batch = time.perf_counter() - start
    assert len(records) == n and all(r["status"] == "solved" for r in records)
    finished = sorted(r["finished_at"] for r in records)
    steady = (finished[-1] - finished[0]) / max(1, n - 1)
    return {"tasks": n, "in_process_s": in_process, "batch_s": batch,
            "overhead_ms_per_task": 1000 * (batch - in_process) / n,
            "steady_state_ms_per_task": 1000 * steady,
            "startup_and_teardown_s": batch - steady * (n - 1)}


def calibrate(seconds: float) -> int:
    """Iterations of `cpu_solve`'s loop that take about `seconds` on this machine."""
    probe = 200_000
    root = Path(tempfile.mkdtemp(prefix="hyps-cal-"))
    (path,) = synthetic.write_synthetic_tasks(root, 1, probe)
    ref = next(iter(discover([path])))
    start = time.perf_counter()
    synthetic.cpu_solve(ref, {})
    return max(1, int(probe * seconds / (time.perf_counter() - start)))


def _spin(iterations: int) -> int:
    acc = 0
    for i in range(iterations):
        acc = (acc * 31 + i) & 0xFFFFFFFF
    return acc


def machine_ratio(n: int, iterations: int) -> float:
    """The same work with a bare multiprocessing.Pool(2) versus a loop: what the machine allows right now."""
    import multiprocessing

    start = time.perf_counter()
    for _ in range(n):
        _spin(iterations)
    sequential = time.perf_counter() - start
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        pool.map(_spin, [1, 1], chunksize=1)
        start = time.perf_counter()
        pool.map(_spin, [iterations] * n, chunksize=1)
        parallel = time.perf_counter() - start
    return parallel / sequential


def measure_speedup(root: Path, n: int, seconds: float) -> dict[str, float]:
    """Wall time of `n` CPU-bound tasks (~`seconds` each) with --jobs 1 and --jobs 2."""
    iterations = calibrate(seconds)
    folder = root / "cpu"
    synthetic.write_synthetic_tasks(folder, n, iterations)
    baseline = machine_ratio(n, iterations)
    walls = {}
    for jobs in (1, 2):
        start = time.perf_counter()
        records = run_all([folder], out=root / f"run-cpu-{jobs}", jobs=jobs, timeout=600,
                          solve_fn=synthetic.cpu_solve, progress=False, write_reports=False)
        walls[jobs] = time.perf_counter() - start
        assert len(records) == n and all(r["status"] == "solved" for r in records)
    return {"tasks": n, "seconds_per_task": seconds, "iterations": iterations, "jobs1_s": walls[1],
            "jobs2_s": walls[2], "ratio": walls[2] / walls[1], "bare_pool_ratio": baseline}


def _loadavg() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    """Run both measurements and print them; exit status 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--cpu-tasks", type=int, default=16)
    parser.add_argument("--cpu-seconds", type=float, default=0.25)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    synthetic.register()
    with tempfile.TemporaryDirectory(prefix="hyps-batch-bench-") as tmp:
        root = Path(tmp)
        overhead = measure_overhead(root, args.tasks)
        speedup = measure_speedup(root, args.cpu_tasks, args.cpu_seconds)
    if args.json:
        print(json.dumps({"overhead": overhead, "speedup": speedup}, indent=2))
        return 0
    ok_a = overhead["overhead_ms_per_task"] <= 20
    ok_b = speedup["ratio"] <= 0.6
    print(f"(a) {overhead['tasks']} trivial tasks: in-process {overhead['in_process_s']:.3f} s, "
          f"batch --jobs 1 {overhead['batch_s']:.2f} s -> overhead {overhead['overhead_ms_per_task']:.1f} ms/task "
          f"(steady state {overhead['steady_state_ms_per_task']:.1f} ms/task, start-up + teardown "
          f"{overhead['startup_and_teardown_s']:.2f} s)  target <= 20 ms: {'OK' if ok_a else 'MISSED'}")
    print(f"(b) {speedup['tasks']} CPU-bound tasks of ~{speedup['seconds_per_task']:g} s: --jobs 1 "
          f"{speedup['jobs1_s']:.2f} s, --jobs 2 {speedup['jobs2_s']:.2f} s -> ratio {speedup['ratio']:.2f}  "
          f"target <= 0.6: {'OK' if ok_b else 'MISSED'} (bare multiprocessing.Pool(2) on the same work: "
          f"{speedup['bare_pool_ratio']:.2f}; load average {_loadavg()})")
    return 0 if ok_a and ok_b else 1


if __name__ == "__main__":
    sys.exit(main())

"""ARC benchmark: run the symbolic grid solver over ARC-AGI-1 splits or the Hypothesis-Search subset.

Each task runs in its own child process, killed when it overruns the per-task wall-clock
limit; N workers run at once.  Prints top-2 solved counts, how many tasks got a program fitting
every train pair that was right / wrong on the test, and writes one JSON line per task.
`--path engine` runs what `hypsearch solve` runs (the engine loop around the grid search);
`--path api` runs `hypsearch.solvers.arc.solve`.

    python benchmarks/arc_bench.py --set subset100 --limit 20 --jobs 2 --out /tmp/arc_runs
    python benchmarks/arc_bench.py --set arc:training --limit 20 --jobs 2 --out /tmp/arc_runs
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
from hypsearch.batch.killable import run_killable  # noqa: E402  (the one killable-child runner)

SUBSET_IDS = REPO.parent / "shared" / "benchmarks" / "arc-subsets" / "hypothesis-search" / "random_100_arc_ids.DERIVED.txt"


def _child(task: Any, limit: float, conn: Any) -> None:
    """Solve one Task (test inputs only); the parent scores the attempts against the answers it kept."""
    from hypsearch.solvers.arc import solve

    try:
        r = solve(task, time_limit=limit)
        conn.send({"found": r.found, "attempts": r.attempts, "programs": list(r.programs),
                   "seconds": round(r.seconds, 2), "stats": dict(r.stats)})
    except Exception as exc:  # report the crash as this task's result
        conn.send({"found": False, "error": repr(exc)})
    finally:
        conn.close()


def _engine_child(task: Any, limit: float, conn: Any) -> None:
    """Solve one Task through the engine loop (what `hypsearch solve` runs); the parent scores the attempts."""
    from hypsearch import Settings, solve

    try:
        r = solve(task, Settings(time_limit=limit))
        found = r.status.value == "solved"
        conn.send({"found": found, "attempts": r.predictions if found else (),
                   "programs": [p for p in (r.program_text, *r.alternatives) if p], "seconds": round(r.seconds, 2)})
    except Exception as exc:  # report the crash as this task's result
        conn.send({"found": False, "error": repr(exc)})
    finally:
        conn.close()


def load_tasks(name: str) -> list[Any]:
    """Tasks of a named set: arc:training, arc:evaluation, subset100 (Hypothesis Search ids), or a path."""
    from hypsearch.solvers.arc.format import load_any, load_dataset

    if name == "subset100":
        ids = [line.strip() for line in SUBSET_IDS.read_text().splitlines() if line.strip()]
        pool = {t.id: t for t in load_dataset("arc:training")}  # the subset ids all come from training
        return [pool[i] for i in ids if i in pool]
    return load_any(name)


def run(tasks: list[Any], limit: float, jobs: int, out_file: Path, path: str = "api") -> dict[str, int]:
    """Run every task in a killable child; returns counts: done, solved, fit (a program fit every train pair)."""
    counts = {"solved": 0, "done": 0, "fit": 0}
    with out_file.open("w") as fh:
        def done(task: Any, res: dict[str, Any], wall: float) -> None:
            res["correct"] = bool(task.correct(res.pop("attempts", ())))
            res["task"] = task.id
            res["wall"] = round(wall, 2)
            counts["done"] += 1
            counts["solved"] += bool(res.get("correct"))
            counts["fit"] += bool(res.get("found"))
            fh.write(json.dumps(res) + "\n")
            fh.flush()
            mark = "OK " if res.get("correct") else ("fit" if res.get("found") else "-- ")
            print(f"[{counts['done']}/{len(tasks)}] {mark} {task.id} {res['wall']:.1f}s {res.get('programs', [''])[:1]} "
                  f"solved={counts['solved']}", flush=True)

        run_killable(tasks, _engine_child if path == "engine" else _child, limit, jobs, lambda task, why: {"found": False, "error": why},
                     done, grace=2.0, payload=lambda t: t.task)
    return counts


def _preload() -> None:
    """Import the solver before forking: children share it, and edits to the tree mid-run do not leak in."""
    import hypsearch.domains.grid.search  # noqa: F401
    import hypsearch.engine  # noqa: F401
    import hypsearch.proposers.symbolic  # noqa: F401
    import hypsearch.solvers.arc.api  # noqa: F401


def _solver_tree() -> str:
    """Where the imported `hypsearch` lives, and its git commit (with "+changes" when the tree is dirty)."""
    import subprocess

    import hypsearch

    root = Path(hypsearch.__file__).resolve().parents[1]
    try:
        rev = subprocess.run(["git", "-C", str(root), "describe", "--always", "--dirty=+changes"],
                             capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        rev = ""
    return f"{root} ({rev or 'not a git tree'})"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", action="append", default=None,
                    help="arc:training, arc:evaluation, subset100, or a task folder/file (repeatable)")
    ap.add_argument("--limit", type=float, default=60.0, help="per-task wall-clock seconds")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--first", type=int, default=0, help="only the first N tasks of each set (after --every)")
    ap.add_argument("--every", type=int, default=1, help="only every K-th task of each set (a spread subset)")
    ap.add_argument("--offset", type=int, default=0,
                    help="start --every at this task index (another spread slice, for held-out checks)")
    ap.add_argument("--path", choices=("api", "engine"), default="api",
                    help="api: hypsearch.solvers.arc.solve; engine: the loop `hypsearch solve` runs")
    ap.add_argument("--out", type=Path, required=True, help="output folder (outside the repo)")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    _preload()
    print(f"solver code: {_solver_tree()}")  # an editable install wins over PYTHONPATH: say which tree runs
    for name in args.set or ["subset100"]:
        tasks = load_tasks(name)[args.offset::args.every]
        if args.first:
            tasks = tasks[:args.first]
        fname = args.out / (name.replace(":", "_").replace("/", "_") + (f"_every{args.every}" if args.every > 1 else "")
                            + (f"_offset{args.offset}" if args.offset else "")
                            + ".jsonl")
        t0 = time.monotonic()
        c = run(tasks, args.limit, args.jobs, fname, args.path)
        print(f"{name}: solved {c['solved']}/{len(tasks)} (top-2) at {args.limit:.0f}s/task, {args.jobs} jobs, "
              f"path {args.path}, {time.monotonic() - t0:.0f}s wall; fitting programs: {c['fit']} "
              f"(right on test {c['solved']}, wrong {c['fit'] - c['solved']}); per-task lines in {fname}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Induction benchmark runner: List Functions, 1D-ARC (and any dataset registered by name).

Each task runs with the symbolic proposer in its own child process, killed at the per-task
wall-clock limit; N workers run at once.  Reports task accuracy (every test example right)
and raw accuracy (fraction of test examples right) per dataset, and writes one JSON line
per task to `--out` (a folder outside the repository).

    python benchmarks/induction_bench.py --dataset list-functions --limit 60 --jobs 2 --out /tmp/ind
    python benchmarks/induction_bench.py --dataset 1d-arc-108 --limit 60 --jobs 2 --out /tmp/ind
    python benchmarks/induction_bench.py --dataset list-functions --first 40 --every 5 ...   # a subset
    python benchmarks/induction_bench.py --dataset list-functions --half dev ...              # development half

Halves: task k of a dataset (0-based, in the file's order) is in the development half when k is even
and in the held-out half when k is odd; for List Functions that is odd function numbers (c001,
c003, …) for development and even ones (c002, c004, …) held out.  Every summary reports both halves.

A dataset is a name → (file or folder under the shared benchmarks root, TaskFormat name);
the format's `load` turns it into Tasks (see `hypsearch.core.formats`).  Add one with
`register_dataset` or a line in `DATASETS`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
from hypsearch.batch.killable import run_killable  # noqa: E402  (the one killable-child runner)

SHARED = REPO.parent / "shared" / "benchmarks"


@dataclass(frozen=True)
class Dataset:
    """A named benchmark: a path under the shared benchmarks root read by a registered TaskFormat."""

    name: str
    path: str
    format: str


DATASETS: dict[str, Dataset] = {}


def register_dataset(name: str, path: str, format: str) -> Dataset:
    """Make a dataset available to `--dataset NAME` (path relative to the shared benchmarks root)."""
    DATASETS[name] = Dataset(name, path, format)
    return DATASETS[name]


register_dataset("list-functions", "list-functions/qiu2024/list_function.jsonl", "list-functions")
register_dataset("list-functions-ood", "list-functions/qiu2024/list_function_ood.jsonl", "list-functions")
register_dataset("1d-arc", "1d-arc/dataset", "1d-arc")
register_dataset("1d-arc-108", "1d-arc/hypothesis-search-split/arc1d_18x6_resolved.DERIVED.json", "1d-arc-split")
register_dataset("miniscan", "miniscan/scan.jsonl", "miniscan")
register_dataset("miniscan-rand", "miniscan/scan_rand.jsonl", "miniscan")
register_dataset("acre", "acre/acre.jsonl", "acre")
register_dataset("miniarc", "miniarc/qiu2024/miniarc.jsonl", "miniarc")


def load_dataset(name: str, root: Path = SHARED) -> list[Any]:
    """The tasks of a registered dataset, read by its TaskFormat."""
    from hypsearch.core.formats import available_formats

    ds = DATASETS[name]
    fmt = available_formats()[ds.format]
    return list(fmt.load(root / ds.path))


HALVES = ("dev", "heldout")


def half_of(position: int) -> str:
    """The half a task belongs to by its 0-based position in the dataset: even → dev, odd → heldout."""
    return HALVES[position % 2]


def score(task: Any, predictions: Any) -> tuple[int, int]:
    """(test examples right, test examples) of a LabelledTask: the first attempt must equal the answer."""
    right = 0
    for k, answer in enumerate(task.answers):
        attempts = predictions[k] if k < len(predictions) else ()
        right += bool(attempts) and attempts[0] == answer
    return right, len(task.task.tests)


def _child(task: Any, limit: float, conn: Any) -> None:
    """Solve one Task (inputs only: the answers stay in the parent, which scores the predictions)."""
    from hypsearch import Settings, solve

    try:
        result = solve(task, Settings(time_limit=limit, attempts=1))
        conn.send({"status": result.status.value, "stop_reason": result.stop_reason,
                   "program": result.program_text or None, "predictions": result.predictions,
                   "seconds": round(result.seconds, 2), "distinct": result.stats.get("distinct")})
    except Exception as exc:  # report the crash as this task's result
        conn.send({"status": "error", "stop_reason": repr(exc)})
    finally:
        conn.close()


def run(tasks: list[Any], dataset: str, limit: float, jobs: int, out_file: Path,
        halves: dict[str, str] | None = None) -> dict[str, Any]:
    """Run every task in a killable child process; returns the dataset's summary (with per-half counts)."""
    counts = {"solved": 0, "right": 0, "total": 0, "done": 0}
    halves = halves or {}
    by_half = {h: {"tasks": 0, "tasks_correct": 0} for h in HALVES}
    for tid in (t.id for t in tasks):
        if tid in halves:
            by_half[halves[tid]]["tasks"] += 1
    started = time.monotonic()
    with out_file.open("a") as fh:
        def failed(task: Any, why: str) -> dict[str, Any]:
            return {"status": "killed" if "killed" in why else "error", "stop_reason": why}

        def done(task: Any, record: dict[str, Any], wall: float) -> None:
            right, tests = score(task, record.pop("predictions", ()))
            record = {"dataset": dataset, "task": task.id, "half": halves.get(task.id), **record,
                      "right": right, "tests": tests}
            record["task_correct"] = record["tests"] > 0 and record["right"] == record["tests"]
            if task.id in halves:
                by_half[halves[task.id]]["tasks_correct"] += record["task_correct"]
            record["wall"] = round(wall, 2)
            fh.write(json.dumps(record) + "\n")
            fh.flush()
            counts["done"] += 1
            counts["solved"] += record["task_correct"]
            counts["right"] += record["right"]
            counts["total"] += record["tests"]
            print(f"[{counts['done']}/{len(tasks)}] {task.id}: {record['status']} {record['right']}/{record['tests']} "
                  f"{record.get('program') or ''}"[:160], file=sys.stderr)

        run_killable(tasks, _child, limit, jobs, failed, done, payload=lambda t: t.task)
    solved, right, total = counts["solved"], counts["right"], counts["total"]
    return {"dataset": dataset, "tasks": len(tasks), "task_accuracy": solved / max(len(tasks), 1),
            "raw_accuracy": right / max(total, 1), "tasks_correct": solved, "tests_right": right,
            "tests": total, "limit": limit, "jobs": jobs, "seconds": round(time.monotonic() - started, 1),
            "halves": {h: {**c, "task_accuracy": c["tasks_correct"] / max(c["tasks"], 1)} for h, c in by_half.items()}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", action="append", required=True, choices=sorted(DATASETS),
                        help="dataset name (repeatable)")
    parser.add_argument("--limit", type=float, default=60.0, help="wall-clock seconds per task")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--first", type=int, default=None, help="only the first N tasks (after --every)")
    parser.add_argument("--every", type=int, default=1, help="only every K-th task (a spread subset)")
    parser.add_argument("--half", choices=HALVES, default=None,
                        help="only the development or the held-out half (see the module docstring)")
    parser.add_argument("--only", default=None, help="only the tasks whose ids are listed (comma-separated)")
    parser.add_argument("--root", type=Path, default=SHARED, help="shared benchmarks root")
    parser.add_argument("--out", type=Path, required=True, help="folder for the per-task JSON lines")
    args = parser.parse_args(argv)
    if args.out.resolve().is_relative_to(REPO):
        parser.error("--out must lie outside the repository")
    args.out.mkdir(parents=True, exist_ok=True)
    summaries = []
    for name in args.dataset:
        every = load_dataset(name, args.root)
        halves = {t.id: half_of(k) for k, t in enumerate(every)}
        tasks = [t for t in every if args.half is None or halves[t.id] == args.half]
        if args.only:
            wanted = set(args.only.split(","))
            tasks = [t for t in tasks if t.id in wanted]
        tasks = tasks[::args.every][:args.first]
        out_file = args.out / f"{name}.jsonl"
        out_file.write_text("")
        summary = run(tasks, name, args.limit, args.jobs, out_file, halves)
        summaries.append(summary)
        print(json.dumps(summary))
    (args.out / "summary.json").write_text(json.dumps(summaries, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

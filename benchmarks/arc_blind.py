"""ARC measured as a new user would: tasks written with the test outputs removed, solved by the CLI, scored apart.

`prepare` writes a named dataset's tasks, test outputs removed, into K folders (one per worker);
run `hypsearch solve FOLDER --out sub_k.json --timeout S --json > run_k.jsonl` on each, side by side;
`score` reads the submissions and the `--json` lines and compares them with the dataset's answers:
solved (every test output among its two attempts), and of the tasks the solver reported solved (a
program fit every train pair), how many were right and how many wrong on the test.

    python benchmarks/arc_blind.py prepare arc:evaluation /tmp/blind --parts 2
    nice -n 10 hypsearch solve /tmp/blind/part1 --out /tmp/blind/sub1.json --timeout 10 --json > /tmp/blind/run1.jsonl &
    nice -n 10 hypsearch solve /tmp/blind/part2 --out /tmp/blind/sub2.json --timeout 10 --json > /tmp/blind/run2.jsonl
    python benchmarks/arc_blind.py score arc:evaluation /tmp/blind
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def _raw(dataset: str) -> dict[str, dict[str, Any]]:
    from hypsearch.batch.datasets import resolve_dataset
    from hypsearch.batch.formats import read_raw

    return {ref.id: read_raw(ref) for ref in resolve_dataset(dataset)}


def prepare(dataset: str, out: Path, parts: int) -> None:
    """Write every task of `dataset` without its test outputs, dealt into `parts` folders."""
    tasks = _raw(dataset)
    for k, tid in enumerate(sorted(tasks)):
        folder = out / f"part{k % parts + 1}"
        folder.mkdir(parents=True, exist_ok=True)
        task = tasks[tid]
        blind = {"train": task["train"], "test": [{"input": p["input"]} for p in task["test"]]}
        (folder / f"{tid}.json").write_text(json.dumps(blind), encoding="utf-8")
    print(f"wrote {len(tasks)} tasks of {dataset} into {parts} folders under {out}")


def score(dataset: str, out: Path) -> dict[str, int]:
    """Solved, reported-fitting, fitting-right and fitting-wrong counts of the runs under `out`."""
    tasks = _raw(dataset)
    submission: dict[str, Any] = {}
    for path in sorted(out.glob("sub*.json")):
        submission.update(json.loads(path.read_text()))
    status: dict[str, str] = {}
    for path in sorted(out.glob("run*.jsonl")):
        for line in path.read_text().splitlines():
            if line.startswith("{"):
                rec = json.loads(line)
                status[rec["task"]] = rec.get("status", "")
    right = set()
    for tid, task in tasks.items():
        entries = submission.get(tid) or []
        answers = [p["output"] for p in task["test"]]
        if len(entries) == len(answers) and all(
                a in (e.get("attempt_1"), e.get("attempt_2")) for a, e in zip(answers, entries)):
            right.add(tid)
    fitting = {t for t, s in status.items() if s == "solved"}
    counts = {"tasks": len(tasks), "answered": len(submission), "solved": len(right), "fitting": len(fitting),
              "fitting_right": len(fitting & right), "fitting_wrong": len(fitting - right)}
    print(json.dumps(counts))
    return counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("dataset")
    p.add_argument("out", type=Path)
    p.add_argument("--parts", type=int, default=2)
    s = sub.add_parser("score")
    s.add_argument("dataset")
    s.add_argument("out", type=Path)
    args = ap.parse_args(argv)
    if args.cmd == "prepare":
        prepare(args.dataset, args.out, args.parts)
    else:
        score(args.dataset, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Active induction on real data: start from 2 examples, ask about pool inputs, score on the whole pool.

The PBE_SLIA `-long` files list many examples of one task.  Each run keeps the first 2 as the task's
examples and hides the rest: their inputs form the unlabelled pool, their outputs the oracle (it answers
only pool inputs, None elsewhere).  Three arms per task:

- `none`:   the 2 examples only (no queries);
- `active`: up to K queries chosen by the engine (inputs that split the competing programs, pool first);
- `random`: K pool inputs chosen at random (seeded), their answers added as examples, one solve.

A program is *right* when it gets every pool example right; `hidden acc` is the mean share of pool
examples right.  One JSON line per (task, arm) goes to --out.

    python benchmarks/active_bench.py --timeout 3 --ambiguity 1.5 --max-queries 4 --out /tmp/active
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from hypsearch import Example, Settings, get_domain, solve
from hypsearch.check.interpreter import evaluate
from hypsearch.core.errors import EvaluationError
from hypsearch.core.formats import detect_format

REPO = Path(__file__).resolve().parents[1]
FOLDER = REPO.parent / "shared" / "benchmarks" / "sygus" / "pbe_slia" / "from_2018"


def score(task: Any, program: Any, hidden: list[Example]) -> float:
    """Share of hidden examples the program gets right (0 without a program)."""
    if program is None or not hidden:
        return 0.0
    domain = get_domain(task.domain)
    right = 0
    for ex in hidden:
        try:
            right += evaluate(domain, program, task.signature.env(ex.inputs)) == ex.output
        except EvaluationError:
            pass
    return right / len(hidden)


def run_task(path: Path, args: argparse.Namespace) -> list[dict[str, Any]]:
    """The three arms on one file."""
    (labelled,) = detect_format(path).load(path)
    full = labelled.task  # the solver sees the Task; the hidden examples below are the oracle
    examples = list({repr(ex.inputs): ex for ex in full.examples}.values())
    given, hidden = examples[:2], examples[2:]
    answers = {repr(ex.inputs): ex.output for ex in hidden}
    task = replace(full, examples=tuple(given), tests=())
    settings = Settings(time_limit=args.timeout, ambiguity_seconds=args.ambiguity, max_queries=args.max_queries,
                        seed=args.seed)
    rows = []

    def oracle(inputs: tuple[Any, ...]) -> Any:
        return answers.get(repr(inputs))

    arms = {
        "none": lambda: solve(task, settings.with_(ambiguity_seconds=0)),
        "active": lambda: solve(task, settings, oracle=oracle, pool=[ex.inputs for ex in hidden]),
        "random": lambda: solve(replace(task, examples=tuple(
            given + random.Random(args.seed).sample(hidden, min(args.max_queries, len(hidden))))),
            settings.with_(ambiguity_seconds=0)),
    }
    for arm, run in arms.items():
        started = time.monotonic()
        result = run()
        acc = score(task, result.program, hidden)
        rows.append({"task": path.stem, "arm": arm, "status": result.status.value, "program": result.program_text,
                     "hidden": len(hidden), "hidden_acc": round(acc, 4), "right": acc == 1.0,
                     "queries": len(result.queries) if arm == "active" else (0 if arm == "none" else args.max_queries),
                     "answered": sum(q.answered for q in result.queries),
                     "stop_reason": result.stop_reason, "seconds": round(time.monotonic() - started, 2)})
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    """The summary table (markdown) over all tasks, one line per arm."""
    lines = ["| arm | tasks | right on the whole pool | mean hidden acc | mean queries | queries when right |",
             "|---|---|---|---|---|---|"]
    for arm in ("none", "random", "active"):
        rs = [r for r in rows if r["arm"] == arm]
        if not rs:
            continue
        right = [r for r in rs if r["right"]]
        q_right = sum(r["queries"] for r in right) / len(right) if right else 0.0
        lines.append(f"| {arm} | {len(rs)} | {len(right)} | {sum(r['hidden_acc'] for r in rs) / len(rs):.3f} | "
                     f"{sum(r['queries'] for r in rs) / len(rs):.2f} | {q_right:.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", default=str(FOLDER))
    parser.add_argument("--timeout", type=float, default=3.0, help="seconds per solve")
    parser.add_argument("--ambiguity", type=float, default=1.5, help="seconds per query round spent on competitors")
    parser.add_argument("--max-queries", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--out", required=True, help="folder for results.jsonl and table.md (outside the repo)")
    args = parser.parse_args(argv)
    files = sorted(p for p in Path(args.folder).glob("*-long.sl"))[:args.limit]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    with (out / "results.jsonl").open("w", encoding="utf-8") as log:
        for path in files:
            for row in run_task(path, args):
                rows.append(row)
                log.write(json.dumps(row) + "\n")
                log.flush()
                print(f"{row['task']:28} {row['arm']:7} acc {row['hidden_acc']:.2f} q {row['queries']} "
                      f"{row['seconds']:6.1f}s {row['program'][:70]}", file=sys.stderr, flush=True)
    text = table(rows)
    (out / "table.md").write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The neural half measured with a real model: symbolic, llm and hybrid at the same wall-clock budget per task.

A local llama.cpp engine (`hypsearch.llm.local_engine`, a GGUF file from ../shared/models/get-model) is
started once; every task runs in its own killable child with the same per-task budget in each mode, the
modes back to back on each task (so each meets the same machine load; `load1` in every record), or with
`--side-by-side` all at once (then they share the machine's cores with each other, at the same moment).
Tasks are chosen by a stated rule (every K-th file or task of a fixed, sorted list), and solvers get them
blind by construction: a child solves `LabelledTask.task` (inputs only) and the parent scores its predictions.

    python benchmarks/llm_bench.py --model qwen2.5-coder-1.5b --budget 60 --out /tmp/llm15
    python benchmarks/llm_bench.py --model qwen2.5-coder-0.5b --sets slia --modes llm --out /tmp/llm05

Prints one table per run and writes `records.jsonl` (one line per task and mode, appended as each finishes)
and `summary.json` / `summary.md` to `--out` (a folder outside the repository).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
from hypsearch.batch.killable import run_killable  # noqa: E402  (the one killable-child runner)

SHARED = REPO.parent / "shared"
BENCH = SHARED / "benchmarks"
ARC_IDS = BENCH / "arc-subsets" / "hypothesis-search" / "random_100_arc_ids.DERIVED.txt"
MODES = ("symbolic", "llm", "hybrid")


@dataclasses.dataclass(frozen=True)
class TaskSet:
    """A fixed benchmark set: how to load it (sorted, then every K-th) and whether it has held-out tests."""

    name: str
    rule: str
    load: Callable[[int], list[Any]]
    default_every: int


def _slia(every: int) -> list[Any]:
    from hypsearch.core.formats import detect_format

    files = sorted((BENCH / "sygus" / "pbe_slia").rglob("*.sl"))[::every]
    return [t for f in files for t in detect_format(f).load(f)]


def _lists(every: int) -> list[Any]:
    from hypsearch.core.formats import available_formats

    path = BENCH / "list-functions" / "qiu2024" / "list_function.jsonl"
    return list(available_formats()["list-functions"].load(path))[::every]


def _arc(every: int) -> list[Any]:
    from hypsearch.solvers.arc.format import load_dataset

    ids = [line.strip() for line in ARC_IDS.read_text().splitlines() if line.strip()]
    pool = {t.id: t for t in load_dataset("arc:training")}
    return [pool[i] for i in ids if i in pool][::every]


SETS = {
    "slia": TaskSet("slia", "every K-th PBE_SLIA file (sorted paths under sygus/pbe_slia)", _slia, 25),
    "lists": TaskSet("lists", "every K-th List Functions task (qiu2024/list_function.jsonl order)", _lists, 30),
    "arc": TaskSet("arc", "every K-th of the 100 Hypothesis Search ARC training ids (file order)", _arc, 12),
}


def correct(task: Any, record: dict[str, Any]) -> bool:
    """Solved: SyGuS (no held-out tests) by z3/constraint check; others by every answer among the attempts
    (a LabelledTask, scored here in the parent: the child only ever saw `task.task`)."""
    if not task.task.tests:
        return record.get("status") == "solved"
    return bool(task.correct(record.get("predictions", ())))


LLM_KEYS = ("calls", "http_calls", "prompt_tokens", "completion_tokens", "hypotheses", "hypothesis_requests",
            "failed_requests", "unusable_replies", "truncated_replies", "unconstrained_replies", "last_fault",
            "grammar_constrained")


def _child_for(settings: Any) -> Callable[[Any, float, Any], None]:
    def child(task: Any, limit: float, conn: Any) -> None:
        from hypsearch import solve

        try:
            result = solve(task, settings.with_(time_limit=limit))
            llm = result.stats.get("llm", {})
            conn.send({"status": result.status.value, "stop_reason": result.stop_reason[:300],
                       "predictions": result.predictions, "program": result.program_text or None,
                       "provenance": result.candidates[0].provenance.proposer if result.candidates and
                       result.program_text else None,
                       "seconds": round(result.seconds, 2), "translations": llm.get("translations", {}),
                       "model_interrupts": result.stats.get("model_interrupts", 0),
                       "seeds": result.stats.get("seeds"),
                       "alternatives_seeded": sum(1 for c in result.candidates
                                                  if c.provenance.proposer == "hybrid+seeded"),
                       **{k: llm.get(k) for k in LLM_KEYS if k in llm}})
        except Exception as exc:  # the crash is this task's record
            conn.send({"status": "error", "stop_reason": repr(exc)[:300]})
        finally:
            conn.close()
    return child


def preload() -> None:
    """Import the LLM path here, before the children fork: each child otherwise spends seconds of its budget
    importing `openai` (8 s of wall clock measured on the loaded machine), which the symbolic mode never pays."""
    import hypsearch.proposers.hybrid  # noqa: F401
    import hypsearch.proposers.llm  # noqa: F401
    import hypsearch.llm.translator  # noqa: F401


def generation_speed(base_url: str) -> dict[str, float]:
    """llama.cpp's own timings for one short unconstrained reply (tokens/s of prompt and of generation)."""
    body = json.dumps({"messages": [{"role": "user", "content": "Count from 1 to 30, separated by spaces."}],
                       "max_tokens": 64, "temperature": 0}).encode()
    req = urllib.request.Request(base_url + "/chat/completions", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=300) as resp:
        timings = json.load(resp).get("timings", {})
    return {"prompt_tokens_per_s": round(timings.get("prompt_per_second", 0.0), 1),
            "generation_tokens_per_s": round(timings.get("predicted_per_second", 0.0), 1)}


def summarise(name: str, mode: str, records: list[dict[str, Any]]) -> dict[str, Any]:
    """One row of the table: solved, model-only, translations that parsed, hypotheses and tokens per task."""
    n = len(records)
    tr = [r.get("translations") or {} for r in records]
    translations = sum(t.get("translations", 0) for t in tr)
    first_try = sum(t.get("parsed_first_try", 0) for t in tr)
    parsed = sum(t.get("parse_successes", 0) for t in tr)
    return {"set": name, "mode": mode, "tasks": n, "solved": sum(bool(r.get("correct")) for r in records),
            "translations": translations,
            "parse_first_try_pct": round(100 * first_try / translations, 1) if translations else None,
            "parse_pct": round(100 * parsed / translations, 1) if translations else None,
            "hypotheses_per_task": round(sum(r.get("hypotheses") or 0 for r in records) / max(n, 1), 2),
            "tokens_per_task": round(sum((r.get("prompt_tokens") or 0) + (r.get("completion_tokens") or 0)
                                         for r in records) / max(n, 1)),
            "model_solved": sum(1 for r in records if r.get("correct") and
                                (r.get("provenance") or "").startswith(("llm", "hybrid+fill"))),
            "seeded_tasks": sum(1 for r in records if (r.get("seeds") or {}).get("programs")),
            "seeded_solved": sum(1 for r in records if r.get("correct") and
                                 (r.get("provenance") == "hybrid+seeded" or r.get("alternatives_seeded"))),
            "faults": sum(1 for r in records if r.get("last_fault"))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="qwen2.5-coder-1.5b", help="a get-model name or a .gguf path")
    parser.add_argument("--sets", default="slia,lists,arc")
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--budget", type=float, default=60.0, help="wall-clock seconds per task, every mode")
    parser.add_argument("--every", type=int, default=None, help="override each set's K")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--hypotheses", type=int, default=3)
    parser.add_argument("--repairs", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--transcripts", action="store_true", help="keep each task's LLM transcript in --out")
    parser.add_argument("--side-by-side", action="store_true",
                        help="run the modes of each task at the same time (one child each), not one after another")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.out.resolve().is_relative_to(REPO):
        parser.error("--out must lie outside the repository")
    args.out.mkdir(parents=True, exist_ok=True)
    from hypsearch import Settings
    from hypsearch.llm.local_engine import LocalEngine

    preload()

    model = args.model if args.model.endswith(".gguf") else subprocess.run(
        [str(SHARED / "models" / "get-model"), args.model], check=True, capture_output=True,
        text=True).stdout.strip().splitlines()[-1]
    modes = args.modes.split(",")
    # below the search when a hybrid runs beside it; at full priority when the model works alone
    niceness = 10 if "hybrid" in modes else 0
    engine = LocalEngine(model, threads=args.threads, niceness=niceness).start() if set(modes) - {"symbolic"} else None
    meta = {"model": Path(model).name, "threads": args.threads, "server_niceness": niceness, "budget_s": args.budget, "rounds": args.rounds,
            "hypotheses": args.hypotheses, "repairs": args.repairs, "started": time.strftime("%Y-%m-%d %H:%M"),
            "speed": generation_speed(engine.base_url) if engine else {}}
    print(json.dumps(meta), file=sys.stderr)
    rows = []
    records_file = args.out / "records.jsonl"
    try:
        for name in args.sets.split(","):
            ts = SETS[name]
            tasks = ts.load(args.every or ts.default_every)
            meta.setdefault("sets", {})[name] = {"rule": ts.rule, "every": args.every or ts.default_every,
                                                 "tasks": len(tasks)}
            settings = {mode: Settings(proposer=mode, time_limit=args.budget, rounds=args.rounds,
                                       hypotheses=args.hypotheses, repairs=args.repairs, cache_mode="off",
                                       llm_threads=args.threads, local_model=model if engine else None,
                                       local_engine_url=engine.base_url if engine else None,
                                       transcript_dir=str(args.out / f"transcripts-{name}-{mode}")
                                       if args.transcripts else None)
                        for mode in modes}
            done_records: dict[str, list[dict[str, Any]]] = {mode: [] for mode in modes}

            def failed(task: Any, why: str) -> dict[str, Any]:
                return {"status": "killed" if "killed" in why else "error", "stop_reason": why}

            def done_for(mode: str, name: str = name, tasks: list = tasks,
                         acc: dict = done_records) -> Callable[[Any, dict[str, Any], float], None]:
                def done(task: Any, record: dict[str, Any], wall: float) -> None:
                    record["correct"] = correct(task, record)
                    record.pop("predictions", None)
                    record = {"set": name, "mode": mode, "task": task.id, "wall": round(wall, 1),
                              "load1": round(os.getloadavg()[0], 1), **record}
                    acc[mode].append(record)
                    with records_file.open("a") as fh:
                        fh.write(json.dumps(record) + "\n")
                    print(f"{name}/{mode} [{len(acc[mode])}/{len(tasks)}] {task.id}: {record['status']} "
                          f"correct={record.get('correct')} {record.get('program') or record.get('stop_reason')}"[:200],
                          file=sys.stderr)
                return done

            # the modes run back to back on each task, so every mode meets the same machine load
            for task in tasks:
                if args.side_by_side:  # every mode of a task at once: they meet the same load at the same time
                    def child(pair: tuple[str, Any], limit: float, conn: Any) -> None:
                        _child_for(settings[pair[0]])(pair[1], limit, conn)

                    run_killable([(mode, task) for mode in modes], child, args.budget + 1.0, len(modes),
                                 lambda pair, why: failed(pair[1], why),
                                 lambda pair, record, wall: done_for(pair[0])(pair[1], record, wall),
                                 grace=5.0, payload=lambda pair: (pair[0], pair[1].task))
                    continue
                for mode in modes:
                    run_killable([task], _child_for(settings[mode]), args.budget + 1.0, 1, failed, done_for(mode),
                                 grace=5.0, payload=lambda t: t.task)
            for mode in modes:
                rows.append(summarise(name, mode, done_records[mode]))
                print(json.dumps(rows[-1]), file=sys.stderr)
    finally:
        if engine is not None:
            engine.stop()
    cols = list(rows[0]) if rows else []
    table = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    table += ["| " + " | ".join("" if r[c] is None else str(r[c]) for c in cols) + " |" for r in rows]
    (args.out / "summary.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=1))
    (args.out / "summary.md").write_text(json.dumps(meta) + "\n\n" + "\n".join(table) + "\n")
    print("\n".join(table))
    return 0


if __name__ == "__main__":
    sys.exit(main())

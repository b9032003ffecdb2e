"""Reports from saved runs: summary.json, table.md, table.csv and cactus.svg.

`report([run_dir])` writes them into that run directory (the runner does this at the
end of every run); `report([a, b, ...], out)` compares several runs in `out`.  Only
`results.jsonl` (and `run.json` for the expected task count) are read, so reports can
be regenerated at any time, even while a run is going on.
"""

from __future__ import annotations

import csv
import json
import os
import statistics
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from hypsearch.batch.cactus import cactus_svg
from hypsearch.batch.records import SOLVED, STATUSES
from hypsearch.batch.results import RESULTS_NAME, read_results
from hypsearch.core.errors import ConfigError

CSV_FIELDS = ("run", "id", "domain", "status", "seconds", "attempts", "llm_calls", "llm_tokens", "llm_cost",
              "cache_hits", "program", "hypothesis", "error", "source")


def _num(values: Iterable[Any]) -> list[float]:
    return [float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]


def summarize(records: Sequence[Mapping[str, Any]], *, label: str = "", expected: int | None = None) -> dict[str, Any]:
    """Counts by status, solve rate, time statistics and LLM usage totals of one run's records."""
    by_status: dict[str, int] = {s: 0 for s in STATUSES}
    for rec in records:
        status = str(rec.get("status"))
        by_status[status] = by_status.get(status, 0) + 1
    seconds = _num(r.get("seconds") for r in records)
    solved_seconds = _num(r.get("seconds") for r in records if r.get("status") == SOLVED)
    finished = _num(r.get("finished_at") for r in records)
    solved = by_status.get(SOLVED, 0)
    domains = sorted({str(r.get("domain")) for r in records if r.get("domain") is not None})
    return {
        "run": label,
        "tasks": len(records),
        "expected_tasks": expected,
        "pending": max(0, expected - len(records)) if expected is not None else None,
        "solved": solved,
        "solve_rate": round(solved / len(records), 4) if records else 0.0,
        "by_status": by_status,
        "domains": domains,
        "seconds_total": round(sum(seconds), 3),
        "seconds_mean": round(statistics.fmean(seconds), 3) if seconds else None,
        "seconds_median": round(statistics.median(seconds), 3) if seconds else None,
        "solved_seconds_median": round(statistics.median(solved_seconds), 3) if solved_seconds else None,
        "wall_seconds": round(max(finished) - min(finished), 3) if len(finished) > 1 else None,
        "llm_calls": sum(_num(r.get("llm_calls") for r in records)),
        "llm_tokens": sum(_num(r.get("llm_tokens") for r in records)),
        "llm_cost": round(sum(_num(r.get("llm_cost") for r in records)), 6),
        "cache_hits": sum(_num(r.get("cache_hits") for r in records)),
        # of the solved records (a program fit every example), those whose test answers were right / wrong
        "test_right": sum(1 for r in records if r.get("status") == SOLVED and r.get("test_correct") is True),
        "test_wrong": sum(1 for r in records if r.get("status") == SOLVED and r.get("test_correct") is False),
    }


def load_run(run_dir: str | os.PathLike[str]) -> tuple[list[dict[str, Any]], int | None]:
    """A run's records and its expected task count (from run.json); ConfigError if it is no run."""
    run_dir = Path(run_dir)
    results = run_dir / RESULTS_NAME
    if not results.exists():
        raise ConfigError(f"{run_dir} is not a batch run directory (no {RESULTS_NAME})")
    expected = None
    try:
        sessions = json.loads((run_dir / "run.json").read_text()).get("sessions") or []
        expected = int(sessions[-1]["total"]) if sessions else None
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return read_results(results), expected


def _labels(run_dirs: Sequence[Path]) -> list[str]:
    names = [p.resolve().name or str(p) for p in run_dirs]
    if len(set(names)) == len(names):
        return names
    return [str(p) for p in run_dirs]


def report(run_dirs: Sequence[str | os.PathLike[str]], out: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Write summary.json, table.md, table.csv and cactus.svg for one or several runs; return the summary.

    `out` defaults to the run directory for one run and `./report` for several.  For one run
    summary.json is that run's summary; for several it is `{"runs": [...], "tasks": …,
    "solved_by_any": …, "solved_by_all": …}`.
    """
    dirs = [Path(d) for d in run_dirs]
    if not dirs:
        raise ConfigError("report needs at least one run directory")
    out_dir = Path(out) if out is not None else (dirs[0] if len(dirs) == 1 else Path("report"))
    out_dir.mkdir(parents=True, exist_ok=True)
    labels = _labels(dirs)
    runs = []
    for d, label in zip(dirs, labels):
        records, expected = load_run(d)
        runs.append((label, records, summarize(records, label=label, expected=expected)))
    if len(runs) == 1:
        summary: dict[str, Any] = runs[0][2]
    else:
        solved_sets = [{r["id"] for r in recs if r.get("status") == SOLVED} for _, recs, _ in runs]
        all_ids = set().union(*({r["id"] for r in recs} for _, recs, _ in runs))
        summary = {"runs": [s for _, _, s in runs], "tasks": len(all_ids),
                   "solved_by_any": len(set().union(*solved_sets)),
                   "solved_by_all": len(set.intersection(*solved_sets)) if solved_sets else 0}
    _write_atomic(out_dir / "summary.json", json.dumps(summary, indent=2) + "\n")
    _write_atomic(out_dir / "table.csv", _csv(runs))
    _write_atomic(out_dir / "table.md", _markdown(runs))
    expected_total = max((s.get("expected_tasks") or s["tasks"] for _, _, s in runs), default=None)
    series = [(label, _num(r.get("seconds") for r in recs if r.get("status") == SOLVED)) for label, recs, _ in runs]
    _write_atomic(out_dir / "cactus.svg", cactus_svg(series, total=expected_total))
    return summary


def write_run_reports(run_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """The reports of one run, written into its own directory."""
    return report([run_dir], run_dir)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _csv(runs: Sequence[tuple[str, list[dict[str, Any]], dict[str, Any]]]) -> str:
    import io

    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for label, records, _ in runs:
        for rec in sorted(records, key=lambda r: r["id"]):
            writer.writerow({**{k: rec.get(k) for k in CSV_FIELDS}, "run": label})
    return buf.getvalue()


def _cell(value: Any, limit: int = 60) -> str:
    if value is None:
        return ""
    text = str(value).replace("\n", " ").replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _secs(value: Any) -> str:
    return f"{value:.2f}" if isinstance(value, (int, float)) and not isinstance(value, bool) else ""


def _markdown(runs: Sequence[tuple[str, list[dict[str, Any]], dict[str, Any]]]) -> str:
    lines = ["# hypsearch batch report", ""]
    head = ["run", "tasks", "solved", "rate", *STATUSES[1:], "median s", "total s", "LLM calls", "tokens", "cost"]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for label, _, s in runs:
        tasks = f"{s['tasks']}" + (f" (of {s['expected_tasks']})" if s.get("pending") else "")
        row = [_cell(label), tasks, str(s["solved"]), f"{100 * s['solve_rate']:.1f}%",
               *(str(s["by_status"].get(st, 0)) for st in STATUSES[1:]),
               _secs(s["seconds_median"]), _secs(s["seconds_total"]), f"{s['llm_calls']:g}",
               f"{s['llm_tokens']:g}", f"{s['llm_cost']:.4f}"]
        lines.append("| " + " | ".join(row) + " |")
    for label, _, s in runs:
        if s.get("test_right") or s.get("test_wrong"):
            lines.append(f"\n{_cell(label)}: of the solved tasks (a program fit every example), "
                         f"{s['test_right']} answered the tests right and {s['test_wrong']} wrong.")
    lines += ["", "![cactus plot](cactus.svg)", ""]
    if len(runs) == 1:
        _, records, _ = runs[0]
        head = ["id", "domain", "status", "seconds", "attempts", "LLM calls", "program", "error"]
        lines += ["## Tasks", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for rec in sorted(records, key=lambda r: r["id"]):
            row = [_cell(rec["id"]), _cell(rec.get("domain")), _cell(rec.get("status")), _secs(rec.get("seconds")),
                   _cell(rec.get("attempts")), _cell(rec.get("llm_calls")), _cell(rec.get("program")),
                   _cell(rec.get("error"))]
            lines.append("| " + " | ".join(row) + " |")
    else:
        by_run = [{r["id"]: r for r in recs} for _, recs, _ in runs]
        ids = sorted(set().union(*by_run))
        head = ["id", *(_cell(label, 30) for label, _, _ in runs)]
        lines += ["## Tasks (status, seconds)", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for tid in ids:
            cells = []
            for table in by_run:
                rec = table.get(tid)
                if rec is None:
                    cells.append("—")
                else:
                    status = str(rec.get("status"))
                    text = f"{status} {_secs(rec.get('seconds'))}".strip()
                    cells.append(f"**{text}**" if status == SOLVED else text)
            lines.append("| " + " | ".join([_cell(tid), *cells]) + " |")
    return "\n".join(lines) + "\n"

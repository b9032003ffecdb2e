"""Run directories read for the HTML report: records, summary, where the transcripts are, one row per task.

Only what `hypsearch batch` leaves in a run dir is read (`results.jsonl`, `run.json`, the transcripts), through
the batch readers; a path that is no run, or a results file with no readable record, is a ConfigError with a
one-line message.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

from hypsearch.batch.records import TRANSCRIPTS_DIR
from hypsearch.batch.report import load_run, summarize
from hypsearch.batch.results import RESULTS_NAME
from hypsearch.core.errors import ConfigError
from hypsearch.llm.transcript import transcript_path


@dataclass(frozen=True)
class Run:
    """One run dir: its label, records by task id (file order), summary and transcript folder (if any)."""

    label: str
    path: Path
    records: Mapping[str, Mapping[str, Any]]
    summary: Mapping[str, Any]
    transcripts: Path | None

    def transcript_of(self, task_id: str) -> Path | None:
        """The transcript file of `task_id`, when the run recorded one."""
        if self.transcripts is None:
            return None
        path = transcript_path(self.transcripts, task_id)
        return path if path.is_file() else None


def number(value: Any) -> float | None:
    """`value` as a float when it is a number (bools and text are not)."""
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _transcript_dir(run_dir: Path) -> Path | None:
    """The run's transcripts: `settings.transcript_dir` of run.json when it exists, else RUN_DIR/transcripts."""
    try:
        settings = json.loads((run_dir / "run.json").read_text(encoding="utf-8")).get("settings") or {}
    except (OSError, ValueError, AttributeError):
        settings = {}
    named = settings.get("transcript_dir") if isinstance(settings, dict) else None
    candidates = [Path(named), run_dir / Path(named)] if isinstance(named, str) and named else []
    for folder in [*candidates, run_dir / TRANSCRIPTS_DIR]:
        if folder.is_dir():
            return folder
    return None


def _clean(record: Mapping[str, Any]) -> dict[str, Any]:
    """A record with `status` a string and numbers that are numbers, so pages never trip on odd rows."""
    rec = dict(record)
    rec["status"] = str(rec.get("status") or "unknown")
    for key in ("seconds", "size", "llm_calls", "llm_tokens", "llm_cost", "attempts"):
        if key in rec and number(rec[key]) is None:
            rec[key] = None
    return rec


def load_runs(run_dirs: Sequence[str | Path]) -> list[Run]:
    """Every run dir read; ConfigError (one line) for a missing dir, no run, or no readable record."""
    if not run_dirs:
        raise ConfigError("report needs at least one run directory")
    paths = [Path(d) for d in run_dirs]
    names = [p.resolve().name or str(p) for p in paths]
    labels = names if len(set(names)) == len(names) else [str(p) for p in paths]
    runs = []
    for path, label in zip(paths, labels):
        if not path.is_dir():
            raise ConfigError(f"{path}: no such run directory")
        records, expected = load_run(path)
        if not records and (path / RESULTS_NAME).stat().st_size > 0:
            raise ConfigError(f"{path / RESULTS_NAME}: no readable record (is the file corrupt?)")
        by_id = {str(r["id"]): _clean(r) for r in records}
        runs.append(Run(label, path, by_id, summarize(list(by_id.values()), label=label, expected=expected),
                        _transcript_dir(path)))
    return runs


def task_ids(runs: Sequence[Run]) -> list[str]:
    """Every task id of the runs, first run's order first, then ids only later runs have."""
    return list(dict.fromkeys(tid for run in runs for tid in run.records))


def page_name(task_id: str) -> str:
    """A file-name-safe, collision-free stem for a task's page (a short hash when characters were replaced)."""
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", task_id).strip(".") or "task"
    if safe != task_id:
        safe += "-" + hashlib.sha1(task_id.encode("utf-8")).hexdigest()[:8]
    return safe

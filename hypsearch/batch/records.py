"""Result records: the fields every row of `results.jsonl` has and how a row is built.

A solve function returns any JSON-able dict; the runner adds the fields it owns
(id, where the task came from, wall seconds, finish time) and fills the common
fields a report reads with None when the solve function did not set them.
"""

from __future__ import annotations

import json
import math
import time
from typing import Any, Mapping

from hypsearch.core.refs import TaskRef

SOLVED = "solved"
UNSOLVED = "unsolved"
TIMEOUT = "timeout"
CRASHED = "crashed"
MEMORY = "memory"
ERROR = "error"
STATUSES = (SOLVED, UNSOLVED, TIMEOUT, CRASHED, MEMORY, ERROR)
"""Statuses the runner knows; a solve function may return others (they are counted as-is)."""

COMMON_FIELDS = (
    "id", "domain", "status", "program", "hypothesis", "attempts", "seconds",
    "llm_calls", "llm_tokens", "llm_cost", "cache_hits", "error",
)
"""Fields every record carries (None when unknown), in table column order."""

TRANSCRIPTS_DIR = "transcripts"
"""Where `hypsearch batch --proposer llm|hybrid` keeps the model's transcripts inside a run dir by default."""

RUNNER_FIELDS = ("id", "seconds", "source", "index", "format", "finished_at")
"""Fields owned by the runner: a solve function's values for them are overwritten."""


def jsonable(value: Any) -> Any:
    """`value` converted to plain JSON data (unknown objects become their `str`)."""
    return json.loads(json.dumps(value, default=str, allow_nan=True))


def build_record(ref: TaskRef, outcome: Mapping[str, Any]) -> dict[str, Any]:
    """The row for `ref` from a worker outcome (`{"status", "seconds", "record"?, "error"?}`)."""
    solved = dict(outcome.get("record") or {})
    status = outcome.get("status")
    if status is None:
        status = solved.get("status")
        if not isinstance(status, str) or not status:
            status = SOLVED if solved.get("solved") is True else UNSOLVED
    record: dict[str, Any] = {name: None for name in COMMON_FIELDS}
    record.update(solved)
    record["status"] = status
    if outcome.get("error"):
        record["error"] = outcome["error"]
    seconds = outcome.get("seconds")
    record["id"] = ref.id
    record["seconds"] = round(float(seconds), 6) if isinstance(seconds, (int, float)) and math.isfinite(seconds) else None
    record["source"] = ref.path
    record["index"] = ref.index
    record["format"] = ref.format
    record["finished_at"] = round(time.time(), 3)
    return record


def discovery_error_record(ref: TaskRef) -> dict[str, Any]:
    """The error row of a ref that discovery could not read."""
    return build_record(ref, {"status": ERROR, "seconds": 0.0, "error": ref.error})

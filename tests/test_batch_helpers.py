"""Solve functions for the batch tests (importable by worker processes; holds no tests itself).

`scripted_solve` reads a `behaviour` from the task (JSON key, or `; behaviour: X` in a
`.sl` file) and misbehaves accordingly: good, unsolved, raise, exit, abort, segfault,
hang, slow, memory, memory_gradual, print.
"""

from __future__ import annotations

import ctypes
import json
import os
import re
import time
from pathlib import Path
from typing import Any

from hypsearch.batch import TaskRef, read_raw, read_text

DATA = Path(__file__).resolve().parent / "data" / "batch"


def behaviour_of(ref: TaskRef) -> tuple[str, dict[str, Any]]:
    """The task's scripted behaviour and its raw data (raises on unreadable input, like a loader)."""
    if ref.format == "sygus":
        text = read_text(ref)
        m = re.search(r";\s*behaviour:\s*(\w+)(?:\s+(\S+))?", text)
        return (m.group(1), {"arg": m.group(2)}) if m else ("good", {})
    raw = read_raw(ref)
    return str(raw.get("behaviour", "good")), raw


def scripted_solve(ref: TaskRef, settings: dict[str, Any]) -> dict[str, Any]:
    """Act out the task's behaviour; `good` returns a solved record with every common field."""
    behaviour, raw = behaviour_of(ref)
    if behaviour == "raise":
        raise ValueError(f"scripted failure in {ref.id}")
    if behaviour == "exit":
        os._exit(3)
    if behaviour == "abort":
        os.abort()
    if behaviour == "segfault":
        ctypes.string_at(0)
    if behaviour == "hang":
        while True:
            time.sleep(0.05)
    if behaviour == "spin":
        while True:
            pass
    if behaviour == "slow":
        time.sleep(float(raw.get("arg") or raw.get("seconds") or 0.2))
    if behaviour == "memory":
        block = bytearray(4 * 2**30)  # 4 GB at once: above any test's cap
        return {"status": "solved", "program": str(len(block))}
    if behaviour == "memory_gradual":
        chunks = []
        while True:
            chunks.append(bytearray(64 * 2**20))
    if behaviour == "print":
        print("noise on stdout " * 10)
    if behaviour == "unsolved":
        return {"status": "unsolved", "domain": "test", "error": None}
    return {"status": "solved", "domain": "test", "program": f"(answer {ref.id})", "hypothesis": "it is scripted",
            "attempts": 1, "llm_calls": 2, "llm_tokens": 100, "llm_cost": 0.001, "cache_hits": 1,
            "settings_seen": settings.get("marker")}


def sleepy_solve(ref: TaskRef, settings: dict[str, Any]) -> dict[str, Any]:
    """Sleep the seconds named in a `.sl` comment `; sleep: S` (default 0.05) and succeed."""
    m = re.search(r";\s*sleep:\s*([\d.]+)", Path(ref.path).read_text())
    time.sleep(float(m.group(1)) if m else 0.05)
    return {"status": "solved", "program": ref.id, "pid": os.getpid()}


def pid_solve(ref: TaskRef, settings: dict[str, Any]) -> dict[str, Any]:
    """Report which worker process ran the task (for the pool-reuse test)."""
    return {"status": "solved", "pid": os.getpid()}


def write_json(path: Path, obj: Any) -> Path:
    """Write `obj` as JSON to `path` and return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj))
    return path

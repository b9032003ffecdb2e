"""`run()`: discover tasks, skip finished ones on resume, execute the rest in isolation,
append each record durably as it lands and write the run's reports at the end.

The run directory holds `results.jsonl` (the only source of truth), `run.json`
(settings and sessions), `logs/` (worker output) and the reports written by `report`.
"""

from __future__ import annotations

import fcntl
import json
import os
import pickle
import sys
import time
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, TextIO

from hypsearch.batch.discovery import discover, unique_ids
from hypsearch.batch.executors import DaskExecutor, Executor, LocalExecutor
from hypsearch.batch.formats import loaders
from hypsearch.batch.progress import Progress
from hypsearch.batch.records import SOLVED, build_record, discovery_error_record
from hypsearch.core.refs import TaskRef
from hypsearch.batch.results import RESULTS_NAME, ResultsFile
from hypsearch.batch.solve import SolveFn, default_solve
from hypsearch.batch.worker import Job
from hypsearch.core.errors import ConfigError

DEFAULT_TIMEOUT = 60.0
DEFAULT_MEMORY_MB = 4096


def run(paths: Iterable[str | os.PathLike[str]], settings: Mapping[str, Any] | None = None, *,
        out: str | os.PathLike[str], jobs: int = 1, timeout: float | None = DEFAULT_TIMEOUT,
        memory_mb: float | None = DEFAULT_MEMORY_MB, resume: bool = False,
        executor: str | Executor | None = None, solve_fn: SolveFn | None = None,
        progress: bool | TextIO = True, write_reports: bool = True) -> Iterator[dict[str, Any]]:
    """Solve every task under `paths`, yielding each record as it is appended to `out/results.jsonl`.

    `timeout` (wall seconds) and `memory_mb` (address space) are per task; None disables
    them.  `executor` is None/"local" (a pool of `jobs` worker processes),
    "dask://HOST:PORT", or an object with the `Executor.map` method.  With `resume`, tasks
    whose id already has a complete line are skipped.  `progress` is True (stderr), False,
    or a stream.  Nothing happens until the iterator is consumed.
    """
    paths = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    settings = dict(settings or {})
    solve_fn = solve_fn or default_solve
    validate = getattr(solve_fn, "validate_settings", None)
    if callable(validate):
        validate(settings)
    job_loaders = loaders()
    _check_picklable(solve_fn, job_loaders, settings)
    preload = _preload(solve_fn, settings)
    refs = unique_ids(discover(paths))
    run_dir = Path(out)
    run_dir.mkdir(parents=True, exist_ok=True)
    with _exclusive(run_dir):
        store = ResultsFile(run_dir / RESULTS_NAME)
        done = store.load_and_repair()
        if done and not resume:
            raise ConfigError(f"{run_dir} already holds {len(done)} results: pass resume=True (--resume) "
                              "to continue that run, or choose another --out directory")
        pending = [r for r in refs if r.id not in done]
        executor_obj = _make_executor(executor, jobs=jobs, timeout=timeout, memory_mb=memory_mb,
                                      preload=preload, log_dir=run_dir / "logs")
        _write_run_json(run_dir, paths, settings, jobs=jobs, timeout=timeout, memory_mb=memory_mb,
                        executor=executor, solve_fn=solve_fn, total=len(refs), skipped=len(refs) - len(pending))
        ids = {r.id for r in refs}
        prior = [rec for rec in done.values() if rec["id"] in ids]
        stream = progress if not isinstance(progress, bool) else sys.stderr
        bar = Progress(len(refs), done=len(prior), solved=sum(r.get("status") == SOLVED for r in prior),
                       stream=stream, enabled=progress is not False)
        bar.begin(f"hypsearch batch: {len(refs)} tasks, {len(prior)} already done, "
                  f"{len(pending)} to run -> {run_dir}" if prior else "")
        completed = False
        try:
            for ref in pending:
                if ref.error is not None:
                    record = discovery_error_record(ref)
                    store.append(record)
                    bar.update(record)
                    yield record
            jobs_iter = ((ref, pickle.dumps(Job(ref, settings, solve_fn, job_loaders)))
                         for ref in pending if ref.error is None)
            outcomes = executor_obj.map(jobs_iter)
            try:
                for ref, outcome in outcomes:
                    record = build_record(ref, outcome)
                    store.append(record)
                    bar.update(record)
                    yield record
            finally:
                close = getattr(outcomes, "close", None)
                if close is not None:
                    close()
            completed = True
        finally:
            store.close()
            bar.close()
            if write_reports:
                from hypsearch.batch.report import write_run_reports

                if completed:
                    write_run_reports(run_dir)
                else:
                    with suppress(Exception):
                        write_run_reports(run_dir)


def run_all(paths: Iterable[str | os.PathLike[str]], settings: Mapping[str, Any] | None = None,
            **kwargs: Any) -> list[dict[str, Any]]:
    """`run(...)` consumed to the end: the list of records of this session."""
    return list(run(paths, settings, **kwargs))


def _preload(solve_fn: SolveFn, settings: Mapping[str, Any]) -> tuple[str, ...]:
    mods = [getattr(solve_fn, "__module__", None), *getattr(solve_fn, "preload", ()), *settings.get("preload", ())]
    return tuple(dict.fromkeys(m for m in mods if m and m != "__main__"))


def _check_picklable(solve_fn: SolveFn, table: Mapping[str, Any], settings: Mapping[str, Any]) -> None:
    for what, obj in (("solve function", solve_fn), ("settings", settings)):
        try:
            pickle.dumps(obj)
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            raise ConfigError(f"the {what} cannot be sent to worker processes ({exc}); "
                              "use a module-level function of an importable module") from None
    if getattr(solve_fn, "__module__", None) == "__main__":
        raise ConfigError("the solve function is defined in __main__; worker processes cannot import it — "
                          "move it into an importable module")
    for name, load in table.items():
        try:
            pickle.dumps(load)
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            raise ConfigError(f"the loader registered for format {name!r} cannot be sent to workers ({exc}); "
                              "register a module-level function") from None


def _make_executor(executor: str | Executor | None, *, jobs: int, timeout: float | None,
                   memory_mb: float | None, preload: tuple[str, ...], log_dir: Path) -> Executor:
    if executor is None or executor == "local":
        return LocalExecutor(jobs=jobs, timeout=timeout, memory_mb=memory_mb, preload=preload, log_dir=log_dir)
    if isinstance(executor, str):
        return DaskExecutor(executor, timeout=timeout, memory_mb=memory_mb, preload=preload)
    if not callable(getattr(executor, "map", None)):
        raise ConfigError(f"executor {executor!r} has no map(jobs) method")
    return executor


@contextmanager
def _exclusive(run_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on the run directory (released even if the process is killed)."""
    fd = os.open(run_dir / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ConfigError(f"another batch is running in {run_dir}") from None
        yield
    finally:
        os.close(fd)


def _write_run_json(run_dir: Path, paths: Iterable[Any], settings: Mapping[str, Any], **info: Any) -> None:
    path = run_dir / "run.json"
    try:
        meta = json.loads(path.read_text())
    except (OSError, ValueError):
        meta = {}
    solve_fn = info.pop("solve_fn")
    executor = info.pop("executor")
    meta.setdefault("created_at", time.time())
    meta["paths"] = [os.fspath(p) for p in paths]
    meta["settings"] = json.loads(json.dumps(settings, default=str))
    meta.setdefault("sessions", []).append({
        "started_at": time.time(), "pid": os.getpid(),
        "solve_fn": f"{getattr(solve_fn, '__module__', '?')}.{getattr(solve_fn, '__qualname__', '?')}",
        "executor": executor if isinstance(executor, str) or executor is None else type(executor).__name__,
        **info,
    })
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(meta, indent=2))
    os.replace(tmp, path)


def refs_for(paths: Iterable[str | os.PathLike[str]]) -> list[TaskRef]:
    """The TaskRefs a run over `paths` would process (ids made unique), for dry runs."""
    return unique_ids(discover(paths))

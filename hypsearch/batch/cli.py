"""CLI glue for `hypsearch batch PATH... --out RUN_DIR` and `hypsearch report RUN_DIR...`.

The main CLI mounts these with `add_batch_arguments(subparsers)`; each sub-parser sets
`func` and `run` to `main_batch` / `main_report`, which take the parsed args and return
an exit status.  ConfigError (bad paths, occupied run dir, …) propagates to the caller.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import sys
from pathlib import Path
from typing import Any, Iterator

from hypsearch.batch.records import SOLVED, TRANSCRIPTS_DIR
from hypsearch.batch.report import report
from hypsearch.batch.runner import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT, run
from hypsearch.batch.solve import ORACLE_COMMAND, SolveFn, engine_settings
from hypsearch.core.errors import ConfigError
from hypsearch.core.settings import LLM_TIME_LIMIT


def configure_batch_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the `batch` options to `parser` and set `func=main_batch`."""
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="task files, folders (searched recursively) or datasets such as arc:evaluation")
    parser.add_argument("--out", required=True, metavar="RUN_DIR", help="run directory (results.jsonl, reports)")
    parser.add_argument("--jobs", "-j", type=int, default=1, metavar="N", help="worker processes (default 1)")
    parser.add_argument("--timeout", type=float, default=None, metavar="S",
                        help=f"wall-clock seconds per task; the worker is killed after it (default {DEFAULT_TIMEOUT:g}, "
                             f"{LLM_TIME_LIMIT:g} with --proposer llm/hybrid; 0 = none)")
    parser.add_argument("--memory", type=float, default=DEFAULT_MEMORY_MB, metavar="MB",
                        help=f"address-space cap per worker in MB (default {DEFAULT_MEMORY_MB}, 0 = none)")
    parser.add_argument("--proposer", default=None, help="symbolic, llm or hybrid (engine setting)")
    parser.add_argument("--profile", default=None, help="engine settings profile (quick, default, thorough)")
    parser.add_argument("--set", dest="settings", action="append", default=[], metavar="KEY=VALUE",
                        help="extra engine setting (VALUE parsed as JSON when it parses); repeatable")
    parser.add_argument("--resume", action="store_true", help="skip tasks already in RUN_DIR/results.jsonl")
    parser.add_argument("--executor", default=None, metavar="URL", help="`local` (default) or dask://HOST:PORT")
    parser.add_argument("--solve-fn", default=None, metavar="MODULE:FUNCTION",
                        help="solve each task with this function instead of the engine (experiments, tests)")
    parser.add_argument("--quiet", action="store_true", help="no progress output")
    act = parser.add_argument_group("ambiguity and queries (active induction, as `solve`)")
    act.add_argument("--ambiguity", type=float, default=None, metavar="S",
                     help="seconds per task looking for competing behaviours (default 0 in batch: none)")
    act.add_argument("--oracle", default=None, metavar="CMD",
                     help="ask CMD about inputs that split the competing programs (JSON array of inputs on stdin, "
                          "the output as JSON on stdout); the queries and answers go into each record")
    act.add_argument("--max-queries", dest="max_queries", type=int, default=None, metavar="K",
                     help="queries per task at most (default 5)")
    from hypsearch.cli import add_llm_arguments

    add_llm_arguments(parser)  # the same LLM flags as `solve`; a --local-model engine is shared by all workers
    parser.set_defaults(func=main_batch, run=main_batch)
    return parser


def configure_report_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the `report` options to `parser` and set `func=main_report`."""
    parser.add_argument("run_dirs", nargs="+", metavar="RUN_DIR", help="run directories to summarise / compare")
    parser.add_argument("--out", default=None, metavar="DIR",
                        help="where to write the reports (default: the run dir for one run, ./report for several)")
    parser.set_defaults(func=main_report, run=main_report)
    return parser


def add_batch_arguments(subparsers: Any) -> tuple[argparse.ArgumentParser, argparse.ArgumentParser]:
    """Mount the `batch` and `report` sub-commands on an argparse sub-parsers object."""
    batch = _batch_subparser(subparsers)
    report_parser = subparsers.add_parser("report", help="summarise and compare batch runs",
                                          description="Write summary.json, table.md/csv and cactus.svg.")
    return configure_batch_parser(batch), configure_report_parser(report_parser)


def _batch_subparser(subparsers: Any) -> argparse.ArgumentParser:
    return subparsers.add_parser("batch", help="solve many tasks in isolated worker processes",
                                 description="Solve every task under the given paths; results go to RUN_DIR.")


def parse_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The engine settings dict from `--set KEY=VALUE`, `--proposer`, `--profile` and the LLM flags (as `solve`)."""
    settings: dict[str, Any] = {}
    for item in args.settings:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ConfigError(f"--set expects KEY=VALUE, got {item!r}")
        try:
            settings[key] = json.loads(value)
        except ValueError:
            settings[key] = value
    for option, key in (("proposer", "proposer"), ("profile", "profile"), ("ambiguity", "ambiguity_seconds"),
                        ("max_queries", "max_queries"), ("oracle", ORACLE_COMMAND)):
        value = getattr(args, option, None)
        if value is not None:
            settings[key] = value
    if settings.get(ORACLE_COMMAND) is not None and not str(settings[ORACLE_COMMAND]).strip():
        raise ConfigError("--oracle expects a command, got an empty string")
    from hypsearch.cli import llm_overrides

    settings.update(llm_overrides(args, settings.get("proposer")))
    return settings


def _llm_mode(settings: dict[str, Any]) -> bool:
    return settings.get("proposer") in ("llm", "hybrid")


def load_solve_fn(spec: str) -> SolveFn:
    """Import `module:function`; ConfigError when it does not name a callable."""
    module_name, sep, attr = spec.partition(":")
    if not sep or not module_name or not attr:
        raise ConfigError(f"--solve-fn expects MODULE:FUNCTION, got {spec!r}")
    try:
        fn = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"cannot import solve function {spec!r}: {exc}") from None
    if not callable(fn):
        raise ConfigError(f"{spec!r} is not callable")
    return fn


def soft_time_limit(timeout: float) -> float:
    """The engine's own time budget under a hard `--timeout`: a little less, so it can return its best."""
    return round(timeout - min(5.0, 0.1 * timeout), 3)


def main_batch(args: argparse.Namespace) -> int:
    """Run `hypsearch batch`; exit status 0 when every task ran (solved or not), 130 on Ctrl-C."""
    solve_fn = load_solve_fn(args.solve_fn) if args.solve_fn else None
    settings = parse_settings(args)
    timeout = args.timeout if args.timeout is not None else (LLM_TIME_LIMIT if _llm_mode(settings) else DEFAULT_TIMEOUT)
    if solve_fn is None and timeout and "time_limit" not in settings:
        settings["time_limit"] = soft_time_limit(timeout)
    if _llm_mode(settings) and not settings.get("transcript_dir"):
        settings["transcript_dir"] = str(Path(args.out).resolve() / TRANSCRIPTS_DIR)  # for `hypsearch report`
    counts: dict[str, int] = {}
    try:
        with _shared_engine(settings, quiet=args.quiet) as settings:
            if not args.quiet:
                from hypsearch.cli import note_cache

                note_cache(args, engine_settings(settings))
            for record in run(args.paths, settings, out=args.out, jobs=args.jobs,
                              timeout=timeout or None, memory_mb=args.memory or None, resume=args.resume,
                              executor=args.executor, solve_fn=solve_fn, progress=not args.quiet):
                counts[record["status"]] = counts.get(record["status"], 0) + 1
    except KeyboardInterrupt:
        print(f"\nhypsearch batch: interrupted; finished results are in {args.out}/results.jsonl "
              "(continue with --resume)", file=sys.stderr)
        return 130
    total = sum(counts.values())
    detail = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if k != SOLVED)
    print(f"hypsearch batch: this session ran {total} tasks: solved {counts.get(SOLVED, 0)}"
          + (f", {detail}" if detail else "") + f"; reports in {args.out}/ (table.md, cactus.svg)", file=sys.stderr)
    return 0


@contextlib.contextmanager
def _shared_engine(settings: dict[str, Any], *, quiet: bool) -> Iterator[dict[str, Any]]:
    """For `--local-model` without `--local-engine`: one engine in this process for every worker, for the run."""
    if not settings.get("local_model") or settings.get("local_engine_url") or not _llm_mode(settings):
        yield settings
        return
    from hypsearch.cli import _say, local_engine_for

    with local_engine_for(engine_settings(settings), log=(lambda _m: None) if quiet else _say) as started:
        yield {**settings, "local_engine_url": started.local_engine_url}


def main_report(args: argparse.Namespace) -> int:
    """Run `hypsearch report`: write the reports and print the summary table path."""
    summary = report(args.run_dirs, args.out)
    runs = summary.get("runs", [summary])
    for s in runs:
        print(f"{s['run']}: solved {s['solved']}/{s['tasks']} ({100 * s['solve_rate']:.1f}%)")
    out = args.out if args.out is not None else (args.run_dirs[0] if len(args.run_dirs) == 1 else "report")
    print(f"reports written to {out}/ (summary.json, table.md, table.csv, cactus.svg)")
    return 0


def _register(subparsers: Any) -> None:
    """The main CLI's `batch` (its `report` comes from `hypsearch.report.cli`, which adds `--html`)."""
    configure_batch_parser(_batch_subparser(subparsers))


from hypsearch.cli import extra_command  # noqa: E402  (the main CLI imports this module on start)

extra_command(_register)

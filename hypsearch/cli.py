"""The `hypsearch` command: solve a task file, list domains, and (via sub-modules) batch and report.

Answers go to stdout, progress and statistics to stderr; bad input gets a located
message, never a Python traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Callable, Sequence

from hypsearch.errors import HypsearchError, InputSyntaxError, InvalidTaskError, UnsupportedError
from hypsearch.settings import PROFILES, Settings

EXIT_UNSUPPORTED = 3
EXIT_BAD_INPUT = 2

Command = Callable[[argparse.Namespace], int]
_extra_commands: list[Callable[[argparse._SubParsersAction], None]] = []


def extra_command(register: Callable[[argparse._SubParsersAction], None]) -> Callable[[argparse._SubParsersAction], None]:
    """Decorator for modules that add a sub-command (batch, report, show, domain …)."""
    _extra_commands.append(register)
    return register


def process_age() -> float:
    """Seconds since this process started (interpreter start-up and imports included); 0 if unknown."""
    try:
        start_ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0.0
    return max(0.0, uptime - start_ticks / os.sysconf("SC_CLK_TCK"))


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {"proposer": args.proposer}
    if args.timeout is not None:
        overrides["time_limit"] = args.timeout
    if getattr(args, "llm_config", None):
        overrides["llm_config"] = args.llm_config
    for name in ("cache_path", "cache_mode", "transcript_dir"):  # LLM loop options (solve)
        if getattr(args, name, None):
            overrides[name] = getattr(args, name)
    return Settings.profile(args.profile, **overrides)


def cmd_solve(args: argparse.Namespace) -> int:
    """Solve every task in FILE and print each answer in the file format's own form."""
    from hypsearch.engine import solve
    from hypsearch.formats import detect_format

    path = Path(args.file)
    if not path.exists() and ":" not in args.file:  # `arc:evaluation` names a dataset, not a file
        print(f"hypsearch: {path}: no such file", file=sys.stderr)
        return EXIT_BAD_INPUT
    fmt = detect_format(path)
    settings = _settings(args)
    try:
        tasks = fmt.load(path)
    except UnsupportedError as exc:
        if args.json:
            print(json.dumps({"task": path.stem, "status": "unsupported", "stop_reason": str(exc), "answer": None,
                              "seconds": 0.0, "size": None}))
        else:
            print("unsupported")
        print(f"hypsearch: {exc}", file=sys.stderr)
        return EXIT_UNSUPPORTED
    code = 0
    finished = []
    for k, task in enumerate(tasks):
        task_settings = settings
        if k == 0 and args.timeout is not None:
            # for the first task --timeout is the wall clock of the whole command: start-up,
            # imports and reading the file count against it
            task_settings = settings.with_(time_limit=max(0.1, args.timeout - process_age()))
        result = solve(task, task_settings)
        answer = fmt.render(task, result)
        if args.json:
            record = result.to_json()
            record["answer"] = answer if result.status.value in ("solved", "infeasible") else None
            print(json.dumps(record))
        else:
            print(answer)
        print(f"hypsearch: {task.id}: {result.status.value} ({result.stop_reason}) in {result.seconds:.2f} s; "
              f"{result.stats.get('distinct', 0)} distinct programs", file=sys.stderr)
        code = max(code, fmt.exit_code(result))
        finished.append((task, result))
    if args.out:
        if fmt.write_outputs is None:
            print(f"hypsearch: format {fmt.name} has no submission file; --out ignored", file=sys.stderr)
        else:
            print(f"hypsearch: {fmt.write_outputs(Path(args.out), finished)}", file=sys.stderr)
    return code


def cmd_domains(args: argparse.Namespace) -> int:
    """List installed domains with their primitive counts."""
    from hypsearch.registry import available_domains

    for name, domain in sorted(available_domains().items()):
        print(f"{name:12} {len(domain.primitives):3} primitives  {domain.description}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hypsearch", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    solve_p = sub.add_parser("solve", help="solve a task file (SyGuS .sl, ARC .json, …)")
    solve_p.add_argument("file")
    solve_p.add_argument("--timeout", type=float, default=None, help="seconds per task (default: the profile's)")
    solve_p.add_argument("--profile", choices=sorted(PROFILES), default="default")
    solve_p.add_argument("--proposer", choices=("symbolic", "llm", "hybrid"), default="symbolic")
    solve_p.add_argument("--llm-config", default=None, help="TOML file with an [llm] section")
    solve_p.add_argument("--cache", dest="cache_path", default=None, help="SQLite file caching LLM completions")
    solve_p.add_argument("--cache-mode", choices=("use", "refresh", "off", "replay"), default=None,
                         help="use (default), refresh, off, or replay (cache only; a miss is an error)")
    solve_p.add_argument("--transcripts", dest="transcript_dir", default=None,
                         help="directory for per-task LLM transcripts (see `hypsearch show`)")
    solve_p.add_argument("--json", action="store_true", help="print one JSON object per task")
    solve_p.add_argument("--out", default=None, help="write all answers to this file in the format's own "
                         "submission shape (ARC: submission.json)")
    solve_p.set_defaults(run=cmd_solve)
    dom_p = sub.add_parser("domains", help="list installed domains")
    dom_p.set_defaults(run=cmd_domains)
    _import_command_modules()
    for register in _extra_commands:
        register(sub)
    return parser


COMMAND_MODULES = ("hypsearch.batch.cli", "hypsearch.show", "hypsearch.domain_check")
"""Modules that add sub-commands through `extra_command` (imported when the parser is built)."""


def _import_command_modules() -> None:
    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(name)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except InputSyntaxError as exc:
        print(f"hypsearch: syntax error: {exc.render()}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except InvalidTaskError as exc:
        print(f"hypsearch: invalid task: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except UnsupportedError as exc:
        print(f"hypsearch: unsupported: {exc}", file=sys.stderr)
        return EXIT_UNSUPPORTED
    except HypsearchError as exc:
        print(f"hypsearch: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # unreadable files and folders: say which, without a traceback
        print(f"hypsearch: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


def run_and_exit() -> None:
    """Console entry point: exit without tearing down the search's large heap (that can take seconds)."""
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    run_and_exit()

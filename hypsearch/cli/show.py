"""`hypsearch show PATH`: look at what the engine did, for a person.

PATH is either a run directory of transcripts (or one transcript file): the lineage of
hypotheses, programs, fit and feedback is printed; or a task file whose format can draw
itself (ARC): the task is solved and shown with its predictions and program, in the
terminal with ARC colours, and as a PNG with `--png`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hypsearch.cli import _settings, extra_command
from hypsearch.llm.transcript import read_transcript, render_transcript, transcript_files


def cmd_show(args: argparse.Namespace) -> int:
    path = Path(args.path)
    if path.is_dir() and transcript_files(path) or path.suffix == ".jsonl" and path.is_file():
        files = transcript_files(path, args.task)
        if not files:
            print(f"hypsearch: no transcript for task {args.task!r} in {path}", file=sys.stderr)
            return 2
        print("\n\n".join(render_transcript(read_transcript(f)) for f in files))
        return 0
    from hypsearch.engine import solve
    from hypsearch.core.formats import detect_format

    fmt = detect_format(path)
    if fmt.show is None:
        print(f"hypsearch: {path}: format {fmt.name} has no picture; use `hypsearch solve`", file=sys.stderr)
        return 2
    tasks = [t for t in fmt.load(path) if args.task is None or t.id == args.task]
    for labelled in tasks:
        result = solve(labelled.task, _settings(args))
        print(fmt.show(labelled, result, Path(args.png) if args.png else None))
    return 0


@extra_command
def register_show(sub: argparse._SubParsersAction) -> None:
    """Add `hypsearch show PATH [--task ID] [--png FILE]`."""
    p = sub.add_parser("show", help="print a run's transcripts, or solve and draw a task (ARC)")
    p.add_argument("path", help="a run directory / transcript .jsonl, or a task file such as an ARC task JSON")
    p.add_argument("--task", default=None, help="only this task")
    p.add_argument("--png", default=None, help="also write a picture (input / expected / predicted) to this PNG")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds to solve a task before showing it")
    p.add_argument("--profile", default="default")
    p.add_argument("--proposer", choices=("symbolic", "llm", "hybrid"), default="symbolic")
    p.set_defaults(run=cmd_show)

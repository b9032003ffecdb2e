"""`hypsearch show PATH`: look at what the engine did, for a person.

PATH is either a run directory of transcripts (or one transcript file): the lineage of
hypotheses, programs, fit and feedback is printed; or a task file whose format can draw
itself (ARC): the task is solved and shown with its predictions and program, in the
terminal with ARC colours, and as a labelled picture with `--png` / `--svg`.
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
    wants_picture = bool(args.png or args.svg)
    if fmt.show is None or wants_picture and fmt.picture is None:
        print(f"hypsearch: {path}: format {fmt.name} has no picture; use `hypsearch solve`", file=sys.stderr)
        return 2
    loaded = [t for t in fmt.load(path) if args.task is None or t.id == args.task]
    if not loaded:
        print(f"hypsearch: {path}: no task {args.task!r}", file=sys.stderr)
        return 2
    several = len(loaded) > 1
    for labelled in loaded:
        result = solve(labelled.task, _settings(args))
        print(fmt.show(labelled, result, None))
        for option, kind in ((args.png, "png"), (args.svg, "svg")):
            if option:
                target = _picture_path(Path(option), labelled.id, several)
                target.write_bytes(fmt.picture(labelled, result.predictions, kind))  # type: ignore[misc]
                print(f"wrote {target}")
    return 0


def _picture_path(path: Path, task_id: str, several: bool) -> Path:
    """`path` itself for one task; `stem.<task id>.suffix` beside it when a file holds several."""
    if not several:
        return path
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in task_id)
    return path.with_name(f"{path.stem}.{safe}{path.suffix}")


@extra_command
def register_show(sub: argparse._SubParsersAction) -> None:
    """Add `hypsearch show PATH [--task ID] [--png FILE] [--svg FILE]`."""
    p = sub.add_parser("show", help="print a run's transcripts, or solve and draw a task (ARC)")
    p.add_argument("path", help="a run directory / transcript .jsonl, or a task file such as an ARC task JSON")
    p.add_argument("--task", default=None, help="only this task")
    p.add_argument("--png", default=None, metavar="FILE",
                   help="also draw the task (train pairs, test inputs, expected, attempts) to this PNG")
    p.add_argument("--svg", default=None, metavar="FILE", help="the same picture as SVG")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds to solve a task before showing it")
    p.add_argument("--profile", default="default")
    p.add_argument("--proposer", choices=("symbolic", "llm", "hybrid"), default="symbolic")
    p.set_defaults(run=cmd_show)

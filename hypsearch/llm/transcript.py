"""Per-task transcripts of the LLM loop (JSON lines) and `hypsearch show RUN_DIR [--task ID]`.

Each task's lineage is one file `RUN_DIR/<task id>.jsonl`: requests for hypotheses, each hypothesis's
translation attempts (reply, program, error), the checker's verdict (fit, feedback) and the feedback
sent in the next round.  `show` prints it readably.  Importing this module registers the `show`
sub-command with the CLI.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any, Iterable


SUFFIX = ".jsonl"


def transcript_path(run_dir: str | Path, task_id: str) -> Path:
    """Where the transcript of `task_id` lives (unsafe filename characters become `_`)."""
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", task_id) or "task"
    return Path(run_dir) / (safe + SUFFIX)


class TranscriptWriter:
    """Appends events of one task to its JSON-lines file.

    Every solve() of the task adds a `start` event and its rounds (a CEGIS run solves once per counterexample
    round); nothing earlier is overwritten, so use a fresh run directory per run.
    """

    def __init__(self, run_dir: str | Path, task_id: str) -> None:
        self.path = transcript_path(run_dir, task_id)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.task_id = task_id
        self._start = time.monotonic()

    def write(self, event: str, **fields: Any) -> None:
        """One event line: {"event", "task", "t" (seconds since start), **fields}."""
        record = {"event": event, "task": self.task_id, "t": round(time.monotonic() - self._start, 3), **fields}
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")


def read_transcript(path: str | Path) -> list[dict[str, Any]]:
    """The events of one transcript file (unreadable lines are skipped)."""
    events = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict):
            events.append(value)
    return events


def transcript_files(run_dir: str | Path, task: str | None = None) -> list[Path]:
    """The transcript files under `run_dir` (a single file is accepted too), optionally of one task."""
    root = Path(run_dir)
    if root.is_file():
        return [root]
    if task is not None:
        path = transcript_path(root, task)
        return [path] if path.exists() else []
    return sorted(root.rglob("*" + SUFFIX))


def _indent(text: str, prefix: str = "      ") -> str:
    return "\n".join(prefix + line for line in str(text).splitlines())


def render_transcript(events: Iterable[dict[str, Any]]) -> str:
    """A readable account: round by round, hypothesis → program → fit → feedback."""
    out: list[str] = []
    for ev in events:
        kind = ev.get("event")
        rnd = ev.get("round", 0)
        if kind == "start":
            out.append(f"== task {ev.get('task')} ({ev.get('domain')}): {ev.get('signature', '')}")
            out.append(f"   model {ev.get('model')} at {ev.get('base_url')}; rounds {ev.get('rounds')}, "
                       f"hypotheses {ev.get('hypotheses')}, repairs {ev.get('repairs')}")
        elif kind == "hypotheses":
            out.append(f"-- round {rnd + 1}: {len(ev.get('hypotheses', []))} hypothesis(es) "
                       f"from {ev.get('replies', 0)} reply(ies)")
            if ev.get("feedback"):
                out.append("   feedback sent:")
                out.append(_indent(ev["feedback"]))
            for k, h in enumerate(ev.get("hypotheses", []), 1):
                out.append(f"   H{k}. {h}")
        elif kind == "request_failed":
            out.append(f"-- round {rnd + 1}: request failed: {ev.get('error')}")
        elif kind == "no_hypotheses":
            out.append(f"-- round {rnd + 1}: no usable hypothesis in {ev.get('replies', 0)} reply(ies)")
        elif kind == "translation":
            out.append(f"   * {ev.get('hypothesis')}")
            for a in ev.get("attempts", []):
                if a.get("error"):
                    out.append(f"     tried: {a.get('program') or '(nothing)'}")
                    out.append(_indent(a["error"], "       ! "))
            if ev.get("program"):
                how = {"first_try": "", "repaired": " (after repair)"}.get(ev.get("outcome", ""), "")
                out.append(f"     program{how}: {ev['program']}")
            else:
                out.append(f"     no program ({ev.get('outcome')})")
        elif kind == "check":
            out.append(f"     -> {ev.get('status')}, fit {ev.get('fit', 0):.2f}: {ev.get('program')}")
            if ev.get("feedback") and ev.get("status") != "accepted":
                out.append(_indent(ev["feedback"], "        "))
        elif kind == "symbolic":
            out.append(f"-- round {rnd + 1}: enumeration with {ev.get('fragments', 0)} model fragment(s) "
                       f"for {ev.get('seconds', 0):.2f} s")
        else:
            out.append(f"   [{kind}] " + json.dumps({k: v for k, v in ev.items() if k not in ('event', 'task')},
                                                   ensure_ascii=False, default=str))
    return "\n".join(out)

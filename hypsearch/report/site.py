"""`write_site(run_dirs, out)`: the static HTML report of one or several runs, readable offline from disk.

    out/index.html            summaries, cactus plot, the task table (sort, filter, compare)
    out/cactus.svg
    out/assets/report.css|js  local copies: no CDN, no server
    out/tasks/<id>.html       one page per task, opened only when its link is followed
    out/tasks/<id>.<k>.svg    the task drawn with run k's attempts (formats that draw, e.g. ARC)
"""

from __future__ import annotations

import os
import shutil
from importlib import resources
from pathlib import Path
from typing import Any, Sequence

from hypsearch.batch.cactus import cactus_svg
from hypsearch.batch.records import SOLVED
from hypsearch.llm.transcript import read_transcript
from hypsearch.report import tasks as task_data
from hypsearch.report.index_page import index_html
from hypsearch.report.rounds import sessions
from hypsearch.report.runs import Run, load_runs, number, page_name, task_ids
from hypsearch.report.task_page import run_section, task_html

ASSETS = ("report.css", "report.js")


def _write(path: Path, data: str | bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    if isinstance(data, str):
        tmp.write_text(data, encoding="utf-8")
    else:
        tmp.write_bytes(data)
    os.replace(tmp, path)


def _copy_assets(out: Path) -> None:
    folder = out / "assets"
    folder.mkdir(parents=True, exist_ok=True)
    for name in ASSETS:
        with resources.as_file(resources.files("hypsearch.report") / "assets" / name) as src:
            shutil.copyfile(src, folder / name)


def _task_page(tid: str, runs: Sequence[Run], folder: Path) -> None:
    stem = page_name(tid)
    sections = []
    loaded = task_data.Loaded(error="no record")
    source, drawn = "", False
    for k, run in enumerate(runs):
        rec = run.records.get(tid)
        if rec is None:
            continue
        if loaded.error == "no record":
            loaded = task_data.load(rec)
            source = str(rec.get("source") or "")
        attempts = task_data.attempts_of(rec)
        svg = task_data.picture(rec, loaded, attempts)
        picture = None
        if svg is not None:
            picture = f"{stem}.{k}.svg"
            _write(folder / picture, svg)
            drawn = True
        transcript = run.transcript_of(tid)
        rounds = sessions(read_transcript(transcript)) if transcript is not None else []
        sections.append(run_section(run.label, rec, picture=picture, loaded=loaded, attempts=attempts,
                                    sessions=rounds))
    _write(folder / f"{stem}.html", task_html(tid, sections, loaded=loaded, source=source, drawn=drawn))


def write_site(run_dirs: Sequence[str | os.PathLike[str]], out: str | os.PathLike[str]) -> dict[str, Any]:
    """Write the report into `out`; return {"index": path, "tasks": count, "runs": [label, ...]}.

    ConfigError (one line) when a path is not a run directory or holds no readable record."""
    runs = load_runs([Path(d) for d in run_dirs])
    out_dir = Path(out)
    folder = out_dir / "tasks"
    folder.mkdir(parents=True, exist_ok=True)
    _copy_assets(out_dir)
    expected = max((r.summary.get("expected_tasks") or r.summary["tasks"] for r in runs), default=None)
    series = [(run.label, [s for s in (number(r.get("seconds")) for r in run.records.values()
                                       if r["status"] == SOLVED) if s is not None]) for run in runs]
    _write(out_dir / "cactus.svg", cactus_svg(series, total=expected))
    ids = task_ids(runs)
    for tid in ids:
        _task_page(tid, runs, folder)
    index = out_dir / "index.html"
    _write(index, index_html(runs, cactus="cactus.svg"))
    return {"index": str(index), "tasks": len(ids), "runs": [run.label for run in runs]}

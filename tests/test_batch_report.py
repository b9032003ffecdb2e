"""Reports from saved runs (summary.json, table.md/csv, cactus.svg) and the progress line."""

from __future__ import annotations

import csv
import io
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from hypsearch.batch import report, summarize
from hypsearch.batch.cactus import cactus_svg
from hypsearch.batch.progress import Progress, format_duration
from hypsearch.core.errors import ConfigError
from test_batch_helpers import DATA

RUNS = DATA / "runs"
SVG = "{http://www.w3.org/2000/svg}"


def _copy_run(name: str, tmp_path: Path) -> Path:
    dest = tmp_path / name
    shutil.copytree(RUNS / name, dest)
    return dest


def test_single_run_report_goes_into_the_run_dir(tmp_path: Path) -> None:
    run_dir = _copy_run("enum", tmp_path)
    summary = report([run_dir])
    assert summary["tasks"] == 5 and summary["expected_tasks"] == 6 and summary["pending"] == 1  # t6 is torn
    assert summary["solved"] == 2 and summary["solve_rate"] == 0.4
    assert summary["by_status"] == {"solved": 2, "unsolved": 1, "timeout": 1, "crashed": 0, "memory": 0, "error": 1}
    assert summary["solved_seconds_median"] == pytest.approx(0.775)
    assert json.loads((run_dir / "summary.json").read_text()) == summary
    rows = list(csv.DictReader(io.StringIO((run_dir / "table.csv").read_text())))
    assert [r["id"] for r in rows] == ["t1", "t2", "t3", "t4", "t5"]
    assert rows[3]["error"].startswith("InputSyntaxError") and rows[0]["run"] == "enum"
    md = (run_dir / "table.md").read_text()
    assert "| enum | 5 (of 6) | 2 | 40.0% | 1 | 1 | 0 | 0 | 1 |" in md
    assert "unexpected ')' expected one of" in md  # newline in a cell is flattened
    root = ET.fromstring((run_dir / "cactus.svg").read_text())
    paths = root.findall(f"{SVG}path")
    assert len(paths) == 1 and paths[0].get("d", "").count("V") == 2  # two solved tasks, two steps up


def test_comparing_runs(tmp_path: Path) -> None:
    a, b = _copy_run("enum", tmp_path), _copy_run("llm", tmp_path)
    out = tmp_path / "cmp"
    summary = report([a, b], out)
    assert [r["run"] for r in summary["runs"]] == ["enum", "llm"]
    assert summary["tasks"] == 6 and summary["solved_by_any"] == 4 and summary["solved_by_all"] == 1
    llm = summary["runs"][1]
    assert llm["llm_calls"] == 12 and llm["llm_tokens"] == 9300 and llm["cache_hits"] == 3
    assert llm["llm_cost"] == pytest.approx(0.0186)
    md = (out / "table.md").read_text()
    assert "| t3 | timeout 10.00 | **solved 2.50** |" in md
    assert "| t4 | error 0.01 | — |" in md
    rows = list(csv.DictReader(io.StringIO((out / "table.csv").read_text())))
    assert len(rows) == 10 and {r["run"] for r in rows} == {"enum", "llm"}
    assert any(r["hypothesis"] == "first letter | maybe" for r in rows)  # CSV keeps the raw text
    root = ET.fromstring((out / "cactus.svg").read_text())
    assert len(root.findall(f"{SVG}path")) == 2
    legend = " ".join(t.text or "" for t in root.findall(f"{SVG}text"))
    assert "enum (2)" in legend and "llm (3)" in legend
    assert not (a / "summary.json").exists()  # inputs untouched


def test_report_needs_run_dirs(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not a batch run directory"):
        report([tmp_path])
    with pytest.raises(ConfigError):
        report([])


def test_cactus_scales_and_escapes() -> None:
    wide = cactus_svg([("a<b", [0.001, 0.01, 5.0, 100.0]), ("none", [])], total=10)
    root = ET.fromstring(wide)
    texts = [t.text for t in root.findall(f"{SVG}text")]
    assert "time per task (s, log scale)" in texts and "a<b (4)" in texts and "none (0)" in texts
    narrow = ET.fromstring(cactus_svg([("x", [1.0, 2.0])]))
    assert "time per task (s)" in [t.text for t in narrow.findall(f"{SVG}text")]
    empty = ET.fromstring(cactus_svg([]))
    assert "no task solved" in [t.text for t in empty.findall(f"{SVG}text")]


def test_summary_of_nothing() -> None:
    s = summarize([])
    assert s["tasks"] == 0 and s["solve_rate"] == 0.0 and s["seconds_median"] is None


def test_summary_counts_fits_right_and_wrong_on_the_test() -> None:
    records = [{"id": "a", "status": "solved", "test_correct": True},
               {"id": "b", "status": "solved", "test_correct": False},
               {"id": "c", "status": "solved", "test_correct": None},  # answers hidden
               {"id": "d", "status": "unsolved", "test_correct": False}]
    s = summarize(records)
    assert (s["solved"], s["test_right"], s["test_wrong"]) == (3, 1, 1)


def test_progress_on_a_pipe_prints_every_twentieth() -> None:
    stream = io.StringIO()
    bar = Progress(40, stream=stream, live=False)
    for i in range(40):
        bar.update({"id": f"t{i}", "status": "solved" if i % 4 == 0 else "unsolved"})
    bar.close()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 20 and "\r" not in stream.getvalue()
    assert lines[-1].startswith("[40/40] solved 10 (25%)") and "ETA 0:00" in lines[-1]


def test_progress_on_a_terminal_rewrites_one_line() -> None:
    stream = io.StringIO()
    bar = Progress(5, done=2, solved=1, stream=stream, live=True)
    bar.begin()
    for i in range(3):
        bar.update({"id": f"t{i}", "status": "solved"})
    bar.close()
    text = stream.getvalue()
    assert text.count("\n") == 1 and text.endswith("\n") and text.count("\r") >= 2
    assert "[5/5] solved 4 (80%)" in text.split("\r")[-1]


def test_durations() -> None:
    assert format_duration(None) == "--:--" and format_duration(65) == "1:05" and format_duration(3725) == "1:02:05"

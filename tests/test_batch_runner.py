"""Batch runner on a mixed folder: good, malformed, hanging, crashing and memory-hungry tasks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import hypsearch.core.formats as core_formats

from hypsearch.batch import read_results, run, run_all
from hypsearch.core.errors import ConfigError
from test_batch_helpers import DATA, pid_solve, scripted_solve, sleepy_solve

EXPECTED = {
    "good": "solved", "unsolved": "unsolved", "hang": "timeout", "segfault": "crashed", "abort": "crashed",
    "arc_good": "solved", "arc_truncated": "error", "arc_memory": "memory", "bad_utf8": "error",
    "lines/ok": "solved", "lines/boom": "error", "lines/3": "error", "lines/gone": "crashed", "lines/5": "error",
    "lines/greedy": "memory", "lines/chatty": "solved",
}


@pytest.fixture(autouse=True)
def batch_formats_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test registers formats in a copy of the one registry."""
    core_formats.available_formats()  # entry points in first, so the copy holds them
    monkeypatch.setattr(core_formats, "_formats", dict(core_formats._formats))
    monkeypatch.setattr(core_formats, "_order", list(core_formats._order))


def test_mixed_folder_every_task_gets_its_status(tmp_path: Path) -> None:
    out = tmp_path / "run"
    records = run_all([DATA / "mixed"], {"marker": "m1"}, out=out, jobs=2, timeout=2.5, memory_mb=400,
                      solve_fn=scripted_solve, progress=False)
    statuses = {r["id"]: r["status"] for r in records}
    assert statuses == EXPECTED
    by_id = {r["id"]: r for r in records}
    good = by_id["good"]
    assert good["program"] == "(answer good)" and good["hypothesis"] == "it is scripted"
    assert good["llm_calls"] == 2 and good["llm_tokens"] == 100 and good["cache_hits"] == 1
    assert good["settings_seen"] == "m1" and good["format"] == "sygus" and good["seconds"] >= 0
    assert "2.5 s wall-clock limit" in by_id["hang"]["error"]
    assert by_id["hang"]["seconds"] >= 2.4  # it ran until the limit (a lower bound: load only adds time)
    assert "SIGSEGV" in by_id["segfault"]["error"] and "SIGABRT" in by_id["abort"]["error"]
    assert "exited with status 3" in by_id["lines/gone"]["error"]
    assert "ValueError: scripted failure" in by_id["lines/boom"]["error"]
    assert "invalid JSON" in by_id["arc_truncated"]["error"]
    assert "not valid UTF-8" in by_id["bad_utf8"]["error"]
    assert "invalid JSON line" in by_id["lines/3"]["error"]
    assert "MemoryError" in by_id["lines/greedy"]["error"]
    # every record is on disk, once, with the common fields
    saved = read_results(out / "results.jsonl")
    assert sorted(r["id"] for r in saved) == sorted(EXPECTED)
    lines = (out / "results.jsonl").read_text().splitlines()
    assert len(lines) == len(EXPECTED)
    for rec in saved:
        for field in ("id", "domain", "status", "program", "hypothesis", "attempts", "seconds",
                      "llm_calls", "llm_tokens", "llm_cost", "cache_hits", "error"):
            assert field in rec
    # stdout noise went to the worker log, the reports were written
    logs = "".join(p.read_text() for p in (out / "logs").glob("*.log"))
    assert "noise on stdout" in logs
    summary = json.loads((out / "summary.json").read_text())
    assert summary["tasks"] == len(EXPECTED) and summary["solved"] == 4
    assert summary["by_status"]["timeout"] == 1 and summary["by_status"]["memory"] == 2
    assert (out / "cactus.svg").read_text().startswith("<svg")


def test_pool_reuses_long_lived_workers(tmp_path: Path) -> None:
    folder = tmp_path / "tasks"
    for i in range(12):
        (folder / f"t{i:02d}.sl").parent.mkdir(parents=True, exist_ok=True)
        (folder / f"t{i:02d}.sl").write_text("(check-synth)\n")
    records = run_all([folder], out=tmp_path / "run", jobs=2, timeout=10, solve_fn=pid_solve, progress=False)
    assert len(records) == 12
    assert len({r["pid"] for r in records}) <= 2


def test_spinning_task_is_killed_and_the_worker_replaced(tmp_path: Path) -> None:
    folder = tmp_path / "tasks"
    folder.mkdir()
    (folder / "a_spin.jsonl").write_text('{"id": "spin", "behaviour": "spin"}\n')
    (folder / "b_after.sl").write_text("; behaviour: good\n")
    records = run_all([folder], out=tmp_path / "run", jobs=1, timeout=1.0, solve_fn=scripted_solve, progress=False)
    assert [(r["id"], r["status"]) for r in records] == [("a_spin/spin", "timeout"), ("b_after", "solved")]


def test_existing_results_need_resume(tmp_path: Path) -> None:
    folder = tmp_path / "tasks"
    folder.mkdir()
    for name in ("a", "b", "c"):
        (folder / f"{name}.sl").write_text("; sleep: 0.01\n")
    out = tmp_path / "run"
    first = run_all([folder], out=out, solve_fn=sleepy_solve, progress=False)
    assert len(first) == 3
    with pytest.raises(ConfigError, match="resume"):
        run_all([folder], out=out, solve_fn=sleepy_solve, progress=False)
    (folder / "d.sl").write_text("; sleep: 0.01\n")
    again = run_all([folder], out=out, solve_fn=sleepy_solve, progress=False, resume=True)
    assert [r["id"] for r in again] == ["d"]
    assert sorted(r["id"] for r in read_results(out / "results.jsonl")) == ["a", "b", "c", "d"]


def test_bad_arguments_fail_before_any_work(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        run_all([tmp_path / "missing"], out=tmp_path / "run", solve_fn=sleepy_solve, progress=False)
    with pytest.raises(ConfigError, match="known dataset"):
        run_all(["nosuchset:eval"], out=tmp_path / "run", solve_fn=sleepy_solve, progress=False)
    with pytest.raises(ConfigError, match="cannot be sent"):
        run_all([DATA / "mixed" / "good.sl"], out=tmp_path / "run", solve_fn=lambda ref, s: {}, progress=False)


def test_closing_the_iterator_early_stops_the_workers(tmp_path: Path) -> None:
    folder = tmp_path / "tasks"
    folder.mkdir()
    for i in range(6):
        (folder / f"t{i}.sl").write_text("; sleep: 0.3\n")
    out = tmp_path / "run"
    it = run([folder], out=out, jobs=2, solve_fn=sleepy_solve, progress=False)
    first = next(it)
    it.close()
    saved = read_results(out / "results.jsonl")
    assert first["id"] in {r["id"] for r in saved} and len(saved) < 6
    rest = run_all([folder], out=out, jobs=2, solve_fn=sleepy_solve, progress=False, resume=True)
    assert sorted(r["id"] for r in saved + rest) == [f"t{i}" for i in range(6)]


def test_cli_runs_a_batch_and_a_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from hypsearch.batch.__main__ import main

    folder = tmp_path / "tasks"
    shutil.copytree(DATA / "mixed" / "sub", folder)
    (folder / "hang.sl").unlink()
    out = tmp_path / "run"
    code = main(["batch", str(folder), "--out", str(out), "--jobs", "2", "--timeout", "5", "--memory", "1024",
                 "--solve-fn", "test_batch_helpers:scripted_solve", "--set", "marker=[1,2]", "--quiet"])
    assert code == 0
    assert {r["id"]: r["status"] for r in read_results(out / "results.jsonl")} == {
        "segfault": "crashed", "unsolved": "unsolved"}
    assert "this session ran 2 tasks" in capsys.readouterr().err
    assert main(["report", str(out), str(out), "--out", str(tmp_path / "cmp")]) == 0
    assert (tmp_path / "cmp" / "table.md").exists()
    assert main(["batch", str(tmp_path / "nope"), "--out", str(out), "--solve-fn", "test_batch_helpers:pid_solve"]) == 2

"""No lost work: SIGKILL the batch at arbitrary moments, resume, and every task is there exactly once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hypsearch.batch.results import ResultsFile, read_results

TESTS = Path(__file__).resolve().parent
N_TASKS = 30


def _start_batch(folder: Path, out: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]))
    cmd = [sys.executable, "-m", "hypsearch.batch", "batch", str(folder), "--out", str(out), "--jobs", "2",
           "--timeout", "20", "--solve-fn", "test_batch_helpers:sleepy_solve", "--resume"]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _complete_lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    data = path.read_bytes()
    return [line.decode() for line in data.split(b"\n")[:-1] if line.strip()]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is dead for our purposes
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def _kill_after(out: Path, proc: subprocess.Popen[bytes], at_least: int) -> tuple[list[str], list[int]]:
    """SIGKILL the batch once `at_least` results are on disk; return them and the worker pids it had."""
    results = out / "results.jsonl"
    deadline = time.monotonic() + 30
    while len(_complete_lines(results)) < at_least:
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        assert time.monotonic() < deadline, "the batch made no progress"
        time.sleep(0.01)
    # a worker's log is renamed worker-<pid>.log once its pid is known; one just starting has a temporary name
    workers = [int(p.stem.split("-")[1]) for p in (out / "logs").glob("worker-*.log") if p.stem.split("-")[1].isdigit()]
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    if proc.stderr is not None:
        proc.stderr.close()
    return _complete_lines(results), workers


def test_sigkill_and_resume_lose_nothing_and_duplicate_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "tasks"
    folder.mkdir()
    ids = [f"t{i:02d}" for i in range(N_TASKS)]
    for i, name in enumerate(ids):
        (folder / f"{name}.sl").write_text(f"; sleep: {0.03 + 0.01 * (i % 5):.2f}\n(check-synth)\n")
    out = tmp_path / "run"
    kept: list[str] = []
    for round_no, at_least in enumerate((4, 13)):  # kill early, then mid-run
        proc = _start_batch(folder, out)
        lines, workers = _kill_after(out, proc, at_least)
        assert lines[: len(kept)] == kept, "a finished result was lost or rewritten"
        kept = lines
        # the killed batch's workers go too (no orphans left running tasks)
        deadline = time.monotonic() + 5
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert workers and not any(_alive(pid) for pid in workers)
        with open(out / "results.jsonl", "ab") as fh:  # as if killed in the middle of writing a line
            fh.write(b'{"id": "t99", "status": "sol' if round_no == 0 else b'{"id": "t98"')
    proc = _start_batch(folder, out)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err.decode()
    assert b"torn last line" in err
    data = (out / "results.jsonl").read_bytes()
    assert data.endswith(b"\n")
    lines = _complete_lines(out / "results.jsonl")
    assert lines[: len(kept)] == kept
    records = [json.loads(line) for line in lines]
    assert sorted(r["id"] for r in records) == ids  # every task exactly once, torn t98/t99 gone
    assert all(r["status"] == "solved" for r in records)
    sessions = json.loads((out / "run.json").read_text())["sessions"]
    assert len(sessions) == 3 and sessions[-1]["skipped"] >= 13


record_strategy = st.fixed_dictionaries({
    "id": st.text(min_size=1, max_size=8),
    "status": st.sampled_from(["solved", "unsolved", "timeout"]),
    "program": st.one_of(st.none(), st.text(max_size=20)),
})


@settings(max_examples=100, deadline=None)
@given(records=st.lists(record_strategy, max_size=8), cut=st.integers(min_value=0, max_value=10_000),
       more=st.lists(record_strategy, max_size=3))
def test_torn_tail_is_cut_and_appends_stay_parseable(tmp_path_factory: pytest.TempPathFactory,
                                                     records: list[dict], cut: int, more: list[dict]) -> None:
    path = tmp_path_factory.mktemp("res") / "results.jsonl"
    path.touch()
    store = ResultsFile(path)
    for rec in records:
        store.append(rec)
    store.close()
    full = path.read_bytes()
    cut = min(cut, len(full))
    path.write_bytes(full[:cut])  # killed after `cut` bytes reached the disk
    complete = full[:cut].count(b"\n")
    loaded = ResultsFile(path).load_and_repair()
    expected: dict[str, dict] = {}
    for rec in records[:complete]:
        expected[rec["id"]] = rec
    assert loaded == expected
    store = ResultsFile(path)
    for rec in more:
        store.append(rec)
    store.close()
    final = {r["id"]: r for r in records[:complete] + more}
    assert {r["id"]: r for r in read_results(path)} == final
    assert path.read_bytes().endswith(b"\n") or not (records[:complete] + more)

"""MiniARC JSONL loader: grid Tasks with one attempt, format detection, a few quick solves by the grid domain."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hypsearch import Settings, solve
from hypsearch.solvers import miniarc as grid_miniarc
from hypsearch.solvers.miniarc import FORMAT, load, score
from hypsearch.core.errors import InvalidTaskError

TASK = {"idx": 7, "train": [{"input": [[1, 0], [0, 0]], "output": [[0, 1], [0, 0]]}],
        "test": [{"input": [[0, 0], [2, 0]], "output": [[0, 0], [0, 2]]}, {"input": [[3, 3], [0, 0]]}]}


def write(tmp_path: Path, *rows: object, name: str = "mini.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_loads_grid_tasks_with_one_attempt(tmp_path: Path) -> None:
    (labelled,) = load(write(tmp_path, TASK))
    task = labelled.task
    assert task.id == "mini/7" and task.domain == "grid" and task.attempts == 1
    assert task.examples[0].inputs[0].to_lists() == [[1, 0], [0, 0]]
    assert labelled.answers[0].to_lists() == [[0, 0], [0, 2]] and labelled.answers[1] is None


def test_detects_only_grid_jsonl(tmp_path: Path) -> None:
    assert FORMAT.detect(write(tmp_path, TASK))
    assert not FORMAT.detect(write(tmp_path, TASK, name="mini.json"))
    scan = {"idx": 0, "train": [{"input": "dax", "output": "RED"}], "test": []}
    assert not FORMAT.detect(write(tmp_path, scan, name="scan.jsonl"))


def test_bad_grids_name_the_task(tmp_path: Path) -> None:
    bad = dict(TASK, train=[{"input": [[1, 0], [0]], "output": [[0]]}])
    with pytest.raises(InvalidTaskError, match="mini/7"):
        load(write(tmp_path, bad))


def test_score_counts_first_attempts(tmp_path: Path) -> None:
    (task,) = load(write(tmp_path, TASK))
    right = task.answers[0]
    assert score(task, ((right,), (None,))) == (1, 2)
    assert score(task, ()) == (0, 2)


def test_benchmark_tasks_solve_through_the_grid_domain(shared_benchmarks: Path) -> None:
    path = shared_benchmarks / "miniarc" / "qiu2024" / "miniarc.jsonl"
    tasks = load(path)
    assert len(tasks) == 130 and sum(len(t.task.tests) for t in tasks) == 385
    assert FORMAT.detect(path)
    by_id = {t.id: t for t in tasks}
    for tid in ("miniarc/2", "miniarc/55"):  # a colour fix-up and a half turn
        task = by_id[tid]
        result = solve(task.task, Settings(time_limit=30))
        n = len(task.task.tests)
        assert score(task, result.predictions) == (n, n), (tid, result.stop_reason)
    rendered = json.loads(grid_miniarc.render(task.task, result))
    assert rendered["predictions"] == [a.to_lists() for a in task.answers]

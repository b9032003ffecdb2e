"""Lists domain end to end: it passes `domain check`, its formats load the datasets, it solves real tasks."""

from __future__ import annotations

from pathlib import Path

import pytest

from hypsearch import Example, LabelledTask, Query, Settings, Signature, Status, Task, get_domain, solve
from hypsearch.cli.domain_check import CheckSettings, check_domain
from hypsearch.solvers.lists import LIST_FUNCTIONS, ONE_D_ARC, ONE_D_ARC_SPLIT

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "benchmarks"
LIST_FNS = SHARED / "list-functions" / "qiu2024" / "list_function.jsonl"
ONE_D = SHARED / "1d-arc"
needs_data = pytest.mark.usefixtures("shared_benchmarks")  # fails in CI without the data, skips elsewhere


def test_lists_domain_passes_the_check() -> None:
    assert check_domain(get_domain("lists"), CheckSettings(examples=40)) == []


def test_decomposition_and_constants_without_data() -> None:
    pairs = [((4, 1, 2),), ((7,),), ((0, 5),)]
    task = Task("wrap", "lists", Signature((("xs", "List"),), "List"),
                tuple(Example(p, (98, p[0][-1], *p[0], 37)) for p in pairs), tests=(Query(((1, 2),)),))
    result = solve(task, Settings(time_limit=10))
    assert result.status is Status.SOLVED and result.predictions[0][0] == (98, 2, 1, 2, 37), result.program_text


@needs_data
def test_formats_detect_and_load() -> None:
    tasks = LIST_FUNCTIONS.load(LIST_FNS)
    assert LIST_FUNCTIONS.detect(LIST_FNS) and len(tasks) == 250
    assert all(len(t.task.examples) == 8 and len(t.task.tests) == 8 and t.known for t in tasks)
    split = ONE_D / "hypothesis-search-split" / "arc1d_18x6_resolved.DERIVED.json"
    assert ONE_D_ARC_SPLIT.detect(split) and len(ONE_D_ARC_SPLIT.load(split)) == 108
    one = ONE_D / "dataset" / "1d_fill" / "1d_fill_0.json"
    assert ONE_D_ARC.detect(one) and not ONE_D_ARC.detect(LIST_FNS)
    [task] = ONE_D_ARC.load(one)
    assert isinstance(task.task.examples[0].output, tuple) and "concept" not in task.task.metadata
    assert task.hidden["concept"] == "1d_fill"  # answer-revealing: in the answer key only


def _correct(task: LabelledTask, seconds: float) -> bool:
    result = solve(task.task, Settings(time_limit=seconds, attempts=1))
    return result.solved and bool(task.correct(result.predictions))


@needs_data
@pytest.mark.parametrize("task_id", ["c001", "c037", "c071", "c066", "c076", "c080"])
def test_solves_list_functions(task_id: str) -> None:
    task = next(t for t in LIST_FUNCTIONS.load(LIST_FNS) if t.id == task_id)
    assert _correct(task, 30)


REMOVED = ("zigzag", "map_if_even_mul", "sort_by_div", "sort_by_mod", "eq_index", "repeat_each", "keep_singletons",
           "mul_index", "move_to_contact", "move_toward", "extend_to", "fill_pairs", "hollow", "flip_objects",
           "mirror_about", "keep_largest", "majority_fill", "copy_pattern", "recolor_largest", "recolor_by_size",
           "recolor_parity", "boundary", "span_fill")
"""Primitives that copied benchmark functions or 1D-ARC generator concepts (issue 12): they must not return."""


def test_no_benchmark_specific_primitives() -> None:
    names = {p.name for p in get_domain("lists").primitives}
    assert names.isdisjoint(REMOVED)


def test_concepts_are_found_as_compositions() -> None:
    """Denoising (single cells removed) without a primitive for it: `keep_objects` with a size predicate."""
    rows = [(0, 3, 0, 3, 3, 3, 0, 3, 0, 0), (4, 4, 0, 0, 4, 0, 4, 4, 4, 4), (0, 0, 7, 0, 7, 7, 0, 0, 0, 7),
            (2, 2, 2, 2, 2, 0, 2, 0, 2, 0), (0, 6, 6, 0, 6, 0, 0, 0, 6, 0), (1, 0, 1, 1, 1, 1, 1, 1, 0, 1)]
    task = Task("denoise", "lists", Signature((("xs", "List"),), "List"),
                tuple(Example((r,), _denoised(r)) for r in rows),
                tests=(Query(((5, 0, 5, 5, 0, 0, 5, 5, 5, 0),)),))
    result = solve(task, Settings(time_limit=30))
    assert result.status is Status.SOLVED, result.stop_reason
    assert result.predictions[0][0] == (0, 0, 5, 5, 0, 0, 5, 5, 5, 0), result.program_text
    assert "keep_objects" in (result.program_text or "")


def _denoised(row: tuple[int, ...]) -> tuple[int, ...]:
    """The row without its one-cell objects."""
    return tuple(v if v and ((k > 0 and row[k - 1] == v) or (k + 1 < len(row) and row[k + 1] == v)) else 0
                 for k, v in enumerate(row))


@needs_data
@pytest.mark.parametrize("name", ["1d_move_2p_0", "1d_move_3p_0", "1d_denoising_1c_0", "1d_move_dp_0"])
def test_solves_1d_arc(name: str) -> None:
    task = ONE_D_ARC.load(ONE_D / "dataset" / name.rsplit("_", 1)[0] / f"{name}.json")[0]
    assert _correct(task, 30)

"""Seeding the grid search with a model's programs (`Seeds`): pieces tried first and composed around.

No model here: the seeds are programs written in the test, parsed by the grid domain's own lark parser as a
model's translations are.  The LLM-loop version (the hybrid filling the seeds through the test double) is in
`test_llm_loop_hybrid_grid.py`.
"""

from __future__ import annotations

import threading
import time

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from hypsearch.core.program import App, Var, holes, substitute, subterms
from hypsearch.core.seeds import Seeds
from hypsearch.domains.grid import DOMAIN
from hypsearch.domains.grid.search import TaskData, build_steps, fits, run, seed_pieces
from hypsearch.domains.grid.values import Grid

X = {"x": "Grid"}
X_VAR = Var("x", "Grid")
TRUTH = "(upscale (mirror_h (gravity_right (gravity_down x))) 2)"
"""Four steps: beyond the plain search, whose compositions stop at three."""


def parse(text: str):
    return DOMAIN.parse(text, X)


def crop_task() -> tuple[TaskData, Grid]:
    rng = np.random.default_rng(3)
    ins = [Grid.from_lists(rng.choice([0, 0, 1, 2], (4, 5)).tolist()) for _ in range(4)]
    outs = [run(parse(TRUTH), g) for g in ins]
    return TaskData(tuple(ins[:3]), tuple(outs[:3]), (ins[3],)), outs[3]


def right(found, answer: Grid) -> list:
    return [f for f in found if f.answers == (answer,)]


def test_a_wrong_model_program_steers_the_search_to_a_fit_the_plain_search_misses() -> None:
    data, answer = crop_task()
    plain = list(fits(data, time.monotonic() + 3.0))
    assert not right(plain, answer)
    seeds = Seeds([parse("(mirror_h (gravity_right (gravity_down x)))")])  # the model's rule: one step short
    seeded = list(fits(data, time.monotonic() + 3.0, seeds=seeds))
    hits = right(seeded, answer)
    assert hits and all(seeds.seeded(f.term) for f in hits)
    assert hits[0].term == parse(TRUTH)
    assert seeds.stats["novel_pieces"] == 2 and seeds.marked >= 1


def test_seeds_that_arrive_while_the_search_runs_are_taken() -> None:
    data, answer = crop_task()
    seeds = Seeds()
    timer = threading.Timer(0.3, seeds.add, [parse("(mirror_h (gravity_right (gravity_down x)))")])
    timer.start()
    try:
        found = list(fits(data, time.monotonic() + 10.0, seeds=seeds))
    finally:
        timer.cancel()
    assert right(found, answer) and seeds.stats["programs"] == 1


def test_without_seeds_the_search_waits_for_nothing() -> None:
    """A closed, empty `Seeds` (the model gave nothing) ends the search as soon as the plain one ends."""
    g = Grid.from_lists
    hopeless = TaskData((g([[1, 2], [3, 4]]), g([[4, 3], [2, 1]])), (g([[9]]), g([[5, 5, 5]])), (g([[1, 1], [1, 1]]),))
    seeds = Seeds()
    seeds.close()
    assert not list(fits(hopeless, time.monotonic() + 3600.0, max_depth=1, seeds=seeds))
    assert seeds.stats["waits"] == 1  # one poll found the list closed: no waiting until the far deadline
    found = TaskData(hopeless.train_in, hopeless.train_in, hopeless.test_in)  # identity: found, so no wait at all
    assert list(fits(found, time.monotonic() + 3600.0, seeds=(none := Seeds()))) and "waits" not in none.stats


def test_promoted_steps_are_the_tasks_own_steps_made_of_the_models_primitives() -> None:
    data, _ = crop_task()
    steps, light = build_steps(data)
    seeds = Seeds([parse("(obj_crop (largest (objects8 x)))")])
    list(fits(data, time.monotonic() + 0.5, seeds=seeds))
    assert seeds.stats["novel_pieces"] == 0  # that program is one of the plain search's steps
    assert seeds.stats["promoted_steps"] >= 1


STEP_TERMS = [s.term for s in build_steps(crop_task()[0])[0]]


def composed(indices: list[int]):
    """A well-typed grid program: step templates of the search nested inside one another."""
    term = X_VAR
    for k in indices:
        term = substitute(STEP_TERMS[k % len(STEP_TERMS)], {X_VAR: term})
    return term


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(0, 10_000), min_size=1, max_size=4))
def test_seed_pieces_are_closed_grid_subterms_over_x_that_reparse(indices: list[int]) -> None:
    program = composed(indices)
    pieces = seed_pieces(program)
    assert pieces[0] == program and len(pieces) == len(set(pieces))  # the whole program first, no repeats
    inside = set(subterms(program))
    for piece in pieces:
        assert piece in inside and isinstance(piece, App) and piece.type == "Grid" and not holes(piece)
        assert X_VAR in set(subterms(piece))
        assert parse(DOMAIN.show(piece)) == piece  # what the search tries is a program of the DSL

"""Tests of lines and areas drawn from a grid's cells, learned from examples (`draw_rules`)."""

from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hypsearch.domains.grid import draw_rules as DR
from hypsearch.domains.grid.search import TaskData, solve_data
from hypsearch.domains.grid.values import Grid


def g(text: str) -> Grid:
    return Grid.from_lists([[int(c) for c in row] for row in text.split("/")])


def kind(direction: tuple[int, int], mode: str) -> int:
    return DR.DIRS.index(direction) * len(DR.MODES) + DR.MODES.index(mode)


def test_rays_that_stop_at_the_first_cell_they_meet_are_learned_and_generalise() -> None:
    """Every 3 shoots a ray of 4 to the right up to the first non-zero cell; the rule is checked
    leave-one-out and draws a grid it has not seen, colour 5 (never a source in training) left alone."""
    ins = (g("3000/0000/0030"), g("0000/3001/2000"), g("30020/00000"), g("0300/2000"))
    outs = (g("3444/0000/0034"), g("0000/3441/2000"), g("34420/00000"), g("0344/2000"))
    fitted = DR.fit_checked(ins, outs)
    assert fitted is not None and fitted[1]
    assert DR._unpack(fitted[0]) == ((kind((0, 1), "stop"), 3, 4, DR.ANY),)
    assert DR.draw_lines(g("03000/00000/50000/00309"), fitted[0]) == g("03444/00000/50000/00349")


def test_the_gap_between_two_cells_of_a_colour_is_preferred_to_a_ray() -> None:
    """Gaps between same-coloured cells on a row, each its own colour: a ray that hits would explain the
    training pairs too, but the more constrained gap is kept, so a lone cell draws nothing."""
    ins = (g("10010/00000/02002"), g("2002/0000/3030"))
    outs = (g("11110/00000/02222"), g("2222/0000/3330"))
    rules = DR.fit(ins, outs)
    assert rules is not None and DR._unpack(rules) == ((DR.N_RAYS + 2, DR.ANY, DR.OWN, DR.ANY),)
    assert DR.draw_lines(g("40004/00007/50000"), rules) == g("44444/00007/50000")


def test_rays_that_hit_a_target_colour_and_rays_that_miss() -> None:
    """Cells shoot a ray only toward a block of 3 (a ray ending on another cell is not drawn); in a second
    rule 1s shoot only where they meet nothing."""
    x = g("1000/0000/0033/2003")
    hit3 = DR._pack([(kind((0, 1), "hit"), DR.ANY, DR.OWN, 3)])
    assert DR.draw_lines(x, hit3) == g("1000/0000/0033/2223")
    miss = DR._pack([(kind((0, 1), "miss"), 1, 1, 0)])
    assert DR.draw_lines(x, miss) == g("1111/0000/0033/2003")
    ins = (g("10030/00000/20000"), g("00000/50003/01000"), g("10203"))
    outs = (g("11130/00000/20000"), g("00000/55553/01000"), g("10223"))
    rules = DR.fit(ins, outs)
    assert rules is not None
    assert DR.draw_lines(g("2003/0000/1000/4020"), rules) == g("2223/0000/1000/4020")


def test_crossing_lines_keep_the_colour_of_the_rule_drawn_first() -> None:
    """Gaps between same-coloured cells, where the columns' lines cross the rows' and win: the rows' rule is
    wrong only where the columns' rule paints first, so the fit orders the two that way."""
    ins = (g("02000/00000/30003/00000/02000"), g("00200/30003/00000/00200"))
    outs = (g("02000/02000/32333/02000/02000"), g("00200/33233/00200/00200"))
    rules = DR.fit(ins, outs)
    assert rules is not None
    kinds = [k for k, _, _, _ in DR._unpack(rules)]
    assert kinds == [DR.N_RAYS + 0, DR.N_RAYS + 2]  # columns first, then rows
    assert all(DR.draw_lines(i, rules) == o for i, o in zip(ins, outs))


def test_areas_beside_inside_and_enclosed_by_cells() -> None:
    """The area kinds: the edge and corner neighbours, the bounding box, the enclosed holes."""
    area = {name: DR.N_RAYS + DR.N_GAPS + i for i, name in enumerate(DR.AREAS)}
    x = g("00000/01010/00000/00000")
    assert DR.draw_lines(x, DR._pack([(area["next4"], 1, 2, 0)])) == g("02020/21212/02020/00000")
    assert DR.draw_lines(x, DR._pack([(area["next_diag"], 1, 3, 0)])) == g("30303/01010/30303/00000")
    assert DR.draw_lines(g("1100/0100"), DR._pack([(area["box"], 1, 5, 0)])) == g("1100/5100")
    ring = g("11100/10100/11100/00000")
    assert DR.draw_lines(ring, DR._pack([(area["holes"], DR.ANY, 4, 0)])) == g("11100/14100/11100/00000")


def test_outputs_that_change_a_cell_or_add_nothing_have_no_rule() -> None:
    assert DR.fit((g("10"),), (g("20"),)) is None
    assert DR.fit((g("10"),), (g("10"),)) is None
    assert DR.fit((g("10"), g("10")), (g("11"), g("10"))) is None  # the same input drawn two ways


def test_a_drawing_task_is_solved_through_the_search() -> None:
    """The search fits the rule at its root and answers the test input with it."""
    data = TaskData((g("3000/0000/0030"), g("0000/3001/0000"), g("30020/00000")),
                    (g("3444/0000/0034"), g("0000/3441/0000"), g("34420/00000")),
                    (g("00003/30000"),))
    answers = [answers for _, answers in solve_data(data, time.monotonic() + 30.0)]
    assert answers and answers[0] == (g("00003/34444"),)


grids = st.integers(1, 7).flatmap(lambda h: st.integers(1, 7).flatmap(
    lambda w: st.lists(st.lists(st.sampled_from([0, 0, 0, 1, 2, 3]), min_size=w, max_size=w),
                       min_size=h, max_size=h)))
rules = st.tuples(st.integers(0, DR.N_KINDS - 1), st.integers(0, 9), st.integers(1, DR.OWN), st.integers(0, 9)).map(
    lambda r: r if r[0] < DR.N_RAYS and r[0] % len(DR.MODES) == DR.HIT else (*r[:3], 0))


@settings(max_examples=150, deadline=None)
@given(st.lists(grids, min_size=1, max_size=3), st.lists(rules, min_size=1, max_size=3))
def test_drawing_paints_only_zero_cells_and_rules_pack_into_one_int(rows: list, chosen: list) -> None:
    code = DR._pack(chosen)
    assert DR._unpack(code) == tuple(chosen)
    for r in rows:
        x = Grid.from_lists(r)
        y = DR.draw_lines(x, code)
        assert y.shape == x.shape
        assert np.array_equal(y.a[x.a != 0], x.a[x.a != 0])


@settings(max_examples=150, deadline=None)
@given(st.lists(grids, min_size=1, max_size=3), rules)
def test_outputs_one_rule_drew_are_always_fitted(rows: list, rule: DR.Rule) -> None:
    """Whatever single rule drew the outputs, `fit` finds rules (that one, or others as good) that draw
    every one of them exactly."""
    ins = tuple(Grid.from_lists(r) for r in rows)
    outs = tuple(DR.draw_lines(x, DR._pack([rule])) for x in ins)
    if ins == outs:
        assert DR.fit(ins, outs) is None
        return
    fitted = DR.fit(ins, outs)
    assert fitted is not None
    assert all(DR.draw_lines(x, fitted) == y for x, y in zip(ins, outs))


@pytest.mark.parametrize("code", [0, -5, 63 << 12 | 1 << 4, 1 << 12, 0 << 12 | 2 << 4 | 3])  # kind, colour, target
def test_a_malformed_rule_int_is_refused(code: int) -> None:
    with pytest.raises(ValueError):
        DR.draw_lines(g("10"), code)

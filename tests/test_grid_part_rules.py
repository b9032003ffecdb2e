"""Tests of the parts between separator lines filled by a learned property (`part_rules`)."""

from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hypsearch.domains.grid import part_rules as PF
from hypsearch.domains.grid.search import TaskData, solve_data
from hypsearch.domains.grid.values import Grid


def g(text: str) -> Grid:
    return Grid.from_lists([[int(c) for c in row] for row in text.split("/")])


def test_the_part_with_most_cells_is_filled_with_its_colour_and_the_others_cleared() -> None:
    """Each grid's fullest part becomes solid in its own colour (a different colour per example), the others
    blank: only "most cells → own colour" explains every pair, and it fills a colour never seen in training."""
    ins = (g("10501/00500/55555/11501/01500"), g("22502/20500/55555/00502/02500"),
           g("00503/30533/55555/00500/03500"))
    outs = (g("00500/00500/55555/11500/11500"), g("22500/22500/55555/00500/00500"),
            g("00533/00533/55555/00500/00500"))
    fitted = PF.fit(ins, outs)
    assert fitted is not None and PF.FEATURES[fitted[0]] == "most_cells"
    assert all(PF.fill_parts(i, *fitted) == o for i, o in zip(ins, outs))
    assert PF.fill_parts(g("40504/00544/55555/04500/00500"), *fitted) == g("00544/00544/55555/00500/00500")


def test_parts_are_filled_by_where_they_lie_in_layouts_of_different_sizes() -> None:
    """The first part turns 1 and the last 3, in 2-by-2, 3-by-2 and 2-by-3 layouts alike; the rest are kept, so
    a 3-by-3 layout the examples never showed is answered too."""
    ins = (g("00500/00500/55555/00500"), g("0050/5555/0050/5555/0050"), g("05050/05050/55555/05050"))
    outs = (g("11500/11500/55555/00533"), g("1150/5555/0050/5555/0053"), g("15050/15050/55555/05053"))
    fitted = PF.fit(ins, outs)
    assert fitted is not None and PF.FEATURES[fitted[0]] == "position"
    assert PF.fill_parts(g("05050/55555/05050/55555/05050"), *fitted) == g("15050/55555/05050/55555/05053")


def test_one_cell_per_part_is_coloured_by_the_parts_cell_count() -> None:
    """Parts holding the most cells read as 1, the rest as 0, in a grid shaped like the layout (2-by-2, 2-by-3)."""
    ins = (g("66560/00506/55555/00506"), g("66506560/00560500/55555555/06500566"))
    outs = (g("11/00"), g("110/001"))
    fitted = PF.fit_cells(ins, outs)
    assert fitted is not None and all(PF.part_cells(i, *fitted) == o for i, o in zip(ins, outs))
    assert PF.part_cells(g("00500/06500/55555/06506/60500"), *fitted) == g("00/10")
    assert PF.fit_cells(ins, (g("110/001"), g("11/00"))) is None


def test_parts_apart_on_a_blank_background_are_cut_by_their_all_zero_lines() -> None:
    """No coloured separator: all-0 rows and columns between content cut the grid, 0 cells inside a part
    (noise) do not, and each part reads as its main colour."""
    from hypsearch.domains.grid.partition import part_slices

    ins = (g("110222/100202/000000/330404"), g("220111/020011/000000/300033"))
    assert part_slices(ins[0].a) == [[(0, 2, 0, 2), (0, 2, 3, 6)], [(3, 4, 0, 2), (3, 4, 3, 6)]]
    outs = (g("12/34"), g("21/33"))
    fitted = PF.fit_cells(ins, outs)
    assert fitted is not None and all(PF.part_cells(i, *fitted) == o for i, o in zip(ins, outs))
    assert PF.part_cells(g("440033/400003/000000/110011"), *fitted) == g("43/11")
    with pytest.raises(ValueError):  # blank margins around one shape are not separators
        part_slices(g("0000/0110/0000").a)


def test_no_rule_is_learned_when_the_outputs_are_not_filled_parts() -> None:
    """A separator that moves, a part that is neither kept nor solid, or no separators at all: no fit."""
    ins = (g("00500/00500/55555/00500"), g("0050/5555/0050/5555/0050"))
    assert PF.fit(ins, (g("00500/00500/55055/00500"), g("1150/5555/0050/5555/0050"))) is None
    assert PF.fit(ins, (g("10500/00500/55555/00500"), g("1050/5555/0050/5555/0050"))) is None
    assert PF.fit(ins, (g("11500/11500/55555/00500"), g("1150/5555/0050/5555/0050"))) is not None
    assert PF.fit((g("010/000"), g("001/000")), (g("111/000"), g("001/000"))) is None


def test_a_parts_task_is_solved_through_the_search() -> None:
    """Each part is repainted by a table of its main colour (1 → 6, 2 → 7); the search answers the test."""
    data = TaskData((g("010502/000500"), g("020501/000500"), g("010501/000500")),
                    (g("666577/666577"), g("777566/777566"), g("666566/666566")),
                    (g("000502/020500"),))
    answers = [answers for _, answers in solve_data(data, time.monotonic() + 30.0)]
    assert answers and answers[0] == (g("777577/777577"),)


layouts = st.tuples(st.lists(st.integers(1, 3), min_size=2, max_size=3),
                    st.lists(st.integers(1, 3), min_size=2, max_size=3))


@st.composite
def parted(draw: st.DrawFn) -> Grid:
    """A grid of parts (random contents in colours 0-3) between full separator lines of colour 5."""
    heights, widths = draw(layouts)
    h, w = sum(heights) + len(heights) - 1, sum(widths) + len(widths) - 1
    a = np.array(draw(st.lists(st.sampled_from([0, 0, 1, 2, 3]), min_size=h * w, max_size=h * w)),
                 dtype=np.int8).reshape(h, w)
    for r in np.cumsum(heights)[:-1] + np.arange(len(heights) - 1):
        a[r, :] = 5
    for c in np.cumsum(widths)[:-1] + np.arange(len(widths) - 1):
        a[:, c] = 5
    return Grid.adopt(a)


tables = st.tuples(st.dictionaries(st.integers(0, PF.MAX_VALUE), st.integers(0, PF.KEEP), max_size=6),
                   st.integers(0, PF.KEEP))


@settings(max_examples=150, deadline=None)
@given(st.lists(parted(), min_size=2, max_size=3), st.integers(0, len(PF.FEATURES) - 1), tables)
def test_tables_pack_into_one_int_and_any_table_drawn_outputs_are_fitted(xs: list, feature: int,
                                                                          table: tuple) -> None:
    """A table survives packing; filling only changes the parts' cells; and whatever table filled the outputs,
    `fit` either declines (leave-one-out) or returns a rule that reproduces every one of them."""
    code = PF._pack(*table)
    assert PF._unpack(code) == table
    ins = tuple(xs)
    outs = tuple(PF.fill_parts(x, feature, code) for x in ins)
    for x, y in zip(ins, outs):
        lines = (x.a == 5).all(axis=1)[:, None] | (x.a == 5).all(axis=0)[None, :]
        assert (y.a[lines] == 5).all() and y.shape == x.shape
    fitted = PF.fit(ins, outs)
    if fitted is not None:
        assert all(PF.fill_parts(x, *fitted) == y for x, y in zip(ins, outs))


@settings(max_examples=100, deadline=None)
@given(st.lists(parted(), min_size=2, max_size=3), st.integers(0, len(PF.FEATURES) - 1), tables)
def test_cells_any_table_drew_are_fitted_or_declined(xs: list, feature: int, table: tuple) -> None:
    """`part_cells` gives one cell per part; `fit_cells` on its outputs declines or reproduces every one."""
    code = PF._pack(*table)
    try:
        outs = tuple(PF.part_cells(x, feature, code) for x in xs)
    except ValueError:
        return  # the table leaves some part "kept": no cell for it
    fitted = PF.fit_cells(tuple(xs), outs)
    if fitted is not None:
        assert all(PF.part_cells(x, *fitted) == y for x, y in zip(xs, outs))

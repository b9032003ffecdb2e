"""Tests of the answer chosen among the train outputs by a property of the input (`lookup_rules`)."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hypsearch.domains.grid import lookup_rules as KR
from hypsearch.domains.grid.search import TaskData, solve_data
from hypsearch.domains.grid.values import Grid


def g(text: str) -> Grid:
    return Grid.from_lists([[int(c) for c in row] for row in text.split("/")])


small_grids = st.integers(1, 4).flatmap(lambda h: st.integers(1, 4).flatmap(
    lambda w: st.lists(st.lists(st.integers(0, 9), min_size=w, max_size=w), min_size=h, max_size=h)))


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.integers(0, 10 ** 12), small_grids, min_size=1, max_size=5))
def test_a_packed_table_unpacks_to_itself(entries: dict[int, list[list[int]]]) -> None:
    table = {k: Grid.from_lists(v) for k, v in entries.items()}
    assert KR.unpack(KR.pack(table)) == table


def test_outputs_chosen_by_the_number_of_colours_answer_an_unseen_input() -> None:
    """One colour → a bar, two → a diagonal, each shown twice; an input never seen with two colours gets the
    diagonal, and a three-colour input gets no answer."""
    bar, diag = g("111/000/000"), g("100/010/001")
    ins = (g("33/33"), g("505/000"), g("12/21"), g("4/7/4"))
    outs = (bar, bar, diag, diag)
    fitted = KR.fit(ins, outs)
    assert fitted and KR.FEATURES[fitted[0][0]] == "colour_count"
    index, table = fitted[0]
    assert KR.lookup(g("8008/0900"), index, table) == diag
    with pytest.raises(ValueError):
        KR.lookup(g("123"), index, table)


def test_no_table_is_learned_without_a_repeated_output_or_against_the_pairs() -> None:
    assert KR.fit((g("1"), g("22")), (g("1"), g("2"))) == []  # every output differs: nothing to look up
    # inputs alike in every count get different outputs; by their colours, each value is seen only once
    assert KR.fit((g("1"), g("2"), g("3")), (g("5"), g("6"), g("5"))) == []


def test_a_malformed_table_is_refused() -> None:
    with pytest.raises(ValueError):
        KR.unpack(0b10)
    with pytest.raises(ValueError):
        KR.lookup(g("1"), 99, KR.pack({1: g("1")}))


def test_a_classification_task_is_answered_through_the_search_as_a_last_guess() -> None:
    """Inputs with one object → 1, two → 2 (as a 1x1 grid), each output twice; the test has two objects."""
    ins = (g("1000/0000/0000"), g("0000/0220/0000"), g("1000/0000/0001"), g("3000/0000/0300"))
    outs = (g("1"), g("1"), g("2"), g("2"))
    data = TaskData(ins, outs, (g("0000/0400/0000/0004"),))
    found = solve_data(data, time.monotonic() + 20.0)
    assert any(answers == (g("2"),) for _, answers in found)

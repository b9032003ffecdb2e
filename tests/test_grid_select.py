"""Choosing attempts among fitting grid programs: output-size rules, doubts, grouping by answers."""

from __future__ import annotations

from fractions import Fraction

from hypsearch.domains.grid.search import A, X, TaskData, solve_data
from hypsearch.domains.grid.select import Fit, choose, expectations
from hypsearch.domains.grid.sizes import SideRule, size_rules
from hypsearch.domains.grid.values import Grid


def G(rows: list[list[int]]) -> Grid:
    return Grid.from_lists(rows)


def test_side_rule_scales_and_offsets() -> None:
    assert SideRule(0, Fraction(2), 0).apply((3, 5)) == 6
    assert SideRule(1, Fraction(1, 2), 0).apply((3, 5)) is None  # 5/2 is no side
    assert SideRule(1, Fraction(1), -1).apply((3, 5)) == 4
    assert SideRule(None, Fraction(0), 7).apply((3, 5)) == 7


def test_size_rules_predict_the_test_shape() -> None:
    ins = [G([[1, 2]]), G([[1, 2, 3], [4, 5, 6]])]
    outs = [G([[1, 2], [1, 2]]), G([[1, 2, 3]] * 4)]  # height doubles, width stays
    rules = size_rules(ins, outs)
    hs, ws = rules.predict(G([[0] * 4] * 3))
    assert hs is not None and 6 in hs and ws == frozenset({4})
    assert rules.allows(G([[0] * 4] * 3), G([[0] * 4] * 6))
    assert not rules.allows(G([[0] * 4] * 3), G([[0] * 4] * 3))


def test_size_rules_leave_an_unexplained_side_open() -> None:
    ins = [G([[1]]), G([[1, 1]])]
    outs = [G([[1, 1, 1]]), G([[1] * 5])]  # width 1 -> 3, 2 -> 5: no simple rule
    hs, ws = size_rules(ins, outs).predict(G([[1, 1, 1]]))
    assert ws is None and hs == frozenset({1})


def test_doubts_count_broken_expectations() -> None:
    ins = (G([[1, 0], [0, 0]]), G([[0, 0], [2, 0]]))
    outs = (G([[0, 1], [0, 0]]), G([[0, 0], [0, 2]]))
    exp = expectations(ins, outs)
    test = G([[3, 0], [0, 0]])
    assert exp.doubts((test,), (G([[0, 3], [0, 0]]),)) == 0
    assert exp.doubts((test,), (test,)) == 1  # a copy of the input, though no train output copies its input
    assert exp.doubts((test,), (G([[0, 3, 0]]),)) == 1  # a size no rule predicts
    assert exp.doubts((test,), (G([[0, 5], [0, 0]]),)) == 1  # colour 5 seen nowhere
    assert exp.doubts((test,), (G([[3, 3], [3, 3]]),)) == 1  # one colour, as no train output is


def test_a_palette_every_output_keeps_to_is_expected_of_the_answer() -> None:
    """Each input brings its own colour (2, then 3) and every output paints it 5: an answer keeping the test
    input's own colour breaks the palette; when some output keeps its input's colour, it does not."""
    ins = (G([[2, 0], [5, 5]]), G([[0, 3], [5, 5]]))
    outs = (G([[0, 0], [5, 5]]), G([[0, 0], [5, 5]]))
    test = G([[4, 0], [5, 5]])
    exp = expectations(ins, outs)
    assert exp.doubts((test,), (G([[0, 0], [5, 5]]),)) == 0
    assert exp.doubts((test,), (G([[0, 4], [5, 5]]),)) == 1  # 4 is the test's own colour; no output kept one
    kept = expectations(ins, (outs[0], G([[3, 0], [5, 5]])))  # the second output keeps its own 3
    assert kept.doubts((test,), (G([[0, 4], [5, 5]]),)) == 0


def test_choose_prefers_doubt_free_then_shallow_then_agreed() -> None:
    a, b, c = G([[1]]), G([[2]]), G([[3]])
    fits = [Fit(A("rot90", X), 1, (a,), 1),
            Fit(A("flip_h", A("rot90", X)), 2, (b,), 0),
            Fit(A("flip_v", A("rot90", X)), 2, (c,), 0),
            Fit(A("flip_v", A("rot180", X)), 2, (c,), 0)]
    chosen = choose(fits, 2)
    assert [ch.fit.answers for ch in chosen] == [(c,), (b,)]  # two programs agree on c; a has a doubt
    assert chosen[0].votes == 2
    assert len(choose(fits, 5)) == 3  # one attempt per distinct answer


def test_solve_data_answers_with_the_consistent_program() -> None:
    # every output is the input's left half; the test input's right half differs from its left half
    ins = (G([[1, 0, 0, 1], [2, 0, 0, 2]]), G([[3, 3, 3, 3], [0, 4, 4, 0]]))
    outs = tuple(G([row[:2] for row in g.to_lists()]) for g in ins)
    data = TaskData(ins, outs, (G([[5, 6, 7, 8], [1, 2, 3, 4]]),))
    import time

    found = solve_data(data, time.monotonic() + 20)
    assert found and found[0][1] == (G([[5, 6], [1, 2]]),)

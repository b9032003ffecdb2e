"""Tests of one object cropped by a property learned from examples (`pick_rules`)."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hypsearch.domains.grid import pick_rules as PR
from hypsearch.domains.grid.search import TaskData, solve_data
from hypsearch.domains.grid.values import Grid


def g(text: str) -> Grid:
    return Grid.from_lists([[int(c) for c in row] for row in text.split("/")])


def test_the_object_with_a_hole_is_cropped_whatever_its_size() -> None:
    """The ringed object is the output; size, colour and place do not tell it: `holes` does, and the rule
    crops the ring of a grid it has not seen."""
    ins = (g("11100/10100/11100/00022/00022"), g("333000/333000/333000/000444/000404/000444"),
           g("555/505/555/000/660"))
    outs = (g("111/101/111"), g("444/404/444"), g("555/505/555"))
    rule = PR.fit(ins, outs)
    assert rule is not None
    assert PR.PROPERTIES[PR._decode(rule)[2]] == "holes"
    assert PR.pick_object(g("000000/077770/070070/077770/000000/880000"), rule) == g("7777/7007/7777")


def test_tied_objects_are_picked_only_when_they_crop_alike() -> None:
    """The shape most objects share: several objects tie on `shape_count`, which is fine because their crops
    are equal; in a grid where the tied objects differ in colour the rule refuses to choose."""
    ins = (g("10100/00000/22022"), g("30303/00000/44000"))
    outs = (g("1"), g("3"))
    rule = PR.fit(ins, outs)
    assert rule is not None
    assert PR.pick_object(g("505/000/770"), rule) == g("5")
    with pytest.raises(ValueError):
        PR.pick_object(g("506/000/770"), rule)


def test_objects_on_a_coloured_background() -> None:
    """On a background of 8 (the grid's most common colour) the `_bg` cuts see the objects on it, each with
    the background around its own cells; on a background of 0 they see none (the plain cuts do)."""
    objs = PR._cut(g("88888/81188/81838/88888"), PR.CUTS.index("objects8_bg"))
    assert [o.cells for o in objs] == [g("11/18"), g("3")]
    assert PR._cut(g("000/010"), PR.CUTS.index("mc_objects8_bg")) == ()
    rule = PR.fit((g("88888/81188/81888/88888"), g("8888/8882/8822")), (g("11/18"), g("82/22")))
    assert rule is not None and PR.pick_object(g("888/838/833"), rule) == g("38/33")


def test_same_shape_outputs_are_not_crops_and_a_bad_code_is_refused() -> None:
    assert PR.fit((g("10/01"),), (g("01/10"),)) is None
    with pytest.raises(ValueError):
        PR.pick_object(g("1"), -1)
    with pytest.raises(ValueError):
        PR.pick_object(g("1"), len(PR.CUTS) * len(PR.CROPS) * len(PR.PICKS) * len(PR.PROPERTIES))


def test_a_crop_task_is_solved_through_the_search() -> None:
    ins = (g("11100/10100/11100/00022/00022"), g("3300000/3300000/0000000/0004440/0004040/0004440"),
           g("555/505/555/000/660"))
    outs = (g("111/101/111"), g("444/404/444"), g("555/505/555"))
    data = TaskData(ins, outs, (g("000000/077770/070070/077770/000000/880000"),))
    answers = [a for _, a in solve_data(data, time.monotonic() + 30.0)]
    assert (g("7777/7007/7777"),) in answers


grids = st.integers(2, 8).flatmap(lambda h: st.integers(2, 8).flatmap(
    lambda w: st.lists(st.lists(st.sampled_from([0, 0, 0, 1, 2, 3]), min_size=w, max_size=w),
                       min_size=h, max_size=h)))
codes = st.integers(0, len(PR.CUTS) * len(PR.CROPS) * len(PR.PICKS) * len(PR.PROPERTIES) - 1)


@settings(max_examples=150, deadline=None)
@given(st.lists(grids, min_size=1, max_size=3), codes)
def test_outputs_one_rule_picked_are_always_fitted(rows: list, code: int) -> None:
    """Whatever rule cropped the outputs, `fit` finds one (that one, or one as good) that crops every one of
    them; a code decodes into its parts and back."""
    assert PR._code(*PR._decode(code)) == code
    ins = tuple(Grid.from_lists(r) for r in rows)
    try:
        outs = tuple(PR.pick_object(x, code) for x in ins)
    except ValueError:
        return
    if any(o.shape == x.shape for o, x in zip(outs, ins)):
        return
    rule = PR.fit(ins, outs)
    assert rule is not None
    assert all(PR.pick_object(x, rule) == o for x, o in zip(ins, outs))

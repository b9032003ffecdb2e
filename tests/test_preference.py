"""The prior that picks among fitting programs when nothing more can be asked (`engine.preference`)."""

from __future__ import annotations

from hypothesis import given, strategies as st

from hypsearch import Example, Settings, Signature, Task, get_domain, solve
from hypsearch.core.program import App, Const, Var
from hypsearch.engine.preference import preferred, specificity

X = Var("x", "String")
STRINGS = get_domain("strings")
OFFSETS = STRINGS.offset_types


def _p(text: str):
    return STRINGS.parse(text, {"x": "String"})


def test_a_constant_function_is_more_specific_than_one_that_reads_its_input() -> None:
    assert specificity(_p('"Lee"')).ignores_inputs == 1
    assert specificity(_p("(str.at x 0)")).ignores_inputs == 0
    assert specificity(_p('"Lee"')) > specificity(_p('(str.substr x 4 3)'))


def test_fixed_offsets_and_computed_constants_count_plain_positions_do_not() -> None:
    assert specificity(_p("(str.substr x 0 1)"), OFFSETS).fixed_constants == 0
    assert specificity(_p("(str.substr x 4 3)"), OFFSETS).fixed_constants == 2
    assert specificity(_p("(str.substr x 0 (+ 5 5))"), OFFSETS).fixed_constants == 1  # one computed constant
    assert specificity(_p('(str.substr x 0 (str.indexof x " " 0))'), OFFSETS).fixed_constants == 0


def test_where_numbers_are_data_only_computed_constants_count() -> None:
    assert OFFSETS == {"Int"} and get_domain("lists").offset_types == frozenset()
    assert specificity(_p("(str.substr x 4 3)")).fixed_constants == 0
    assert specificity(_p("(str.substr x 0 (+ 5 5))")).fixed_constants == 1


def test_the_engine_choice_stays_unless_another_is_less_specific() -> None:
    fixed, structural = _p("(str.substr x 0 3)"), _p('(str.substr x 0 (str.indexof x " " 0))')
    assert preferred([fixed, structural], offset_types=OFFSETS) == 1
    assert preferred([structural, fixed], offset_types=OFFSETS) == 0
    assert preferred([fixed, structural]) == 0  # numbers as data: the smallest fit stays
    a, b = _p("(str.at x 0)"), _p("(str.at x 1)")
    assert preferred([a, b], agreement=[0, 5]) == 0  # agreement alone never overrides the engine's choice


def test_among_the_least_specific_the_smallest_then_the_most_agreed_with() -> None:
    fixed = _p("(str.substr x 4 3)")
    small, big, other = _p("(str.at x 0)"), _p("(str.++ (str.at x 0) x)"), _p("(str.at x 1)")
    assert preferred([fixed, big, small], offset_types=OFFSETS) == 2
    assert preferred([fixed, small, other], agreement=[0, 1, 3], offset_types=OFFSETS) == 2


@given(st.lists(st.integers(-3, 12), min_size=1, max_size=6))
def test_specificity_counts_every_loose_integer_outside_0_1_minus_1(numbers: list[int]) -> None:
    term = X
    for n in numbers:
        term = App("str.substr", (term, Const(n, "Int"), Const(1, "Int")), "String")
    loose = sum(n not in (0, 1, -1) for n in numbers)
    assert specificity(term, {"Int"}).fixed_constants == loose and specificity(term, {"Int"}).ignores_inputs == 0
    assert specificity(term).fixed_constants == 0


FIRST_WORD = Task("first-word", "strings", Signature((("x", "String"),), "String"),
                  (Example(("Ann Lee",), "Ann"), Example(("Bob Ray",), "Bob")))


def test_without_an_oracle_the_answer_is_the_structural_competitor() -> None:
    result = solve(FIRST_WORD, Settings(time_limit=20, ambiguity_seconds=4))
    assert result.solved and result.ambiguity is not None and result.ambiguity.ambiguous
    assert specificity(result.program).fixed_constants == 0, result.program_text
    assert result.stats.get("preferred_over") in result.alternatives
    assert "leans less on fixed constants" in result.stop_reason


def test_with_no_look_for_competitors_the_smallest_fit_is_answered() -> None:
    result = solve(FIRST_WORD, Settings(time_limit=20))
    assert result.solved and "preferred_over" not in result.stats and result.ambiguity is None


@given(st.lists(st.integers(0, 3), min_size=2, max_size=6), st.data())
def test_a_report_led_by_the_answer_keeps_every_output_and_shows_a_disagreement(outs: list[int], data) -> None:
    from hypsearch.core.ambiguity import Ambiguity, Distinction

    texts = tuple(f"p{i}" for i in range(len(outs)))
    d = Distinction(("in",), tuple(zip(texts, outs)), "generated")
    answer = data.draw(st.sampled_from(texts))
    led = Ambiguity(len(texts), texts, (d,), "test").led_by(answer)
    assert led.competitors[0] == answer and sorted(led.competitors) == sorted(texts)
    (first,) = led.distinctions
    assert first.outputs[0][0] == answer and sorted(first.outputs) == sorted(d.outputs)
    shown = first.contrast()
    assert len(shown) == (2 if len(set(outs)) > 1 else 1) and (len(shown) < 2 or shown[0][1] != shown[1][1])

"""Distinguishing inputs: z3's really separate the programs under the interpreter; generated ones keep the shape."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hypsearch import Signature, get_domain
from hypsearch.check.distinguish import outputs_on, smt_split
from hypsearch.check.shape import admits, shapes_of
from hypsearch.search.generators import terms
from hypsearch.search.probes import find_separating, mutation_probes

STRINGS = get_domain("strings")
LISTS = get_domain("lists")
ONE_STRING = Signature((("x", "String"),), "String")
NAMES = st.text(alphabet=st.sampled_from("abcXYZ 09.-"), min_size=1, max_size=9)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(a=terms(STRINGS, {"x": "String"}, "String", max_depth=2), b=terms(STRINGS, {"x": "String"}, "String", max_depth=2),
       given_inputs=st.lists(NAMES, min_size=1, max_size=3))
def test_a_z3_input_makes_the_interpreter_outputs_differ(a, b, given_inputs) -> None:
    inputs = [(s,) for s in given_inputs]
    shapes = shapes_of(inputs, 1)
    split = smt_split(STRINGS, ONE_STRING, a, b, shapes, inputs, avoid=inputs, timeout_ms=500)
    assert split.result in ("found", "same", "unknown")
    if split.result == "found":
        left, right = outputs_on(STRINGS, ONE_STRING, (a, b), split.inputs)
        assert left != right
        assert admits(shapes, split.inputs)
        assert split.inputs not in inputs


def test_z3_finds_where_a_fixed_offset_and_a_space_search_part() -> None:
    fixed = STRINGS.parse('(str.substr x 4 3)', {"x": "String"})
    spaced = STRINGS.parse('(str.substr x (+ 1 (str.indexof x " " 0)) 3)', {"x": "String"})
    given_inputs = [("Ann Lee Smith",), ("Bob Ray Jones",)]
    split = smt_split(STRINGS, ONE_STRING, fixed, spaced, shapes_of(given_inputs, 1), given_inputs, given_inputs,
                      timeout_ms=20000)
    assert split.result == "found"
    (x,) = split.inputs
    assert len(x) == 13 and x.strip() == x and all(c.isalpha() or c == " " for c in x)  # shaped like the examples


def test_equal_programs_have_no_split() -> None:
    a = STRINGS.parse('(str.++ x "a")', {"x": "String"})
    b = STRINGS.parse('(str.++ (str.substr x 0 (str.len x)) "a")', {"x": "String"})
    assert smt_split(STRINGS, ONE_STRING, a, b, shapes_of([("ab",)], 1), [("ab",)], timeout_ms=20000).result == "same"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(NAMES, st.integers(-3, 20)), min_size=1, max_size=4), st.integers(0, 1000))
def test_mutation_probes_respect_the_shape_of_the_examples(inputs, seed) -> None:
    sig = Signature((("s", "String"), ("n", "Int")), "String")
    shapes = shapes_of(inputs, 2)
    assert all(admits(shapes, x) for x in inputs)  # a shape admits the values it was read from
    probes = mutation_probes(STRINGS, sig, inputs, shapes, 12, seed=seed)
    assert len({repr(p) for p in probes}) == len(probes)
    for p in probes:
        assert admits(shapes, p) and p not in inputs
        assert isinstance(p[0], str) and isinstance(p[1], int) and not isinstance(p[1], bool)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.integers(0, 9), max_size=6).map(tuple), min_size=1, max_size=4), st.integers(0, 1000))
def test_list_probes_are_lists_of_the_examples_kind(inputs, seed) -> None:
    sig = Signature((("x", "List"),), "List")
    shaped = [(x,) for x in inputs]
    shapes = shapes_of(shaped, 1)
    for (p,) in mutation_probes(LISTS, sig, shaped, shapes, 8, seed=seed):
        assert LISTS.value_type("List").is_value(p)
        assert len(p) <= max(map(len, inputs)) + 1 and admits(shapes, (p,))


def test_hypothesis_search_finds_a_separating_list() -> None:
    sig = Signature((("x", "List"),), "List")
    sort = LISTS.parse("(sort x)", {"x": "List"})
    same = LISTS.parse("x", {"x": "List"})
    shapes = shapes_of([((1, 2, 3),)], 1)

    def differ(x):
        left, right = outputs_on(LISTS, sig, (sort, same), x)
        return left != right

    found = find_separating(LISTS, sig, differ, (), shapes, seed=1)
    assert found is not None and differ(found) and admits(shapes, found)

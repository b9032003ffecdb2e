"""LIA domain: SMT-LIB integer semantics (Euclidean div/mod), interpreter ≡ z3 encoding, printer ≡ parser."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hypsearch.check.interpreter import evaluate
from hypsearch import get_domain
from hypsearch.search.generators import terms, values, z3_value

D = get_domain("lia")
VARS = {"x": "Int", "y": "Int", "b": "Bool"}
PROGRAMS = st.one_of(*(terms(D, VARS, typ, max_depth=3) for typ in ("Int", "Bool")))
INPUTS = st.fixed_dictionaries({name: values(D, t) for name, t in VARS.items()})


@pytest.mark.parametrize("text, x, y, expected", [
    ("(div x y)", 7, 2, 3), ("(div x y)", -7, 2, -4), ("(div x y)", 7, -2, -3), ("(div x y)", -7, -2, 4),
    ("(mod x y)", -7, 2, 1), ("(mod x y)", 7, -2, 1), ("(mod x y)", -7, -2, 1),
    ("(div x y)", 5, 0, 0), ("(mod x y)", 5, 0, 5),  # total choice for division by zero, same in z3
    ("(abs x)", -4, 0, 4), ("(ite (=> (> x y) (distinct x y)) x y)", 3, 1, 3), ("(xor (< x y) (<= x y))", 2, 2, True),
])
def test_edge_cases_agree_with_z3(text: str, x: int, y: int, expected: object) -> None:
    term = D.parse(text, {"x": "Int", "y": "Int"})
    assert evaluate(D, term, {"x": x, "y": y}) == expected
    assert z3_value(D, term, {"x": x, "y": y}) == expected


@settings(max_examples=150, deadline=None)
@given(PROGRAMS, INPUTS)
def test_interpreter_matches_z3(term, env) -> None:
    assert evaluate(D, term, env) == z3_value(D, term, env)


@settings(max_examples=100, deadline=None)
@given(PROGRAMS)
def test_print_parse_round_trip(term) -> None:
    assert D.parse(D.show(term), VARS) == term

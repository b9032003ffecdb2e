"""BV domain: 64-bit wrap-around semantics, SMT-LIB edge cases, interpreter ≡ z3 ≡ batch fast paths."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hypsearch.check.interpreter import evaluate
from hypsearch import get_domain
from hypsearch.core.errors import ProgramError
from hypsearch.search.generators import terms, values, z3_value

D = get_domain("bv")
BV = "(_ BitVec 64)"
M = (1 << 64) - 1
VARS = {"x": BV, "y": BV}
PROGRAMS = st.one_of(*(terms(D, VARS, typ, max_depth=3) for typ in (BV, "Bool")))
INPUTS = st.fixed_dictionaries({name: values(D, t) for name, t in VARS.items()})


def hexlit(n: int) -> str:
    return "#x%016x" % n


@pytest.mark.parametrize("op, x, y, expected", [
    ("bvadd", M, 1, 0), ("bvsub", 0, 1, M), ("bvmul", 1 << 63, 2, 0), ("bvneg", 1, None, M),
    ("bvudiv", 7, 0, M), ("bvurem", 7, 0, 7), ("bvudiv", 7, 2, 3), ("bvurem", 7, 2, 1),
    ("bvshl", 1, 64, 0), ("bvshl", 1, 63, 1 << 63), ("bvshl", 1, M, 0), ("bvlshr", M, 64, 0), ("bvlshr", M, 60, 15),
    ("bvashr", 1 << 63, 64, M), ("bvashr", 1 << 63, 1, 3 << 62), ("bvashr", 5, 100, 0), ("bvnot", 0, None, M),
    ("bvslt", M, 0, True), ("bvult", M, 0, False), ("bvsge", 0, 1 << 63, True),
])
def test_edge_cases_agree_with_z3(op: str, x: int, y: int | None, expected: object) -> None:
    text = f"({op} x y)" if y is not None else f"({op} x)"
    term = D.parse(text, VARS)
    env = {"x": x, "y": y if y is not None else 0}
    assert evaluate(D, term, env) == expected
    assert z3_value(D, term, env) == expected


def test_literals_print_and_parse_at_full_width() -> None:
    term = D.parse("(bvadd x #x00000000000000ff)", VARS)
    assert D.show(term) == "(bvadd x #x00000000000000ff)"
    with pytest.raises((ProgramError, ValueError)):
        D.parse("(bvadd x #xff)", VARS)


@settings(max_examples=150, deadline=None)
@given(PROGRAMS, INPUTS)
def test_interpreter_matches_z3(term, env) -> None:
    assert evaluate(D, term, env) == z3_value(D, term, env)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from([p for p in D.primitives if p.batch is not None]), st.data())
def test_batch_matches_impl(prim, data) -> None:
    cols = [tuple(data.draw(st.lists(values(D, t if t != "T" else BV), min_size=3, max_size=3)))
            for t in prim.arg_types]
    if prim.name == "ite":
        cols[0] = tuple(data.draw(st.lists(st.booleans(), min_size=3, max_size=3)))
    assert prim.batch(*cols) == tuple(map(prim.impl, *cols))

"""Lists domain: every primitive's semantics on a worked case, print/parse of list literals, and properties."""

from __future__ import annotations

import pytest

from hypsearch.check.interpreter import evaluate
from hypsearch import ProgramError, get_domain

D = get_domain("lists")
VARS = {"xs": "List", "ys": "List"}
XS = (3, 1, 4, 1, 5, 9, 2, 6)
ROW = (0, 2, 2, 0, 0, 5, 0, 0, 0, 0)

CASES = [
    # element access and aggregates
    ("(first xs)", XS, 3), ("(second xs)", XS, 1), ("(third xs)", XS, 4), ("(last xs)", XS, 6),
    ("(nth xs 5)", XS, 5), ("(length xs)", XS, 8), ("(sum xs)", XS, 31),
    ("(max xs)", XS, 9), ("(min xs)", XS, 1), ("(count xs 1)", XS, 2),
    # integers and tests
    ("(add 2 3)", XS, 5), ("(sub 2 3)", XS, -1), ("(mul 2 3)", XS, 6), ("(div 7 2)", XS, 3), ("(mod -7 3)", XS, 2),
    ("(gt 3 2)", XS, True), ("(eq 3 2)", XS, False), ("(is_even 4)", XS, True), ("(is_in xs 9)", XS, True),
    ("(ite (gt 1 2) 5 6)", XS, 6),
    # construction
    ("(singleton 7)", XS, (7,)), ("(cons 0 [1, 2])", XS, (0, 1, 2)), ("(append [1, 2] 0)", XS, (1, 2, 0)),
    ("(concat [1] [2 3])", XS, (1, 2, 3)), ("(repeat 4 3)", XS, (4, 4, 4)), ("(range 2 5)", XS, (2, 3, 4, 5)),
    ("(range_step 1 9 4)", XS, (1, 5, 9)),
    # slicing and editing by position (positions are 1-based)
    ("(take xs 2)", XS, (3, 1)), ("(drop xs 6)", XS, (2, 6)), ("(takelast xs 2)", XS, (2, 6)),
    ("(droplast xs 6)", XS, (3, 1)), ("(slice xs 2 4)", XS, (1, 4, 1)), ("(cut_slice xs 2 7)", XS, (3, 6)),
    ("(insert [1, 2] 2 9)", XS, (1, 9, 2)), ("(splice [1, 2] 3 [7, 8])", XS, (1, 2, 7, 8)),
    ("(remove_at [1, 2, 3] 2)", XS, (1, 3)), ("(set_at [1, 2, 3] 3 0)", XS, (1, 2, 0)),
    ("(swap [1, 2, 3] 1 3)", XS, (3, 2, 1)),
    # reordering and editing by value
    ("(reverse [1, 2, 3])", XS, (3, 2, 1)), ("(sort [3, 1, 2])", XS, (1, 2, 3)),
    ("(sort_by (div_by 10) [21, 13, 5])", XS, (5, 13, 21)), ("(sort_by (mod_by 10) [21, 13, 5])", XS, (21, 13, 5)),
    ("(unique [2, 1, 2, 3, 1])", XS, (2, 1, 3)),
    ("(replace xs 1 0)", XS, (3, 0, 4, 0, 5, 9, 2, 6)), ("(remove_first xs 1)", XS, (3, 4, 1, 5, 9, 2, 6)),
    ("(remove_all xs 1)", XS, (3, 4, 5, 9, 2, 6)),
    ("(take_while (below 5) xs)", XS, (3, 1, 4, 1)), ("(drop_while (below 5) xs)", XS, (5, 9, 2, 6)),
    ("(stretch [1, 2] 2)", XS, (1, 1, 2, 2)), ("(interleave [1, 2, 3] [7, 8])", XS, (1, 7, 2, 8)),
    # higher-order combinators and function values
    ("(map (plus 3) [1, 2])", XS, (4, 5)), ("(map (times 3) [1, 2])", XS, (3, 6)),
    ("(map (minus_from 10) [1, 2])", XS, (9, 8)), ("(map (compose (plus 1) (times 2)) [1, 2])", XS, (3, 5)),
    ("(map (indicator (divisible_by 3)) [3, 4, 6])", XS, (1, 0, 1)),
    ("(map (when even (times 3)) [1, 2])", XS, (1, 6)), ("(map negate [1, -2])", XS, (-1, 2)),
    ("(map square [3])", XS, (9,)),
    ("(filter (above 4) xs)", XS, (5, 9, 6)), ("(filter (below 3) xs)", XS, (1, 1, 2)),
    ("(filter even xs)", XS, (4, 2, 6)), ("(filter odd xs)", XS, (3, 1, 1, 5, 9)),
    ("(filter (equals 1) xs)", XS, (1, 1)), ("(filter (not_p (equals 1)) xs)", XS, (3, 4, 5, 9, 2, 6)),
    ("(filter (and_p (above 1) (below 5)) xs)", XS, (3, 4, 2)), ("(filter (or_p (equals 9) (equals 3)) xs)", XS, (3, 9)),
    ("(filter (member [1, 9]) xs)", XS, (1, 1, 9)), ("(filter nonzero [0, 1, 0, 2])", XS, (1, 2)),
    ("(count_if (above 4) xs)", XS, 3), ("(find (above 4) xs)", XS, 5),
    ("(positions (equals 1) xs)", XS, (2, 4)), ("(filter_index odd xs)", XS, (3, 4, 5, 2)),
    ("(indices [7, 7, 7])", XS, (1, 2, 3)), ("(zip_with op_mul [4, 4, 4] (indices [4, 4, 4]))", XS, (4, 8, 12)),
    ("(zip_with op_eq [1, 5, 3] [1, 2, 3])", XS, (1, 0, 1)), ("(zip_with op_sub [5, 5] [1, 2, 3])", XS, (4, 3)),
    ("(scan op_add [1, 2, 3])", XS, (1, 3, 6)), ("(scan op_max [1, 3, 2])", XS, (1, 3, 3)),
    ("(fold op_mul [2, 3, 4])", XS, 24), ("(fold op_min [2, 3, 1])", XS, 1),
    ("(pairwise op_add [1, 2, 3])", XS, (3, 5)), ("(counts [5, 6, 5])", XS, (2, 1, 2)),
    # runs and delimiters
    ("(run_lengths [1, 1, 2, 1])", XS, (2, 1, 1)), ("(dedup_runs [1, 1, 2, 1])", XS, (1, 2, 1)),
    ("(before_first [1, 0, 2, 0, 3] 0)", XS, (1,)), ("(after_last [1, 0, 2, 0, 3] 0)", XS, (3,)),
    # segments (rows of cells, background 0)
    ("(shift xs 2)", ROW, (0, 0, 0, 2, 2, 0, 0, 5, 0, 0)), ("(shift xs -1)", ROW, (2, 2, 0, 0, 5, 0, 0, 0, 0, 0)),
    ("(object_sizes [0, 3, 0, 3, 3, 3, 0, 4])", XS, (1, 3, 1)),
    ("(keep_objects (equals (max (object_sizes xs))) xs)", (0, 3, 0, 3, 3, 3, 0, 3), (0, 0, 0, 3, 3, 3, 0, 0)),
    ("(recolor_objects (equals 3) 6 [4, 4, 0, 4, 4, 4, 0, 4])", XS, (4, 4, 0, 6, 6, 6, 0, 4)),
]

NAMED_AND_OPS = ["negate", "square", "even", "odd", "nonzero", "op_add", "op_sub", "op_mul", "op_max", "op_min", "op_eq"]
"""Symbol constants: each must appear in some case too."""


@pytest.mark.parametrize("text, xs, expected", CASES)
def test_primitive(text: str, xs: tuple[int, ...], expected: object) -> None:
    assert evaluate(D, D.parse(text, VARS), {"xs": xs, "ys": ()}) == expected


def test_every_primitive_has_a_case() -> None:
    import re

    tested = {w for text, _, _ in CASES for w in re.findall(r"[a-z_]+", text)}
    assert {p.name for p in D.primitives} - tested == set()
    assert set(D.symbol_constants) - {"true", "false"} == set(NAMED_AND_OPS) and set(NAMED_AND_OPS) <= tested


@pytest.mark.parametrize("text", ["(first [])", "(nth xs 9)", "(insert xs 10 1)", "(div 1 0)",
                                  "(repeat 1 1000)", "(find (above 50) xs)",
                                  "(fold op_add [])", "(map (div_by 0) xs)"])
def test_undefined_operations_are_runtime_errors(text: str) -> None:
    from hypsearch.core.errors import EvaluationError

    with pytest.raises(EvaluationError):
        evaluate(D, D.parse(text, VARS), {"xs": XS, "ys": ()})


def test_literals_print_and_parse_back() -> None:
    term = D.parse("(concat [1, -2, 30] (map (plus -4) xs))", VARS)
    assert D.show(term) == "(concat [1, -2, 30] (map (plus -4) xs))"
    assert D.parse(D.show(term), VARS) == term
    assert D.parse("[]", VARS).value == ()


def test_type_errors_name_the_argument() -> None:
    with pytest.raises(ProgramError, match="`xs` has type List, expected Int"):
        D.parse("(take xs xs)", VARS)


# -- properties of the interpreter (hypothesis) --------------------------------------

from hypothesis import given, settings, strategies as st  # noqa: E402

from hypsearch.domains.lists import functions as F  # noqa: E402

LISTS = st.lists(st.integers(min_value=-5, max_value=99), max_size=10).map(tuple)
SMALL = st.integers(min_value=-3, max_value=12)


def run(text: str, xs: tuple[int, ...]) -> object:
    return evaluate(D, D.parse(text, VARS), {"xs": xs, "ys": ()})


@settings(max_examples=60, deadline=None)
@given(LISTS, SMALL)
def test_map_and_filter_laws(xs: tuple[int, ...], k: int) -> None:
    assert run(f"(map (plus {k}) xs)", xs) == tuple(x + k for x in xs)
    assert run(f"(map (compose (plus {k}) (times 2)) xs)", xs) == run(f"(map (plus {k}) (map (times 2) xs))", xs)
    kept, dropped = run(f"(filter (above {k}) xs)", xs), run(f"(filter (not_p (above {k})) xs)", xs)
    assert len(kept) + len(dropped) == len(xs) == run("(length xs)", xs)
    assert run(f"(count_if (above {k}) xs)", xs) == len(kept)
    assert run(f"(take_while (above {k}) xs)", xs) + run(f"(drop_while (above {k}) xs)", xs) == xs


@settings(max_examples=60, deadline=None)
@given(LISTS)
def test_folds_scans_and_zips(xs: tuple[int, ...]) -> None:
    if xs:
        assert run("(fold op_add xs)", xs) == run("(sum xs)", xs) == run("(last (scan op_add xs))", xs)
        assert run("(fold op_max xs)", xs) == max(xs)
    assert len(run("(scan op_add xs)", xs)) == len(xs)
    assert run("(zip_with op_sub xs xs)", xs) == (0,) * len(xs)
    assert run("(pairwise op_sub xs)", xs) == run("(zip_with op_sub xs (drop xs 1))", xs)
    assert run("(sort_by (div_by 10) xs)", xs) == tuple(sorted(xs, key=lambda x: x // 10))
    assert sum(run("(run_lengths xs)", xs)) == len(xs)
    assert run("(filter_index (above 0) xs)", xs) == xs


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=4), min_size=1, max_size=12).map(tuple), st.integers(-12, 12))
def test_segment_operations_keep_the_row(row: tuple[int, ...], k: int) -> None:
    for text in ("(shift xs {k})", "(keep_objects (above 1) xs)",
                 "(recolor_objects odd 7 xs)"):
        assert len(run(text.format(k=k), row)) == len(row)
    assert sum(run("(object_sizes xs)", row)) == sum(1 for x in row if x)
    assert run("(keep_objects (above 0) xs)", row) == row


@settings(max_examples=80, deadline=None)
@given(st.integers(min_value=-40, max_value=200), SMALL, SMALL)
def test_function_values_agree_with_their_definition(x: int, a: int, b: int) -> None:
    """The tabled fast path and the defining lambda agree inside and outside the probe range."""
    fns = [F.plus(a), F.times(a), F.minus_from(a), F.compose(F.plus(a), F.times(b)),
           F.when(F.above(a), F.plus(b)), F.indicator(F.or_p(F.equals(a), F.below(b)))]
    for f in fns:
        assert f(x) == f.fn(x)
    assert (F.plus(a) == F.plus(b)) == (a == b)
    assert F.compose(F.plus(a), F.plus(b)) == F.plus(a + b)

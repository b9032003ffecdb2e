"""Lists domain: every primitive's semantics on a worked case, and print/parse of list literals."""

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
    ("(nth xs 5)", XS, 5), ("(length xs)", XS, 8), ("(sum xs)", XS, 31), ("(product [2, 3, 4])", XS, 24),
    ("(max xs)", XS, 9), ("(min xs)", XS, 1), ("(count xs 1)", XS, 2), ("(count_gt xs 4)", XS, 3),
    ("(count_even xs)", XS, 3),
    # integers and tests
    ("(add 2 3)", XS, 5), ("(sub 2 3)", XS, -1), ("(mul 2 3)", XS, 6), ("(div 7 2)", XS, 3), ("(mod -7 3)", XS, 2),
    ("(gt 3 2)", XS, True), ("(eq 3 2)", XS, False), ("(is_even 4)", XS, True), ("(is_in xs 9)", XS, True),
    ("(ite (gt 1 2) 5 6)", XS, 6),
    # construction
    ("(singleton 7)", XS, (7,)), ("(cons 0 [1, 2])", XS, (0, 1, 2)), ("(append [1, 2] 0)", XS, (1, 2, 0)),
    ("(concat [1] [2 3])", XS, (1, 2, 3)), ("(repeat 4 3)", XS, (4, 4, 4)), ("(range 2 5)", XS, (2, 3, 4, 5)),
    ("(range_step 1 9 4)", XS, (1, 5, 9)),
    # restructuring (positions are 1-based)
    ("(take xs 2)", XS, (3, 1)), ("(drop xs 6)", XS, (2, 6)), ("(takelast xs 2)", XS, (2, 6)),
    ("(droplast xs 6)", XS, (3, 1)), ("(slice xs 2 4)", XS, (1, 4, 1)), ("(cut_slice xs 2 7)", XS, (3, 6)),
    ("(reverse [1, 2, 3])", XS, (3, 2, 1)), ("(sort [3, 1, 2])", XS, (1, 2, 3)),
    ("(sort_by_div [21, 13, 5] 10)", XS, (5, 13, 21)), ("(sort_by_mod [21, 13, 5] 10)", XS, (21, 13, 5)),
    ("(unique [2, 1, 2, 3, 1])", XS, (2, 1, 3)), ("(insert [1, 2] 2 9)", XS, (1, 9, 2)),
    ("(splice [1, 2] 3 [7, 8])", XS, (1, 2, 7, 8)), ("(remove_at [1, 2, 3] 2)", XS, (1, 3)),
    ("(set_at [1, 2, 3] 3 0)", XS, (1, 2, 0)), ("(swap [1, 2, 3] 1 3)", XS, (3, 2, 1)),
    ("(replace xs 1 0)", XS, (3, 0, 4, 0, 5, 9, 2, 6)), ("(remove_first xs 1)", XS, (3, 4, 1, 5, 9, 2, 6)),
    ("(remove_all xs 1)", XS, (3, 4, 5, 9, 2, 6)),
    # element-wise maps
    ("(map_add [1, 2] 3)", XS, (4, 5)), ("(map_mul [1, 2] 3)", XS, (3, 6)), ("(map_div [17, 25] 10)", XS, (1, 2)),
    ("(map_mod [17, 25] 10)", XS, (7, 5)), ("(map_rsub [1, 2] 10)", XS, (9, 8)),
    ("(map_divisible [3, 4, 6] 3)", XS, (1, 0, 1)), ("(map_if_even_mul [1, 2] 3)", XS, (1, 6)),
    ("(map_count [5, 6, 5])", XS, (2, 1, 2)), ("(zip_add [1, 2, 3] [10, 20])", XS, (11, 22)),
    ("(zip_sub [5, 5] [1, 2])", XS, (4, 3)), ("(add_index [4, 4, 4])", XS, (5, 6, 7)),
    ("(mul_index [4, 4, 4])", XS, (4, 8, 12)), ("(eq_index [1, 5, 3])", XS, (1, 0, 1)),
    ("(index_list [7, 7, 7])", XS, (1, 2, 3)), ("(stretch [1, 2] 2)", XS, (1, 1, 2, 2)),
    ("(repeat_each [2, 0, 1])", XS, (2, 2, 1)), ("(interleave [1, 2, 3] [7, 8])", XS, (1, 7, 2, 8)),
    # filters and searches
    ("(filter_gt xs 4)", XS, (5, 9, 6)), ("(filter_lt xs 3)", XS, (1, 1, 2)), ("(filter_even xs)", XS, (4, 2, 6)),
    ("(filter_odd xs)", XS, (3, 1, 1, 5, 9)), ("(filter_divisible xs 3)", XS, (3, 9, 6)),
    ("(filter_pos xs 2 1)", XS, (3, 4, 5, 2)), ("(positions xs 1)", XS, (2, 4)),
    ("(positions_even xs)", XS, (3, 7, 8)), ("(keep_singletons [1, 2, 1, 3])", XS, (2, 3)),
    # folds and runs
    ("(cumsum [1, 2, 3])", XS, (1, 3, 6)), ("(cummax [1, 3, 2])", XS, (1, 3, 3)), ("(records xs)", XS, (3, 4, 5, 9)),
    ("(run_lengths [1, 1, 2, 1])", XS, (2, 1, 1)), ("(dedup_runs [1, 1, 2, 1])", XS, (1, 2, 1)),
    ("(pair_sums [1, 2, 3])", XS, (3, 5)), ("(pair_diffs [1, 4, 2])", XS, (3, 2)),
    ("(before_first [1, 0, 2, 0, 3] 0)", XS, (1,)), ("(after_last [1, 0, 2, 0, 3] 0)", XS, (3,)),
    ("(zigzag [1, 2, 3, 4])", XS, (3, 1, 2, 4)),
    # one-row grids (background 0)
    ("(shift xs 2)", ROW, (0, 0, 0, 2, 2, 0, 0, 5, 0, 0)), ("(shift xs -1)", ROW, (2, 2, 0, 0, 5, 0, 0, 0, 0, 0)),
    ("(move_toward [2, 2, 0, 0, 0, 9] 9 2)", XS, (0, 0, 2, 2, 0, 9)),
    ("(move_to_contact [2, 2, 0, 0, 0, 9] 9)", XS, (0, 0, 0, 2, 2, 9)),
    ("(move_to_contact [9, 0, 0, 3, 0] 9)", XS, (9, 3, 0, 0, 0)),
    ("(extend_to [2, 2, 0, 0, 0, 9] 9)", XS, (2, 2, 2, 2, 2, 9)),
    ("(fill_pairs [0, 4, 0, 0, 4, 0, 3, 0, 3])", XS, (0, 4, 4, 4, 4, 0, 3, 3, 3)),
    ("(hollow [0, 6, 6, 6, 6, 0])", XS, (0, 6, 0, 0, 6, 0)),
    ("(flip_objects [0, 1, 8, 8, 8, 0])", XS, (0, 8, 8, 8, 1, 0)),
    ("(mirror_about [2, 2, 0, 9, 0, 0, 0] 9)", XS, (0, 0, 0, 9, 0, 2, 2)),
    ("(keep_largest [0, 3, 0, 3, 3, 3, 0, 3])", XS, (0, 0, 0, 3, 3, 3, 0, 0)),
    ("(majority_fill [0, 3, 3, 7, 3, 0])", XS, (0, 3, 3, 3, 3, 0)),
    ("(copy_pattern [0, 5, 5, 5, 0, 0, 0, 4, 0, 0])", XS, (0, 5, 5, 5, 0, 0, 4, 4, 4, 0)),
    ("(recolor_largest [4, 4, 0, 4, 4, 4, 0, 4] 6)", XS, (4, 4, 0, 6, 6, 6, 0, 4)),
    ("(recolor_by_size [5, 0, 5, 5, 0, 5, 5, 5] 1 2 3)", XS, (1, 0, 2, 2, 0, 3, 3, 3)),
    ("(recolor_parity [2, 2, 0, 2, 2, 2] 9 7)", XS, (9, 9, 0, 7, 7, 7)),
]


@pytest.mark.parametrize("text, xs, expected", CASES)
def test_primitive(text: str, xs: tuple[int, ...], expected: object) -> None:
    assert evaluate(D, D.parse(text, VARS), {"xs": xs, "ys": ()}) == expected


def test_every_primitive_has_a_case() -> None:
    tested = {text[1:].split()[0].rstrip(")") for text, _, _ in CASES}
    assert {p.name for p in D.primitives} - tested == set()


@pytest.mark.parametrize("text", ["(first [])", "(nth xs 9)", "(insert xs 10 1)", "(div 1 0)",
                                  "(mirror_about [1, 9, 9] 9)", "(repeat 1 1000)"])
def test_undefined_operations_are_runtime_errors(text: str) -> None:
    from hypsearch.core.errors import EvaluationError

    with pytest.raises(EvaluationError):
        evaluate(D, D.parse(text, VARS), {"xs": XS, "ys": ()})


def test_literals_print_and_parse_back() -> None:
    term = D.parse("(concat [1, -2, 30] (map_add xs -4))", VARS)
    assert D.show(term) == "(concat [1, -2, 30] (map_add xs -4))"
    assert D.parse(D.show(term), VARS) == term
    assert D.parse("[]", VARS).value == ()


def test_type_errors_name_the_argument() -> None:
    with pytest.raises(ProgramError, match="`xs` has type List, expected Int"):
        D.parse("(take xs xs)", VARS)

"""Tests of the learned grid rules (per-cell lookup tables, decision lists) and periodic repair."""

from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hypsearch.domains.grid import DOMAIN
from hypsearch.domains.grid import cell_rules as CR
from hypsearch.domains.grid import local_rules as LR
from hypsearch.domains.grid import primitives as P
from hypsearch.domains.grid.search import TaskData, run, solve_data
from hypsearch.domains.grid.values import Grid
from hypsearch.core.program import Term, subterms


def g(text: str) -> Grid:
    return Grid.from_lists([[int(c) for c in row] for row in text.split("/")])


grids = st.integers(1, 7).flatmap(lambda h: st.integers(1, 7).flatmap(
    lambda w: st.lists(st.lists(st.integers(0, 4), min_size=w, max_size=w), min_size=h, max_size=h)))


@settings(max_examples=120, deadline=None)
@given(grids, st.integers(0, len(LR.KINDS) - 1), st.booleans())
def test_a_fitted_local_rule_reproduces_its_examples(rows: list[list[int]], kind: int, abstract: bool) -> None:
    src = Grid.from_lists(rows)
    target = P.ray_down(src)  # any deterministic same-shape target
    if abstract and kind not in LR.ABSTRACT_KINDS:
        return
    table = LR.fit((src,), (target,), kind, abstract)
    if table is None:
        return
    f = LR.local_rule_abs if abstract else LR.local_rule
    assert f(src, kind, table) == target
    assert LR.decode_table(table, kind, abstract) == LR.decode_table(int(str(table)), kind, abstract)


def test_local_rule_refuses_uncovered_cells() -> None:
    table = LR.fit((g("000/010/000"),), (g("010/111/010"),), 0, False)
    assert table is not None
    with pytest.raises(ValueError):
        LR.local_rule(g("000/020/000"), 0, table)


def test_inconsistent_examples_have_no_local_rule() -> None:
    assert LR.fit((g("1"), g("1")), (g("2"), g("3")), 0, False) is None


@settings(max_examples=100, deadline=None)
@given(grids)
def test_a_fitted_rule_list_reproduces_its_examples(rows: list[list[int]]) -> None:
    src = Grid.from_lists(rows)
    target = P.replace_color(src, 1, 3)
    table = CR.fit((src,), (target,))
    if table is None:
        assert target == src or (src.a == 1).any()
        return
    assert CR.cell_rules(src, table) == target
    assert len(CR.decode(table)) <= CR.MAX_RULES


def test_rule_list_generalises_and_passes_leave_one_out() -> None:
    ins = (g("0000/0100/0000"), g("00000/00010/00000/00000"), g("010/000"))
    outs = (g("0400/0100/0400"), g("00040/00010/00040/00040"), g("010/040"))  # the pixel's column painted 4
    fitted = CR.fit_checked(ins, outs)
    assert fitted is not None
    table, loo = fitted
    assert loo
    assert CR.cell_rules(g("0010/0000"), table) == g("0010/0040")


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(2, 4), st.integers(2, 4), st.data())
def test_repair_tiling_fills_holes_consistently(th: int, tw: int, ny: int, nx: int, data: st.DataObject) -> None:
    tile_rows = data.draw(st.lists(st.lists(st.integers(1, 5), min_size=tw, max_size=tw), min_size=th, max_size=th))
    full = P.tile(Grid.from_lists(tile_rows), ny, nx)
    y, x = data.draw(st.integers(0, full.shape[0] - 1)), data.draw(st.integers(0, full.shape[1] - 1))
    holed = full.a.copy()
    holed[y, x] = 0
    try:
        fixed = P.repair_tiling(Grid(holed), 0)
    except ValueError:
        return
    assert not (fixed.a == 0).any()
    assert np.array_equal(fixed.a[holed != 0], holed[holed != 0])
    assert fixed == full


@settings(max_examples=100, deadline=None)
@given(st.integers(6, 10), st.integers(6, 10), st.sampled_from((1, -1)), st.data())
def test_repair_tiling_continues_diagonal_stripes(h: int, w: int, sign: int, data: st.DataObject) -> None:
    colours = data.draw(st.lists(st.integers(1, 9), min_size=2, max_size=3, unique=True))
    ys, xs = np.arange(h)[:, None], np.arange(w)[None, :]
    full = np.array(colours, dtype=np.uint8)[(ys + sign * xs) % len(colours)]
    # only a band of diagonals from one corner is known: too little overlap for a row-and-column period
    keep = (ys + xs if sign == 1 else ys + (w - 1 - xs)) < data.draw(st.integers(len(colours), len(colours) + 2))
    holed = np.where(keep, full, 0).astype(np.uint8)
    fixed = P.repair_tiling(Grid(holed), 0)
    assert np.array_equal(fixed.a[keep], full[keep])
    assert fixed == Grid(full)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(2, 3), st.integers(2, 3), st.integers(1, 3), st.data())
def test_a_pattern_continued_to_a_larger_grid_keeps_its_tile(th: int, tw: int, ny: int, nx: int, grow: int,
                                                              data: st.DataObject) -> None:
    tile_rows = data.draw(st.lists(st.lists(st.integers(0, 5), min_size=tw, max_size=tw), min_size=th, max_size=th))
    full = P.tile(Grid.from_lists(tile_rows), ny * 2, nx * 2)
    seen = Grid(full.a[:th * ny, :tw * nx].copy())
    try:
        longer = P.extend_pattern(seen, 2, 1, grow, 1)
    except ValueError:
        return  # the tile itself had no repeat to read
    assert longer.shape == (2 * seen.shape[0], grow * seen.shape[1])
    assert np.array_equal(longer.a[:seen.shape[0], :seen.shape[1]], seen.a)  # the seen part is kept
    assert longer == P.extend_pattern(longer, 1, 1, 1, 1)  # a continued pattern continues as itself


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 4), st.integers(2, 4), st.integers(2, 7), st.data())
def test_continue_pattern_fills_only_zero_cells_with_the_repeat(h: int, p: int, reps: int, data: st.DataObject) -> None:
    tile = np.array(data.draw(st.lists(st.lists(st.integers(1, 5), min_size=p, max_size=p), min_size=h, max_size=h)),
                    dtype=np.uint8)
    full = np.tile(tile, (1, reps))
    cut = data.draw(st.integers(2 * p, full.shape[1]))  # two whole tiles shown: the period is the tile's
    seen = full.copy()
    seen[:, cut:] = 0
    if cut == full.shape[1]:
        with pytest.raises(ValueError):  # nothing hidden
            P.continue_pattern(Grid(seen), 1)
        return
    done = P.continue_pattern(Grid(seen), 1)
    assert np.array_equal(done.a[seen != 0], seen[seen != 0])
    assert done == Grid(full)


def test_repair_tiling_fails_without_a_pattern() -> None:
    with pytest.raises(ValueError):
        P.repair_tiling(g("1230/4560/7890"), 0)


def test_search_learns_a_local_rule_and_predicts_the_test() -> None:
    # every 0 cell between two cells of the same colour on a row takes that colour, else stays
    data = TaskData(
        (g("1001/0000/2020"), g("30003/00000"), g("0000/4004")),
        (g("1111/0000/2220"), g("33333/00000"), g("0000/4444")),
        (g("0000/5005"),),
    )
    found = solve_data(data, time.monotonic() + 10)
    assert found
    term, pred = found[0]
    for i, o in zip(data.train_in, data.train_out):
        assert run(term, i) == o
    assert pred[0] == g("0000/5555")
    assert DOMAIN.parse(DOMAIN.show(term), {"x": "Grid"}) == term


def test_compose_overlay_combines_two_partial_programs() -> None:
    from hypsearch.domains.grid.search import A, X, compose_overlay

    ins = (g("10/02"), g("01/20"))
    outs = (g("13/32"), g("31/23"))  # the input drawn over a background of 3
    top = (X, ins)
    wrong = (A("rot180", X), tuple(P.rot180(i) for i in ins))  # non-zero where the input is: no use as a top
    back = (A("fill_bg", A("blank", X), 3), tuple(P.fill_bg(P.blank(i), 3) for i in ins))
    term = compose_overlay([wrong, top, back], outs, time.monotonic() + 5)
    assert term is not None
    for i, o in zip(ins, outs):
        assert run(term, i) == o
    assert compose_overlay([wrong, top], outs, time.monotonic() + 5) is None
    flipped = (A("flip_h", X), tuple(P.flip_h(i) for i in ins))  # its cells, in colour 3, are the background
    term = compose_overlay([wrong, top, flipped], outs, time.monotonic() + 5)
    assert term is not None and A("binarize", A("flip_h", X), 3) in set(subterms(term))
    for i, o in zip(ins, outs):
        assert run(term, i) == o


def test_compose_overlay_takes_a_second_top_piece_when_one_is_not_enough() -> None:
    """Two partial pieces, each right where it draws, over the input: no single top leaves a bottom that
    explains the rest, so the greedy second top is taken (the pieces' terms only label their grids here)."""
    from hypsearch.domains.grid.search import A, X, compose_overlay

    ins = (g("100/000/000"), g("000/010/000"))
    outs = (g("122/300/300"), g("000/012/030"))
    right = (A("rot90", X), (g("022/000/000"), g("000/002/000")))
    down = (A("flip_h", X), (g("000/300/300"), g("000/000/030")))
    wrong = (A("flip_v", X), (g("000/000/111"), g("111/000/000")))
    pool = [wrong, (X, ins), down, right]
    term = compose_overlay(pool, outs, time.monotonic() + 5)
    assert term is not None and term.op == "overlay"
    assert compose_overlay([wrong, (X, ins), right], outs, time.monotonic() + 5) is None  # one piece short
    grids = {t: states for t, states in pool}

    def draw(t: Term, k: int) -> Grid:
        """The grid a composed term gives on train input k (each pooled term stands for its grids)."""
        return grids[t][k] if t in grids else P.overlay(draw(t.args[0], k), draw(t.args[1], k))

    assert all(draw(term, k) == o for k, o in enumerate(outs))


def test_objects_recoloured_by_having_a_hole_are_learned_and_generalise() -> None:
    """Shapes with an enclosed hole turn 3, solid ones 2, whatever their size: `recolor_by` learns the table
    (checked leave-one-out) and applies it to a grid it has not seen."""
    from hypsearch.domains.grid import object_rules as OR

    ins = (g("111000/101000/111022/000022"), g("2220000/2020000/2220000/0000000/1111000/1111000/1111000"),
           g("1110/1010/1110/0000"))  # the ringed shape is larger in one example, smaller in another
    outs = (g("333000/303000/333022/000022"), g("3330000/3030000/3330000/0000000/2222000/2222000/2222000"),
            g("3330/3030/3330/0000"))
    fitted = OR.fit(ins, outs)
    assert fitted is not None and OR.FEATURES[fitted[0] // 2] in ("holes", "has_holes")
    for i, o in zip(ins, outs):
        assert OR.recolor_by(i, *fitted) == o
    assert OR.recolor_by(g("111110/101110/111110/000000/000011"), *fitted) == \
        g("333330/303330/333330/000000/000022")
    assert OR.fit(ins, ins) is None  # nothing recoloured: no rule


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(0, 3), min_size=2, max_size=6), min_size=2, max_size=6),
       st.permutations([1, 2, 3, 4, 5, 6, 7, 8, 9]))
def test_a_fitted_object_rule_reproduces_every_example(rows: list[list[int]], colours: list[int]) -> None:
    """Outputs made by repainting objects by their size rank: whatever `fit` returns repaints each train grid
    into its output, and `recolor_by` fails rather than guess for a value its table lacks."""
    from hypsearch.domains.grid import object_rules as OR

    width = min(len(r) for r in rows)
    base = Grid(np.array([r[:width] for r in rows]))
    variants = (base, P.flip_h(base), P.rot180(base))
    outs = []
    for v in variants:
        out = v.a.copy()
        objs = OR.blobs(v)
        ranks = sorted({int(m.sum()) for m, _, _ in objs}, reverse=True)
        for m, _, _ in objs:
            out[m] = colours[ranks.index(int(m.sum())) % 9]
        outs.append(Grid(out))
    fitted = OR.fit(variants, tuple(outs))
    if fitted is None:
        return
    for v, o in zip(variants, outs):
        assert OR.recolor_by(v, *fitted) == o
    with pytest.raises(ValueError):
        OR.recolor_by(v, fitted[0], 0)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.integers(0, 309), st.integers(0, 9), max_size=20))
def test_object_tables_pack_into_one_int_and_back(table: dict[int, int]) -> None:
    """The Int a `recolor_by` program holds gives back exactly the table it was packed from."""
    from hypsearch.domains.grid import object_rules as OR

    assert OR._unpack(OR._pack(table)) == table


def test_a_task_whose_colour_is_the_rarest_one_is_solved_on_renamed_colours() -> None:
    """Blank cells take the input's rarer colour, a different one in each pair: no fixed colour explains the
    pairs, but renamed by frequency every pair is "fill 0 with colour 2"; the program names the colours back
    from the test input, whose colours training never showed."""
    from hypsearch.domains.grid import colour_ranks as CN
    from hypsearch.domains.grid.search import X

    ins = (g("1102/1100/0100"), g("3300/3340/0030"), g("0550/5506/0050"))
    outs = (g("1122/1122/2122"), g("3344/3344/4434"), g("6556/5566/6656"))
    assert [r.name for r in CN.worth_renaming(ins, outs)] == ["ranks"]
    data = TaskData(ins, outs, (g("7707/0870"),))
    found = solve_data(data, time.monotonic() + 15.0)
    assert found and found[0][1] == (g("7787/8878"),)
    assert found[0][0].op == "denorm_colors" and found[0][0].args[1] == X
    assert not CN.worth_renaming((g("10"), g("01")), (g("11"), g("01")))  # the same colours in every output


@settings(max_examples=100, deadline=None)
@given(grids, grids)
def test_renamed_colours_are_named_back_exactly(a: list[list[int]], b: list[list[int]]) -> None:
    """`denorm_colors` undoes `norm_colors` for the same input, whatever grid it is applied to."""
    from hypsearch.domains.grid import colour_ranks as CN

    ref, other = Grid.from_lists(a), Grid.from_lists(b)
    assert CN.denorm_colors(CN.norm_colors(ref), ref) == ref
    assert CN.bg_back(CN.bg_to_zero(ref), ref) == ref
    assert CN.bg_ranks_back(CN.bg_ranks(ref), ref) == ref
    assert (CN._ranks(ref)[CN.denorm_colors(other, ref).a] == other.a).all()
    counts = np.bincount(CN.norm_colors(ref).a.ravel(), minlength=10)[1:]
    assert all(counts[i] >= counts[i + 1] for i in range(8))  # commonest first


def test_regions_of_blank_cells_are_filled_by_a_learned_property() -> None:
    """Blank regions closed off by walls become 4, those reaching the border stay blank: the table reads the
    regions' border contact (checked leave-one-out) and fills a grid it has not seen."""
    from hypsearch.domains.grid import object_rules as OR

    ins = (g("11100/10100/11100"), g("022220/020020/022220/000000"), g("111110/100010/100010/111110"))
    outs = (g("11100/14100/11100"), g("022220/024420/022220/000000"), g("111110/144410/144410/111110"))
    fitted = OR.fit(ins, outs)
    assert fitted is not None and fitted[0] >= OR.REGIONS
    assert OR.FEATURES[fitted[0] - OR.REGIONS] == "touches_border"
    assert OR.recolor_by(g("0000000/0555550/0500050/0555550"), *fitted) == g("0000000/0555550/0544450/0555550")


def test_a_task_on_a_coloured_background_is_solved_with_the_background_as_zero() -> None:
    """On a background of 8, each 3 shoots a line of 4 to the right up to the next cell: drawn lines read 0 as
    blank, so only the task renamed with its background as 0 is explained, and the answer is named back."""
    from hypsearch.domains.grid import colour_ranks as CN

    ins = (g("38888/88888/88388"), g("88888/38818/88888"), g("38828/88888"))
    outs = (g("34444/88888/88344"), g("88888/34418/88888"), g("34428/88888"))
    assert [r.name for r in CN.worth_renaming(ins, outs)] == ["background"]
    data = TaskData(ins, outs, (g("88838/38888"),))
    found = solve_data(data, time.monotonic() + 15.0)
    assert found and found[0][1] == (g("88834/34444"),)
    assert found[0][0].op == "bg_back"


def test_the_largest_and_the_smallest_object_are_told_apart_from_the_rest() -> None:
    """Largest → 1, smallest → 2, any other → 3, with three or four objects a grid: one `size_extreme` table
    explains every pair (a size rank cannot: the smallest object's rank differs between grids)."""
    from hypsearch.domains.grid import object_rules as OR

    ins = (g("5505000/5500050/0000050"), g("5550500/0000000/5505555/0000005"), g("5500555/0000555/5550000"))
    outs = (g("1102000/1100030/0000030"), g("3330200/0000000/3301111/0000001"), g("2200111/0000111/3330000"))
    fitted = OR.fit(ins, outs)
    assert fitted is not None and OR.FEATURES[fitted[0] // 2] == "size_extreme"
    assert OR.recolor_by(g("5505555/0000000/0005550/5000000"), *fitted) == g("3301111/0000000/0003330/2000000")


def test_cells_are_told_by_their_parity_inside_their_own_shape() -> None:
    """Every other cell of each bar's middle row is cleared, counted from the bar's own left end (bars start
    at odd and even columns): the component-relative parity slot explains it for a colour never seen."""
    ins = (g("0000000/1111100/1111100/1111100"), g("0222220/0222220/0222220/0000000"),
           g("3330000/3330000/3330000/0000000"))
    outs = (g("0000000/1111100/1010100/1111100"), g("0222220/0202020/0222220/0000000"),
            g("3330000/3030000/3330000/0000000"))
    fitted = CR.fit_checked(ins, outs)
    assert fitted is not None and fitted[1]
    assert CR.cell_rules(g("0000000/0055555/0055555/0055555"), fitted[0]) == g("0000000/0055555/0050505/0055555")


def test_cells_are_told_by_their_parity_along_a_diagonal_line() -> None:
    """Every second cell of each diagonal line turns 4, counted from the line's own top: only the parity from
    an 8-connected component's corner explains it (4-connected, every cell of a diagonal is alone)."""
    ins = (g("1000/0100/0010/0001"), g("10000/01000/00100/00010/00001"), g("00000/10000/01000/00100/00010"))
    outs = (g("1000/0400/0010/0004"), g("10000/04000/00100/00040/00001"), g("00000/10000/04000/00100/00040"))
    fitted = CR.fit_checked(ins, outs)
    assert fitted is not None and fitted[1]
    assert CR.cell_rules(g("01000/00100/00010/00001/10000"), fitted[0]) == g("01000/00400/00010/00004/10000")


def test_square_holes_are_filled_and_other_holes_kept() -> None:
    """Enclosed blank squares become 2; enclosed blank rectangles that are not square, and the outside, stay
    blank: the `solid_square` region feature tells them apart at sizes the examples did not show."""
    from hypsearch.domains.grid import object_rules as OR

    ins = (g("1111000/1001000/1001000/1111000"), g("0000000/5555550/5000050/5555550"),
           g("0111110/0100010/0100010/0100010/0111110"), g("11110/10010/11110/10010/11110"))
    outs = (g("1111000/1221000/1221000/1111000"), g("0000000/5555550/5000050/5555550"),
            g("0111110/0122210/0122210/0122210/0111110"), g("11110/10010/11110/10010/11110"))
    fitted = OR.fit(ins, outs)
    assert fitted is not None and OR.FEATURES[fitted[0] - OR.REGIONS] == "solid_square"
    assert OR.recolor_by(g("000000/033330/030030/030030/033330"), *fitted) == g("000000/033330/032230/032230/033330")
    assert OR.recolor_by(g("0000000/0333330/0300030/0333330"), *fitted) == g("0000000/0333330/0300030/0333330")


def test_cells_are_told_by_their_column_parity_from_the_right_edge() -> None:
    """Cells of 5 an even number of columns from the right edge turn 3, in grids of odd and even width: only
    the parity from the grid's bottom-right corner explains every pair (from the left it flips with width;
    four examples, so every three left for leave-one-out still hold both widths)."""
    def rule(text: str) -> Grid:
        rows = text.split("/")
        w = len(rows[0])
        return g("/".join("".join("3" if c == "5" and (w - 1 - x) % 2 == 0 else c for x, c in enumerate(r))
                          for r in rows))

    ins = (g("5050050005/0500500500/0005005050"), g("050500505000/500050050050/005005000505"),
           g("0050050500050/5000505005005/0505000050500"), g("50505005005/05000550550/00550000505"))
    fitted = CR.fit_checked(ins, tuple(rule(str_of(i)) for i in ins))
    assert fitted is not None and fitted[1]
    assert CR.cell_rules(g("55005/50550/05050"), fitted[0]) == rule("55005/50550/05050")


def str_of(grid: Grid) -> str:
    return "/".join("".join(str(int(c)) for c in row) for row in grid.a)

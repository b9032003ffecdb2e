"""One behavioural test per grid primitive (table-driven), plus a meta-test that none is missing."""

from __future__ import annotations

from typing import Any

import pytest

from hypsearch.domains.grid import primitives as P
from hypsearch.domains.grid.values import Grid, Obj


def g(text: str) -> Grid:
    """Grid from rows separated by '/', e.g. '01/20'."""
    return Grid.from_lists([[int(c) for c in row] for row in text.split("/")])


A = g("12/34")
OBJS = g("1100/0003/2000/2203")  # 8-conn single-colour: {1,1}, {3,3 rows1-3? no}, ...
TWO = g("110/000/022")  # objects: 1-pair (size 2) top-left, 2-pair (size 2) bottom-right
SIZES = g("111/000/020")  # a 3-cell object and a 1-cell object


def objs(grid: Grid) -> tuple[Obj, ...]:
    return P.objects8(grid)


CASES: dict[str, tuple[Any, Any]] = {
    "rot90": ((A,), g("24/13")),
    "rot180": ((A,), g("43/21")),
    "rot270": ((A,), g("31/42")),
    "flip_h": ((A,), g("21/43")),
    "flip_v": ((A,), g("34/12")),
    "transpose": ((A,), g("13/24")),
    "antitranspose": ((A,), g("42/31")),
    "crop_nonzero": ((g("000/010/002"),), g("10/02")),
    "crop_to_content": ((g("555/515/552"),), g("1/2") if False else g("15/52")),
    "crop_color": ((g("000/010/002"), 2), g("2")),
    "crop_inside_color": ((g("3330/3130/3330"), 3), g("1")),
    "left_half": ((g("12501/34502"),), g("12/34")),
    "right_half": ((g("12501/34502"),), g("01/02")),
    "top_half": ((g("12/34/56/78"),), g("12/34")),
    "bottom_half": ((g("12/34/56/78"),), g("56/78")),
    "cell_most_colorful": ((g("10500/00511/00500"),), g("00/11/00")),
    "cell_least_colorful": ((g("10511/00511/00500"),), g("10/00/00")),
    "cell_unique": ((g("10510510/00500500/55555555/10510520/00500500"),), g("20/00")),
    "upscale": ((g("12"), 2), g("1122/1122")),
    "downscale": ((g("1122/1122"), 2), g("12")),
    "tile": ((g("12"), 2, 1), g("12/12")),
    "hconcat": ((g("1"), g("2")), g("12")),
    "vconcat": ((g("1"), g("2")), g("1/2")),
    "mirror_h": ((g("12"),), g("1221")),
    "mirror_v": ((g("1/2"),), g("1/2/2/1")),
    "mirror_4": ((g("12"),), g("1221/1221")),
    "rot_quad": ((g("12/34"),), g("1231/3442/2443/1321")),
    "recolor_obj": ((objs(TWO)[0], 6), g("66")),
    "fractal": ((g("10/01"),), g("1000/0100/0010/0001")),
    "fractal_inv": ((g("10/01"),), g("0010/0001/1000/0100")),
    "replace_color": ((A, 1, 9), g("92/34")),
    "remap": ((A, 0, 2, 1, 3, 4, 5, 6, 7, 8, 9), g("21/34")),
    "keep_color": ((A, 3), g("00/30")),
    "fill_bg": ((g("10/01"), 5), g("15/51")),
    "binarize": ((g("10/02"), 7), g("70/07")),
    "most_common_color": ((g("112/000"),), 0),
    "least_common_color": ((g("112/000"),), 2),
    "most_common_nonzero": ((g("112/000"),), 1),
    "count_colors": ((g("112/030"),), 3),
    "solid": ((2, 1, 4), g("4/4")),
    "color_row": ((3, 2), g("222")),
    "majority_cells": ((g("112/111"),), g("111/111")),
    "majority_stripes": ((g("1121/3333/2111"),), g("1111/3333/1111")),  # rows change fewer cells than columns
    "reverse_rings": ((g("11111/12221/12321/12221/11111"),), g("33333/32223/32123/32223/33333")),
    "compress": ((g("000/102/000"),), g("12")),
    "dedup_rows": ((g("12/12/34/12"),), g("12/34/12")),
    "dedup_cols": ((g("112/334"),), g("12/34")),
    "dedup": ((g("112/112/334"),), g("12/34")),
    "gravity_down": ((g("10/02/00"),), g("00/00/12")),
    "gravity_up": ((g("00/10/02"),), g("12/00/00")),
    "gravity_left": ((g("001/020"),), g("100/200")),
    "gravity_right": ((g("100/020"),), g("001/002")),
    "symmetrize_h": ((g("120/300"),), g("121/303")),
    "symmetrize_v": ((g("12/00/30"),), g("12/00/12") if False else g("12/00/32")),
    "symmetrize_4": ((g("100/000/000"),), g("101/000/101")),
    "complete_symmetry": ((g("1221/3553/3993/1221"), 9), g("1221/3553/3553/1221")),
    "extract_hole": ((g("1221/3553/3993/1221"), 9), g("55")),
    "extend_h": ((g("000/010/000"),), g("000/111/000")),
    "extend_v": ((g("000/010/000"),), g("010/010/010")),
    "connect_h": ((g("10010/20000"),), g("11110/20000")),
    "connect_v": ((g("1/0/1/2"),), g("1/1/1/2")),
    "connect_hv": ((g("101/000/100"),), g("111/100/100")),
    "rays_diag": ((g("000/010/000"),), g("101/010/101")),
    "blank": ((A,), g("00/00")),
    "recolor_size": ((g("110/000/001"), 1, 5), g("110/000/005")),
    "recolor_rank": ((g("110/000/001"), 2, 5), g("110/000/005")),
    "remove_noise": ((g("1100/0000/0002"),), g("1100/0000/0000")),
    "keep_largest": ((g("1100/0000/0002"),), g("1100/0000/0000")),
    "fill_holes": ((g("111/101/111"), 4), g("111/141/111")),
    "outline": ((g("000/010/000"), 2), g("222/212/222")),
    "fill_bbox": ((g("100/010"), 3), g("130/310")),
    "cell_and": ((g("10/11"), g("11/01"), 5), g("50/05")),
    "cell_or": ((g("10/00"), g("00/01"), 5), g("50/05")),
    "cell_xor": ((g("11/00"), g("10/01"), 5), g("05/05")),
    "cell_nor": ((g("10/00"), g("00/01"), 5), g("05/50")),
    "cell_andnot": ((g("11/00"), g("10/00"), 5), g("05/00")),
    "overlay": ((g("11/11"), g("20/00")), g("21/11")),
    "objects4": ((g("10/01"),), 2),
    "objects8": ((g("10/01"),), 1),
    "mc_objects4": ((g("12/00"),), 1),
    "mc_objects8": ((g("10/02"),), 1),
    "largest": ((objs(SIZES),), g("111")),
    "smallest": ((objs(SIZES),), g("2")),
    "biggest_box": ((objs(g("100/000/022")),), g("22")),
    "most_colorful": ((P.mc_objects8(g("1000/0023")),), g("23")),
    "unique_color_obj": ((objs(g("101/000/102")),), g("2")),
    "unique_shape_obj": ((objs(g("10101/00000/22000")),), g("22")),
    "common_shape_obj": ((objs(g("10101/00000/22000")),), g("1")),
    "symmetric_obj": ((objs(g("110/000/101") if False else g("1100/0000/0220/0020")),), g("11")),
    "asymmetric_obj": ((objs(g("1100/0000/0220/0020")),), g("22/02")),
    "first_obj": ((objs(TWO),), g("11")),
    "touching_border": ((objs(g("100/020/000")),), 1),
    "not_touching_border": ((objs(g("10000/00000/00200/00000/00000")),), 1),
    "with_color": ((objs(TWO), 2), 1),
    "larger_than": ((objs(SIZES), 1), 1),
    "recolor": ((objs(TWO), 4), 2),
    "count": ((objs(TWO),), 2),
    "local_rule": ((g("000/010/000"), 0, 2564940805568016003109997744782926580993187194127467503287681),
                   g("010/111/010")),
    "local_rule_abs": ((g("0300/0000"), 2, 46070588175568435350328393706), g("0300/0300")),
    "cell_rules": ((g("00100"), 145954654690183235), g("33133")),
    "recolor_by": ((g("1100/0000/0111"), 0, (2 << 4 | 4) | (3 << 4 | 5) << 13), g("3300/0000/0444")),  # size 2 → 3, 3 → 4
    "draw_lines": ((g("0100/0000/0020/0000"), 5 << 12 | 0 << 8 | 11 << 4), g("0100/0100/0120/0120")),  # rays down, own colour
    "pick_object": ((g("1100/0000/0222"), 1), g("222")),  # objects8, own cells, the largest
    "lookup": ((g("1002"), 0, 1108118471936), g("50")),  # two colours → the table's one entry, "50"
    "fill_parts": ((g("00500/00500/55555/00500"), 0, 12 | 2 << 4 | (10 << 4 | 4) << 13),
                   g("11500/11500/55555/00533")),  # by position: first → 1, last → 3, others kept
    "part_cells": ((g("01500/00500/55555/00500"), 4, 12 | (1 << 4 | 3) << 4 | (0 << 4 | 1) << 13), g("20/00")),  # 1 cell → 2, 0 → 0
    "norm_colors": ((g("3303/0550"),), g("1101/0220")),  # 3 is commonest, then 5
    "denorm_colors": ((g("1102/0230"), g("3303/0550")), g("3305/0510")),  # 1, 2, 3 named back 3, 5, 1
    "bg_to_zero": ((g("880/812"),), g("008/012")),
    "bg_back": ((g("003/012"), g("880/812")), g("883/812")),
    "bg_ranks": ((g("880/812"),), g("001/023")),  # 8 commonest → 0; then 0, 1, 2 by count, ties by colour
    "bg_ranks_back": ((g("001/023"), g("880/812")), g("880/812")),
    "repair_tiling": ((g("1212/2100/1212"), 0), g("1212/2121/1212")),
    "extend_pattern": ((g("1213/1213"), 3, 2, 2, 1), g("12131213/12131213/12131213")),  # period 2 down, 4 across
    "recolor_to_marker": ((g("110/100/003"),), g("330/300/000")),  # the lone cell's colour, the lone cell cleared
    "gravity_to": ((g("1000/0010/5555/0000/0100/0010"), 5), g("0000/1010/5555/0110/0000/0000")),  # both sides
    "colour_blocks": ((g("2011/0310"),), g("2200/2000/0033/0030")),  # the 1-shape in each colour of the map
    "cycle_rings": ((g("1111/1221/1221/1111"),), g("2222/2112/2112/2222")),
    "fill_placeholders": ((g("120055/340055"),), g("120012/340034")),  # the 2x2 of 5 becomes the 1234 template
    "extend_ends": ((g("0000/0110/0000/0000"),), g("0000/1111/0000/0000")),  # both ends of a bar run on
    "fractal_major": ((g("11/21"),), g("1111/2121/0011/0021")),  # copies where the commonest colour (1) is
    "fill_empty_squares": ((g("0000/0001/1000"), 4), g("4400/4401/1000")),  # 2x2 windows in reading order, no overlap
    "fill_largest_rect": ((g("00010/00010/11000"), 5), g("55510/55510/11000")),  # 2x3 beats the 1-wide runs
    "continue_pattern": ((g("000000/120120/340300"), 1), g("000000/120120/340340")),  # columns repeat every 3
    "tiling_hole": ((g("1212/2100/1212"), 0), g("21")),
    "parts_sep": ((g("151/555/152"),), 4),
    "parts_blank": ((g("1001/0000/2002"),), 4),
    "split_h": ((g("110022"), 3), 2),
    "split_v": ((g("1/1/0/2"), 2), 2),
    "unique_cells_obj": ((P.parts_blank(g("10101/00000/10201")),), g("2")),
    "least_colorful": ((P.mc_objects8(g("12000/00003")),), g("3")),
    "asym_obj": ((P.split_h(g("111211/113011"), 3),), g("12/30")),
    "crop_tl": ((g("123/456"), 1, 2), g("12")),
    "crop_tr": ((g("123/456"), 1, 2), g("23")),
    "crop_bl": ((g("123/456"), 1, 2), g("45")),
    "crop_br": ((g("123/456"), 1, 2), g("56")),
    "crop_minor_color": ((g("1100/0020/0002"),), g("20/02")),
    "crop_major_color": ((g("1103/0020/0002"),), g("11")),
    "colors_by_count": ((g("122/333"),), g("3/2/1")),
    "minor_colors_by_count": ((g("122/333"),), g("2/1")),
    "colors_by_size": ((g("1033/0003/2200"),), g("3/2/1")),
    "count_row": ((g("10/22"),), g("222")),
    "color_histogram": ((g("221/231/111"),), g("123/120/120/100/100")),
    "color_strip": ((g("4422288/4442228/4422228"),), g("428")),
    "eye": ((2, 3), g("30/03")),
    "obj_crop": ((objs(TWO)[1],), g("22")),
    "crop_at": ((g("123/456/789"), objs(g("000/011/000"))[0]), g("56")),
    "paint": ((g("000/000"), objs(g("000/011"))[0]), g("000/011")),
    "paint_all": ((g("000/000/000"), objs(TWO)), TWO),
    "erase_all": ((TWO, P.with_color(objs(TWO), 1)), g("000/000/022")),
    "hollow": ((g("1110/1110/1110"),), g("1110/1010/1110")),
    "fill_interior": ((g("1110/1110/1110"), 4), g("1110/1410/1110")),
    "border": ((g("000/000/000"), 8), g("888/808/888")),
    "swap_colors": ((g("120/002"),), g("210/001")),
    "upscale_by_colors": ((g("12"),), g("1122/1122")),
    "connect_h_with": ((g("10101/20000"), 2), g("12121/20000")),
    "connect_v_with": ((g("1/0/1/2"), 3), g("1/3/1/2")),
    "cells_majority": ((g("11522/12522/55555/33544"),), g("12/34")),
    "overlay_cells": ((g("10502/00530"),), g("12/30")),
    "overlay_cells_rev": ((g("10502/02530"),), g("12/32")),
    "repeated_half": ((g("1212/3434"),), g("12/34")),
    "spread_cell": ((g("00500/00512/55555/00500/00500"),), g("00500/12512/55555/00500/12512")),
    "spread_template": ((g("22501/20500/55555/00500/00500"),),  # the fullest part's pattern, in 5
                        g("22551/20550/55555/55555/50550")),
    "keep_least_common": ((g("112/010"),), g("002/000")),
    "halo": ((g("0000/0200/0001"), 2, 4), g("4440/4240/4441")),
    "uniform_rows": ((g("111/121/000"), 5), g("555/000/555")),
    "ray_down": ((g("10/02/00/30/00"),), g("10/12/12/32/32")),
    "ray_up": ((g("00/30/00/02/10"),), g("32/32/12/12/10")),
    "ray_right": ((g("10200/00003"),), g("11222/00003")),
    "ray_left": ((g("00201/30000"),), g("22211/30000")),
    "attract": ((g("10000/00000/00022/00022/00000/10000"), 2), g("00000/00000/00122/00122/00000/00000")),
    "move_until_touch": ((g("00000/22033/00003"), 3), g("00000/02233/00003")),
}


def _normalise(v: Any) -> Any:
    """Objects compare by count; a single object by its cropped cells."""
    if isinstance(v, tuple):
        return len(v)
    if isinstance(v, Obj):
        return v.cells
    return v


@pytest.mark.parametrize("name", sorted(CASES))
def test_primitive(name: str) -> None:
    args, expected = CASES[name]
    fn = {p.name: p.impl for p in P.PRIMITIVES}[name]
    assert _normalise(fn(*args)) == expected


def test_every_primitive_has_a_test() -> None:
    names = {p.name for p in P.PRIMITIVES}
    assert names - set(CASES) == set(), "primitives without a test"
    assert set(CASES) - names == set(), "tests for unknown primitives"


def test_every_primitive_has_a_doc_and_signature() -> None:
    for p in P.PRIMITIVES:
        assert p.doc and not p.doc.startswith(p.name), p.name
        assert p.arg_types and p.ret_type in {"Grid", "Int", "Object", "Objects"}


def test_recolor_changes_colour() -> None:
    painted = P.paint_all(P.blank(TWO), P.recolor(objs(TWO), 4))
    assert painted == g("440/000/044")


@pytest.mark.parametrize("call", [
    lambda: P.crop_nonzero(g("00/00")),
    lambda: P.reverse_rings(g("111/121/112")),  # the outer ring is not one colour
    lambda: P.downscale(g("123"), 2),
    lambda: P.largest(objs(TWO)),
    lambda: P.upscale(g("1" * 20), 2),
    lambda: P.cell_and(g("1"), g("11"), 1),
    lambda: P.replace_color(A, 1, 12),
    lambda: P.fill_largest_rect(g("00100/00100"), 3),  # two 2x2 rectangles tie
    lambda: P.fractal_major(g("12/21")),  # no single commonest colour
    lambda: P.extend_pattern(g("12/34"), 2, 1, 1, 1),  # nothing repeats
    lambda: P.continue_pattern(g("12/34"), 2),  # no 0 cell to fill
])
def test_primitives_refuse_bad_arguments(call: Any) -> None:
    with pytest.raises(ValueError):
        call()


def test_a_uniform_row_of_content_is_not_a_separator() -> None:
    # the row 999 is part of the top shape (9 also lies off full lines), so the split is in the middle
    assert P.top_half(g("090/999/900/100/010/001")) == g("090/999/900")
    # a row of 5 holding the only 5s divides the grid
    assert P.top_half(g("12/55/34/67")) == g("12")


def test_colour_summaries_read_bands_bars_and_counts() -> None:
    """`color_strip` lists the colour bands in the order they lie (row for side-by-side bands, column for
    stacked ones), `color_histogram` draws one bar per colour by count, `eye` shows a count as a diagonal."""
    from hypsearch.domains.grid import primitives as P

    def g(rows: str) -> Grid:
        return Grid.from_lists([[int(c) for c in r] for r in rows.split("/")])

    assert P.color_strip(g("4422288/4442228/4422228")) == g("428")
    assert P.color_strip(g("222/282/888/555")) == g("2/8/5")
    assert P.color_histogram(g("221/231/111")) == g("123/120/120/100/100")
    assert P.eye(3, 8) == g("800/080/008")
    for bad in (lambda: P.color_strip(g("11/11")), lambda: P.eye(0, 1), lambda: P.color_histogram(g("00"))):
        with pytest.raises(ValueError):
            bad()

"""Grid-tuned program search: breadth-first composition of grid-to-grid steps with state dedup.

As in icecuber's ARC solver, a search state is the tuple of values a program prefix
yields on every train input; two prefixes with the same state are interchangeable, so
only the first (simplest) is kept.  Steps are small templates over the current grid `x`
whose parameters (colours, scale factors) are inferred from the examples.  A final
learned colour remap is tried on every state (and, near the root, recolouring objects by
size or by size rank).  Step results are memoised per (step, grid), since the same grid
recurs across states.  The last level only checks, and checks the first example first.
Near the root, rules learned from the examples are also fitted: per-cell rules and object-recolouring
tables (`local_rules`, `cell_rules`, `object_rules`), lines drawn from the grid's cells (`draw_rules`), and
an object cropped by a property (`pick_rules`); being less certain than exact programs, they rank one level
later.  A train output chosen by a property of the input (`lookup_rules`) is only a guess, ranked last.  Partial results (pieces right wherever they draw) are composed by overlay after depth 1 and 2.
When the whole depth-3 space of light steps is exhausted without a fit, the remaining steps are tried as
the third step too.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Callable, Iterable, Iterator, Sequence

import numpy as np

from hypsearch.domains.grid import cell_rules as CR
from hypsearch.domains.grid import colour_ranks as CN
from hypsearch.domains.grid import draw_rules as DR
from hypsearch.domains.grid import local_rules as LR
from hypsearch.domains.grid import lookup_rules as KR
from hypsearch.domains.grid import object_rules as OR
from hypsearch.domains.grid import part_rules as PF
from hypsearch.domains.grid import pick_rules as PR
from hypsearch.domains.grid import primitives as P
from hypsearch.domains.grid import select as SEL
from hypsearch.domains.grid.values import Grid
from hypsearch.core.program import App, Const, Term, Var, holes, size, subterms, substitute

X = Var("x", "Grid")
_IMPL: dict[str, Callable[..., Any]] = {p.name: p.impl for p in P.PRIMITIVES}
_RET: dict[str, str] = {p.name: p.ret_type for p in P.PRIMITIVES}
_ERRORS = (ValueError, IndexError, KeyError, TypeError, ZeroDivisionError)


def A(op: str, *args: Term | int) -> App:
    """Build an application of a grid primitive; ints become Int constants."""
    targs = tuple(Const(a, "Int") if isinstance(a, int) else a for a in args)
    return App(op, targs, _RET[op])


def run(term: Term, x: Grid) -> Any:
    """Evaluate a grid program on one input grid bound to `x` (raises on failure)."""
    if isinstance(term, App):
        return _IMPL[term.op](*(run(a, x) for a in term.args))
    if isinstance(term, Const):
        return term.value
    if isinstance(term, Var):
        return x
    raise ValueError(f"cannot evaluate {term!r}")


def compile_term(term: Term) -> Callable[[Grid], Any]:
    """A closure evaluating `term` on the input grid (faster than walking the tree each time)."""
    if isinstance(term, Var):
        return lambda x: x
    if isinstance(term, Const):
        v = term.value
        return lambda x: v
    if isinstance(term, App):
        return _applied(_IMPL[term.op], [compile_term(a) for a in term.args])
    raise ValueError(f"cannot compile {term!r}")


def _applied(f: Callable[..., Any], subs: list[Callable[[Grid], Any]]) -> Callable[[Grid], Any]:
    """A closure applying primitive `f` to its compiled arguments (unrolled for one and two arguments)."""
    if len(subs) == 1:
        (s0,) = subs
        return lambda x: f(s0(x))
    if len(subs) == 2:
        s0, s1 = subs
        return lambda x: f(s0(x), s1(x))
    return lambda x: f(*[s(x) for s in subs])


_MISS = object()


class _Failed:
    """A memoised failure of a sub-program on a grid (raised again on each lookup)."""

    __slots__ = ()


_FAILED = _Failed()


def compile_shared(term: Term, memo: dict[tuple[int, Grid], Any], ids: dict[Term, int]) -> Callable[[Grid], Any]:
    """Like `compile_term`, but every inner sub-program is memoised per (sub-program, input grid) in `memo`.

    Many steps share their inner parts (`objects8 x`, `largest (objects8 x)`, `left_half x`), so one
    evaluation per grid serves them all; `ids` numbers the sub-programs so that keys hash cheaply.
    """
    if not isinstance(term, App):
        return compile_term(term)
    return _applied(_IMPL[term.op], [_memoised(a, memo, ids) for a in term.args])


def _memoised(term: Term, memo: dict[tuple[int, Grid], Any], ids: dict[Term, int]) -> Callable[[Grid], Any]:
    if not isinstance(term, App):
        return compile_term(term)
    inner = compile_shared(term, memo, ids)
    key = ids.setdefault(term, len(ids))

    def run_memo(x: Grid) -> Any:
        k = (key, x)
        r = memo.get(k, _MISS)
        if r is _MISS:
            try:
                r = inner(x)
            except _ERRORS:
                r = _FAILED
            memo[k] = r
        if r is _FAILED:
            raise ValueError("sub-program does not apply")
        return r

    return run_memo


SAME_SHAPE = frozenset({
    "attract", "binarize", "border", "cell_rules", "complete_symmetry", "connect_h", "connect_h_with", "connect_hv",
    "connect_v", "connect_v_with", "continue_pattern", "cycle_rings", "draw_lines", "extend_ends", "extend_h",
    "extend_v", "fill_bbox", "fill_bg", "fill_empty_squares", "fill_holes", "fill_interior", "fill_largest_rect",
    "fill_parts", "fill_placeholders", "flip_h", "flip_v", "gravity_down", "gravity_left", "gravity_right",
    "gravity_to", "gravity_up", "halo", "hollow", "keep_color", "keep_largest", "keep_least_common",
    "majority_cells", "majority_stripes", "move_until_touch", "outline", "ray_down", "ray_left", "ray_right",
    "ray_up", "rays_diag", "recolor_by", "recolor_rank", "recolor_size", "recolor_to_marker", "remap",
    "remove_noise", "repair_tiling", "replace_color", "reverse_rings", "rot180", "spread_cell", "spread_template",
    "swap_colors", "symmetrize_4", "symmetrize_h", "symmetrize_v", "uniform_rows"})
"""Primitives whose result has the shape of their first (grid) argument, whatever the grid."""
SWAP_SHAPE = frozenset({"antitranspose", "rot270", "rot90", "transpose"})
"""Primitives whose result has their grid argument's shape transposed."""


def shape_rule(term: Term) -> str | None:
    """"same" or "swap" when a step's result shape follows from its input's alone, else None."""
    if isinstance(term, App) and term.args and term.args[0] == X:
        if term.op in SAME_SHAPE:
            return "same"
        if term.op in SWAP_SHAPE:
            return "swap"
    return None


@dataclass(frozen=True)
class Step:
    """One grid-to-grid search step: a template over `x` and its simplicity cost."""

    term: Term
    cost: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "fn", compile_term(self.term))
        object.__setattr__(self, "shape", shape_rule(self.term))

    def may_reach(self, shape: tuple[int, int], target: tuple[int, int]) -> bool:
        """False when the step's result on a grid of `shape` cannot have the `target` shape."""
        rule = self.shape  # type: ignore[attr-defined]
        if rule == "same":
            return shape == target
        if rule == "swap":
            return shape[::-1] == target
        return True

    def apply(self, g: Grid) -> Grid:
        """Run the step on one grid; raises ValueError when it does not apply or yields no grid."""
        v = self.fn(g)  # type: ignore[attr-defined]
        if not isinstance(v, Grid):
            raise ValueError("not a grid")
        return v


@dataclass(frozen=True)
class TaskData:
    """The grids of a task as Grid values: train inputs/outputs and test inputs."""

    train_in: tuple[Grid, ...]
    train_out: tuple[Grid, ...]
    test_in: tuple[Grid, ...]


def _colors(grids: Sequence[Grid]) -> list[int]:
    seen = np.zeros(10, dtype=bool)
    for g in grids:
        seen |= np.bincount(g.a.ravel(), minlength=10) > 0
    return [int(c) for c in np.flatnonzero(seen)]


def _ratios(data: TaskData) -> tuple[set[int], set[int], set[tuple[int, int]]]:
    ups, downs, tiles = {2, 3}, {2, 3}, set()
    for i, o in zip(data.train_in, data.train_out):
        (hi, wi), (ho, wo) = i.shape, o.shape
        if ho % hi == 0 and wo % wi == 0:
            if ho // hi == wo // wi:
                ups.add(ho // hi)
            tiles.add((ho // hi, wo // wi))
        if hi % ho == 0 and wi % wo == 0 and hi // ho == wi // wo:
            downs.add(hi // ho)
    ups.discard(1)
    downs.discard(1)
    tiles.discard((1, 1))
    return ups, downs, tiles


LINE_OUTPUT = frozenset({"colors_by_count", "minor_colors_by_count", "colors_by_size", "count_row", "color_strip"})
"""Unary steps that build a single row or column: tried only when every output is one."""


def _growth(data: TaskData) -> tuple[Fraction, Fraction] | None:
    """The (height, width) factors every train output grows its input by, when they are the same for all pairs
    and at least one exceeds 1 (what a pattern continued to a larger grid needs)."""
    fs = {(Fraction(o.shape[0], i.shape[0]), Fraction(o.shape[1], i.shape[1]))
          for i, o in zip(data.train_in, data.train_out)}
    if len(fs) != 1:
        return None
    (fy, fx), = fs
    return (fy, fx) if max(fy, fx) > 1 and min(fy, fx) >= 1 and max(fy, fx) <= 4 else None


def _hole_colours(data: TaskData) -> list[int]:
    """Colours present in every train input and absent from every output (holes to repair)."""
    return [c for c in range(10) if all((i.a == c).any() for i in data.train_in)
            and not any((o.a == c).any() for o in data.train_out)]


def _split_counts(data: TaskData) -> set[int]:
    """Piece counts n for which the outputs look like one of n equal pieces of the inputs."""
    ns: set[int] = set()
    for i, o in zip(data.train_in, data.train_out):
        (hi, wi), (ho, wo) = i.shape, o.shape
        for a, b in ((hi, ho), (wi, wo)):
            for n in range(2, 6):
                if a in (n * b, n * b + n - 1):
                    ns.add(n)
    return ns


SELECTORS = ("largest", "smallest", "biggest_box", "most_colorful", "unique_color_obj", "unique_shape_obj",
             "common_shape_obj", "symmetric_obj", "asymmetric_obj", "first_obj")
PIECE_SELECTORS = ("unique_cells_obj", "least_colorful", "asym_obj")
EXTRACTORS = ("objects8", "mc_objects8", "objects4", "mc_objects4")
LIGHT_UNARY = ("rot90", "rot180", "rot270", "flip_h", "flip_v", "transpose", "antitranspose", "crop_nonzero",
               "crop_to_content", "left_half", "right_half", "top_half", "bottom_half", "mirror_h", "mirror_v",
               "mirror_4", "rot_quad", "compress", "dedup", "dedup_rows", "dedup_cols", "symmetrize_h", "symmetrize_v",
               "symmetrize_4", "fractal", "gravity_down", "gravity_up", "gravity_left", "gravity_right",
               "swap_colors", "repeated_half")


NOT_STEPS = frozenset({"blank", "norm_colors", "bg_to_zero", "bg_ranks"})
"""Grid-to-grid primitives the search never takes as a step (renamings are tried as whole tasks instead)."""


def build_steps(data: TaskData) -> tuple[list[Step], list[Step]]:
    """All steps for a task (parameters inferred from its grids), and the light subset for deep levels."""
    in_cols = _colors(data.train_in)
    out_cols = _colors(data.train_out)
    nz_in = [c for c in in_cols if c]
    new_cols = [c for c in out_cols if c] or [1]
    steps: list[Step] = []
    light: list[Step] = []

    def add(t: Term, is_light: bool = False) -> None:
        s = Step(t, size(t))
        steps.append(s)
        if is_light:
            light.append(s)

    lines_out = all(1 in o.shape for o in data.train_out)
    smaller = all(o.a.size < i.a.size for i, o in zip(data.train_in, data.train_out))
    for p in P.PRIMITIVES:
        if p.arg_types == ("Grid",) and p.ret_type == "Grid" and p.name not in NOT_STEPS:
            if p.name in LINE_OUTPUT and not lines_out:
                continue
            add(A(p.name, X), p.name in LIGHT_UNARY)
    ups, downs, tiles = _ratios(data)
    for k in sorted(ups):
        add(A("upscale", X, k), True)
    for k in sorted(downs):
        add(A("downscale", X, k), True)
    for ny, nx in sorted(tiles):
        add(A("tile", X, ny, nx), True)
    add(A("hconcat", A("flip_h", X), X))
    add(A("vconcat", A("flip_v", X), X))
    add(A("hconcat", X, X))
    add(A("vconcat", X, X))
    for c in nz_in:
        for op in ("crop_color", "crop_inside_color", "keep_color", "complete_symmetry", "extract_hole",
                   "move_until_touch", "attract", "gravity_to"):
            add(A(op, X, c))
        add(A("erase_all", X, A("with_color", A("objects8", X), c)))
        for c2 in new_cols:
            if c2 != c:
                add(A("halo", X, c, c2))
    for c in _hole_colours(data):
        add(A("tiling_hole", X, c) if smaller else A("repair_tiling", X, c))
        if smaller and c == 0:  # a hole of 0 in a symmetric picture (other colours have theirs above)
            add(A("extract_hole", X, 0))
    if (grow := _growth(data)) is not None:
        add(A("extend_pattern", X, grow[0].numerator, grow[0].denominator, grow[1].numerator,
              grow[1].denominator))
    if all(i.shape == o.shape for i, o in zip(data.train_in, data.train_out)):
        for axes in (0, 1, 2):
            add(A("continue_pattern", X, axes))
    for c in new_cols:
        for op in ("fill_bg", "binarize", "fill_holes", "outline", "fill_bbox", "fill_interior", "border",
                   "connect_h_with", "connect_v_with", "uniform_rows", "fill_empty_squares", "fill_largest_rect"):
            add(A(op, X, c))
    for ext in EXTRACTORS:
        for sel in SELECTORS:
            obj = A(sel, A(ext, X))
            add(A("obj_crop", obj))
            add(A("crop_at", X, obj))
            add(A("paint", A("blank", X), obj))
            if sel in ("largest", "smallest"):
                obj2 = A(sel, A("not_touching_border", A(ext, X)))
                add(A("obj_crop", obj2))
                add(A("crop_at", X, obj2))
        add(A("erase_all", X, A("touching_border", A(ext, X))))
        add(A("erase_all", X, A("not_touching_border", A(ext, X))))
    piece_sources: list[Term] = [A("parts_sep", X), A("parts_blank", X)] if smaller else []
    for n in sorted(_split_counts(data)):
        piece_sources += [A("split_h", X, n), A("split_v", X, n)]
    for src in piece_sources:
        for sel in SELECTORS + PIECE_SELECTORS:
            add(A("obj_crop", A(sel, src)))
    for ext in EXTRACTORS if smaller else ():
        add(A("obj_crop", A("unique_cells_obj", A(ext, X))))
        for c in new_cols:  # a count of objects shown as a row or a diagonal of its length
            add(A("color_row", A("count", A(ext, X)), c))
            add(A("eye", A("count", A(ext, X)), c))
    shapes = {o.shape for o in data.train_out}
    if len(shapes) == 1:
        (h, w), = shapes
        if all(i.shape[0] >= h and i.shape[1] >= w and i.shape != (h, w) for i in data.train_in):
            for op in ("crop_tl", "crop_tr", "crop_bl", "crop_br"):
                add(A(op, X, h, w))
    for ext in ("objects8", "mc_objects8"):
        for sel in ("largest", "smallest"):
            for c in new_cols:
                add(A("paint", X, A("recolor_obj", A(sel, A(ext, X)), c)))
    for first, second in (("left_half", "right_half"), ("top_half", "bottom_half")):
        a, b = A(first, X), A(second, X)
        add(A("overlay", a, b))
        add(A("overlay", b, a))
        for c in new_cols:
            for op in ("cell_and", "cell_or", "cell_xor", "cell_nor"):
                add(A(op, a, b, c))
            add(A("cell_andnot", a, b, c))
            add(A("cell_andnot", b, a, c))
    steps.sort(key=lambda s: s.cost)
    light.sort(key=lambda s: s.cost)
    return steps, light


def fit_remap(state: Sequence[Grid], outs: Sequence[Grid]) -> tuple[int, ...] | None:
    """A colour table that maps every state grid onto its output, if one exists (not the identity)."""
    table = list(range(10))
    fixed = [False] * 10
    for s, o in zip(state, outs):
        if s.shape != o.shape:
            return None
        pairs = np.unique(s.a.astype(np.int16) * 10 + o.a)
        for v in pairs:
            a, b = divmod(int(v), 10)
            if fixed[a] and table[a] != b:
                return None
            table[a] = b
            fixed[a] = True
    if table == list(range(10)):
        return None
    return tuple(table)


def fit_recolor_by_size(state: Sequence[Grid], outs: Sequence[Grid]) -> dict[int, int] | None:
    """A table object size → colour explaining each output as its state with objects recoloured."""
    table: dict[int, int] = {}
    changed = False
    for s, o in zip(state, outs):
        if s.shape != o.shape or not np.array_equal(s.a == 0, o.a == 0):
            return None
        objs = P.objects8(s)
        for ob in objs:
            h, w = ob.cells.shape
            m = ob.mask.a == 1
            vals = o.a[ob.top:ob.top + h, ob.left:ob.left + w][m]
            c = int(vals[0])
            if (vals != c).any() or table.setdefault(ob.size, c) != c:
                return None
            changed |= c != ob.color
    return table if changed else None


def fit_recolor_by_rank(state: Sequence[Grid], outs: Sequence[Grid]) -> dict[int, int] | None:
    """A table size rank (1 = largest) → colour explaining each output as its state with objects recoloured."""
    table: dict[int, int] = {}
    changed = False
    for s, o in zip(state, outs):
        if s.shape != o.shape or not np.array_equal(s.a == 0, o.a == 0):
            return None
        objs = P.objects8(s)
        sizes = sorted({ob.size for ob in objs}, reverse=True)
        for ob in objs:
            h, w = ob.cells.shape
            m = ob.mask.a == 1
            vals = o.a[ob.top:ob.top + h, ob.left:ob.left + w][m]
            c = int(vals[0])
            if (vals != c).any() or table.setdefault(sizes.index(ob.size) + 1, c) != c:
                return None
            changed |= c != ob.color
    return table if changed else None


def _recolor_rank_term(t: Term, table: dict[int, int], state: Sequence[Grid],
                       outs: Sequence[Grid]) -> Term | None:
    """The chain of recolor_rank steps for a fitted table, if applying it to the state gives the outputs."""
    grids = list(state)
    try:
        for k, c in sorted(table.items()):
            new = [P.recolor_rank(g, k, c) if k <= len({o.size for o in P.objects8(g)}) else g for g in grids]
            if new != grids:
                grids = new
                t = A("recolor_rank", t, k, c)
    except _ERRORS:
        return None
    return t if tuple(grids) == tuple(outs) else None


def _recolor_size_term(t: Term, table: dict[int, int], state: Sequence[Grid]) -> Term:
    for n, c in sorted(table.items()):
        if any(ob.size == n and ob.color != c for g in state for ob in P.objects8(g)):
            t = A("recolor_size", t, n, c)
    return t


def _remap_term(t: Term, table: tuple[int, ...]) -> Term:
    changed = [(a, b) for a, b in enumerate(table) if a != b]
    if len(changed) == 1:
        return A("replace_color", t, *changed[0])
    return A("remap", t, *table)


FALLBACK = 99
"""Depth label of guesses yielded only at the end of the search (to fill attempts left free)."""


@dataclass
class SearchStats:
    """Counters of one search, for reports and tuning."""

    states: int = 0
    evaluations: int = 0
    depth: int = 0
    stop_depth: int = 99
    """The search ends before starting a level deeper than this (set once a fit is found)."""


def search(data: TaskData, deadline: float, *, max_depth: int = 3,
           stats: SearchStats | None = None, seeds: Any = None) -> Iterator[tuple[Term, int]]:
    """Yield (program, depth) for every program found that maps each train input to its output.

    Breadth-first over step compositions with dedup of train states; simplest first.  With `seeds` (a
    `hypsearch.core.seeds.Seeds` a model fills while the search runs) the model's pieces are tried as they
    arrive and composed around (`_Sowing`); if every level is done before the deadline with no fit, the search
    waits for seeds until then.
    """
    stats = stats if stats is not None else SearchStats()
    outs = data.train_out
    steps, light = build_steps(data)
    root = tuple(data.train_in)
    seen: set[tuple[Grid, ...]] = {root}
    yielded: set[Term] = set()

    def check(t: Term, state: tuple[Grid, ...]) -> Iterator[tuple[Term, int]]:
        if state == outs:
            yield t, stats.depth
            return
        table = fit_remap(state, outs)
        if table is not None:
            yield _remap_term(t, table), stats.depth
        elif stats.depth <= 1:
            try:
                sizes = fit_recolor_by_size(state, outs)
            except _ERRORS:
                sizes = None
            if sizes is not None:
                yield _recolor_size_term(t, sizes, state), stats.depth
            try:
                ranks = fit_recolor_by_rank(state, outs)
            except _ERRORS:
                ranks = None
            rt = _recolor_rank_term(t, ranks, state, outs) if ranks is not None else None
            if rt is not None:
                yield rt, stats.depth

    memo: dict[tuple[int, Grid], Grid | None] = {}
    sub_memo: dict[tuple[int, Grid], Any] = {}
    sub_ids: dict[Term, int] = {}
    fns = {id(st): compile_shared(st.term, sub_memo, sub_ids) for st in steps}

    def apply(st: Step, g: Grid) -> Grid:
        # the same grid often recurs across states (e.g. a step that is the identity on one example)
        key = (id(st), g)
        r = memo.get(key, memo)
        if r is memo:
            stats.evaluations += 1
            try:
                fn = fns.get(id(st))
                if fn is None:  # a step that joined after the start (a model's seed piece)
                    fn = fns[id(st)] = compile_shared(st.term, sub_memo, sub_ids)
                r = fn(g)
            except _ERRORS:
                r = None
            if not isinstance(r, Grid):
                r = None
            if len(memo) > 150_000:
                memo.clear()
            if len(sub_memo) > 100_000:
                sub_memo.clear()
            memo[key] = r
        if r is None:
            raise ValueError("step does not apply")
        return r  # type: ignore[return-value]

    # learned per-cell rules are less certain than exact programs: a rule fitted after a prefix
    # of depth d ranks with the programs of depth d + 1 (it is yielded once that level is done)
    pending: list[tuple[Term, int]] = []
    rule_time = [0.0, 0.0]  # seconds spent fitting local rules, and rule lists after depth-1 prefixes
    rule_cap = 0.2 * max(deadline - time.monotonic(), 0.1)
    same_shape = all(i.shape == o.shape for i, o in zip(data.train_in, outs))

    def fit_rules(t: Term, state: tuple[Grid, ...]) -> None:
        if stats.depth > 1 or state == outs or rule_time[0] > rule_cap:
            return
        if t == X:  # a train output chosen by a property of the input: a guess when nothing else fits
            for index, table in KR.fit(state, outs):
                pending.append((A("lookup", X, index, table), FALLBACK))
        if any(s.shape != o.shape for s, o in zip(state, outs)):
            t0 = time.monotonic()
            try:
                picked = PR.fit(state, outs)  # one object, cropped, chosen by a property
            except _ERRORS:
                picked = None
            if picked is not None:
                pending.append((A("pick_object", t, picked), stats.depth + 1))
            try:
                cells = PF.fit_cells(state, outs)  # one cell per part between separator lines
            except _ERRORS:
                cells = None
            if cells is not None:
                pending.append((A("part_cells", t, *cells), stats.depth + 1))
            rule_time[0] += time.monotonic() - t0
            return
        t0 = time.monotonic()
        try:
            for name, kind, table in LR.fit_all(state, outs):
                pending.append((A(name, t, kind, table), stats.depth + 1))
        except _ERRORS:
            pass
        try:
            by = OR.fit(state, outs)  # objects repainted by a property
        except _ERRORS:
            by = None
        if by is not None:
            pending.append((A("recolor_by", t, *by), stats.depth + 1))
        try:
            filled = PF.fit(state, outs)  # parts between separator lines filled by a property
        except _ERRORS:
            filled = None
        if filled is not None:
            pending.append((A("fill_parts", t, *filled), stats.depth + 1))
        try:
            lines = DR.fit_checked(state, outs)  # lines drawn from the state's cells
        except _ERRORS:
            lines = None
        if lines is not None:
            pending.append((A("draw_lines", t, lines[0]), stats.depth + 1 if lines[1] else FALLBACK))
        t1 = time.monotonic()
        rule_time[0] += t1 - t0
        if stats.depth == 1 and rule_time[1] < rule_cap / 2:
            try:
                fitted = CR.fit_checked(state, outs)
            except _ERRORS:
                fitted = None
            if fitted is not None and fitted[1]:
                pending.append((A("cell_rules", t, fitted[0]), 2))
            rule_time[1] += time.monotonic() - t1

    def flush(upto: int) -> Iterator[tuple[Term, int]]:
        keep = []
        for t, d in sorted(pending, key=lambda p: p[1]):
            if d > upto:
                keep.append((t, d))
            elif t not in yielded:
                yielded.add(t)
                yield t, d
        pending[:] = keep

    yield from check(X, root)
    fit_rules(X, root)
    if same_shape:
        try:
            fitted = CR.fit_checked(tuple(root), tuple(outs))
        except _ERRORS:
            fitted = None
        if fitted is not None:
            # a list that also predicts each train pair from the others ranks like a depth-1 program;
            # otherwise it is only a fallback when nothing else fits
            pending.append((A("cell_rules", X, fitted[0]), 1 if fitted[1] else FALLBACK))
    frontier: list[tuple[Term, tuple[Grid, ...]]] = [(X, root)]
    o0 = outs[0]
    light_set = set(light)
    heavy = [s for s in steps if s not in light_set]
    # (depth, step tiers, mode): depth 3 uses the light steps first, then, if time remains and nothing fits
    # yet, the other steps too ("reuse" the previous frontier).  The level before the last is first only
    # checked ("probe": each step runs on the first train input alone unless that result could be its output,
    # as at the last level), which finds its fits in a fraction of the time a full expansion takes; the full
    # expansion ("grow") follows only when the probe found none
    plan: list[tuple[int, list[list[Step]], str]] = []
    for d in range(1, max_depth + 1):
        if d == max_depth - 1 and d >= 2:
            plan.append((d, [light, heavy], "probe"))
        plan.append((d, [light] if d >= 3 else [light, heavy], "grow"))
    if max_depth >= 3:
        plan.append((max_depth, [heavy], "reuse"))
    prev: list[tuple[Term, tuple[Grid, ...]]] = frontier
    out_shapes = tuple(o.shape for o in outs)
    pool: list[tuple[Term, tuple[Grid, ...]]] = [(X, root)] if tuple(g.shape for g in root) == out_shapes else []
    timed_out = False
    composed = False  # an overlay of pooled pieces was found (one is enough)

    probed: set[tuple[Grid, ...]] = set()  # states a probe checked (not `seen`: the full expansion still grows them)
    probed_level = 0

    def expand(use: Sequence[Step], t: Term, state: tuple[Grid, ...], depth: int, last: bool,
               nxt: list[tuple[Term, tuple[Grid, ...]]], probe: bool = False) -> Iterator[tuple[Term, int]]:
        """Apply each step of `use` to one state: fits are yielded, new states go to `nxt` (unless `last`; a
        `probe` checks like the last level but records its states apart)."""
        nonlocal timed_out
        for k, st in enumerate(use):
            if k & 15 == 15 and time.monotonic() > deadline:
                timed_out = True  # one state's steps on large grids can take a second
                break
            if last and not st.may_reach(state[0].shape, o0.shape):
                continue  # output-size pruning: this step cannot give the first output's size
            try:
                g0 = apply(st, state[0])
            except _ERRORS:
                continue
            if last:
                if g0 != o0 and (g0.shape != o0.shape or fit_remap((g0,), (o0,)) is None):
                    continue
            try:
                new = (g0,) + tuple(apply(st, g) for g in state[1:])
            except _ERRORS:
                continue
            is_new = new not in seen and not (probe and new in probed)
            if not is_new and new != outs:
                continue  # a simpler program already reached this state
            nt = substitute(st.term, {X: t})
            if not is_new:
                # another program reaching the outputs: it may predict the tests differently
                if nt not in yielded:
                    yielded.add(nt)
                    yield nt, depth
                continue
            (probed if probe else seen).add(new)
            stats.states += 1
            for found in check(nt, new):
                if found[0] not in yielded:
                    yielded.add(found[0])
                    yield found
            fit_rules(nt, new)
            if not last:
                nxt.append((nt, new))
                if len(pool) < POOL_MAX and tuple(g.shape for g in new) == out_shapes:
                    pool.append((nt, new))

    sow = _Sowing(seeds, steps, light, heavy) if seeds is not None else None
    seed_fits: list[tuple[Term, int]] = []

    def sown(items: Iterator[tuple[Sequence[Step], tuple[Term, tuple[Grid, ...]]]], tiers: list[list[Step]],
             last: bool) -> Iterator[tuple[Sequence[Step], tuple[Term, tuple[Grid, ...]]]]:
        """The level's (steps, state) items with the seeds that arrive meanwhile put first: each new piece
        is tried on the train inputs at once (a fit ranks with depth-1 programs), its state expanded with every
        step of this level, and the states this level already expanded get the new pieces too."""
        assert sow is not None
        done: list[tuple[Term, tuple[Grid, ...]]] = []
        for item in itertools.chain(items, [None]):
            new_steps = sow.absorb()
            if new_steps:
                here = stats.depth
                stats.depth = 1
                for st in new_steps:
                    try:
                        state = tuple(apply(st, g) for g in root)
                    except _ERRORS:
                        continue
                    if state in seen and state != outs:
                        continue
                    if state not in seen:
                        seen.add(state)
                        stats.states += 1
                        fit_rules(st.term, state)
                    for found in check(st.term, state):
                        if found[0] not in yielded:
                            yielded.add(found[0])
                            seed_fits.append(found)
                    if state != outs:
                        sow.urgent.extend((tier, (st.term, state)) for tier in ([light] if last else tiers))
                stats.depth = here
                sow.urgent.extend((new_steps, f) for f in done)
            while sow.urgent:
                if stats.depth > stats.stop_depth:
                    return  # a seed fit at a shallower depth: this level is not needed
                urgent = sow.urgent.pop(0)
                yield urgent
            if item is None or stats.depth > stats.stop_depth:
                return
            done.append(item[1])
            yield item

    for depth, tiers, mode in plan:
        reuse, probe = mode == "reuse", mode == "probe"
        if depth > stats.stop_depth or (depth == stats.stop_depth and probed_level == depth):
            break  # a fit ends the search after its level (a probe that found one stands for its level)
        if reuse and stats.stop_depth < 99:
            break
        if reuse:
            frontier = prev
        stats.depth = depth
        last = depth == max_depth or probe
        nxt: list[tuple[Term, tuple[Grid, ...]]] = []
        nxt_sown: list[tuple[Term, tuple[Grid, ...]]] = []  # states built on a model's piece: expanded first
        items: Iterator[tuple[Sequence[Step], tuple[Term, tuple[Grid, ...]]]] = (
            (u, f) for u in tiers for f in frontier)
        if sow is not None:
            items = sown(items, tiers, last)
        for use, (t, state) in items:
            if seed_fits:
                yield from sow.marked(seed_fits)  # type: ignore[union-attr]
                seed_fits.clear()
            if time.monotonic() > deadline:
                timed_out = True
                break
            if sow is None:
                yield from expand(use, t, state, depth, last, nxt, probe)
            else:
                yield from sow.marked(expand(use, t, state, depth, last, nxt_sown if sow.holds_piece(t) else nxt,
                                             probe))
            if timed_out:
                break
            if len(seen) > 400_000:
                timed_out = True
                break
        if seed_fits:
            yield from sow.marked(seed_fits)  # type: ignore[union-attr]
            seed_fits.clear()
        if mode == "grow" and depth in (1, max_depth - 1) and not timed_out and stats.stop_depth == 99 \
                and not composed:
            # pieces of depth 1 (the next level rarely finishes in time) compose a program ranked with depth 1's,
            # beside the rules learned there; pieces of depth 2 only a guess used when nothing else fits
            found = compose_overlay(pool, outs, deadline)
            if found is not None:
                composed = True
                pending.append((found, 1 if depth == 1 else FALLBACK - 1))
        yield from flush(depth)
        if timed_out:
            break
        if probe:
            probed_level = depth
            continue
        if depth == max_depth - 1 and not reuse:
            pool.clear()
        prev, frontier = frontier, nxt_sown + nxt
    if sow is not None and not timed_out and stats.stop_depth == 99:
        # every level ran before the deadline with no fit: wait for the model's seeds and compose around them
        stats.depth = 2
        while time.monotonic() < deadline and stats.stop_depth == 99 and not timed_out:
            closed = seeds.closed  # read before the poll: programs added before closing are still taken
            seeds.stats["waits"] = seeds.stats.get("waits", 0) + 1  # rounds spent waiting for the model
            grown: list[tuple[Term, tuple[Grid, ...]]] = []
            for use, (t, state) in sown(iter(()), [light, heavy], False):
                yield from sow.marked(expand(use, t, state, 2, False, grown))
            stats.depth = 3
            for t, state in grown:
                if time.monotonic() > deadline:
                    break
                yield from sow.marked(expand(light, t, state, 3, True, []))
            stats.depth = 2
            if seed_fits:
                yield from sow.marked(seed_fits)
                seed_fits.clear()
            if closed:
                break
            time.sleep(0.05)
    yield from flush(FALLBACK)


MAX_PIECES = 40
"""Model pieces one search takes as steps at most."""


def _ops(term: Term) -> set[str]:
    return {t.op for t in subterms(term) if isinstance(t, App)}


def seed_pieces(program: Term) -> list[Term]:
    """The grid-valued pieces of a model's program that a search can take as steps, the whole program first:
    every hole-free subterm of type Grid that reads the input `x`, of at most 12 nodes (the whole program at
    any size)."""
    out: list[Term] = []
    for t in subterms(program):
        if isinstance(t, App) and t.type == "Grid" and not holes(t) and X in set(subterms(t)) and \
                (size(t) <= 12 or t is program):
            out.append(t)
    return list(dict.fromkeys(out))


class _Sowing:
    """The model's programs inside one search (`seeds`): their pieces become steps tried first at every level,
    and the task's own steps built only from primitives the model used move to the front of the light tier
    (so they are composed at the last level too).  Without seeds none of this runs: the plain search is as it was.
    """

    def __init__(self, seeds: Any, steps: list[Step], light: list[Step], heavy: list[Step]) -> None:
        self.seeds = seeds
        self.k = 0
        self.steps, self.light, self.heavy = steps, light, heavy
        self.plain = {s.term: s for s in steps}
        self.pieces: set[Term] = set()
        self.novel: set[Term] = set()
        """Pieces that are not steps of the plain search: a fit holding one was built from the model's words."""
        self.ops: set[str] = set()
        self.promoted: set[int] = set()
        self.urgent: list[tuple[Sequence[Step], tuple[Term, tuple[Grid, ...]]]] = []
        """(steps, state) items to expand before the level's own."""

    def absorb(self) -> list[Step]:
        """Take the programs added since the last call; the new pieces' steps (already put first in `light`)."""
        programs, self.k = self.seeds.since(self.k)
        if not programs:
            return []
        fresh: list[Step] = []
        first: list[Step] = []
        for program in programs:
            self.ops |= _ops(program)
            for piece in seed_pieces(program):
                if piece in self.pieces or len(self.pieces) >= MAX_PIECES:
                    continue
                self.pieces.add(piece)
                plain = self.plain.get(piece)
                if plain is None:
                    self.novel.add(piece)
                    step = Step(piece, size(piece))
                    fresh.append(step)
                    first.append(step)
                elif id(plain) not in self.promoted:
                    self.promoted.add(id(plain))
                    first.append(plain)
        for st in self.steps:
            if id(st) not in self.promoted and _ops(st.term) <= self.ops:
                self.promoted.add(id(st))
                first.append(st)
        if first:
            moved = {id(st) for st in first}
            self.light[:] = first + [st for st in self.light if id(st) not in moved]
            self.heavy[:] = [st for st in self.heavy if id(st) not in moved]
        stats = self.seeds.stats
        stats["programs"] = self.k
        stats["pieces"] = len(self.pieces)
        stats["novel_pieces"] = len(self.novel)
        stats["promoted_steps"] = len(self.promoted)
        return fresh + [st for st in first if st not in fresh and st.term in self.pieces]

    def holds_piece(self, term: Term) -> bool:
        """The program holds a piece of the model's that the plain search has no step for."""
        return bool(self.novel) and any(t in self.novel for t in subterms(term))

    def marked(self, found: Iterable[tuple[Term, int]]) -> Iterator[tuple[Term, int]]:
        """Pass fits through, marking in `seeds` those that hold a novel piece."""
        for term, depth in found:
            if self.holds_piece(term):
                self.seeds.mark(term)
            yield term, depth


POOL_MAX = 20_000
"""States (of depth 2 or less, shaped like the outputs) kept for composing partial results."""


def compose_overlay(pool: Sequence[tuple[Term, tuple[Grid, ...]]], outs: Sequence[Grid],
                    deadline: float, tops: int = 24) -> Term | None:
    """Pooled programs whose overlay gives every output (icecuber's composition of partial results).

    One or two top pieces, each right on all its non-zero cells, are drawn over a bottom piece that is right
    on every cell the tops leave 0.  A piece is a pooled program, or one's non-zero cells in a single colour of
    the outputs (`binarize`).  The first top explains as many cells as possible; a second is taken (greedily: the
    most cells still unexplained) only when no bottom fits under the first alone.
    """
    if len(pool) < 2:
        return None
    stacks = [np.stack([st[k].a for _, st in pool]) for k in range(len(outs))]
    nzs = [stack != 0 for stack in stacks]
    ok = np.ones(len(pool), dtype=bool)
    full = np.ones(len(pool), dtype=bool)
    for stack, nz, o in zip(stacks, nzs, outs):
        ok &= (~nz | (stack == o.a[None])).all(axis=(1, 2))
        full &= nz.all(axis=(1, 2))
    some = np.zeros(len(pool), dtype=bool)
    for nz in nzs:
        some |= nz.any(axis=(1, 2))
    # the tops: (term, pool index or -1, its grid on each train input)
    top_terms: list[Term] = []
    top_index: list[int] = []
    top_grids: list[list[np.ndarray]] = [[] for _ in outs]
    for k in np.flatnonzero(ok & some & ~full).tolist():
        top_terms.append(pool[k][0])
        top_index.append(k)
        for e, stack in enumerate(stacks):
            top_grids[e].append(stack[k])
    colours = sorted({int(v) for o in outs for v in np.unique(o.a) if v})
    for c in colours:
        ok_c = ~ok & some & ~full
        for nz, o in zip(nzs, outs):
            ok_c &= ~(nz & (o.a[None] != c)).any(axis=(1, 2))
        for k in np.flatnonzero(ok_c).tolist():
            top_terms.append(A("binarize", pool[k][0], c))
            top_index.append(-1)
            for e, nz in enumerate(nzs):
                top_grids[e].append(np.where(nz[k], c, 0))
    if not top_terms:
        return None
    tstacks = [np.stack(gs) for gs in top_grids]
    cover = sum(((ts != 0) & (ts == o.a[None])).sum(axis=(1, 2)) for ts, o in zip(tstacks, outs))
    order = np.argsort(-cover, kind="stable")[:tops]

    def bottom(open_: list[np.ndarray], exclude: set[int]) -> Term | None:
        """A pooled piece, or one's non-zero cells in one colour, right on every cell left open (the masks,
        one per output)."""
        fits = np.ones(len(pool), dtype=bool)
        for stack, o, m in zip(stacks, outs, open_):
            fits &= (stack[:, m] == o.a[m][None]).all(axis=1)
        for k in exclude:
            if k >= 0:
                fits[k] = False
        hits = np.flatnonzero(fits)
        if hits.size:
            return pool[int(hits[0])][0]
        for c in colours:
            fits = np.ones(len(pool), dtype=bool)
            for nz, o, m in zip(nzs, outs, open_):
                fits &= (np.where(nz[:, m], c, 0) == o.a[m][None]).all(axis=1)
            hits = np.flatnonzero(fits)
            if hits.size:
                return A("binarize", pool[int(hits[0])][0], c)
        return None

    for i in order.tolist():
        if time.monotonic() > deadline:
            return None
        open1 = [ts[i] == 0 for ts in tstacks]
        b = bottom(open1, {top_index[i]})
        if b is not None:
            return A("overlay", b, top_terms[i])
        gain = sum(((ts != 0) & m[None] & (ts == o.a[None])).sum(axis=(1, 2))
                   for ts, o, m in zip(tstacks, outs, open1))  # cells a second top explains among those open
        gain[i] = 0
        if gain.max() <= 0:
            continue
        j = int(np.argmax(gain))
        open2 = [m & (ts[j] == 0) for ts, m in zip(tstacks, open1)]
        b = bottom(open2, {top_index[i], top_index[j]})
        if b is not None:
            return A("overlay", A("overlay", b, top_terms[j]), top_terms[i])
    return None


def predict(term: Term, inputs: Sequence[Grid]) -> tuple[Grid, ...] | None:
    """Run a program on each test input; None when it fails on any."""
    try:
        outs = tuple(run(term, g) for g in inputs)
    except _ERRORS:
        return None
    if not all(isinstance(o, Grid) for o in outs):
        return None
    return outs


RENAMED_SHARE = 0.6
"""Share of the time the plain search gets when the task is worth renaming (`colour_ranks`); the renamed
searches share the rest, if the plain one found no fit without doubts."""


RENAMED_MIN = 1.0
"""Seconds a renamed search needs at least to be started."""


def fits(data: TaskData, deadline: float, *, max_depth: int = 3,
         stats: SearchStats | None = None, seeds: Any = None) -> Iterator[SEL.Fit]:
    """The search's fits with their test answers and doubts (fits that fail on a test input are dropped).

    Once a fit without doubts is found at depth d, the search finishes level d (for other candidates
    answering the tests differently) and stops; fits that break an expectation do not stop it.  When the task
    looks more uniform with each pair's colours renamed by its input (`colour_ranks`: by frequency rank, or
    with the background as 0), and the plain search (given `RENAMED_SHARE` of the time) found no fit without
    doubts, the renamed tasks are searched too; their programs, wrapped to name the colours back, rank a
    level deeper.
    """
    stats = stats if stats is not None else SearchStats()
    expect = SEL.expectations(data.train_in, data.train_out)
    renamings = CN.worth_renaming(data.train_in, data.train_out) if seeds is None else ()
    plain_deadline = deadline
    if renamings:
        plain_deadline = time.monotonic() + RENAMED_SHARE * max(deadline - time.monotonic(), 0.0)
    settled = False
    for fit in _fits(data, search(data, plain_deadline, max_depth=max_depth, stats=stats, seeds=seeds), stats,
                     expect, lambda t: t, 0):
        settled |= fit.doubts == 0 and fit.depth < FALLBACK - 1
        yield fit
    for k, renaming in enumerate(renamings):
        now = time.monotonic()
        if settled or deadline - now < RENAMED_MIN:
            return  # a renamed search's first fits near the root are not cut short: leave it room for them
        part_deadline = now + max(deadline - now, 0.0) / (len(renamings) - k)
        inner = SearchStats()
        for fit in _fits(data, search(TaskData(*renaming.pairs(data.train_in, data.train_out, data.test_in)),
                                      part_deadline, max_depth=max_depth, stats=inner),
                         inner, expect, lambda t, r=renaming: r.wrap(t, X), 1):
            settled |= fit.doubts == 0 and fit.depth < FALLBACK - 1
            yield fit


def _fits(data: TaskData, found: Iterator[tuple[Term, int]], stats: SearchStats, expect: SEL.Expectations,
          wrap: Callable[[Term], Term], later: int) -> Iterator[SEL.Fit]:
    """`found`'s programs, wrapped, as fits on `data`'s test inputs, `later` levels deeper."""
    for term, depth in found:
        if depth > stats.stop_depth and depth != FALLBACK:
            continue  # the search stops after this level; guesses may still fill a free attempt
        term = wrap(term)
        pred = predict(term, data.test_in)
        if pred is None:
            continue
        fit = SEL.Fit(term, depth + later if depth != FALLBACK else depth, pred, expect.doubts(data.test_in, pred))
        if fit.doubts == 0 and depth < FALLBACK - 1 and stats.stop_depth == 99:
            stats.stop_depth = depth
        yield fit


def solve_data(data: TaskData, deadline: float, attempts: int = 2, *, max_depth: int = 3,
               stats: SearchStats | None = None) -> list[tuple[Term, tuple[Grid, ...]]]:
    """Up to `attempts` programs with distinct test predictions, best first (see `select`)."""
    chosen = SEL.ranked(fits(data, deadline, max_depth=max_depth, stats=stats), attempts)
    return [(c.fit.term, c.fit.answers) for c in chosen]

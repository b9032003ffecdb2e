"""The Lists domain: a first-order DSL over lists of integers (List Functions, 1D-ARC rows).

Written only against the public plug-in API (`hypsearch.Domain`, `Primitive`, `ValueType`)
and registered through the `hypsearch.domains` entry point `lists`.  Higher-order list
functions appear as first-order families with enumerable integer arguments
(`(map_add xs k)`, `(filter_gt xs k)`), so the generic bottom-up enumerator covers them;
one-row grids get object-level primitives (segments of one colour on background 0).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterator

from hypsearch.core.domain import Domain, Primitive, ValueType, WorkedExample
from hypsearch.domains.lists import objects as O
from hypsearch.domains.lists import semantics as S
from hypsearch.core.program import Const, Term

if TYPE_CHECKING:
    from hypsearch.core.grammar import SearchGrammar
    from hypsearch.core.task import Task


def show_list(xs: tuple[int, ...]) -> str:
    """A list literal: `[1, 2, 3]`."""
    return "[" + ", ".join(str(x) for x in xs) + "]"


def read_list(token: str) -> tuple[int, ...]:
    """Decode a list literal token (commas or spaces between the integers)."""
    return tuple(int(p) for p in token[1:-1].replace(",", " ").split())


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _list_strategy() -> Any:
    from hypothesis import strategies as st

    return st.lists(st.integers(min_value=0, max_value=9), max_size=8).map(tuple)


def _int_strategy() -> Any:
    from hypothesis import strategies as st

    return st.integers(min_value=-2, max_value=10)


def _bool_strategy() -> Any:
    from hypothesis import strategies as st

    return st.booleans()


LIST = ValueType("List", show_list, lambda v: isinstance(v, tuple) and all(map(_is_int, v)), len,
                 strategy=_list_strategy)
INT = ValueType("Int", str, _is_int, strategy=_int_strategy)
BOOL = ValueType("Bool", lambda b: "true" if b else "false", lambda v: isinstance(v, bool), strategy=_bool_strategy)


RARE = frozenset({
    "product", "count_gt", "count_even", "range_step", "cut_slice", "splice", "map_if_even_mul", "map_count",
    "map_divisible", "zip_sub", "eq_index", "mul_index", "repeat_each", "positions", "positions_even",
    "keep_singletons", "cummax", "records", "run_lengths", "dedup_runs", "pair_diffs", "before_first",
    "after_last", "zigzag", "interleave", "filter_pos", "add", "sub", "mul", "div", "mod", "index_list",
    "zip_add", "map_rsub", "set_at", "filter_divisible", "is_in", "nth", "sort_by_div", "sort_by_mod",
})
"""Primitives the benchmarks need less often: they cost 2, so common programs are tried first."""


def _p(name: str, sig: str, impl: Callable[..., Any], doc: str, cost: int = 0, **kw: Any) -> Primitive:
    """`sig` reads `"List Int -> List"`; the cost defaults to 2 for RARE primitives, else 1."""
    args, ret = sig.split("->")
    cost = cost or (2 if name in RARE else 1)
    return Primitive(name, tuple(args.split()), ret.strip(), impl, doc, cost=cost, **kw)


LIST_PRIMITIVES: tuple[Primitive, ...] = (
    # element access and aggregates
    _p("first", "List -> Int", S.first, "the first element"),
    _p("second", "List -> Int", S.second, "the second element"),
    _p("third", "List -> Int", S.third, "the third element"),
    _p("last", "List -> Int", S.last, "the last element"),
    _p("nth", "List Int -> Int", S.nth, "(nth xs i): the element at 1-based position i"),
    _p("length", "List -> Int", S.length, "number of elements"),
    _p("sum", "List -> Int", S.total, "sum of the elements"),
    _p("product", "List -> Int", S.product, "product of the elements (1 for [])"),
    _p("max", "List -> Int", S.maximum, "largest element"),
    _p("min", "List -> Int", S.minimum, "smallest element"),
    _p("count", "List Int -> Int", S.count, "(count xs x): how often x occurs"),
    _p("count_gt", "List Int -> Int", S.count_gt, "(count_gt xs k): how many elements exceed k"),
    _p("count_even", "List -> Int", S.count_even, "how many elements are even"),
    # integers and tests
    _p("add", "Int Int -> Int", S.add, "integer addition", commutative=True),
    _p("sub", "Int Int -> Int", S.sub, "integer subtraction"),
    _p("mul", "Int Int -> Int", S.mul, "integer multiplication", commutative=True),
    _p("div", "Int Int -> Int", S.div, "floor division"),
    _p("mod", "Int Int -> Int", S.mod, "remainder (sign of the divisor)"),
    _p("gt", "Int Int -> Bool", S.greater, "(gt a b): a > b"),
    _p("eq", "Int Int -> Bool", S.equal, "integer equality", commutative=True),
    _p("is_even", "Int -> Bool", S.is_even, "the integer is even"),
    _p("is_in", "List Int -> Bool", S.is_in, "(is_in xs x): x occurs in xs"),
    _p("ite", "Bool T T -> T", S.ite, "(ite c a b): a if c holds, else b"),
    # construction
    _p("singleton", "Int -> List", S.singleton, "the one-element list"),
    _p("cons", "Int List -> List", S.cons, "(cons x xs): x in front of xs"),
    _p("append", "List Int -> List", S.append, "(append xs x): x after the end of xs"),
    _p("concat", "List List -> List", S.concat, "the first list followed by the second"),
    _p("repeat", "Int Int -> List", S.repeat, "(repeat x n): x written n times"),
    _p("range", "Int Int -> List", S.int_range, "(range a b): a, a+1, …, b"),
    _p("range_step", "Int Int Int -> List", S.range_step, "(range_step a b s): a, a+s, … up to b"),
    # restructuring
    _p("take", "List Int -> List", S.take, "(take xs n): the first n elements"),
    _p("drop", "List Int -> List", S.drop, "(drop xs n): all but the first n elements"),
    _p("takelast", "List Int -> List", S.takelast, "(takelast xs n): the last n elements"),
    _p("droplast", "List Int -> List", S.droplast, "(droplast xs n): all but the last n elements"),
    _p("slice", "List Int Int -> List", S.slice_, "(slice xs i j): positions i..j (1-based, inclusive)"),
    _p("cut_slice", "List Int Int -> List", S.cut_slice, "(cut_slice xs i j): xs without positions i..j"),
    _p("reverse", "List -> List", S.reverse, "the list backwards"),
    _p("sort", "List -> List", S.sort, "ascending order"),
    _p("sort_by_div", "List Int -> List", S.sort_by_div, "(sort_by_div xs k): stable sort by x div k"),
    _p("sort_by_mod", "List Int -> List", S.sort_by_mod, "(sort_by_mod xs k): stable sort by x mod k"),
    _p("unique", "List -> List", S.unique, "first occurrences only, in order"),
    _p("insert", "List Int Int -> List", S.insert, "(insert xs i x): x inserted at 1-based position i"),
    _p("splice", "List Int List -> List", S.splice, "(splice xs i ys): list ys inserted at position i"),
    _p("remove_at", "List Int -> List", S.remove_at, "(remove_at xs i): xs without position i"),
    _p("set_at", "List Int Int -> List", S.set_at, "(set_at xs i x): position i becomes x"),
    _p("swap", "List Int Int -> List", S.swap, "(swap xs i j): exchange positions i and j"),
    _p("replace", "List Int Int -> List", S.replace, "(replace xs a b): every a becomes b"),
    _p("remove_first", "List Int -> List", S.remove_first, "(remove_first xs x): the first x removed"),
    _p("remove_all", "List Int -> List", S.remove_all, "(remove_all xs x): every x removed"),
    # element-wise maps
    _p("map_add", "List Int -> List", S.map_add, "(map_add xs k): k added to every element"),
    _p("map_mul", "List Int -> List", S.map_mul, "(map_mul xs k): every element times k"),
    _p("map_div", "List Int -> List", S.map_div, "(map_div xs k): every element floor-divided by k"),
    _p("map_mod", "List Int -> List", S.map_mod, "(map_mod xs k): every element modulo k"),
    _p("map_rsub", "List Int -> List", S.map_rsub, "(map_rsub xs k): every element x becomes k - x"),
    _p("map_divisible", "List Int -> List", S.map_divisible, "(map_divisible xs k): 1 where k divides x, else 0"),
    _p("map_if_even_mul", "List Int -> List", S.map_if_even_mul, "(map_if_even_mul xs k): even elements times k"),
    _p("map_count", "List -> List", S.map_count, "every element replaced by its number of occurrences"),
    _p("zip_add", "List List -> List", S.zip_add, "element-wise sum (as long as the shorter)", commutative=True),
    _p("zip_sub", "List List -> List", S.zip_sub, "element-wise difference (as long as the shorter)"),
    _p("add_index", "List -> List", S.add_index, "each element plus its 1-based position"),
    _p("mul_index", "List -> List", S.mul_index, "each element times its 1-based position"),
    _p("eq_index", "List -> List", S.eq_index, "1 where an element equals its position, else 0"),
    _p("index_list", "List -> List", S.index_list, "the positions 1..length"),
    _p("stretch", "List Int -> List", S.stretch, "(stretch xs k): every element written k times"),
    _p("repeat_each", "List -> List", S.repeat_each, "every element x written x times"),
    _p("interleave", "List List -> List", S.interleave, "x1 y1 x2 y2 … (as long as the shorter)"),
    # filters and searches
    _p("filter_gt", "List Int -> List", S.filter_gt, "(filter_gt xs k): the elements greater than k"),
    _p("filter_lt", "List Int -> List", S.filter_lt, "(filter_lt xs k): the elements less than k"),
    _p("filter_even", "List -> List", S.filter_even, "the even elements"),
    _p("filter_odd", "List -> List", S.filter_odd, "the odd elements"),
    _p("filter_divisible", "List Int -> List", S.filter_divisible, "(filter_divisible xs k): elements divisible by k"),
    _p("filter_pos", "List Int Int -> List", S.filter_pos, "(filter_pos xs k r): elements at positions p with p mod k = r"),
    _p("positions", "List Int -> List", S.positions_eq, "(positions xs x): the 1-based positions holding x"),
    _p("positions_even", "List -> List", S.positions_even, "the 1-based positions of even elements"),
    _p("keep_singletons", "List -> List", S.keep_singletons, "the elements that occur exactly once"),
    # folds and runs
    _p("cumsum", "List -> List", S.cumsum, "running sums"),
    _p("cummax", "List -> List", S.cummax, "running maxima"),
    _p("records", "List -> List", S.records, "elements larger than everything before them"),
    _p("run_lengths", "List -> List", S.run_lengths, "lengths of the runs of equal elements"),
    _p("dedup_runs", "List -> List", S.dedup_runs, "one element per run of equal elements"),
    _p("pair_sums", "List -> List", S.pair_sums, "sums of neighbouring pairs"),
    _p("pair_diffs", "List -> List", S.pair_diffs, "absolute differences of neighbouring pairs"),
    _p("before_first", "List Int -> List", S.before_first, "(before_first xs k): the elements before the first k"),
    _p("after_last", "List Int -> List", S.after_last, "(after_last xs k): the elements after the last k"),
    _p("zigzag", "List -> List", S.zigzag, "fold: reverse the result so far, then append the next element"),
)

OBJECT_PRIMITIVES: tuple[Primitive, ...] = (
    _p("shift", "List Int -> List", O.shift, "(shift xs k): the row moved k cells right (left if k < 0), 0 flowing in"),
    _p("move_toward", "List Int Int -> List", O.move_toward,
       "(move_toward xs c k): objects move k cells toward the cell of colour c, stopping at contact"),
    _p("move_to_contact", "List Int -> List", O.move_to_contact,
       "(move_to_contact xs c): objects slide toward the cell of colour c until they touch it"),
    _p("extend_to", "List Int -> List", O.extend_to,
       "(extend_to xs c): objects grow toward the cell of colour c until they touch it"),
    _p("fill_pairs", "List -> List", O.fill_pairs, "fill between consecutive pairs of same-coloured cells"),
    _p("hollow", "List -> List", O.hollow, "keep only the end cells of each object"),
    _p("flip_objects", "List -> List", O.flip_objects, "reverse every multicolour object in place"),
    _p("mirror_about", "List Int -> List", O.mirror_about,
       "(mirror_about xs c): reflect the objects through the cell of colour c"),
    _p("keep_largest", "List -> List", O.keep_largest, "only the largest object stays (denoise)"),
    _p("majority_fill", "List -> List", O.majority_fill, "each object takes its majority colour (denoise)"),
    _p("copy_pattern", "List -> List", O.copy_pattern,
       "single cells become copies of the first larger object, centred, in their own colour"),
    _p("recolor_largest", "List Int -> List", O.recolor_largest, "(recolor_largest xs c): the largest object(s) take colour c"),
    _p("recolor_by_size", "List Int Int Int -> List", O.recolor_by_size,
       "(recolor_by_size xs a b c): objects of size 1, 2, 3 take colours a, b, c"),
    _p("recolor_parity", "List Int Int -> List", O.recolor_parity,
       "(recolor_parity xs e o): objects of even size take colour e, of odd size colour o"),
)

ROW_LIST_PRIMITIVES = frozenset({"reverse", "replace", "stretch", "ite", "gt", "eq", "first", "last"})
"""List primitives also offered on one-row grid tasks (beside the object primitives)."""


def looks_like_row_grid(task: "Task") -> bool:
    """True when every example maps a colour row (0-9, background 0) to a row of the same length."""
    pairs = [(ex.inputs[0], ex.output) for ex in task.examples if len(ex.inputs) == 1]
    if not pairs or len(pairs) != len(task.examples):
        return False
    cells = [v for xs, ys in pairs for v in (*xs, *ys)]
    return (all(isinstance(xs, tuple) and isinstance(ys, tuple) and len(xs) == len(ys) >= 5 for xs, ys in pairs)
            and all(0 <= v <= 9 for v in cells) and cells.count(0) * 5 >= len(cells))


@dataclass(frozen=True, eq=False)
class ListsDomain(Domain):
    """Lists of ints with task-inferred constants and a row-grid profile for 1D-ARC tasks."""

    def constants(self, task: "Task") -> tuple[Const, ...]:
        """Small ints, ints that appear only in outputs, colours, and output-shared lists."""
        outputs = [ex.output for ex in task.examples]
        inputs = [v for ex in task.examples for v in ex.inputs]
        if looks_like_row_grid(task):
            colours = sorted({v for xs in (*inputs, *outputs) for v in xs})
            ints = set(colours) | {1, 2, 3, -1, -2, -3}
            return tuple(Const(n, "Int") for n in sorted(ints))
        seen_in = {v for xs in inputs if isinstance(xs, tuple) for v in xs}
        novel = Counter(v for ys in outputs if isinstance(ys, tuple) for v in set(ys) if v not in seen_in)
        ints = set(range(0, 11)) | {n for n, _ in novel.most_common(6)}
        ints |= {v for v in outputs if _is_int(v)}
        tuples = [set(ys) for ys in outputs if isinstance(ys, tuple)]
        shared = set.intersection(*tuples) if tuples else set()
        ints |= set(sorted(shared)[:6])
        consts = [Const(n, "Int") for n in sorted(ints)]
        lists = {()}
        tuples = [ys for ys in outputs if isinstance(ys, tuple)]
        if tuples:
            for piece in (_common_prefix(tuples), _common_suffix(tuples)):
                if len(piece) >= 2:
                    lists.add(piece)
                    lists.add(tuple(v for v in piece if v not in seen_in))
        consts += [Const(xs, "List") for xs in sorted(lists) if xs or xs == ()]
        return tuple(dict.fromkeys(consts))

    def enumerate_candidates(self, task: "Task", deadline: float) -> Iterator[Term]:
        """Bottom-up enumeration with target decomposition and one-test unification (see `search`)."""
        from hypsearch.domains.lists.search import search

        yield from search(self, task, deadline, decompose=not looks_like_row_grid(task))

    def search_grammar(self, task: "Task") -> "SearchGrammar":
        """All list primitives, or the object primitives (plus a few list ones) on one-row grids."""
        from dataclasses import replace

        from hypsearch.core.grammar import default_search_grammar

        grammar = default_search_grammar(self, task)
        row = looks_like_row_grid(task)
        objects = {p.name for p in OBJECT_PRIMITIVES}
        keep = [p for p in grammar.productions
                if p.op is None or (p.op in objects or p.op in ROW_LIST_PRIMITIVES if row else p.op not in objects)]
        return replace(grammar, productions=tuple(keep))


def _common_prefix(lists: list[tuple[int, ...]]) -> tuple[int, ...]:
    out: list[int] = []
    for column in zip(*lists):
        if len(set(column)) != 1:
            break
        out.append(column[0])
    return tuple(out)


def _common_suffix(lists: list[tuple[int, ...]]) -> tuple[int, ...]:
    return _common_prefix([xs[::-1] for xs in lists])[::-1]


DOMAIN = ListsDomain(
    name="lists",
    description="Lists of integers (List Functions, 1D-ARC rows): access, slicing, maps, filters, folds, "
                "and objects of one colour on background 0; the input list is `xs`.",
    grammar="lists.lark",
    types={"List": LIST, "Int": INT, "Bool": BOOL},
    primitives=LIST_PRIMITIVES + OBJECT_PRIMITIVES,
    literal_rules={"int": ("Int", int), "list": ("List", read_list)},
    decoding_literals={"list": r"/\[(-?[0-9]{1,4}(, -?[0-9]{1,4}){0,19})?\]/"},  # well-formed lists only
    symbol_constants={"true": ("Bool", True), "false": ("Bool", False)},
    examples=(
        WorkedExample("the third element, as a one-element list", "(singleton (nth xs 3))", (("xs", "List"),)),
        WorkedExample("keep the elements above 7", "(filter_gt xs 7)", (("xs", "List"),)),
        WorkedExample("every object moves two cells right", "(shift xs 2)", (("xs", "List"),)),
    ),
)

__all__ = ["DOMAIN", "ListsDomain", "show_list", "read_list", "looks_like_row_grid"]

"""The Lists domain: a general list-processing DSL over lists of integers.

Written only against the public plug-in API (`hypsearch.Domain`, `Primitive`, `ValueType`)
and registered through the `hypsearch.domains` entry point `lists`.  The vocabulary is the
common core of the list DSLs of λ² (Feser et al. 2015), DreamCoder (Ellis et al. 2021) and
Rule (2020): access, slicing, construction, sorting, counting, runs, and the higher-order
`map`/`filter`/`fold`/`scan`/`zip_with`/`sort_by`, whose function arguments are values
built by combinators (`(plus 3)`, `(above 4)`, `(compose f g)`, `op_add`; see `functions`),
so the generic first-order bottom-up enumerator composes them.  Lists read as rows of cells
(background 0) get generic segment operations (see `objects`).  No primitive encodes one
benchmark function or one generator concept, and every task sees the same grammar.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterator

from hypsearch.core.domain import Domain, Primitive, ValueType, WorkedExample
from hypsearch.domains.lists import functions as F
from hypsearch.domains.lists import objects as O
from hypsearch.domains.lists import semantics as S
from hypsearch.core.program import Const, Term, Var

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


def _named_strategy(kind: type) -> Callable[[], Any]:
    """Sample values of a function type: its named constants (they print as symbols and parse back)."""
    def strategy() -> Any:
        from hypothesis import strategies as st

        return st.sampled_from([v for v in (*F.NAMED.values(), *F.OPS.values()) if isinstance(v, kind)])

    return strategy


FN = ValueType("Fn", lambda f: f.text, lambda v: isinstance(v, F.IntFn), strategy=_named_strategy(F.IntFn))
PRED = ValueType("Pred", lambda p: p.text, lambda v: isinstance(v, F.Pred), strategy=_named_strategy(F.Pred))
OP = ValueType("Op", lambda op: op.name, lambda v: isinstance(v, F.BinOp), strategy=_named_strategy(F.BinOp))


def _p(name: str, sig: str, impl: Callable[..., Any], doc: str, **kw: Any) -> Primitive:
    """`sig` reads `"List Int -> List"`.  Cost: 1, or 2 with three or more arguments (they multiply the space)."""
    args, ret = sig.split("->")
    arg_types = tuple(args.split())
    return Primitive(name, arg_types, ret.strip(), impl, doc, cost=1 if len(arg_types) < 3 else 2, **kw)


LIST_PRIMITIVES: tuple[Primitive, ...] = (
    # element access and aggregates (Rule 2020 / λ² / DreamCoder list basics)
    _p("first", "List -> Int", S.first, "the first element (head)"),
    _p("second", "List -> Int", S.second, "the second element"),
    _p("third", "List -> Int", S.third, "the third element"),
    _p("last", "List -> Int", S.last, "the last element"),
    _p("nth", "List Int -> Int", S.nth, "(nth xs i): the element at 1-based position i (index access)"),
    _p("length", "List -> Int", S.length, "number of elements"),
    _p("sum", "List -> Int", S.total, "sum of the elements (the commonest fold)"),
    _p("max", "List -> Int", S.maximum, "largest element"),
    _p("min", "List -> Int", S.minimum, "smallest element"),
    _p("count", "List Int -> Int", S.count, "(count xs x): how often x occurs"),
    # integers and tests
    _p("add", "Int Int -> Int", S.add, "integer addition", commutative=True),
    _p("sub", "Int Int -> Int", S.sub, "integer subtraction"),
    _p("mul", "Int Int -> Int", S.mul, "integer multiplication", commutative=True),
    _p("div", "Int Int -> Int", S.div, "floor division"),
    _p("mod", "Int Int -> Int", S.mod, "remainder (sign of the divisor)"),
    _p("gt", "Int Int -> Bool", S.greater, "(gt a b): a > b"),
    _p("eq", "Int Int -> Bool", S.equal, "integer equality", commutative=True),
    _p("is_even", "Int -> Bool", S.is_even, "the integer is even (parity test)"),
    _p("is_in", "List Int -> Bool", S.is_in, "(is_in xs x): x occurs in xs (membership)"),
    _p("ite", "Bool T T -> T", S.ite, "(ite c a b): a if c holds, else b"),
    # construction
    _p("singleton", "Int -> List", S.singleton, "the one-element list"),
    _p("cons", "Int List -> List", S.cons, "(cons x xs): x in front of xs"),
    _p("append", "List Int -> List", S.append, "(append xs x): x after the end of xs"),
    _p("concat", "List List -> List", S.concat, "the first list followed by the second"),
    _p("repeat", "Int Int -> List", S.repeat, "(repeat x n): x written n times (replicate)"),
    _p("range", "Int Int -> List", S.int_range, "(range a b): a, a+1, …, b"),
    _p("range_step", "Int Int Int -> List", S.range_step, "(range_step a b s): a, a+s, … up to b"),
    # slicing and editing by position
    _p("take", "List Int -> List", S.take, "(take xs n): the first n elements"),
    _p("drop", "List Int -> List", S.drop, "(drop xs n): all but the first n elements"),
    _p("takelast", "List Int -> List", S.takelast, "(takelast xs n): the last n elements"),
    _p("droplast", "List Int -> List", S.droplast, "(droplast xs n): all but the last n elements"),
    _p("slice", "List Int Int -> List", S.slice_, "(slice xs i j): positions i..j (1-based, inclusive)"),
    _p("cut_slice", "List Int Int -> List", S.cut_slice, "(cut_slice xs i j): xs without positions i..j"),
    _p("insert", "List Int Int -> List", S.insert, "(insert xs i x): x inserted at 1-based position i"),
    _p("splice", "List Int List -> List", S.splice, "(splice xs i ys): list ys inserted at position i"),
    _p("remove_at", "List Int -> List", S.remove_at, "(remove_at xs i): xs without position i"),
    _p("set_at", "List Int Int -> List", S.set_at, "(set_at xs i x): position i becomes x"),
    _p("swap", "List Int Int -> List", S.swap, "(swap xs i j): exchange positions i and j"),
    # reordering and editing by value
    _p("reverse", "List -> List", S.reverse, "the list backwards"),
    _p("sort", "List -> List", S.sort, "ascending order"),
    _p("sort_by", "Fn List -> List", S.sort_by, "(sort_by f xs): stable sort by the key f (any key function)"),
    _p("unique", "List -> List", S.unique, "first occurrences only, in order (dedup)"),
    _p("replace", "List Int Int -> List", S.replace, "(replace xs a b): every a becomes b"),
    _p("remove_first", "List Int -> List", S.remove_first, "(remove_first xs x): the first x removed"),
    _p("remove_all", "List Int -> List", S.remove_all, "(remove_all xs x): every x removed"),
    _p("take_while", "Pred List -> List", S.take_while, "(take_while p xs): the longest prefix satisfying p"),
    _p("drop_while", "Pred List -> List", S.drop_while, "(drop_while p xs): xs after that prefix"),
    _p("stretch", "List Int -> List", S.stretch, "(stretch xs k): every element written k times (upsampling)"),
    _p("interleave", "List List -> List", S.interleave, "x1 y1 x2 y2 … (as long as the shorter): zip then flatten"),
    # higher-order combinators
    _p("map", "Fn List -> List", S.map_, "(map f xs): f applied to every element"),
    _p("filter", "Pred List -> List", S.filter_, "(filter p xs): the elements satisfying p"),
    _p("count_if", "Pred List -> Int", S.count_if, "(count_if p xs): how many elements satisfy p"),
    _p("find", "Pred List -> Int", S.find, "(find p xs): the first element satisfying p"),
    _p("positions", "Pred List -> List", S.positions, "(positions p xs): the 1-based positions whose element satisfies p"),
    _p("filter_index", "Pred List -> List", S.filter_index,
       "(filter_index p xs): the elements whose 1-based position satisfies p"),
    _p("indices", "List -> List", S.indices, "the positions 1..length (for index arithmetic with zip_with)"),
    _p("zip_with", "Op List List -> List", S.zip_with, "(zip_with op xs ys): op on pairs of equal position"),
    _p("scan", "Op List -> List", S.scan, "(scan op xs): running fold (prefix sums, running maxima …)"),
    _p("fold", "Op List -> Int", S.fold, "(fold op xs): left fold of a non-empty list"),
    _p("pairwise", "Op List -> List", S.pairwise, "(pairwise op xs): op on each pair of neighbours (differences)"),
    _p("counts", "List -> List", S.counts, "every element replaced by its number of occurrences (frequencies)"),
    # runs and delimiters (grouping)
    _p("run_lengths", "List -> List", S.run_lengths, "lengths of the runs of equal elements (run-length code)"),
    _p("dedup_runs", "List -> List", S.dedup_runs, "one element per run of equal elements"),
    _p("before_first", "List Int -> List", S.before_first, "(before_first xs k): the elements before the first k"),
    _p("after_last", "List Int -> List", S.after_last, "(after_last xs k): the elements after the last k"),
)

FUNCTION_PRIMITIVES: tuple[Primitive, ...] = (
    _p("plus", "Int -> Fn", F.plus, "(plus k): x ↦ x + k"),
    _p("times", "Int -> Fn", F.times, "(times k): x ↦ x · k"),
    _p("minus_from", "Int -> Fn", F.minus_from, "(minus_from k): x ↦ k − x"),
    _p("div_by", "Int -> Fn", F.div_by, "(div_by k): x ↦ x div k (e.g. the tens digit)"),
    _p("mod_by", "Int -> Fn", F.mod_by, "(mod_by k): x ↦ x mod k (e.g. the units digit)"),
    _p("compose", "Fn Fn -> Fn", F.compose, "(compose f g): x ↦ f(g(x))"),
    _p("indicator", "Pred -> Fn", F.indicator, "(indicator p): x ↦ 1 if p(x) else 0"),
    _p("when", "Pred Fn -> Fn", F.when, "(when p f): x ↦ f(x) where p(x) holds, else x (conditional update)"),
    _p("above", "Int -> Pred", F.above, "(above k): x > k"),
    _p("below", "Int -> Pred", F.below, "(below k): x < k"),
    _p("equals", "Int -> Pred", F.equals, "(equals k): x = k"),
    _p("divisible_by", "Int -> Pred", F.divisible_by, "(divisible_by k): k divides x (k = 2: even)"),
    _p("not_p", "Pred -> Pred", F.not_p, "negation of a predicate"),
    _p("and_p", "Pred Pred -> Pred", F.and_p, "conjunction of predicates", commutative=True),
    _p("or_p", "Pred Pred -> Pred", F.or_p, "disjunction of predicates", commutative=True),
    _p("member", "List -> Pred", F.member, "(member ys): x occurs in ys"),
)

OBJECT_PRIMITIVES: tuple[Primitive, ...] = (
    _p("shift", "List Int -> List", O.shift, "(shift xs k): the row translated k cells right (left if k < 0), 0 flowing in"),
    _p("object_sizes", "List -> List", O.object_sizes, "sizes of the objects (maximal runs of one non-zero value)"),
    _p("keep_objects", "Pred List -> List", O.keep_objects,
       "(keep_objects p xs): objects whose size satisfies p stay, the rest becomes 0"),
    _p("recolor_objects", "Pred Int List -> List", O.recolor_objects,
       "(recolor_objects p c xs): objects whose size satisfies p take value c"),
)


FUNCTION_TYPES = frozenset({"Fn", "Pred", "Op"})
"""Types of function arguments: built by combinators, never chosen by a conditional."""


@dataclass(frozen=True, eq=False)
class ListsDomain(Domain):
    """Lists of ints: one grammar for every task, constants inferred from the task's own examples."""

    def constants(self, task: "Task") -> tuple[Const, ...]:
        """Small ints (-3..10), ints only outputs show, ints every output shares, output-shared end pieces,
        the operators and the named functions."""
        outputs = [ex.output for ex in task.examples]
        inputs = [v for ex in task.examples for v in ex.inputs]
        seen_in = {v for xs in inputs if isinstance(xs, tuple) for v in xs}
        novel = Counter(v for ys in outputs if isinstance(ys, tuple) for v in set(ys) if v not in seen_in)
        ints = set(range(-3, 11)) | {n for n, _ in novel.most_common(6)}
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
        consts += [Const(op, "Op") for op in F.OPS.values()]
        consts += [Const(v, "Fn" if isinstance(v, F.IntFn) else "Pred") for v in F.NAMED.values()]
        return tuple(dict.fromkeys(consts))

    def enumerate_candidates(self, task: "Task", deadline: float) -> Iterator[Term]:
        """Bottom-up enumeration with target decomposition and one-test unification (see `search`)."""
        from hypsearch.domains.lists.search import search

        yield from search(self, task, deadline)

    def search_grammar(self, task: "Task") -> "SearchGrammar":
        """Every primitive; the integer and list parameters of function builders are restricted to
        `PARAM_INT` / `PARAM_LIST` (constants and simple features of the input), and no `ite` chooses
        between function values (a per-example function is a conditional, which unification builds)."""
        from dataclasses import replace

        from hypsearch.core.grammar import Production, default_search_grammar

        grammar = default_search_grammar(self, task)
        inputs = [Production(nt, leaf=p.leaf, cost=p.cost) for nt in (PARAM_INPUT, PARAM_VIEW)
                  for p in grammar.productions if isinstance(p.leaf, Var) and p.leaf.type == "List"]
        params: list[Production] = list(inputs)
        for p in grammar.productions:
            if p.op == "ite" and p.nonterminal in FUNCTION_TYPES:
                continue
            if p.leaf is not None and p.nonterminal in ("Int", "List"):
                params.append(Production(PARAM_INT if p.nonterminal == "Int" else PARAM_LIST, leaf=p.leaf, cost=p.cost))
            if p.op in FEATURES and p.args == ("List",):
                params.append(Production(PARAM_INT, p.op, (PARAM_VIEW,), cost=p.cost))
            if p.args == ("List",) and p.nonterminal == "List" and p.op is not None:
                params.append(Production(PARAM_VIEW, p.op, (PARAM_INPUT,), cost=p.cost))
            if p.op in BUILDERS:
                args = tuple(PARAM_INT if a == "Int" else PARAM_LIST if a == "List" else a for a in p.args)
                p = replace(p, args=args)
            params.append(p)
        nonterminals = (*grammar.nonterminals, (PARAM_INT, "Int"), (PARAM_LIST, "List"))
        if inputs:
            nonterminals = (*nonterminals, (PARAM_INPUT, "List"), (PARAM_VIEW, "List"))
        else:
            params = [p for p in params if PARAM_VIEW not in (p.nonterminal, *p.args)]
        return replace(grammar, nonterminals=nonterminals, productions=tuple(params))


PARAM_INT, PARAM_LIST, PARAM_INPUT, PARAM_VIEW = "ParamInt", "ParamList", "Input", "View"
"""Nonterminals of function parameters: ints and lists that are constants or simple features of the input
(an aggregate of the input or of one unary view of it, such as `(max (object_sizes xs))`)."""
FEATURES = frozenset({"first", "last", "length", "max", "min", "sum"})
"""Aggregates a function parameter may be (`(above (first xs))`, `(equals (max (object_sizes xs)))`)."""
BUILDERS = frozenset(p.name for p in FUNCTION_PRIMITIVES if "Int" in p.arg_types or "List" in p.arg_types)
"""Function builders with a data parameter (`plus`, `above`, `member` …)."""


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
    description="Lists of integers: access, slicing, sorting, counting, maps, filters, folds, scans, zips "
                "over function values (`(plus 3)`, `(above 4)`, `op_add`), and segments of one value on "
                "background 0; the input list is `xs`.",
    grammar="lists.lark",
    types={"List": LIST, "Int": INT, "Bool": BOOL, "Fn": FN, "Pred": PRED, "Op": OP},
    primitives=LIST_PRIMITIVES + FUNCTION_PRIMITIVES + OBJECT_PRIMITIVES,
    literal_rules={"int": ("Int", int), "list": ("List", read_list)},
    decoding_literals={"list": r"/\[(-?[0-9]{1,4}(, -?[0-9]{1,4}){0,19})?\]/"},  # well-formed lists only
    symbol_constants={"true": ("Bool", True), "false": ("Bool", False),
                      **{name: ("Op", op) for name, op in F.OPS.items()},
                      **{name: ("Fn" if isinstance(v, F.IntFn) else "Pred", v) for name, v in F.NAMED.items()}},
    examples=(
        WorkedExample("the third element, as a one-element list", "(singleton (nth xs 3))", (("xs", "List"),)),
        WorkedExample("keep the elements above 7", "(filter (above 7) xs)", (("xs", "List"),)),
        WorkedExample("every object moves two cells right", "(shift xs 2)", (("xs", "List"),)),
        WorkedExample("running sums", "(scan op_add xs)", (("xs", "List"),)),
    ),
)

__all__ = ["DOMAIN", "ListsDomain", "show_list", "read_list"]

"""Python semantics of the list DSL: total-or-raising functions over tuples of ints.

Lists are tuples (hashable, so the enumerator can compare behaviours); positions are
1-based as in Rule's (2020) list DSL.  A function raises ValueError/IndexError where the
operation is undefined (first of an empty list, an index out of range), which the
interpreter reports as a runtime error and the enumerator skips.
"""

from __future__ import annotations

from itertools import accumulate
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hypsearch.domains.lists.functions import BinOp, IntFn, Pred

IntList = tuple[int, ...]

MAX_INT = 10**6
"""Ints beyond this magnitude are refused: they never occur in the benchmarks and blow up search."""
MAX_LEN = 200
"""Lists built by repeat/range/stretch are refused beyond this length."""


def _int(n: int) -> int:
    if not -MAX_INT <= n <= MAX_INT:
        raise ValueError(f"integer {n} out of range")
    return n


def _list(xs: IntList | list[int]) -> IntList:
    if len(xs) > MAX_LEN:
        raise ValueError(f"list longer than {MAX_LEN}")
    return tuple(xs)


def _pos(xs: IntList, i: int) -> int:
    """0-based index of the 1-based position i; IndexError when outside the list."""
    if not 1 <= i <= len(xs):
        raise IndexError(f"position {i} outside a list of length {len(xs)}")
    return i - 1


# -- element access and aggregates ---------------------------------------------------

def first(xs: IntList) -> int:
    return xs[_pos(xs, 1)]


def second(xs: IntList) -> int:
    return xs[_pos(xs, 2)]


def third(xs: IntList) -> int:
    return xs[_pos(xs, 3)]


def last(xs: IntList) -> int:
    return xs[_pos(xs, len(xs))] if xs else first(xs)


def nth(xs: IntList, i: int) -> int:
    return xs[_pos(xs, i)]


def length(xs: IntList) -> int:
    return len(xs)


def total(xs: IntList) -> int:
    return _int(sum(xs))




def maximum(xs: IntList) -> int:
    return max(xs)


def minimum(xs: IntList) -> int:
    return min(xs)


def count(xs: IntList, x: int) -> int:
    return xs.count(x)


def is_in(xs: IntList, x: int) -> bool:
    return x in xs


# -- integer arithmetic and tests ----------------------------------------------------

def add(a: int, b: int) -> int:
    return _int(a + b)


def sub(a: int, b: int) -> int:
    return _int(a - b)


def mul(a: int, b: int) -> int:
    return _int(a * b)


def div(a: int, b: int) -> int:
    return a // b  # ZeroDivisionError is an ArithmeticError: a runtime error


def mod(a: int, b: int) -> int:
    return a % b


def greater(a: int, b: int) -> bool:
    return a > b


def equal(a: int, b: int) -> bool:
    return a == b


def is_even(a: int) -> bool:
    return a % 2 == 0


def ite(c: bool, a: object, b: object) -> object:
    return a if c else b


# -- construction --------------------------------------------------------------------

def singleton(x: int) -> IntList:
    return (x,)


def cons(x: int, xs: IntList) -> IntList:
    return _list((x, *xs))


def append(xs: IntList, x: int) -> IntList:
    return _list((*xs, x))


def concat(xs: IntList, ys: IntList) -> IntList:
    return _list(xs + ys)


def repeat(x: int, n: int) -> IntList:
    if not 0 <= n <= MAX_LEN:
        raise ValueError(f"cannot repeat {n} times")
    return (x,) * n


def int_range(a: int, b: int) -> IntList:
    if b - a + 1 > MAX_LEN:
        raise ValueError("range too long")
    return tuple(range(a, b + 1))


def range_step(a: int, b: int, step: int) -> IntList:
    if step <= 0 or (b - a) // step + 1 > MAX_LEN:
        raise ValueError("bad range step")
    return tuple(range(a, b + 1, step))


# -- restructuring -------------------------------------------------------------------

def take(xs: IntList, n: int) -> IntList:
    return xs[:max(n, 0)]


def drop(xs: IntList, n: int) -> IntList:
    return xs[max(n, 0):]


def takelast(xs: IntList, n: int) -> IntList:
    return xs[len(xs) - n:] if 0 < n <= len(xs) else (xs if n > 0 else ())


def droplast(xs: IntList, n: int) -> IntList:
    return xs[:len(xs) - n] if 0 < n <= len(xs) else (() if n > 0 else xs)


def slice_(xs: IntList, i: int, j: int) -> IntList:
    """Positions i..j inclusive (1-based), clipped to the list."""
    return xs[max(i, 1) - 1:max(j, 0)]


def cut_slice(xs: IntList, i: int, j: int) -> IntList:
    """The list without positions i..j inclusive (1-based)."""
    lo, hi = max(i, 1) - 1, max(j, 0)
    return xs[:lo] + xs[max(hi, lo):]


def reverse(xs: IntList) -> IntList:
    return xs[::-1]


def sort(xs: IntList) -> IntList:
    return tuple(sorted(xs))


def unique(xs: IntList) -> IntList:
    return tuple(dict.fromkeys(xs))


def insert(xs: IntList, i: int, x: int) -> IntList:
    """x inserted so that it lands at position i (1-based; i may be len+1)."""
    if not 1 <= i <= len(xs) + 1:
        raise IndexError(f"cannot insert at position {i}")
    return _list(xs[:i - 1] + (x,) + xs[i - 1:])


def splice(xs: IntList, i: int, ys: IntList) -> IntList:
    """The list ys inserted starting at position i (1-based)."""
    if not 1 <= i <= len(xs) + 1:
        raise IndexError(f"cannot splice at position {i}")
    return _list(xs[:i - 1] + ys + xs[i - 1:])


def remove_at(xs: IntList, i: int) -> IntList:
    k = _pos(xs, i)
    return xs[:k] + xs[k + 1:]


def set_at(xs: IntList, i: int, x: int) -> IntList:
    k = _pos(xs, i)
    return xs[:k] + (x,) + xs[k + 1:]


def swap(xs: IntList, i: int, j: int) -> IntList:
    a, b = _pos(xs, i), _pos(xs, j)
    out = list(xs)
    out[a], out[b] = out[b], out[a]
    return tuple(out)


def replace(xs: IntList, a: int, b: int) -> IntList:
    return tuple(b if x == a else x for x in xs)


def remove_first(xs: IntList, x: int) -> IntList:
    if x not in xs:
        return xs
    k = xs.index(x)
    return xs[:k] + xs[k + 1:]


def remove_all(xs: IntList, x: int) -> IntList:
    return tuple(y for y in xs if y != x)


def sort_by(f: "IntFn", xs: IntList) -> IntList:
    """Stable sort by a key function."""
    return tuple(sorted(xs, key=f))


def take_while(p: "Pred", xs: IntList) -> IntList:
    out: list[int] = []
    for x in xs:
        if not p(x):
            break
        out.append(x)
    return tuple(out)


def drop_while(p: "Pred", xs: IntList) -> IntList:
    return xs[len(take_while(p, xs)):]


def stretch(xs: IntList, k: int) -> IntList:
    if not 1 <= k <= 10:
        raise ValueError("bad stretch factor")
    return _list(tuple(x for x in xs for _ in range(k)))


def interleave(xs: IntList, ys: IntList) -> IntList:
    """x1 y1 x2 y2 … (as long as the shorter list)."""
    return _list(tuple(v for pair in zip(xs, ys) for v in pair))


# -- higher-order combinators (function arguments are values: see `functions`) --------

def map_(f: "IntFn", xs: IntList) -> IntList:
    return tuple(f(x) for x in xs)


def filter_(p: "Pred", xs: IntList) -> IntList:
    return tuple(x for x in xs if p(x))


def count_if(p: "Pred", xs: IntList) -> int:
    return sum(1 for x in xs if p(x))


def find(p: "Pred", xs: IntList) -> int:
    """The first element satisfying p (runtime error when none does)."""
    for x in xs:
        if p(x):
            return x
    raise ValueError("no element satisfies the predicate")


def positions(p: "Pred", xs: IntList) -> IntList:
    """The 1-based positions whose element satisfies p."""
    return tuple(i for i, x in enumerate(xs, 1) if p(x))


def filter_index(p: "Pred", xs: IntList) -> IntList:
    """The elements whose 1-based position satisfies p."""
    return tuple(x for i, x in enumerate(xs, 1) if p(i))


def indices(xs: IntList) -> IntList:
    return tuple(range(1, len(xs) + 1))


def zip_with(op: "BinOp", xs: IntList, ys: IntList) -> IntList:
    return tuple(op(a, b) for a, b in zip(xs, ys))


def scan(op: "BinOp", xs: IntList) -> IntList:
    return tuple(accumulate(xs, op))


def fold(op: "BinOp", xs: IntList) -> int:
    """Left fold of a non-empty list."""
    if not xs:
        raise ValueError("fold of an empty list")
    out = xs[0]
    for x in xs[1:]:
        out = op(out, x)
    return out


def pairwise(op: "BinOp", xs: IntList) -> IntList:
    """op applied to each pair of neighbours."""
    return tuple(op(a, b) for a, b in zip(xs, xs[1:]))


def counts(xs: IntList) -> IntList:
    """Every element replaced by its number of occurrences in the list."""
    return tuple(xs.count(x) for x in xs)


# -- runs and delimiters ---------------------------------------------------------------

def _runs(xs: IntList) -> list[IntList]:
    runs: list[list[int]] = []
    for x in xs:
        if runs and runs[-1][0] == x:
            runs[-1].append(x)
        else:
            runs.append([x])
    return [tuple(r) for r in runs]


def run_lengths(xs: IntList) -> IntList:
    return tuple(len(r) for r in _runs(xs))


def dedup_runs(xs: IntList) -> IntList:
    return tuple(r[0] for r in _runs(xs))


def split_at(xs: IntList, k: int) -> list[IntList]:
    parts: list[list[int]] = [[]]
    for x in xs:
        if x == k:
            parts.append([])
        else:
            parts[-1].append(x)
    return [tuple(p) for p in parts]


def before_first(xs: IntList, k: int) -> IntList:
    return split_at(xs, k)[0]


def after_last(xs: IntList, k: int) -> IntList:
    return split_at(xs, k)[-1]

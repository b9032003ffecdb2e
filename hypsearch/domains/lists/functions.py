"""First-class function values for the list combinators: Int→Int maps, Int predicates, binary operators.

The enumerator is first-order, so the higher-order primitives (`map`, `filter`, `sort_by`,
`zip_with`, `scan`, `fold` …) take their function argument as a value built by small
combinators (`(plus 3)`, `(above 4)`, `(compose f g)`), as in combinatory list DSLs.  A
function value equals another when both agree on every integer of `PROBE` (and fail on the
same ones), so the enumerator's observational equivalence also merges equivalent functions
(`(plus 0)` and `(times 1)` are one behaviour).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable

LO, HI = -20, 121
PROBE = tuple(range(LO, HI))
"""Integers on which function values are compared (the value range of list tasks, with margin)."""


class _Fail:
    """The table entry of an argument on which the function is undefined."""

    def __repr__(self) -> str:
        return "FAIL"


FAIL = _Fail()


def _table(fn: Callable[[int], Any]) -> tuple[Any, ...]:
    out = []
    for x in PROBE:
        try:
            out.append(fn(x))
        except (ArithmeticError, ValueError, IndexError):
            out.append(FAIL)
    return tuple(out)


@dataclass(frozen=True, eq=False, slots=True)
class _Tabled:
    """A unary function with a printed form and its table on PROBE; equality and hashing use the table."""

    text: str
    fn: Callable[[int], Any] = field(repr=False)
    key: tuple[Any, ...] | None = field(default=None, repr=False)
    _hash: int = field(default=0, repr=False)

    def __post_init__(self) -> None:
        if self.key is None:
            object.__setattr__(self, "key", _table(self.fn))
        object.__setattr__(self, "_hash", hash((type(self).__name__, self.key)))

    def __call__(self, x: int) -> Any:
        if LO <= x < HI:
            out = self.key[x - LO]  # type: ignore[index]
            if out is FAIL:
                raise ValueError(f"{self.text} is undefined on {x}")
            return out
        return self.fn(x)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self._hash == other._hash and self.key == other.key  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return self._hash


@dataclass(frozen=True, eq=False, slots=True)
class IntFn(_Tabled):
    """A function Int → Int (the argument of `map`, `sort_by`); equality is behaviour on PROBE."""


@dataclass(frozen=True, eq=False, slots=True)
class Pred(_Tabled):
    """A predicate on Int (the argument of `filter`, `count_if` …); equality is behaviour on PROBE."""


@dataclass(frozen=True)
class BinOp:
    """A named binary integer operator (the first argument of `zip_with`, `scan`, `fold`, `pairwise`)."""

    name: str
    fn: Callable[[int, int], int] = field(repr=False, compare=False, hash=False)

    def __call__(self, a: int, b: int) -> int:
        return self.fn(a, b)


def make_fn(text: str, fn: Callable[[int], int], key: tuple[Any, ...] | None = None) -> IntFn:
    """An IntFn (its table computed unless given)."""
    return IntFn(text, fn, key)


def make_pred(text: str, fn: Callable[[int], bool], key: tuple[Any, ...] | None = None) -> Pred:
    """A Pred (its table computed unless given)."""
    return Pred(text, fn, key)


MAX_INT = 10**6


def _int(n: int) -> int:
    if not -MAX_INT <= n <= MAX_INT:
        raise ValueError(f"integer {n} out of range")
    return n


def _after(f: _Tabled, v: Any) -> Any:
    """f applied to a table entry v (FAIL stays FAIL), for tables computed from tables."""
    if v is FAIL:
        return FAIL
    if LO <= v < HI:
        return f.key[v - LO]
    try:
        return f.fn(v)
    except (ArithmeticError, ValueError, IndexError):
        return FAIL


# -- Int → Int builders ----------------------------------------------------------------

@lru_cache(maxsize=4096)
def plus(k: int) -> IntFn:
    return make_fn(f"(plus {k})", lambda x: _int(x + k), tuple(x + k for x in PROBE) if abs(k) < MAX_INT // 2 else None)


@lru_cache(maxsize=4096)
def times(k: int) -> IntFn:
    return make_fn(f"(times {k})", lambda x: _int(x * k), tuple(x * k for x in PROBE) if abs(k) < 5000 else None)


@lru_cache(maxsize=4096)
def minus_from(k: int) -> IntFn:
    return make_fn(f"(minus_from {k})", lambda x: _int(k - x), tuple(k - x for x in PROBE) if abs(k) < MAX_INT // 2 else None)


@lru_cache(maxsize=4096)
def div_by(k: int) -> IntFn:
    if k == 0:
        raise ZeroDivisionError("div_by 0")
    return make_fn(f"(div_by {k})", lambda x: x // k, tuple(x // k for x in PROBE))


@lru_cache(maxsize=4096)
def mod_by(k: int) -> IntFn:
    if k == 0:
        raise ZeroDivisionError("mod_by 0")
    return make_fn(f"(mod_by {k})", lambda x: x % k, tuple(x % k for x in PROBE))


@lru_cache(maxsize=65536)
def compose(f: IntFn, g: IntFn) -> IntFn:
    return make_fn(f"(compose {f.text} {g.text})", lambda x: f(g(x)), tuple(_after(f, v) for v in g.key))


@lru_cache(maxsize=4096)
def indicator(p: Pred) -> IntFn:
    return make_fn(f"(indicator {p.text})", lambda x: int(p(x)), tuple(v if v is FAIL else int(v) for v in p.key))


@lru_cache(maxsize=65536)
def when(p: Pred, f: IntFn) -> IntFn:
    return make_fn(f"(when {p.text} {f.text})", lambda x: f(x) if p(x) else x,
                   tuple(FAIL if c is FAIL else (v if c else x) for x, c, v in zip(PROBE, p.key, f.key)))


# -- predicates ------------------------------------------------------------------------

@lru_cache(maxsize=4096)
def above(k: int) -> Pred:
    return make_pred(f"(above {k})", lambda x: x > k, tuple(x > k for x in PROBE))


@lru_cache(maxsize=4096)
def below(k: int) -> Pred:
    return make_pred(f"(below {k})", lambda x: x < k, tuple(x < k for x in PROBE))


@lru_cache(maxsize=4096)
def equals(k: int) -> Pred:
    return make_pred(f"(equals {k})", lambda x: x == k, tuple(x == k for x in PROBE))


@lru_cache(maxsize=4096)
def divisible_by(k: int) -> Pred:
    if k == 0:
        raise ZeroDivisionError("divisible_by 0")
    return make_pred(f"(divisible_by {k})", lambda x: x % k == 0, tuple(x % k == 0 for x in PROBE))


@lru_cache(maxsize=4096)
def not_p(p: Pred) -> Pred:
    return make_pred(f"(not_p {p.text})", lambda x: not p(x), tuple(v if v is FAIL else not v for v in p.key))


@lru_cache(maxsize=65536)
def and_p(p: Pred, q: Pred) -> Pred:
    return make_pred(f"(and_p {p.text} {q.text})", lambda x: p(x) and q(x),
                     tuple(FAIL if a is FAIL or (a and b is FAIL) else bool(a and b) for a, b in zip(p.key, q.key)))


@lru_cache(maxsize=65536)
def or_p(p: Pred, q: Pred) -> Pred:
    return make_pred(f"(or_p {p.text} {q.text})", lambda x: p(x) or q(x),
                     tuple(FAIL if a is FAIL or (not a and b is FAIL) else bool(a or b) for a, b in zip(p.key, q.key)))


@lru_cache(maxsize=4096)
def member(xs: tuple[int, ...]) -> Pred:
    values = frozenset(xs)
    return make_pred(f"(member {list(xs)})", lambda x: x in values, tuple(x in values for x in PROBE))


# -- binary operators (APL's dyadic scalar functions) --------------------------------

OPS: dict[str, BinOp] = {op.name: op for op in (
    BinOp("op_add", lambda a, b: _int(a + b)),
    BinOp("op_sub", lambda a, b: _int(a - b)),
    BinOp("op_mul", lambda a, b: _int(a * b)),
    BinOp("op_max", max),
    BinOp("op_min", min),
    BinOp("op_eq", lambda a, b: int(a == b)),
)}
"""The binary operators, by the symbol that names them in programs."""


NAMED: dict[str, IntFn | Pred] = {
    "negate": make_fn("negate", lambda x: -x),
    "square": make_fn("square", lambda x: _int(x * x)),
    "even": make_pred("even", lambda x: x % 2 == 0),
    "odd": make_pred("odd", lambda x: x % 2 == 1),
    "nonzero": make_pred("nonzero", lambda x: x != 0),
}
"""Function constants written as bare symbols (`(filter even xs)`, `(map negate xs)`)."""

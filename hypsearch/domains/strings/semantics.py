"""SMT-LIB string and integer semantics, written once for Python values and for z3 terms.

Each operation is one function over a backend `B`: the interpreter runs it with
`PYTHON` (builtins on str/int/bool), the z3 encoding with `Z3` (z3 terms).  The backends
only supply kernels that are exact on both sides inside the range where they are used
(`extract` with in-range indices, `find` from an in-range start, …); the SMT-LIB edge
cases — out-of-range `substr` is "", `indexof` not found is -1, `str.to_int` of a
non-digit string is -1 — are spelt once, here, so the two sides cannot drift.
"""

from __future__ import annotations

import operator
from functools import partial
from types import SimpleNamespace
from typing import Any, Callable

import z3


DIGITS = frozenset("0123456789")


def _py_to_int(s: str) -> int:
    return int(s) if s and DIGITS.issuperset(s) else -1


PYTHON = SimpleNamespace(
    ite=lambda c, a, b: a if c else b,
    conj=lambda *cs: all(cs),
    disj=lambda *cs: any(cs),
    negate=operator.not_,
    equal=operator.eq,
    minimum=min,
    length=len,
    concat=operator.add,
    extract=lambda s, i, n: s[i:i + n],
    find=str.find,
    replace_first=lambda s, t, u: s.replace(t, u, 1),
    prefixof=lambda a, b: b.startswith(a),
    suffixof=lambda a, b: b.endswith(a),
    contains=operator.contains,
    digits_value=_py_to_int,
    decimal=str,
    empty="",
)
"""Kernels on Python values."""

Z3 = SimpleNamespace(
    ite=z3.If,
    conj=z3.And,
    disj=z3.Or,
    negate=z3.Not,
    equal=operator.eq,
    minimum=lambda a, b: z3.If(a <= b, a, b),
    length=z3.Length,
    concat=z3.Concat,
    extract=z3.SubString,
    find=z3.IndexOf,
    replace_first=z3.Replace,
    prefixof=z3.PrefixOf,
    suffixof=z3.SuffixOf,
    contains=z3.Contains,
    digits_value=z3.StrToInt,
    decimal=z3.IntToStr,
    empty=z3.StringVal(""),
)
"""Kernels on z3 terms (SMT-LIB's own string theory)."""


# -- SMT-LIB theory of strings (total functions) ----------------------------------------

def str_concat(B: Any, a: Any, b: Any) -> Any:
    """Concatenation."""
    return B.concat(a, b)


def str_len(B: Any, s: Any) -> Any:
    """Length in characters."""
    return B.length(s)


def str_substr(B: Any, s: Any, i: Any, n: Any) -> Any:
    """The n characters of s from index i; "" when i is out of range or n <= 0."""
    size = B.length(s)
    return B.ite(B.conj(0 <= i, i < size, 0 < n), B.extract(s, i, B.minimum(n, size - i)), B.empty)


def str_at(B: Any, s: Any, i: Any) -> Any:
    """The character at index i as a string; "" when out of range."""
    return str_substr(B, s, i, 1)


def str_indexof(B: Any, s: Any, t: Any, i: Any) -> Any:
    """First index >= i where t occurs in s; -1 if none or i is out of [0, len s]."""
    return B.ite(B.conj(0 <= i, i <= B.length(s)), B.find(s, t, i), -1)


def str_replace(B: Any, s: Any, t: Any, u: Any) -> Any:
    """s with the first occurrence of t replaced by u; an empty t prepends u."""
    return B.replace_first(s, t, u)


def str_prefixof(B: Any, a: Any, b: Any) -> Any:
    """True when a is a prefix of b."""
    return B.prefixof(a, b)


def str_suffixof(B: Any, a: Any, b: Any) -> Any:
    """True when a is a suffix of b."""
    return B.suffixof(a, b)


def str_contains(B: Any, a: Any, b: Any) -> Any:
    """True when b occurs in a."""
    return B.contains(a, b)


def str_to_int(B: Any, s: Any) -> Any:
    """The non-negative decimal number s denotes; -1 when s is empty or has a non-digit."""
    return B.digits_value(s)


def str_from_int(B: Any, n: Any) -> Any:
    """Decimal digits of n; "" when n is negative."""
    return B.ite(n >= 0, B.decimal(n), B.empty)


def both(definition: Callable[..., Any]) -> tuple[Callable[..., Any], Callable[..., Any]]:
    """The (Python, z3) pair of implementations of one definition."""
    return partial(definition, PYTHON), partial(definition, Z3)

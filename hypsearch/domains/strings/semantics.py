"""SMT-LIB string and integer semantics, written once for Python values and z3 terms.

Every operation below is one function used by both the interpreter (Python str/int/bool)
and the z3 encoding: the few backend kernels (`_length`, `_extract`, `_find`, …) are only
ever called inside the range where Python and z3 agree, and the SMT-LIB edge cases
(out-of-range `substr` is "", `indexof` not found is -1, …) are spelt once, here.
"""

from __future__ import annotations

from typing import Any

import z3

DIGITS = frozenset("0123456789")


_PYTHON_VALUES = frozenset({str, int, bool})


def _is_z3(first: Any, *rest: Any) -> bool:
    """True when building z3 terms.  Both backends never mix: the encoder turns every
    constant into a z3 term, so looking at the first argument is enough (and fast)."""
    return first.__class__ not in _PYTHON_VALUES


# -- backend kernels: exact on both sides within their stated domain ------------------

def ite(c: Any, a: Any, b: Any) -> Any:
    """If-then-else."""
    if _is_z3(c, a, b):
        return z3.If(c, a, b)
    return a if c else b


def conj(*cs: Any) -> Any:
    """Conjunction."""
    if _is_z3(*cs):
        return z3.And(*cs)
    return all(cs)


def disj(*cs: Any) -> Any:
    """Disjunction."""
    if _is_z3(*cs):
        return z3.Or(*cs)
    return any(cs)


def negate(c: Any) -> Any:
    """Negation."""
    if _is_z3(c):
        return z3.Not(c)
    return not c


def equal(a: Any, b: Any) -> Any:
    """Equality of two values of one type."""
    if _is_z3(a, b):
        return a == b
    return a == b


def minimum(a: Any, b: Any) -> Any:
    return ite(a <= b, a, b)


def _length(s: Any) -> Any:
    return z3.Length(s) if _is_z3(s) else len(s)


def _concat(a: Any, b: Any) -> Any:
    return z3.Concat(a, b) if _is_z3(a, b) else a + b


def _extract(s: Any, i: Any, n: Any) -> Any:
    """Substring; only called with 0 <= i <= len(s) and 0 <= n <= len(s) - i."""
    return z3.SubString(s, i, n) if _is_z3(s, i, n) else s[i:i + n]


def _find(s: Any, t: Any, i: Any) -> Any:
    """First index of t in s at or after i, else -1; only called with 0 <= i <= len(s)."""
    return z3.IndexOf(s, t, i) if _is_z3(s, t, i) else s.find(t, i)


def _empty_like(s: Any) -> Any:
    return z3.StringVal("") if _is_z3(s) else ""


# -- SMT-LIB theory of strings (total functions) ----------------------------------------

def str_concat(a: Any, b: Any) -> Any:
    """Concatenation."""
    return _concat(a, b)


def str_len(s: Any) -> Any:
    """Length in characters."""
    return _length(s)


def str_substr(s: Any, i: Any, n: Any) -> Any:
    """The n characters of s from index i; "" when i is out of range or n <= 0."""
    size = _length(s)
    inside = conj(0 <= i, i < size, 0 < n)
    return ite(inside, _extract(s, i, minimum(n, size - i)), _empty_like(s))


def str_at(s: Any, i: Any) -> Any:
    """The character at index i as a string; "" when out of range."""
    return str_substr(s, i, 1)


def str_indexof(s: Any, t: Any, i: Any) -> Any:
    """First index >= i where t occurs in s; -1 if none or i is out of [0, len s]."""
    size = _length(s)
    inside = conj(0 <= i, i <= size)
    return ite(inside, _find(s, t, i), -1)


def str_replace(s: Any, t: Any, u: Any) -> Any:
    """s with the first occurrence of t replaced by u; an empty t prepends u."""
    if _is_z3(s, t, u):
        return z3.Replace(s, t, u)
    return s.replace(t, u, 1)


def str_prefixof(a: Any, b: Any) -> Any:
    """True when a is a prefix of b."""
    if _is_z3(a, b):
        return z3.PrefixOf(a, b)
    return b.startswith(a)


def str_suffixof(a: Any, b: Any) -> Any:
    """True when a is a suffix of b."""
    if _is_z3(a, b):
        return z3.SuffixOf(a, b)
    return b.endswith(a)


def str_contains(a: Any, b: Any) -> Any:
    """True when b occurs in a."""
    if _is_z3(a, b):
        return z3.Contains(a, b)
    return b in a


def str_to_int(s: Any) -> Any:
    """The non-negative decimal number s denotes; -1 when s is empty or has a non-digit."""
    if _is_z3(s):
        return z3.StrToInt(s)
    if s and all(c in DIGITS for c in s):
        return int(s)
    return -1


def str_from_int(n: Any) -> Any:
    """Decimal digits of n; "" when n is negative."""
    if _is_z3(n):
        return z3.IntToStr(n)
    return str(n) if n >= 0 else ""


# -- integers and booleans -----------------------------------------------------------

def int_add(a: Any, b: Any) -> Any:
    return a + b


def int_sub(a: Any, b: Any) -> Any:
    return a - b


def int_mul(a: Any, b: Any) -> Any:
    return a * b


def int_le(a: Any, b: Any) -> Any:
    return a <= b


def int_lt(a: Any, b: Any) -> Any:
    return a < b


def int_ge(a: Any, b: Any) -> Any:
    return a >= b


def int_gt(a: Any, b: Any) -> Any:
    return a > b

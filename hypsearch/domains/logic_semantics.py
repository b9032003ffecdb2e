"""Definitions shared by the built-in SMT-LIB domains: ite, =, and, or, not (strings, lia, bv) and
integer + - * <= < >= > (strings, lia).

Each is written once over a backend `B` (Python values or z3 terms) like the rest of those
domains' semantics; a domain's backend supplies the kernels `ite`, `equal`, `conj`, `disj`, `negate`.
The integer ones use Python's operators, which mean the same on ints and on z3 integer terms.
"""

from __future__ import annotations

from typing import Any


def ite(B: Any, c: Any, a: Any, b: Any) -> Any:
    """`(ite c a b)`."""
    return B.ite(c, a, b)


def equal(B: Any, a: Any, b: Any) -> Any:
    """`(= a b)`."""
    return B.equal(a, b)


def conj(B: Any, a: Any, b: Any) -> Any:
    """`(and a b)`."""
    return B.conj(a, b)


def disj(B: Any, a: Any, b: Any) -> Any:
    """`(or a b)`."""
    return B.disj(a, b)


def negate(B: Any, a: Any) -> Any:
    """`(not a)`."""
    return B.negate(a)


def add(B: Any, a: Any, b: Any) -> Any:
    """`(+ a b)`."""
    return a + b


def sub(B: Any, a: Any, b: Any) -> Any:
    """`(- a b)`."""
    return a - b


def mul(B: Any, a: Any, b: Any) -> Any:
    """`(* a b)`."""
    return a * b


def le(B: Any, a: Any, b: Any) -> Any:
    """`(<= a b)`."""
    return a <= b


def lt(B: Any, a: Any, b: Any) -> Any:
    """`(< a b)`."""
    return a < b


def ge(B: Any, a: Any, b: Any) -> Any:
    """`(>= a b)`."""
    return a >= b


def gt(B: Any, a: Any, b: Any) -> Any:
    """`(> a b)`."""
    return a > b

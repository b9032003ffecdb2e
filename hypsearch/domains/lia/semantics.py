"""Linear integer arithmetic semantics, written once for Python values and for z3 terms.

Each operation is one function over a backend `B`: the interpreter runs it with `PYTHON`,
the z3 encoding with `Z3`.  SMT-LIB `div`/`mod` are Euclidean (the remainder is never
negative); `(div x 0)` and `(mod x 0)` are unspecified in SMT-LIB, so this domain makes them
total the same way on both sides: `(div x 0) = 0` and `(mod x 0) = x` (the guard is spelt
here, once, so z3's own choice for division by zero never decides an answer).
"""

from __future__ import annotations

import operator
from types import SimpleNamespace
from typing import Any, Callable

import z3


def _py_ediv(a: int, b: int) -> int:
    """Euclidean quotient for b != 0: the remainder a - b*q lies in [0, |b|)."""
    q = a // b
    if a - b * q < 0:  # only for b < 0 with floor division
        q += 1
    return q


PYTHON = SimpleNamespace(
    ite=lambda c, a, b: a if c else b,
    conj=lambda *cs: all(cs),
    disj=lambda *cs: any(cs),
    negate=operator.not_,
    equal=operator.eq,
    xor=operator.ne,
    add=operator.add,
    sub=operator.sub,
    mul=operator.mul,
    neg=operator.neg,
    le=operator.le,
    lt=operator.lt,
    ediv_nonzero=_py_ediv,
    zero=0,
)
"""Kernels on Python ints and bools."""

Z3 = SimpleNamespace(
    ite=z3.If,
    conj=z3.And,
    disj=z3.Or,
    negate=z3.Not,
    equal=operator.eq,
    xor=z3.Xor,
    add=operator.add,
    sub=operator.sub,
    mul=operator.mul,
    neg=operator.neg,
    le=operator.le,
    lt=operator.lt,
    ediv_nonzero=lambda a, b: a / b,  # z3's Int `/` is SMT-LIB `div` (Euclidean)
    zero=z3.IntVal(0),
)
"""Kernels on z3 terms (SMT-LIB's own integer theory)."""


def distinct(B: Any, a: Any, b: Any) -> Any:
    """`(distinct a b)` = not equal."""
    return B.negate(B.equal(a, b))


def implies(B: Any, a: Any, b: Any) -> Any:
    """`(=> a b)` = `(or (not a) b)`."""
    return B.disj(B.negate(a), b)


def xor(B: Any, a: Any, b: Any) -> Any:
    """SMT-LIB `xor` (shared by interpreter and z3)."""
    return B.xor(a, b)


def neg(B: Any, a: Any) -> Any:
    """Unary minus `(- a)`."""
    return B.neg(a)


def absolute(B: Any, a: Any) -> Any:
    """`(abs a)`."""
    return B.ite(B.lt(a, B.zero), B.neg(a), a)


def div(B: Any, a: Any, b: Any) -> Any:
    """Euclidean `div`; `(div a 0) = 0` (total choice, same on both sides)."""
    if B is PYTHON:
        return 0 if b == 0 else _py_ediv(a, b)
    return B.ite(B.equal(b, B.zero), B.zero, B.ediv_nonzero(a, b))


def mod(B: Any, a: Any, b: Any) -> Any:
    """Euclidean `mod` (in [0, |b|)); `(mod a 0) = a`."""
    if B is PYTHON:
        return a if b == 0 else a - b * _py_ediv(a, b)
    return B.ite(B.equal(b, B.zero), a, B.sub(a, B.mul(b, B.ediv_nonzero(a, b))))


def both(definition: Callable[..., Any]) -> tuple[Callable[..., Any], Callable[..., Any]]:
    """The (python, z3) pair of one definition."""
    return (lambda *args: definition(PYTHON, *args)), (lambda *args: definition(Z3, *args))

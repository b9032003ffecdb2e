"""SMT-LIB fixed-width bit-vector semantics, written once for Python ints and for z3 terms.

Python values are unsigned ints in [0, 2^W).  Each operation is one function over a
backend `B`; the SMT-LIB edge cases are spelt here, once: `bvudiv` by zero is all ones,
`bvurem` by zero is the dividend, shifts by W or more give 0 (`bvashr`: the sign fill).
"""

from __future__ import annotations

import operator
from types import SimpleNamespace
from typing import Any, Callable

import z3


WIDTH = 64
MASK = (1 << WIDTH) - 1
SIGN = 1 << (WIDTH - 1)


def _py_signed(a: int) -> int:
    return a - (1 << WIDTH) if a & SIGN else a


PYTHON = SimpleNamespace(
    lazy_ite=lambda c, a, b: a() if c else b(),
    ite=lambda c, a, b: a if c else b,
    conj=lambda *cs: all(cs),
    disj=lambda *cs: any(cs),
    negate=operator.not_,
    equal=operator.eq,
    xor_bool=operator.ne,
    lit=lambda n: n & MASK,
    bnot=lambda a: ~a & MASK,
    band=operator.and_,
    bor=operator.or_,
    bxor=operator.xor,
    add=lambda a, b: (a + b) & MASK,
    sub=lambda a, b: (a - b) & MASK,
    mul=lambda a, b: (a * b) & MASK,
    udiv_nonzero=operator.floordiv,
    urem_nonzero=operator.mod,
    shl_in_range=lambda a, b: (a << b) & MASK,
    lshr_in_range=operator.rshift,
    ashr_in_range=lambda a, b: (_py_signed(a) >> b) & MASK,
    ult=operator.lt,
    ule=operator.le,
    slt=lambda a, b: _py_signed(a) < _py_signed(b),
    sle=lambda a, b: _py_signed(a) <= _py_signed(b),
)
"""Kernels on Python ints (unsigned, W bits)."""

Z3 = SimpleNamespace(
    lazy_ite=lambda c, a, b: z3.If(c, a(), b()),
    ite=z3.If,
    conj=z3.And,
    disj=z3.Or,
    negate=z3.Not,
    equal=operator.eq,
    xor_bool=z3.Xor,
    lit=lambda n: z3.BitVecVal(n & MASK, WIDTH),
    bnot=operator.invert,
    band=operator.and_,
    bor=operator.or_,
    bxor=operator.xor,
    add=operator.add,
    sub=operator.sub,
    mul=operator.mul,
    udiv_nonzero=z3.UDiv,
    urem_nonzero=z3.URem,
    shl_in_range=operator.lshift,
    lshr_in_range=z3.LShR,
    ashr_in_range=operator.rshift,
    ult=z3.ULT,
    ule=z3.ULE,
    slt=operator.lt,
    sle=operator.le,
)
"""Kernels on z3 bit-vector terms."""


def bvnot(B: Any, a: Any) -> Any:
    """SMT-LIB `bvnot` (shared by interpreter and z3)."""
    return B.bnot(a)


def bvneg(B: Any, a: Any) -> Any:
    """SMT-LIB `bvneg` (shared by interpreter and z3)."""
    return B.sub(B.lit(0), a)


def bvand(B: Any, a: Any, b: Any) -> Any:
    """SMT-LIB `bvand` (shared by interpreter and z3)."""
    return B.band(a, b)


def bvor(B: Any, a: Any, b: Any) -> Any:
    """SMT-LIB `bvor` (shared by interpreter and z3)."""
    return B.bor(a, b)


def bvxor(B: Any, a: Any, b: Any) -> Any:
    """SMT-LIB `bvxor` (shared by interpreter and z3)."""
    return B.bxor(a, b)


def bvadd(B: Any, a: Any, b: Any) -> Any:
    """SMT-LIB `bvadd` (shared by interpreter and z3)."""
    return B.add(a, b)


def bvsub(B: Any, a: Any, b: Any) -> Any:
    """SMT-LIB `bvsub` (shared by interpreter and z3)."""
    return B.sub(a, b)


def bvmul(B: Any, a: Any, b: Any) -> Any:
    """SMT-LIB `bvmul` (shared by interpreter and z3)."""
    return B.mul(a, b)


def bvudiv(B: Any, a: Any, b: Any) -> Any:
    """Unsigned quotient; by zero: all ones."""
    return B.lazy_ite(B.equal(b, B.lit(0)), lambda: B.lit(MASK), lambda: B.udiv_nonzero(a, b))


def bvurem(B: Any, a: Any, b: Any) -> Any:
    """Unsigned remainder; by zero: the dividend."""
    return B.lazy_ite(B.equal(b, B.lit(0)), lambda: a, lambda: B.urem_nonzero(a, b))


def bvshl(B: Any, a: Any, b: Any) -> Any:
    """Shift left; by W or more: 0."""
    return B.lazy_ite(B.ule(B.lit(WIDTH), b), lambda: B.lit(0), lambda: B.shl_in_range(a, b))


def bvlshr(B: Any, a: Any, b: Any) -> Any:
    """Logical shift right; by W or more: 0."""
    return B.lazy_ite(B.ule(B.lit(WIDTH), b), lambda: B.lit(0), lambda: B.lshr_in_range(a, b))


def bvashr(B: Any, a: Any, b: Any) -> Any:
    """Arithmetic shift right; by W or more: all sign bits."""
    return B.lazy_ite(B.ule(B.lit(WIDTH), b), lambda: B.ashr_in_range(a, B.lit(WIDTH - 1)),
                      lambda: B.ashr_in_range(a, b))


def bvult(B: Any, a: Any, b: Any) -> Any:
    """SMT-LIB `bvult` (shared by interpreter and z3)."""
    return B.ult(a, b)


def bvule(B: Any, a: Any, b: Any) -> Any:
    """SMT-LIB `bvule` (shared by interpreter and z3)."""
    return B.ule(a, b)


def bvugt(B: Any, a: Any, b: Any) -> Any:
    """SMT-LIB `bvugt` (shared by interpreter and z3)."""
    return B.ult(b, a)


def bvuge(B: Any, a: Any, b: Any) -> Any:
    """SMT-LIB `bvuge` (shared by interpreter and z3)."""
    return B.ule(b, a)


def bvslt(B: Any, a: Any, b: Any) -> Any:
    """SMT-LIB `bvslt` (shared by interpreter and z3)."""
    return B.slt(a, b)


def bvsle(B: Any, a: Any, b: Any) -> Any:
    """SMT-LIB `bvsle` (shared by interpreter and z3)."""
    return B.sle(a, b)


def bvsgt(B: Any, a: Any, b: Any) -> Any:
    """SMT-LIB `bvsgt` (shared by interpreter and z3)."""
    return B.slt(b, a)


def bvsge(B: Any, a: Any, b: Any) -> Any:
    """SMT-LIB `bvsge` (shared by interpreter and z3)."""
    return B.sle(b, a)


def distinct(B: Any, a: Any, b: Any) -> Any:
    """SMT-LIB `distinct` (shared by interpreter and z3)."""
    return B.negate(B.equal(a, b))


def implies(B: Any, a: Any, b: Any) -> Any:
    """SMT-LIB `implies` (shared by interpreter and z3)."""
    return B.disj(B.negate(a), b)


def xor(B: Any, a: Any, b: Any) -> Any:
    """SMT-LIB `xor` (shared by interpreter and z3)."""
    return B.xor_bool(a, b)


def both(definition: Callable[..., Any]) -> tuple[Callable[..., Any], Callable[..., Any]]:
    """The (python, z3) pair of one definition."""
    return (lambda *args: definition(PYTHON, *args)), (lambda *args: definition(Z3, *args))

"""BV domain: SMT-LIB 64-bit bit-vector terms (SyGuS PBE_BV), as a plug-in.

Registered through the `hypsearch.domains` entry point as `bv`.  Semantics live in
`semantics.py`, written once for the interpreter and for z3; `batch` fast paths below are
checked against them by the property tests.
"""

from __future__ import annotations

import operator
from typing import Any

import z3

from hypsearch.core.domain import Domain, Primitive, ValueType, WorkedExample
from hypsearch.domains.logic_semantics import logic_primitives
from hypsearch.domains.bv import semantics as S
from hypsearch.core.program import Const
from hypsearch.core.task import Task

WIDTH = S.WIDTH
MASK = S.MASK
BV = f"(_ BitVec {WIDTH})"


def show_bv(n: int) -> str:
    """SMT-LIB hexadecimal literal of the full width: `#x000000000000002a`."""
    return "#x%0*x" % (WIDTH // 4, n)


def read_hex(token: str) -> int:
    """`#x…` literal of exactly WIDTH bits."""
    digits = token[2:]
    if len(digits) * 4 != WIDTH:
        raise ValueError(f"bit-vector literal {token} has {len(digits) * 4} bits; this domain has {WIDTH}")
    return int(digits, 16)


def read_bin(token: str) -> int:
    """`#b…` literal of exactly WIDTH bits."""
    digits = token[2:]
    if len(digits) != WIDTH:
        raise ValueError(f"bit-vector literal {token} has {len(digits)} bits; this domain has {WIDTH}")
    return int(digits, 2)


def _bv_strategy() -> Any:
    from hypothesis import strategies as st

    edges = st.sampled_from([0, 1, 2, 63, 64, 65, 127, S.SIGN, S.SIGN - 1, MASK, MASK - 1])
    return st.one_of(edges, st.integers(min_value=0, max_value=MASK), st.integers(min_value=0, max_value=70))


def _bool_strategy() -> Any:
    from hypothesis import strategies as st

    return st.booleans()


BITVEC = ValueType(
    BV, show_bv, is_value=lambda v: isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= MASK,
    z3_sort=lambda: z3.BitVecSort(WIDTH), to_z3=lambda n: z3.BitVecVal(n, WIDTH), from_z3=lambda e: e.as_long(),
    strategy=_bv_strategy,
)
BOOL = ValueType(
    "Bool", lambda b: "true" if b else "false", is_value=lambda v: isinstance(v, bool),
    z3_sort=z3.BoolSort, to_z3=z3.BoolVal, from_z3=z3.is_true, strategy=_bool_strategy,
)


def _shift_batch(kernel: Any) -> Any:
    def run(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
        return tuple(0 if y >= WIDTH else kernel(x, y) for x, y in zip(a, b))
    return run


BATCH = {
    "bvnot": lambda a: tuple(MASK ^ x for x in a),
    "bvand": lambda a, b: tuple(map(operator.and_, a, b)),
    "bvor": lambda a, b: tuple(map(operator.or_, a, b)),
    "bvxor": lambda a, b: tuple(map(operator.xor, a, b)),
    "bvadd": lambda a, b: tuple((x + y) & MASK for x, y in zip(a, b)),
    "bvsub": lambda a, b: tuple((x - y) & MASK for x, y in zip(a, b)),
    "bvshl": _shift_batch(lambda x, y: (x << y) & MASK),
    "bvlshr": _shift_batch(operator.rshift),
    "ite": lambda c, a, b: tuple(x if k else y for k, x, y in zip(c, a, b)),
    "=": lambda a, b: tuple(map(operator.eq, a, b)),
}


def _prim(name: str, args: str, ret: str, definition: Any, doc: str, cost: int = 1, **kw: Any) -> Primitive:
    """A primitive whose one definition serves both the interpreter and the z3 encoding."""
    python, smt = S.both(definition)
    arg_types = tuple(BV if a == "BV" else a for a in args.split())
    return Primitive(name, arg_types, BV if ret == "BV" else ret, python, doc, encode=smt, cost=cost,
                     batch=BATCH.get(name), **kw)


_CORE = logic_primitives(_prim)

PRIMITIVES: tuple[Primitive, ...] = (
    _prim("bvnot", "BV", "BV", S.bvnot, "bitwise complement"),
    _prim("bvneg", "BV", "BV", S.bvneg, "two's complement negation"),
    _prim("bvand", "BV BV", "BV", S.bvand, "bitwise and", commutative=True),
    _prim("bvor", "BV BV", "BV", S.bvor, "bitwise or", commutative=True),
    _prim("bvxor", "BV BV", "BV", S.bvxor, "bitwise exclusive or", commutative=True),
    _prim("bvadd", "BV BV", "BV", S.bvadd, "addition modulo 2^64", commutative=True),
    _prim("bvsub", "BV BV", "BV", S.bvsub, "subtraction modulo 2^64"),
    _prim("bvmul", "BV BV", "BV", S.bvmul, "multiplication modulo 2^64", commutative=True),
    _prim("bvudiv", "BV BV", "BV", S.bvudiv, "unsigned quotient; by zero: all ones"),
    _prim("bvurem", "BV BV", "BV", S.bvurem, "unsigned remainder; by zero: the dividend"),
    _prim("bvshl", "BV BV", "BV", S.bvshl, "shift left (0 past the width)"),
    _prim("bvlshr", "BV BV", "BV", S.bvlshr, "logical shift right (0 past the width)"),
    _prim("bvashr", "BV BV", "BV", S.bvashr, "arithmetic shift right (sign fill past the width)"),
    _prim("bvult", "BV BV", "Bool", S.bvult, "unsigned less than"),
    _prim("bvule", "BV BV", "Bool", S.bvule, "unsigned less or equal"),
    _prim("bvugt", "BV BV", "Bool", S.bvugt, "unsigned greater than"),
    _prim("bvuge", "BV BV", "Bool", S.bvuge, "unsigned greater or equal"),
    _prim("bvslt", "BV BV", "Bool", S.bvslt, "signed less than"),
    _prim("bvsle", "BV BV", "Bool", S.bvsle, "signed less or equal"),
    _prim("bvsgt", "BV BV", "Bool", S.bvsgt, "signed greater than"),
    _prim("bvsge", "BV BV", "Bool", S.bvsge, "signed greater or equal"),
    _CORE["ite"],
    _CORE["="],
    _prim("distinct", "T T", "Bool", S.distinct, "disequality", commutative=True),
    _CORE["and"],
    _CORE["or"],
    _CORE["not"],
    _prim("=>", "Bool Bool", "Bool", S.implies, "implication"),
    _prim("xor", "Bool Bool", "Bool", S.xor, "exclusive or", commutative=True),
)


class BvDomain(Domain):
    """64-bit vectors; without a grammar the search uses 0, 1 and all ones."""

    def constants(self, task: Task) -> tuple[Const, ...]:
        return tuple(Const(n, BV) for n in (0, 1, MASK))

    def default_constants(self, sort: str) -> tuple[Const, ...]:
        """Literals offered for a grammar's `(Constant (_ BitVec 64))`."""
        if sort == BV:
            return tuple(Const(n, BV) for n in (0, 1, MASK))
        if sort == "Bool":
            return (Const(True, "Bool"), Const(False, "Bool"))
        return ()


DOMAIN = BvDomain(
    name="bv",
    description="SMT-LIB 64-bit bit-vectors (SyGuS PBE_BV): bitwise ops, modular arithmetic, shifts, comparisons.",
    grammar="bv.lark",
    types={BV: BITVEC, "Bool": BOOL},
    primitives=PRIMITIVES,
    literal_rules={"bvhex": (BV, read_hex), "bvbin": (BV, read_bin)},
    symbol_constants={"true": ("Bool", True), "false": ("Bool", False)},
    decoding_literals={"bvhex": f"/#x[0-9a-f]{{{WIDTH // 4}}}/", "bvbin": None},  # exactly WIDTH bits
    smt_logics=("BV", "QF_BV"),
    examples=(
        WorkedExample("x shifted right by one bit", "(bvlshr x #x0000000000000001)", (("x", BV),)),
        WorkedExample("the lowest set bit of x", "(bvand x (bvneg x))", (("x", BV),)),
    ),
)

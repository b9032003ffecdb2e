"""Tutorial plug-in: integer arithmetic with comparisons, interpreter and z3 from one definition."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import z3
from hypothesis import strategies as st

from hypsearch import Const, Domain, Primitive, Task, ValueType


def ite(c: Any, a: Any, b: Any) -> Any:
    """Python's conditional for bools, z3.If for z3 terms: one definition serves both."""
    return z3.If(c, a, b) if isinstance(c, z3.ExprRef) else (a if c else b)


INT = ValueType("Int", str, lambda v: isinstance(v, int) and not isinstance(v, bool),
                z3_sort=z3.IntSort, to_z3=z3.IntVal, from_z3=lambda e: e.as_long(),
                strategy=lambda: st.integers(-9, 9))
BOOL = ValueType("Bool", lambda b: "true" if b else "false", lambda v: isinstance(v, bool),
                 z3_sort=z3.BoolSort, to_z3=z3.BoolVal, from_z3=z3.is_true, strategy=st.booleans)


def op(name: str, args: str, ret: str, fn: Any, doc: str, **kw: Any) -> Primitive:
    """A primitive whose Python function also builds its z3 term (operators work on both)."""
    return Primitive(name, tuple(args.split()), ret, fn, doc, encode=fn, **kw)


PRIMITIVES = (
    op("add", "Int Int", "Int", lambda a, b: a + b, "(add a b): a + b", commutative=True),
    op("sub", "Int Int", "Int", lambda a, b: a - b, "(sub a b): a - b"),
    op("mul", "Int Int", "Int", lambda a, b: a * b, "(mul a b): a * b", commutative=True),
    op("lt", "Int Int", "Bool", lambda a, b: a < b, "(lt a b): a < b"),
    op("ite", "Bool T T", "T", ite, "(ite c a b): a if c holds, else b"),
)


class ArithDomain(Domain):
    """Adds the small constants worth enumerating."""

    def constants(self, task: Task) -> tuple[Const, ...]:
        return tuple(Const(n, "Int") for n in (0, 1, 2))


DOMAIN = ArithDomain(
    name="arith",
    description="Integer arithmetic with comparisons and conditionals (the plug-in tutorial).",
    grammar=str(Path(__file__).with_name("arith.lark")),
    types={"Int": INT, "Bool": BOOL},
    primitives=PRIMITIVES,
    literal_rules={"int": ("Int", int)},
    symbol_constants={"true": ("Bool", True), "false": ("Bool", False)},
)

"""Definitions shared by the built-in SMT-LIB domains: ite, =, and, or, not (strings, lia, bv) and
integer + - * <= < >= > (strings, lia).

Each is written once over a backend `B` (Python values or z3 terms) like the rest of those
domains' semantics; a domain's backend supplies the kernels `ite`, `equal`, `conj`, `disj`, `negate`.
The integer ones use Python's operators, which mean the same on ints and on z3 integer terms.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from hypsearch.core.domain import Primitive

Declare = Callable[..., "Primitive"]
"""A domain's own primitive factory: `(name, args, ret, definition, doc, **flags) -> Primitive`, which
pairs a backend-agnostic definition with that domain's Python and z3 backends."""


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


def logic_primitives(declare: Declare) -> dict[str, "Primitive"]:
    """ite, =, and, or, not — declared once, through each domain's own factory."""
    prims = (
        declare("ite", "Bool T T", "T", ite, "(ite c a b): a if c holds, else b", selects=True),
        declare("=", "T T", "Bool", equal, "equality", commutative=True),
        declare("and", "Bool Bool", "Bool", conj, "conjunction", commutative=True, variadic=True, decided_by=False),
        declare("or", "Bool Bool", "Bool", disj, "disjunction", commutative=True, variadic=True, decided_by=True),
        declare("not", "Bool", "Bool", negate, "negation"),
    )
    return {p.name: p for p in prims}


def integer_primitives(declare: Declare) -> dict[str, "Primitive"]:
    """+ - * and the four comparisons on Int — declared once, through each domain's own factory."""
    prims = (
        declare("+", "Int Int", "Int", add, "integer addition", commutative=True, variadic=True),
        declare("-", "Int Int", "Int", sub, "integer subtraction"),
        declare("*", "Int Int", "Int", mul, "integer multiplication", commutative=True),
        declare("<=", "Int Int", "Bool", le, "less than or equal"),
        declare("<", "Int Int", "Bool", lt, "less than"),
        declare(">=", "Int Int", "Bool", ge, "greater than or equal"),
        declare(">", "Int Int", "Bool", gt, "greater than"),
    )
    return {p.name: p for p in prims}

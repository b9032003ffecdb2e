"""ACRE value types and primitives, each with its Python and z3 semantics side by side.

A panel is a frozenset of object names; a rule answers `on`, `off` or `undetermined`.
z3 sees a panel as a set of strings and a label as a three-value enumeration, so every
program is also a quantifier-free boolean formula.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

import z3

from hypsearch.core.domain import Primitive, ValueType

LABELS = ("on", "off", "undetermined")
"""The machine's answers: lights, stays dark, or the evidence cannot tell."""

LABEL_SORT, LABEL_VALUES = z3.EnumSort("AcreLabel", LABELS)
_LABEL_Z3 = dict(zip(LABELS, LABEL_VALUES))
_OBJECT_IN_SET = re.compile(r'"([^"]*)"')


def is_object(value: Any) -> bool:
    """An object name: a string without double quotes (they delimit names in the syntax)."""
    return isinstance(value, str) and '"' not in value


def show_object(name: str) -> str:
    """An object literal: the name in double quotes."""
    return '"' + name + '"'


def read_object(token: str) -> str:
    """The name inside an object literal token."""
    return token[1:-1]


def show_objects(objects: Iterable[str]) -> str:
    """A set literal `{"a" "b"}`, names sorted so equal sets print alike."""
    return "{" + " ".join(show_object(o) for o in sorted(objects)) + "}"


def read_objects(token: str) -> frozenset[str]:
    """The names of a set literal token."""
    return frozenset(_OBJECT_IN_SET.findall(token))


def objects_to_z3(objects: Iterable[str]) -> z3.ExprRef:
    """A z3 set of strings holding exactly these names."""
    s = z3.EmptySet(z3.StringSort())
    for o in sorted(objects):
        s = z3.SetAdd(s, z3.StringVal(o))
    return s


def objects_from_z3(e: z3.ExprRef) -> frozenset[str]:
    """The names in a z3 set value (`Store(... K(String, False) ...)`); ValueError for anything else."""
    decided: dict[str, bool] = {}
    while z3.is_store(e):
        base, key, member = e.children()
        if not z3.is_string_value(key):
            raise ValueError(f"not a set of string constants: {e}")
        decided.setdefault(key.as_string(), z3.is_true(member))
        e = base
    if not (z3.is_K(e) and z3.is_false(e.arg(0))):
        raise ValueError(f"not a finite set of names: {e}")
    return frozenset(name for name, member in decided.items() if member)


def label_from_z3(e: z3.ExprRef) -> str:
    """The label a z3 enumeration constant stands for (ValueError for anything else)."""
    name = str(e)
    if name not in LABELS:
        raise ValueError(f"not a label constant: {name}")
    return name


def bool_from_z3(e: z3.ExprRef) -> bool:
    """The Python bool of a z3 `true`/`false` (ValueError for a formula not yet simplified away)."""
    if z3.is_true(e):
        return True
    if z3.is_false(e):
        return False
    raise ValueError(f"not a boolean constant: {e}")


def _name_strategy() -> Any:
    from hypothesis import strategies as st

    return st.sampled_from(("blue rubber sphere", "red metal cube", "gray metal cylinder", "cyan rubber cube", "x"))


def _objects_strategy() -> Any:
    from hypothesis import strategies as st

    return st.frozensets(_name_strategy(), max_size=4)


def _label_strategy() -> Any:
    from hypothesis import strategies as st

    return st.sampled_from(LABELS)


def _bool_strategy() -> Any:
    from hypothesis import strategies as st

    return st.booleans()


TYPES: dict[str, ValueType] = {
    "Object": ValueType("Object", show_object, is_object, z3_sort=z3.StringSort, to_z3=z3.StringVal,
                        from_z3=lambda e: e.as_string(), strategy=_name_strategy),
    "Objects": ValueType("Objects", show_objects,
                         lambda v: isinstance(v, frozenset) and all(is_object(o) for o in v), size=len,
                         z3_sort=lambda: z3.SetSort(z3.StringSort()), to_z3=objects_to_z3,
                         from_z3=objects_from_z3, strategy=_objects_strategy),
    "Label": ValueType("Label", str, lambda v: v in LABELS, z3_sort=lambda: LABEL_SORT,
                       to_z3=lambda v: _LABEL_Z3[v], from_z3=label_from_z3, strategy=_label_strategy),
    "Bool": ValueType("Bool", lambda b: "true" if b else "false", lambda v: isinstance(v, bool),
                      z3_sort=z3.BoolSort, to_z3=z3.BoolVal, from_z3=bool_from_z3, strategy=_bool_strategy),
}


def _ite(c: bool, a: Any, b: Any) -> Any:
    return a if c else b


PRIMITIVES: tuple[Primitive, ...] = (
    Primitive("has", ("Objects", "Object"), "Bool", lambda s, o: o in s,
              "(has s o): object o is on the panel s", encode=lambda s, o: z3.IsMember(o, s)),
    Primitive("subset", ("Objects", "Objects"), "Bool", lambda s, t: s <= t,
              "(subset s t): every object on panel s is among the objects t", encode=z3.IsSubset),
    Primitive("and", ("Bool", "Bool"), "Bool", lambda a, b: a and b, "conjunction",
              encode=lambda a, b: z3.And(a, b), commutative=True, variadic=True),
    Primitive("or", ("Bool", "Bool"), "Bool", lambda a, b: a or b, "disjunction",
              encode=lambda a, b: z3.Or(a, b), commutative=True, variadic=True),
    Primitive("not", ("Bool",), "Bool", lambda a: not a, "negation", encode=z3.Not),
    Primitive("ite", ("Bool", "T", "T"), "T", _ite, "(ite c a b): a if c holds, else b", encode=z3.If),
)

SYMBOLS: dict[str, tuple[str, Any]] = {
    "on": ("Label", "on"), "off": ("Label", "off"), "undetermined": ("Label", "undetermined"),
    "true": ("Bool", True), "false": ("Bool", False),
}
"""Bare names that denote constants: the three labels and the booleans."""

"""Batch fast paths for the enumerator: one call per program over all examples.

These are optimisations, not semantics: `semantics.py` is the definition.  A property
test checks each batch function against the definition on random inputs, and every
program the enumerator proposes is re-checked by the interpreter and z3, so a slip here
can cost a solution but never produce a wrong answer.
"""

from __future__ import annotations

from typing import Any, Callable

DIGITS = frozenset("0123456789")

Vec = tuple[Any, ...]


def concat(a: Vec, b: Vec) -> Vec:
    return tuple([x + y for x, y in zip(a, b)])


def substr(a: Vec, b: Vec, c: Vec) -> Vec:
    return tuple([s[i:i + n] if 0 <= i < len(s) and n > 0 else "" for s, i, n in zip(a, b, c)])


def at(a: Vec, b: Vec) -> Vec:
    return tuple([s[i] if 0 <= i < len(s) else "" for s, i in zip(a, b)])


def length(a: Vec) -> Vec:
    return tuple([len(s) for s in a])


def indexof(a: Vec, b: Vec, c: Vec) -> Vec:
    return tuple([s.find(t, i) if 0 <= i <= len(s) else -1 for s, t, i in zip(a, b, c)])


def replace(a: Vec, b: Vec, c: Vec) -> Vec:
    return tuple([s.replace(t, u, 1) for s, t, u in zip(a, b, c)])


def prefixof(a: Vec, b: Vec) -> Vec:
    return tuple([y.startswith(x) for x, y in zip(a, b)])


def suffixof(a: Vec, b: Vec) -> Vec:
    return tuple([y.endswith(x) for x, y in zip(a, b)])


def contains(a: Vec, b: Vec) -> Vec:
    return tuple([y in x for x, y in zip(a, b)])


def to_int(a: Vec) -> Vec:
    return tuple([int(s) if s and DIGITS.issuperset(s) else -1 for s in a])


def from_int(a: Vec) -> Vec:
    return tuple([str(n) if n >= 0 else "" for n in a])


def ite(a: Vec, b: Vec, c: Vec) -> Vec:
    return tuple([x if p else y for p, x, y in zip(a, b, c)])


def equal(a: Vec, b: Vec) -> Vec:
    return tuple([x == y for x, y in zip(a, b)])


def add(a: Vec, b: Vec) -> Vec:
    return tuple([x + y for x, y in zip(a, b)])


def sub(a: Vec, b: Vec) -> Vec:
    return tuple([x - y for x, y in zip(a, b)])


def le(a: Vec, b: Vec) -> Vec:
    return tuple([x <= y for x, y in zip(a, b)])


def lt(a: Vec, b: Vec) -> Vec:
    return tuple([x < y for x, y in zip(a, b)])


def conj(a: Vec, b: Vec) -> Vec:
    return tuple([x and y for x, y in zip(a, b)])


def disj(a: Vec, b: Vec) -> Vec:
    return tuple([x or y for x, y in zip(a, b)])


def negate(a: Vec) -> Vec:
    return tuple([not x for x in a])


BATCH: dict[str, Callable[..., Vec]] = {
    "str.++": concat, "str.substr": substr, "str.at": at, "str.len": length, "str.indexof": indexof,
    "str.replace": replace, "str.prefixof": prefixof, "str.suffixof": suffixof, "str.contains": contains,
    "str.to_int": to_int, "str.from_int": from_int, "ite": ite, "=": equal, "+": add, "-": sub,
    "<=": le, "<": lt, "and": conj, "or": disj, "not": negate,
}

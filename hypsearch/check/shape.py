"""The shape of a task's inputs (types, lengths, character classes, ranges), so that new inputs look like them.

Distinguishing inputs are questions for an oracle, often a person: an input made of control characters
or a string ten times longer than any example is a poor question.  A shape is read off the examples'
values per parameter and both constrains z3 (`hypsearch.check.distinguish`) and filters generated inputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

CHAR_RANGES = (("a", "z"), ("A", "Z"), ("0", "9"))
"""Character classes admitted whole once one member appears (letters, digits); any other character is
admitted only if it appears itself (spaces, punctuation, accents)."""


@dataclass(frozen=True)
class ValueShape:
    """What one parameter's values look like in the examples."""

    kind: str
    """'str', 'int', 'bool', 'seq' (tuples) or 'other' (only the type's own check applies)."""
    low: int = 0
    """Smallest length ('str', 'seq') or value ('int')."""
    high: int = 0
    """Largest length ('str', 'seq') or value ('int')."""
    ranges: tuple[tuple[str, str], ...] = ()
    """Character ranges admitted ('str')."""
    chars: frozenset[str] = frozenset()
    """Single characters admitted besides the ranges ('str')."""
    element: "ValueShape | None" = None
    """Shape of the elements ('seq')."""
    padded: bool = True
    """Whether a string may start or end with a space ('str': only if some example does)."""

    def admits_char(self, c: str) -> bool:
        return c in self.chars or any(lo <= c <= hi for lo, hi in self.ranges)

    def admits(self, value: Any) -> bool:
        """True when `value` has this shape."""
        if self.kind == "str":
            return (isinstance(value, str) and self.low <= len(value) <= self.high and all(map(self.admits_char, value))
                    and (self.padded or value == value.strip(" ")))
        if self.kind == "int":
            return isinstance(value, int) and not isinstance(value, bool) and self.low <= value <= self.high
        if self.kind == "bool":
            return isinstance(value, bool)
        if self.kind == "seq":
            return (isinstance(value, tuple) and self.low <= len(value) <= self.high
                    and (self.element is None or all(map(self.element.admits, value))))
        return True


def shape_of(values: Sequence[Any]) -> ValueShape:
    """The shape of one parameter's example values (integers a little wider than seen; sequences one longer)."""
    if values and all(isinstance(v, str) for v in values):
        seen = {c for v in values for c in v}
        ranges = tuple(r for r in CHAR_RANGES if any(r[0] <= c <= r[1] for c in seen))
        chars = frozenset(c for c in seen if not any(lo <= c <= hi for lo, hi in ranges))
        lengths = [len(v) for v in values]
        padded = any(v != v.strip(" ") for v in values)
        return ValueShape("str", min(lengths), max(lengths), ranges, chars, padded=padded)
    if values and all(isinstance(v, bool) for v in values):
        return ValueShape("bool")
    if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        lo, hi = min(values), max(values)
        margin = max(2, (hi - lo) // 2)
        return ValueShape("int", lo if lo >= 0 else lo - margin, hi + margin)
    if values and all(isinstance(v, tuple) for v in values):
        lengths = [len(v) for v in values]
        items = [x for v in values for x in v]
        element = shape_of(items) if items else None
        return ValueShape("seq", min(lengths), max(lengths) + 1, element=element)
    return ValueShape("other")


def shapes_of(inputs: Sequence[tuple[Any, ...]], arity: int) -> tuple[ValueShape, ...]:
    """One shape per parameter, read off example input tuples."""
    return tuple(shape_of([x[k] for x in inputs]) for k in range(arity))


def admits(shapes: Sequence[ValueShape], inputs: tuple[Any, ...]) -> bool:
    """True when every value of an input tuple has its parameter's shape."""
    return len(shapes) == len(inputs) and all(s.admits(v) for s, v in zip(shapes, inputs))

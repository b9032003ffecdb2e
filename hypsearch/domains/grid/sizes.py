"""Output-size rules read off the train pairs, before any search (as icecuber's solver does).

Each output side (height, width) is explained per axis by every simple rule that holds on all
train pairs: a constant, a multiple or fraction of an input side, or an input side plus a constant.
The rules that hold predict the sizes a test answer may have; an axis no rule explains is left open.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

from hypsearch.domains.grid.values import Grid


@dataclass(frozen=True)
class SideRule:
    """One output side as `scale * input side + offset` (side 0: height, 1: width), or a constant."""

    source: int | None
    """Which input side the rule reads (0 height, 1 width); None for a constant side."""
    scale: Fraction
    offset: int

    def apply(self, shape: tuple[int, int]) -> int | None:
        """The side this rule gives an input of `shape` (None when it is not a whole positive number)."""
        if self.source is None:
            return self.offset
        v = self.scale * shape[self.source] + self.offset
        return int(v) if v.denominator == 1 and v > 0 else None


SCALES = tuple(sorted({Fraction(a, b) for a in range(1, 6) for b in range(1, 6)}))
"""Scale factors tried for the multiple/fraction rules (1/5 … 5)."""


def side_rules(ins: Sequence[Grid], outs: Sequence[Grid], axis: int) -> tuple[SideRule, ...]:
    """Every simple rule giving output side `axis` from the input shape on all train pairs."""
    sides = [o.shape[axis] for o in outs]
    rules: list[SideRule] = []
    if len(set(sides)) == 1:
        rules.append(SideRule(None, Fraction(0), sides[0]))
    for src in (0, 1):
        for k in SCALES:
            r = SideRule(src, k, 0)
            if all(r.apply(i.shape) == s for i, s in zip(ins, sides)):
                rules.append(r)
        offsets = {s - i.shape[src] for i, s in zip(ins, sides)}
        if len(offsets) == 1 and (off := offsets.pop()) != 0:
            rules.append(SideRule(src, Fraction(1), off))
    return tuple(rules)


@dataclass(frozen=True)
class SizeRules:
    """The rules of both output sides; `predict` gives the shapes a test answer may have."""

    height: tuple[SideRule, ...]
    width: tuple[SideRule, ...]

    def predict(self, g: Grid) -> tuple[frozenset[int] | None, frozenset[int] | None]:
        """Allowed heights and widths for input `g` (None: no rule holds on that side, anything goes)."""
        def side(rules: tuple[SideRule, ...]) -> frozenset[int] | None:
            if not rules:
                return None
            return frozenset(v for r in rules if (v := r.apply(g.shape)) is not None)

        return side(self.height), side(self.width)

    def allows(self, g: Grid, answer: Grid) -> bool:
        """Whether `answer`'s shape is one the rules predict for input `g`."""
        hs, ws = self.predict(g)
        return (hs is None or answer.shape[0] in hs) and (ws is None or answer.shape[1] in ws)


def size_rules(ins: Sequence[Grid], outs: Sequence[Grid]) -> SizeRules:
    """The output-size rules that hold on every train pair."""
    return SizeRules(side_rules(ins, outs, 0), side_rules(ins, outs, 1))


__all__ = ["SideRule", "SizeRules", "side_rules", "size_rules"]

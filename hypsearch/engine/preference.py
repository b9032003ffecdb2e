"""Which of several fitting programs to answer with when nothing more can be asked: the one likeliest to generalise.

Every competitor fits the examples, so only a prior can choose.  Programs that read their inputs beat constant
functions, and programs built from the inputs' structure beat programs keyed to fixed constants: a constant
computed from literals alone (`(+ 5 5)`, `(str.len "blue")`) in any domain, and in a domain whose integers are
positions (`Domain.offset_types`: strings) a literal other than 0, 1 and -1, says "this offset happened to be
right on these examples".  Size breaks ties, then agreement with the other competitors on the probe inputs (a
behaviour more fitting programs share is the better bet).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import AbstractSet, Sequence

from hypsearch.core.program import App, Const, Term, Var, size, subterms

PLAIN_INTEGERS = frozenset({0, 1, -1})
"""Integer literals that name a structural position (start, next, last) rather than a fixed offset."""


@dataclass(frozen=True, order=True)
class Specificity:
    """How much a program leans on fixed constants rather than its inputs (smaller generalises better)."""

    ignores_inputs: int
    """1 for a constant function (no input read), else 0."""
    fixed_constants: int
    """Constants computed from literals alone, plus offset literals outside PLAIN_INTEGERS."""


def specificity(term: Term, offset_types: AbstractSet[str] = frozenset()) -> Specificity:
    """The prior's view of one program: does it read its inputs, and how many fixed constants does it use."""
    return Specificity(0 if _reads_input(term) else 1, _fixed_constants(term, offset_types))


def preferred(programs: Sequence[Term], agreement: Sequence[int] | None = None, *,
              offset_types: AbstractSet[str] = frozenset()) -> int:
    """Index of the program to answer with; the first (the engine's choice) unless another is less specific.

    Among the least specific: the smallest, then the one most agreed with, then the earliest.
    """
    if not programs:
        raise ValueError("preferred() needs at least one program")
    votes = list(agreement) if agreement is not None else [0] * len(programs)
    kinds = [specificity(p, offset_types) for p in programs]
    least = min(kinds)
    if kinds[0] == least:
        return 0
    return min((i for i in range(len(programs)) if kinds[i] == least), key=lambda i: (size(programs[i]), -votes[i], i))


def _reads_input(term: Term) -> bool:
    return any(isinstance(t, Var) for t in subterms(term))


def _fixed_constants(term: Term, offset_types: AbstractSet[str]) -> int:
    """Count maximal input-free applications (computed constants) and loose offset literals outside them."""
    if isinstance(term, App):
        if not _reads_input(term):
            return 1
        return sum(_fixed_constants(a, offset_types) for a in term.args)
    if (isinstance(term, Const) and term.type in offset_types and _is_int(term.value)
            and term.value not in PLAIN_INTEGERS):
        return 1
    return 0


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)

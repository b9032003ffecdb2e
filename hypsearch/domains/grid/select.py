"""Choosing the attempts: of the programs that fit every train pair, the ones most likely right on the test.

Every fit is run on the test inputs and its answers checked against what the train pairs lead one to
expect of an answer (`doubts`): a size the output-size rules predict, colours a train output showed or the
test input holds (only the former when no train output kept a colour of its own input's), no copy of the
input when no train output copies its input, no single-colour grid when no train output is one.  Fits are
grouped by their answers (candidates that agree are one attempt); groups rank by doubts, then search depth
(simpler first; guesses last), then how many distinct programs give those answers, then program size.
Distinct groups make the distinct attempts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Sequence

import numpy as np

from hypsearch.core.program import Term, size
from hypsearch.domains.grid.sizes import SizeRules, size_rules
from hypsearch.domains.grid.values import Grid

MAX_FITS = 64
"""Fits gathered before choosing (the search stops collecting beyond this)."""


def _colour_set(g: Grid) -> frozenset[int]:
    return frozenset(int(c) for c in np.flatnonzero(np.bincount(g.a.ravel(), minlength=10)))


@dataclass(frozen=True)
class Expectations:
    """What the train pairs say about any answer: size rules, colours, copies, single-colour grids."""

    sizes: SizeRules
    new_colours: frozenset[int]
    """Colours an answer may hold beyond its input's: those some train output added or every output holds."""
    copies_seen: bool
    """Some train output equals its input."""
    uniform_seen: bool
    """Some train output is a single colour."""
    fixed_palette: bool = False
    """Every train output keeps to `new_colours`: no colour of its own input's survives unless all share it."""

    def doubts(self, test_in: Sequence[Grid], answers: Sequence[Grid]) -> int:
        """How many expectations the answers break, summed over the test inputs."""
        n = 0
        for g, a in zip(test_in, answers):
            n += not self.sizes.allows(g, a)
            n += not _colour_set(a) <= (self.new_colours if self.fixed_palette else _colour_set(g) | self.new_colours)
            n += (not self.copies_seen) and a == g
            n += (not self.uniform_seen) and len(_colour_set(a)) == 1
        return n


def expectations(train_in: Sequence[Grid], train_out: Sequence[Grid]) -> Expectations:
    """Read the expectations off the train pairs."""
    added: set[int] = set()
    common = set(range(10))
    for i, o in zip(train_in, train_out):
        oc = _colour_set(o)
        added |= oc - _colour_set(i)
        common &= oc
    palette = frozenset(added | common)
    return Expectations(size_rules(train_in, train_out), palette,
                        any(i == o for i, o in zip(train_in, train_out)),
                        any(len(_colour_set(o)) == 1 for o in train_out),
                        all(_colour_set(o) <= palette for o in train_out))


@dataclass(frozen=True)
class Fit:
    """A program fitting every train pair: its search depth, its test answers and their doubts."""

    term: Term
    depth: int
    answers: tuple[Grid, ...]
    doubts: int


@dataclass(frozen=True)
class Choice:
    """One attempt: the answers, the simplest program behind them, and how many fits agree."""

    fit: Fit
    votes: int

    def key(self) -> tuple[int, int, int, int]:
        return (self.fit.doubts, self.fit.depth, -self.votes, size(self.fit.term))


def choose(fits: Sequence[Fit], attempts: int) -> list[Choice]:
    """The best `attempts` groups of fits with distinct answers, best first."""
    groups: dict[tuple[Grid, ...], list[Fit]] = {}
    for f in fits:
        groups.setdefault(f.answers, []).append(f)
    choices = []
    for members in groups.values():
        best = min(members, key=lambda f: (f.doubts, f.depth, size(f.term)))
        choices.append(Choice(best, len(members)))
    choices.sort(key=Choice.key)
    return choices[:attempts]


def ranked(fits: Iterator[Fit], attempts: int) -> list[Choice]:
    """Gather at most MAX_FITS fits and choose among them."""
    gathered = []
    for f in fits:
        gathered.append(f)
        if len(gathered) >= MAX_FITS:
            break
    return choose(gathered, attempts)


__all__ = ["Choice", "Expectations", "Fit", "MAX_FITS", "choose", "expectations", "ranked"]

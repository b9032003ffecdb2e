"""Colours renamed by how often each occurs in the input, so that one rule explains pairs whose colours
differ: by rank (ARC tasks where "the commonest colour" or "the rarest" plays a part, not a fixed colour),
or with the commonest colour as 0 (tasks on a coloured background, for primitives that take 0 as blank).

`norm_colors` renumbers a grid's non-zero colours 1, 2, ... from the most to the least frequent (ties by
colour), the colours it lacks after them in order; 0 stays 0.  `bg_to_zero` swaps the commonest colour with
0; `bg_ranks` does both (the commonest colour as 0, the rest by rank).  The search may solve a task on the renamed grids: the program `(denorm_colors (f (norm_colors x)) x)`
renames, runs `f`, and names the colours back from the same input, so it is a plain term of the grid DSL.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Sequence

import numpy as np

from hypsearch.core.program import App, Term, Var, substitute
from hypsearch.domains.grid.values import Grid


def _ranked(g: Grid, blank: int) -> np.ndarray:
    """colour → new name: `blank` becomes 0, the other colours 1, 2, ... from the most to the least frequent in
    `g` (ties by colour), the colours `g` lacks after them in order (a permutation of 0..9)."""
    counts = np.bincount(g.a.ravel(), minlength=10)
    order = sorted((c for c in range(10) if counts[c] and c != blank), key=lambda c: (-counts[c], c))
    order += [c for c in range(10) if not counts[c] and c != blank]
    perm = np.zeros(10, np.uint8)
    perm[order] = np.arange(1, 10, dtype=np.uint8)
    perm.flags.writeable = False
    return perm


@lru_cache(maxsize=1024)
def _ranks(g: Grid) -> np.ndarray:
    """colour → its new name under `g`'s frequency order, 0 kept as 0."""
    return _ranked(g, 0)


def norm_colors(g: Grid) -> Grid:
    """Rename the colours by frequency: the commonest non-zero colour becomes 1, the next 2, and so on."""
    return Grid.adopt(_ranks(g)[g.a])


def denorm_colors(g: Grid, ref: Grid) -> Grid:
    """Give g's colours back the names `norm_colors` took from `ref` (its inverse, for the same input)."""
    return Grid.adopt(np.argsort(_ranks(ref)).astype(np.uint8)[g.a])


@lru_cache(maxsize=1024)
def _bg_swap(g: Grid) -> np.ndarray:
    """The permutation swapping `g`'s commonest colour with 0 (an involution)."""
    perm = np.arange(10, dtype=np.uint8)
    b = int(np.bincount(g.a.ravel(), minlength=10).argmax())
    perm[[0, b]] = perm[[b, 0]]
    perm.flags.writeable = False
    return perm


@lru_cache(maxsize=1024)
def _bg_ranks(g: Grid) -> np.ndarray:
    """The commonest colour as 0, the others (0 among them) renumbered 1, 2, ... by frequency."""
    return _ranked(g, int(np.bincount(g.a.ravel(), minlength=10).argmax()))


def bg_ranks(g: Grid) -> Grid:
    """The commonest colour becomes 0 and the others 1, 2, ... from the most to the least frequent."""
    return Grid.adopt(_bg_ranks(g)[g.a])


def bg_ranks_back(g: Grid, ref: Grid) -> Grid:
    """Give g's colours back the names `bg_ranks` took from `ref`."""
    return Grid.adopt(np.argsort(_bg_ranks(ref)).astype(np.uint8)[g.a])


def bg_to_zero(g: Grid) -> Grid:
    """Swap the grid's commonest colour (its background) with 0."""
    return Grid.adopt(_bg_swap(g)[g.a])


def bg_back(g: Grid, ref: Grid) -> Grid:
    """Undo `bg_to_zero` of `ref` on g: swap 0 with ref's commonest colour again."""
    return Grid.adopt(_bg_swap(ref)[g.a])


def _colour_sets(grids: Sequence[Grid]) -> set[frozenset[int]]:
    return {frozenset(np.unique(o.a).tolist()) for o in grids}


def _agree_once_renamed(perm: Callable[[Grid], np.ndarray], train_in: Sequence[Grid],
                        train_out: Sequence[Grid]) -> bool:
    """The outputs' colours differ between pairs but agree once each pair is renamed by its input."""
    if len(train_in) < 2 or len(_colour_sets(train_out)) == 1:
        return False
    renamed = [Grid.adopt(perm(i)[o.a]) for i, o in zip(train_in, train_out)]
    return len(_colour_sets(renamed)) == 1


def _ranks_worth(train_in: Sequence[Grid], train_out: Sequence[Grid]) -> bool:
    return _agree_once_renamed(_ranks, train_in, train_out)


def _bg_ranks_worth(train_in: Sequence[Grid], train_out: Sequence[Grid]) -> bool:
    return _bg_worth(train_in, train_out) and _agree_once_renamed(_bg_ranks, train_in, train_out)


def _bg_worth(train_in: Sequence[Grid], train_out: Sequence[Grid]) -> bool:
    """Every input's commonest colour is not 0 and is its output's commonest too."""
    return all(_bg_swap(i)[0] != 0 and _bg_swap(i)[0] == _bg_swap(o)[0] for i, o in zip(train_in, train_out))


@dataclass(frozen=True)
class Renaming:
    """One way to rename each pair's colours by its input: the permutation, when it is worth trying, and the
    two primitives that rename a grid and name its colours back."""

    name: str
    perm: Callable[[Grid], np.ndarray]
    worth: Callable[[Sequence[Grid], Sequence[Grid]], bool]
    forward: str
    back: str

    def pairs(self, train_in: Sequence[Grid], train_out: Sequence[Grid],
              test_in: Sequence[Grid]) -> tuple[tuple[Grid, ...], tuple[Grid, ...], tuple[Grid, ...]]:
        """The task's grids renamed, each pair by its own input."""
        return (tuple(Grid.adopt(self.perm(i)[i.a]) for i in train_in),
                tuple(Grid.adopt(self.perm(i)[o.a]) for i, o in zip(train_in, train_out)),
                tuple(Grid.adopt(self.perm(i)[i.a]) for i in test_in))

    def wrap(self, term: Term, x: Var) -> Term:
        """The renamed task's program as one on the plain grids: rename x, run it, name the colours back."""
        inner = substitute(term, {x: App(self.forward, (x,), "Grid")})
        return App(self.back, (inner, x), "Grid")


RENAMINGS = (Renaming("ranks", _ranks, _ranks_worth, "norm_colors", "denorm_colors"),
             Renaming("background", _bg_swap, _bg_worth, "bg_to_zero", "bg_back"),
             Renaming("background and ranks", _bg_ranks, _bg_ranks_worth, "bg_ranks", "bg_ranks_back"))
"""The renamings the search tries, in order, when the plain search finds nothing."""


def worth_renaming(train_in: Sequence[Grid], train_out: Sequence[Grid]) -> tuple[Renaming, ...]:
    """The renamings under which the task looks more uniform than plain."""
    return tuple(r for r in RENAMINGS if r.worth(train_in, train_out))

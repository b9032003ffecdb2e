"""Colours renamed by how often each occurs in the input, so a rule whose colours change from pair to pair
becomes one rule (ARC tasks where "the commonest colour" or "the rarest" plays a part, not a fixed colour).

Each grid's non-zero colours are renumbered 1, 2, ... from the most to the least frequent (ties by colour),
the colours it lacks after them in order; 0 stays 0.  The search may solve a task on the renamed grids: the
program `(denorm_colors (f (norm_colors x)) x)` renames, runs `f`, and names the colours back from the same
input, so it is a plain term of the grid DSL.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Sequence

import numpy as np

from hypsearch.core.program import App, Term, Var, substitute
from hypsearch.domains.grid.values import Grid


@lru_cache(maxsize=1024)
def _ranks(g: Grid) -> np.ndarray:
    """colour → its new name under `g`'s frequency order (a permutation of 0..9 fixing 0)."""
    counts = np.bincount(g.a.ravel(), minlength=10)
    order = sorted((c for c in range(1, 10) if counts[c]), key=lambda c: (-counts[c], c))
    order += [c for c in range(1, 10) if not counts[c]]
    perm = np.zeros(10, np.uint8)
    perm[order] = np.arange(1, 10, dtype=np.uint8)
    perm.flags.writeable = False
    return perm


def norm_colors(g: Grid) -> Grid:
    """Rename the colours by frequency: the commonest non-zero colour becomes 1, the next 2, and so on."""
    return Grid.adopt(_ranks(g)[g.a])


def denorm_colors(g: Grid, ref: Grid) -> Grid:
    """Give g's colours back the names `norm_colors` took from `ref` (its inverse, for the same input)."""
    return Grid.adopt(np.argsort(_ranks(ref)).astype(np.uint8)[g.a])


def _colour_sets(grids: Sequence[Grid]) -> set[frozenset[int]]:
    return {frozenset(np.unique(o.a).tolist()) for o in grids}


def worth_renaming(train_in: Sequence[Grid], train_out: Sequence[Grid]) -> bool:
    """True when the outputs' colours differ between pairs but agree once each pair is renamed by its input:
    the renamed task is then more uniform than the plain one."""
    if len(train_in) < 2 or len(_colour_sets(train_out)) == 1:
        return False
    renamed = [Grid.adopt(_ranks(i)[o.a]) for i, o in zip(train_in, train_out)]
    return len(_colour_sets(renamed)) == 1


def rename_pairs(train_in: Sequence[Grid], train_out: Sequence[Grid],
                 test_in: Sequence[Grid]) -> tuple[tuple[Grid, ...], tuple[Grid, ...], tuple[Grid, ...]]:
    """The task's grids renamed, each pair by its own input."""
    return (tuple(norm_colors(i) for i in train_in),
            tuple(Grid.adopt(_ranks(i)[o.a]) for i, o in zip(train_in, train_out)),
            tuple(norm_colors(i) for i in test_in))


def wrap(term: Term, x: Var) -> Term:
    """The renamed task's program as one on the plain grids: rename x, run it, name the colours back."""
    inner = substitute(term, {x: App("norm_colors", (x,), "Grid")})
    return App("denorm_colors", (inner, x), "Grid")

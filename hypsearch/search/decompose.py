"""Top-down decomposition of outputs through concatenation, against the enumerator's bank.

When a grammar builds values with an associative concatenation (`str.++`, list append),
an output vector can be split into a banked prefix and a remainder that is solved the
same way, recursively: `"N.F."` = `(str.at name 0)` ++ `"."` ++ … .  This finds long
programs assembled from short pieces that plain bottom-up enumeration would reach only
at a high cost (Duet- and FlashFill-style witness functions, on the bank).  Banked
programs are looked up by their value on the first example, so each step costs the
number of prefixes of one output, not the size of the bank.
"""

from __future__ import annotations

import time
from typing import Any

from hypsearch.search.enumeration import Enumerator
from hypsearch.core.program import App, Term


def decompose(enum: Enumerator, target: tuple[Any, ...], *, depth: int = 6, deadline: float) -> Term | None:
    """A program of the start symbol producing `target`, built by splitting concatenations."""
    grammar = enum.grammar
    domain = enum.domain
    splits = []
    for p in grammar.productions:
        if p.op is None or len(p.args) != 2:
            continue
        prim = domain.primitive(p.op)
        if prim is not None and prim.split is not None and prim.prefixes is not None:
            splits.append((p, prim.split, prim.prefixes))
    if not splits or not target:
        return None
    enum.index_by_first_value()
    index = enum.by_first
    assert index is not None
    failed: set[tuple[str, tuple[Any, ...]]] = set()

    def solve(nt: str, want: tuple[Any, ...], left: int) -> Term | None:
        hit = enum.bank.seen[nt].get(want)
        if hit is not None:
            return hit
        if left == 0 or (nt, want) in failed or time.monotonic() > deadline:
            return None
        for p, split, prefixes in splits:
            if nt not in enum.units.get(p.nonterminal, ()):
                continue  # nt cannot become this production's nonterminal
            first_nt, rest_nt = p.args
            table = index[first_nt]
            for piece in prefixes(want[0]):
                for values, term in table.get(piece, ()):
                    rest = []
                    progress = False
                    for whole, part in zip(want, values):
                        r = split(whole, part)
                        if r is None:
                            break
                        progress = progress or r != whole
                        rest.append(r)
                    else:
                        if not progress:
                            continue
                        sub = solve(rest_nt, tuple(rest), left - 1)
                        if sub is not None:
                            return App(p.op, (term, sub), enum.types[p.nonterminal])
        failed.add((nt, want))
        return None

    return solve(grammar.start, target, depth)

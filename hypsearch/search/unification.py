"""Divide-and-conquer unification of conditionals (EUSolver style).

Terms that are right on subsets of the examples are joined by a decision tree whose
tests are enumerated predicates: `(ite p t1 (ite q t2 t3))`.  Used when no single term
fits every example but the grammar allows `ite` at the start symbol.  Cheaper trees and
terms that cover many examples are preferred, so the result generalises instead of
memorising the examples.
"""

from __future__ import annotations

from dataclasses import dataclass
import time
from math import log2
from typing import Any, Sequence

from hypsearch.core.program import App, Term, size
from hypsearch.core.grammar import SearchGrammar


@dataclass(frozen=True)
class IteShape:
    """Where a conditional can go: `op` builds `nonterminal` from (condition, then, else) nonterminals."""

    op: str
    nonterminal: str
    condition: str
    then_branch: str
    else_branch: str


def find_ite(grammar: SearchGrammar, units: dict[str, tuple[str, ...]]) -> IteShape | None:
    """An `ite` production reachable from the start symbol whose branches are its own nonterminal."""
    for p in grammar.productions:
        if p.op == "ite" and len(p.args) == 3 and grammar.start in units.get(p.nonterminal, ()):
            cond, a, b = p.args
            if a == b == p.nonterminal or (grammar.start in units.get(a, ()) and a == b):
                return IteShape(p.op, p.nonterminal, cond, a, b)
    return None


class TermCover:
    """Collects, per set of examples a term gets right, the cheapest such term."""

    def __init__(self, target: tuple[Any, ...]) -> None:
        self.target = target
        self.full = (1 << len(target)) - 1
        self.best: dict[int, Term] = {}
        self.union = 0

    def offer(self, term: Term, values: tuple[Any, ...]) -> None:
        mask = 0
        for k, (v, want) in enumerate(zip(values, self.target)):
            if v == want:
                mask |= 1 << k
        if mask and mask not in self.best:
            self.best[mask] = term
            self.union |= mask

    @property
    def covers_all(self) -> bool:
        return self.union == self.full


def _bits(mask: int, n: int) -> list[int]:
    return [k for k in range(n) if mask >> k & 1]


def _entropy(examples: Sequence[int], terms: list[tuple[int, Term]]) -> float:
    """Entropy of the label 'which term explains the example' (each example shared among its terms)."""
    if not examples:
        return 0.0
    weights: dict[int, float] = {}
    for k in examples:
        owners = [i for i, (m, _) in enumerate(terms) if m >> k & 1]
        for i in owners:
            weights[i] = weights.get(i, 0.0) + 1.0 / len(owners)
    total = sum(weights.values())
    return -sum(w / total * log2(w / total) for w in weights.values() if w > 0)


def learn_decision_tree(cover: TermCover, predicates: Sequence[tuple[Term, tuple[Any, ...]]],
                        shape: IteShape, *, max_depth: int = 8, max_terms: int = 64,
                        max_predicates: int = 3000, deadline: float | None = None) -> Term | None:
    """Join covering terms with predicates into one `ite` tree that is right on every example.

    Predicates are taken cheapest first (the enumerator banks them in cost order), at most
    `max_predicates` distinct splits; gives up (None) at `deadline`.
    """
    n = len(cover.target)
    # few, cheap, wide terms: sort by coverage then size
    terms = sorted(cover.best.items(), key=lambda kv: (-bin(kv[0]).count("1"), size(kv[1])))[:max_terms]
    useful = []
    seen_splits: set[int] = set()
    for count, (term, values) in enumerate(predicates):
        if count & 1023 == 1023 and deadline is not None and time.monotonic() > deadline:
            return None
        mask = 0
        for k, v in enumerate(values):
            if v is True:
                mask |= 1 << k
        if mask in (0, cover.full) or mask in seen_splits:
            continue
        seen_splits.add(mask)
        useful.append((mask, term))
        if len(useful) >= max_predicates:
            break

    def build(examples: list[int], depth: int) -> Term | None:
        ex_mask = sum(1 << k for k in examples)
        for mask, term in terms:
            if mask & ex_mask == ex_mask:
                return term
        if depth >= max_depth or deadline is not None and time.monotonic() > deadline:
            return None
        base = _entropy(examples, terms)
        best: tuple[float, int, int, Term] | None = None
        for count, (mask, pred) in enumerate(useful):
            if count & 127 == 127 and deadline is not None and time.monotonic() > deadline:
                return None
            yes = [k for k in examples if mask >> k & 1]
            if not yes or len(yes) == len(examples):
                continue
            no = [k for k in examples if not mask >> k & 1]
            gain = base - (len(yes) * _entropy(yes, terms) + len(no) * _entropy(no, terms)) / len(examples)
            key = (gain, -size(pred))
            if best is None or key > (best[0], -best[1]):
                best = (gain, size(pred), mask, pred)
        if best is None:
            return None
        _, _, mask, pred = best
        yes = [k for k in examples if mask >> k & 1]
        no = [k for k in examples if not mask >> k & 1]
        then_t = build(yes, depth + 1)
        if then_t is None:
            return None
        else_t = build(no, depth + 1)
        if else_t is None:
            return None
        return App(shape.op, (pred, then_t, else_t), then_t.type)

    return build(list(range(n)), 0)

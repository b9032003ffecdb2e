"""Inducing a MiniSCAN interpretation grammar from examples, without any model.

1. The lexicon comes from one-word examples (the word means that output).
2. Every other word is a function word; its rule is drawn from a small template family
   (postfix/prefix unary, infix binary left/right-associative; output patterns of 1-4
   argument copies, possibly reversed), first filtered on the examples where it is the
   only function word.
3. Rule combinations (cheapest first) and precedence orders (unary tighter than binary
   first, strict before ties) are checked on every train example; fits are yielded.
"""

from __future__ import annotations

import heapq
import itertools
import time
from functools import lru_cache
from dataclasses import dataclass
from typing import Iterator, Sequence

from hypsearch.domains.miniscan.semantics import KINDS, UNARY_KINDS, Interpretation, Rule, derive, tokens

MAX_PATTERN = 4
MAX_TIED_WORDS = 5
"""Up to this many function words every precedence order with ties is tried; beyond, strict orders only."""
MAX_ORDERS = 5_000


@dataclass(frozen=True)
class Observation:
    """One train example as word and colour tokens."""

    words: tuple[str, ...]
    colours: tuple[str, ...]


def patterns(kind: str) -> list[tuple[str, ...]]:
    """Every output pattern of a rule kind, shortest and least reversed first."""
    atoms = ("x", "~x") if kind in UNARY_KINDS else ("x", "y", "~x", "~y")
    found = []
    for n in range(1, MAX_PATTERN + 1):
        for p in itertools.product(atoms, repeat=n):
            try:
                Rule("f", kind, 0, p)
            except ValueError:
                continue
            found.append(p)
    return sorted(found, key=lambda p: (len(p), sum(a.startswith("~") for a in p), p))


def rule_cost(rule: Rule) -> int:
    """Simplicity of a rule: pattern length, reversals, then a small charge for rarer shapes."""
    return 2 * len(rule.pattern) + 3 * sum(a.startswith("~") for a in rule.pattern) + KINDS.index(rule.kind)


def lexicon(observations: Sequence[Observation]) -> dict[str, tuple[str, ...]] | None:
    """Meanings of the words seen alone; None when one word is seen with two meanings."""
    found: dict[str, tuple[str, ...]] = {}
    for ob in observations:
        if len(ob.words) == 1:
            word = ob.words[0]
            if found.setdefault(word, ob.colours) != ob.colours:
                return None
    return found


def fits(grammar: Interpretation, observations: Sequence[Observation]) -> bool:
    """True when the grammar derives every observation's colours."""
    for ob in observations:
        try:
            if derive(grammar, list(ob.words)) != ob.colours:
                return False
        except ValueError:
            return False
    return True


def weak_orders(n: int) -> list[tuple[int, ...]]:
    """Every assignment of levels 1..k to n items that uses each level (orderings with ties).

    Beyond MAX_TIED_WORDS items only strict orders (permutations), at most MAX_ORDERS of them.
    """
    if n > MAX_TIED_WORDS:
        return [tuple(p) for p in itertools.islice(itertools.permutations(range(1, n + 1)), MAX_ORDERS)]
    out = []
    for levels in itertools.product(range(1, n + 1), repeat=n):
        used = set(levels)
        if used == set(range(1, len(used) + 1)):
            out.append(levels)
    return out


@lru_cache(maxsize=256)
def ordered_levels(arities: tuple[int, ...]) -> tuple[tuple[int, ...], ...]:
    """Precedence orders for words of these arities: unary tighter than binary first, strict before ties."""
    def cost(levels: tuple[int, ...]) -> tuple[int, int, tuple[int, ...]]:
        inversions = sum(1 for i, j in itertools.permutations(range(len(levels)), 2)
                         if arities[i] == 1 and arities[j] == 2 and levels[i] >= levels[j])
        return inversions, len(levels) - len(set(levels)), levels
    return tuple(sorted(weak_orders(len(arities)), key=cost))


def candidate_rules(word: str, lex: dict[str, tuple[str, ...]], observations: Sequence[Observation],
                    deadline: float) -> list[Rule]:
    """Rules for `word` alone that fit the examples where it is the only function word."""
    local = [ob for ob in observations if word in ob.words and all(w in lex or w == word for w in ob.words)]
    base = Interpretation(tuple(lex.items()))
    rules = []
    for kind in KINDS:
        for p in patterns(kind):
            if time.monotonic() > deadline:
                return rules
            rule = Rule(word, kind, 1, p)
            if not local or fits(base.merge(Interpretation((), (rule,))), local):
                rules.append(rule)
    return sorted(rules, key=rule_cost)


def induce(examples: Sequence[tuple[str, str]], deadline: float) -> Iterator[Interpretation]:
    """Grammars deriving every (sentence, colours) example, simplest first, until `deadline`."""
    observations = [Observation(tuple(tokens(s)), tuple(tokens(c))) for s, c in examples]
    lex = lexicon(observations)
    if lex is None:
        return
    function_words = sorted({w for ob in observations for w in ob.words if w not in lex})
    base = Interpretation(tuple(sorted(lex.items())))
    if not function_words:
        if fits(base, observations):
            yield base
        return
    options = [candidate_rules(w, lex, observations, deadline) for w in function_words]
    if any(not o for o in options):
        return
    for combo in cheapest_combinations(options):
        if time.monotonic() > deadline:
            return
        for levels in ordered_levels(tuple(r.arity for r in combo)):
            rules = tuple(Rule(r.word, r.kind, lv, r.pattern) for r, lv in zip(combo, levels))
            grammar = Interpretation(base.lexicon, rules)
            if fits(grammar, observations):
                yield grammar


def cheapest_combinations(options: Sequence[Sequence[Rule]]) -> Iterator[tuple[Rule, ...]]:
    """One rule per word, in order of total cost (lazy best-first walk over the sorted lists)."""
    costs = [[rule_cost(r) for r in o] for o in options]
    start = (0,) * len(options)
    heap = [(sum(c[0] for c in costs), start)]
    seen = {start}
    while heap:
        _, index = heapq.heappop(heap)
        yield tuple(o[i] for o, i in zip(options, index))
        for k in range(len(index)):
            if index[k] + 1 < len(options[k]):
                nxt = index[:k] + (index[k] + 1,) + index[k + 1:]
                if nxt not in seen:
                    seen.add(nxt)
                    heapq.heappush(heap, (sum(c[i] for c, i in zip(costs, nxt)), nxt))


__all__ = ["induce", "patterns", "weak_orders", "ordered_levels", "candidate_rules", "cheapest_combinations", "lexicon"]

"""Lists search: bottom-up enumeration plus top-down decomposition of the target list.

The generic enumerator banks one program per behaviour, cheapest first.  After each cost
level the target output is split the way list constructors build it — `(singleton i)`,
`(cons i L)`, `(append L i)`, `(concat L1 L2)` — and each part is looked up in the bank by
its value vector (FlashFill-style witness functions), so a program such as
`(concat (repeat (first xs) 5) xs)` is found once its parts are banked, long before the
enumerator would reach its full cost.  Conditionals come from EUSolver unification with a
single test (one `ite`), which keeps answers from memorising the examples.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Iterator

from hypsearch.search.enumeration import Enumerator
from hypsearch.core.program import App, Term, size, subterms
from hypsearch.search.unification import TermCover, find_ite, learn_decision_tree

if TYPE_CHECKING:
    from hypsearch.core.domain import Domain
    from hypsearch.core.task import Task

Vector = tuple[Any, ...]


MAX_PIECE = 5
"""Largest banked List program used as a piece of a decomposition (bigger pieces overfit)."""


CONSTRUCTORS = frozenset({"singleton", "cons", "append", "concat", "repeat", "ite"})
MAX_DECOMPOSED = 16
"""Largest program a decomposition may build (six list elements, each a feature of the input)."""


class BankIndex:
    """Banked programs by value vector, and List programs by their value on the first example."""

    def __init__(self) -> None:
        self.by_value: dict[str, dict[Vector, Term]] = {"List": {}, "Int": {}}
        self.lists_by_first: dict[Any, list[Vector]] = {}

    def listen(self, owner: str, term: Term, values: Vector) -> None:
        table = self.by_value.get(owner)
        if table is None or values in table:
            return
        if owner == "Int" and not plain_condition(term):
            return  # list elements come from simple features of the input, not arithmetic puzzles
        if owner == "List" and (size(term) > MAX_PIECE or any(
                isinstance(t, App) and t.op in CONSTRUCTORS for t in subterms(term))):
            return  # pieces are transformations of the input, never disguised constructors
        table[values] = term
        if owner == "List" and values:
            self.lists_by_first.setdefault(values[0], []).append(values)


class Decomposer:
    """Split a target vector of lists into constructor applications over banked parts."""

    def __init__(self, index: BankIndex, max_concat_depth: int = 2) -> None:
        self.index = index
        self.max_concat_depth = max_concat_depth
        self.memo: dict[tuple[Vector, int], Term | None] = {}

    def solve(self, target: Vector, concat_depth: int) -> Term | None:
        key = (target, concat_depth)
        if key not in self.memo:
            self.memo[key] = None  # guards against re-entry on the same goal
            self.memo[key] = self._solve(target, concat_depth)
        return self.memo[key]

    def _solve(self, target: Vector, concat_depth: int) -> Term | None:
        lists, ints = self.index.by_value["List"], self.index.by_value["Int"]
        if target in lists:
            return lists[target]
        if any(not isinstance(t, tuple) for t in target):
            return None
        if all(len(t) == 1 for t in target):
            head = ints.get(tuple(t[0] for t in target))
            if head is not None:
                return App("singleton", (head,), "List")
        if all(len(t) >= 1 for t in target):
            head = ints.get(tuple(t[0] for t in target))
            if head is not None:
                rest = self.solve(tuple(t[1:] for t in target), concat_depth)
                if rest is not None:
                    return App("cons", (head, rest), "List")
            tail = ints.get(tuple(t[-1] for t in target))
            if tail is not None:
                rest = self.solve(tuple(t[:-1] for t in target), concat_depth)
                if rest is not None:
                    return App("append", (rest, tail), "List")
        if concat_depth <= 0:
            return None
        return self._concat(target, concat_depth)

    def _concat(self, target: Vector, concat_depth: int) -> Term | None:
        """`(concat P R)` with P a banked non-empty proper prefix on every example."""
        lists = self.index.by_value["List"]
        first = target[0]
        for cut in range(1, len(first) + 1):
            for values in self.index.lists_by_first.get(first[:cut], ()):
                if not all(len(v) <= len(t) and t[:len(v)] == v for v, t in zip(values, target)):
                    continue
                if all(len(v) == len(t) for v, t in zip(values, target)) or not any(values):
                    continue
                rest = tuple(t[len(v):] for v, t in zip(values, target))
                right = self.solve(rest, concat_depth - 1)
                if right is not None:
                    return App("concat", (lists[values], right), "List")
        return None


CONDITION_OPS = frozenset({"gt", "eq", "is_even", "is_in", "first", "second", "third", "last", "length",
                           "max", "min", "sum", "nth", "count"})
"""What a branch test may be built from: comparisons of simple features of the input."""


def plain_condition(term: Term) -> bool:
    """True when a test uses only CONDITION_OPS (no list transformations): tests that generalise."""
    return all(not isinstance(t, App) or t.op in CONDITION_OPS for t in subterms(term))


def search(domain: "Domain", task: "Task", deadline: float, *, unify_after: float = 0.1,
           max_cost: int = 40, max_value_size: int = 300, decompose: bool = True) -> Iterator[Term]:
    """Programs fitting every example, roughly simplest first, until `deadline` (time.monotonic)."""
    grammar = domain.search_grammar(task)
    envs = [task.signature.env(ex.inputs) for ex in task.examples]
    target: Vector = tuple(ex.output for ex in task.examples)
    enum = Enumerator(domain, grammar, envs, target, deadline=deadline, max_cost=max_cost,
                      max_value_size=max_value_size)
    index = BankIndex()
    enum.listeners.append(index.listen)
    shape = find_ite(grammar, enum.units)
    cover = TermCover(target) if shape is not None and len(target) > 1 else None
    predicates: list[tuple[Term, Vector]] = []
    if cover is not None:
        def listen(owner: str, term: Term, values: Vector) -> None:
            if owner == shape.nonterminal:
                cover.offer(term, values)
            elif owner == shape.condition and plain_condition(term):
                predicates.append((term, values))

        enum.listeners.append(listen)
    started = time.monotonic()
    unify_at = started + unify_after * max(deadline - started, 0.0)
    tried = 0
    returns_list = decompose and task.signature.returns == "List"
    for event, term in enum.events():
        if event == "solution":
            yield term
            continue
        if returns_list and enum.cost >= 2:
            found = Decomposer(index).solve(target, 1)
            if found is not None and size(found) <= MAX_DECOMPOSED:
                yield found
        if cover is not None and cover.covers_all and time.monotonic() >= unify_at:
            if len(predicates) + len(cover.best) != tried:
                tried = len(predicates) + len(cover.best)
                tree = learn_decision_tree(cover, predicates, shape, max_depth=1, deadline=deadline)
                if tree is not None:
                    yield tree

"""Competing programs: fitting programs that behave differently on unlabelled probe inputs.

Observational equivalence over the examples alone keeps one program per behaviour *on the examples*, so every
program that fits looks the same and only the cheapest survives.  Enumerating over examples plus probes keeps
one program per behaviour on both: the programs whose example part matches the outputs are then exactly the
fitting programs that disagree somewhere on the probes.  A domain with its own search (lists, MiniSCAN, ACRE)
is asked for further candidates instead, grouped by their outputs on the probes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Sequence

from hypsearch.check.interpreter import evaluate
from hypsearch.core.domain import Domain
from hypsearch.core.errors import EvaluationError
from hypsearch.core.program import Term, size
from hypsearch.core.task import Example, Task
from hypsearch.search.enumeration import Enumerator


@dataclass(frozen=True)
class Competitors:
    """Fitting programs, one per behaviour on the probes, simplest first, and how far the search went."""

    programs: tuple[Term, ...]
    max_cost: int
    seconds: float
    exhausted: bool
    how: str = "enumeration"
    """Which search found them: 'enumeration' (by cost, up to `max_cost`) or 'domain search'."""


def fitting_programs(domain: Domain, task: Task, probes: Sequence[tuple[Any, ...]], *, deadline: float,
                     max_cost: int, limit: int = 12, max_value_size: int = 1000) -> Competitors:
    """Up to `limit` fitting programs of cost at most `max_cost` with distinct outputs on `probes`."""
    started = time.monotonic()
    examples = _distinct(task.examples)
    custom = getattr(domain, "enumerate_candidates", None)
    if custom is not None and task.grammar is None:
        return _from_domain_search(domain, task, examples, probes, deadline, limit, started)
    grammar = task.grammar or domain.search_grammar(task)
    envs = [task.signature.env(x) for x in (*(ex.inputs for ex in examples), *probes)]
    target = tuple(ex.output for ex in examples)
    n = len(target)
    enum = Enumerator(domain, grammar, envs, None, deadline=deadline, max_cost=max_cost,
                      max_value_size=max_value_size)
    start = enum.grammar.start
    found: list[Term] = []

    def listen(owner: str, term: Term, values: tuple[Any, ...]) -> None:
        if owner == start and len(found) < limit and values[:n] == target:
            found.append(term)

    enum.listeners.append(listen)
    for _ in enum.events():
        if len(found) >= limit or time.monotonic() > deadline:
            break
    ordered = tuple(sorted(found, key=lambda t: (size(t), domain.show(t))))
    return Competitors(ordered, enum.cost, time.monotonic() - started, enum.exhausted)


def _from_domain_search(domain: Domain, task: Task, examples: Sequence[Example], probes: Sequence[tuple[Any, ...]],
                        deadline: float, limit: int, started: float) -> Competitors:
    """Fitting programs from the domain's own search, one per distinct output vector on the probes."""
    seen: dict[str, Term] = {}
    sig = task.signature
    for term in domain.enumerate_candidates(task, deadline):
        if time.monotonic() > deadline or len(seen) >= limit:
            break
        if not all(_run(domain, term, sig.env(ex.inputs)) == (True, ex.output) for ex in examples):
            continue
        key = repr(tuple(_run(domain, term, sig.env(x)) for x in probes))
        if key not in seen:
            seen[key] = term
    ordered = tuple(sorted(seen.values(), key=lambda t: (size(t), domain.show(t))))
    return Competitors(ordered, max((size(t) for t in ordered), default=0), time.monotonic() - started, False,
                       "domain search")


def _run(domain: Domain, term: Term, env: dict[str, Any]) -> tuple[bool, Any]:
    try:
        return True, evaluate(domain, term, env)
    except EvaluationError:
        return False, None


def _distinct(examples: Sequence[Example]) -> list[Example]:
    out: list[Example] = []
    seen: set[str] = set()
    for ex in examples:
        key = repr((ex.inputs, ex.output))
        if key not in seen:
            seen.add(key)
            out.append(ex)
    return out

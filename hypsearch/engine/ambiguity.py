"""After a solve: which other behaviours fit the examples, and which inputs tell them apart.

The chosen program is compared with fitting programs found over probe inputs (`search.competitors`);
for each competitor an input where it and the chosen program disagree is looked for in this order: the
unlabelled pool given with the task, z3 (domains with an SMT encoding, inputs shaped like the examples),
the probes, then hypothesis' search over the domain's value strategies.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Sequence

from hypsearch.check.distinguish import outputs_on, smt_split
from hypsearch.check.shape import ValueShape, shapes_of
from hypsearch.core.ambiguity import Ambiguity, Distinction
from hypsearch.core.domain import Domain
from hypsearch.core.program import Term, size
from hypsearch.core.settings import Settings
from hypsearch.core.task import Task
from hypsearch.search.competitors import fitting_programs
from hypsearch.search.probes import find_separating, mutation_probes

PROBES = 24
"""Mutated inputs the competitors are run on (besides the pool)."""
POOL_PROBES = 16
"""Pool inputs (spread over the pool) the competitor enumeration runs on; every pool input is still a question."""
COMPETITORS = 8
"""Fitting programs kept, the chosen one included."""
SHOWN = 4
"""Competitors for which a distinguishing input is reported."""
COST_SLACK = 6
"""Competitors may cost this much more than the chosen program."""


@dataclass(frozen=True)
class Assessment:
    """The ambiguity report plus what the query loop needs: the competitors and all candidate questions."""

    ambiguity: Ambiguity
    programs: tuple[Term, ...]
    questions: tuple[Distinction, ...]
    """Every input seen to split the competitors (pool first), each with all competitors' outputs."""


def assess(task: Task, domain: Domain, settings: Settings, chosen: Term, others: Sequence[Term] = (), *,
           seconds: float, pool: Sequence[tuple[Any, ...]] = (), avoid: Sequence[tuple[Any, ...]] = ()) -> Assessment:
    """Competing behaviours of `chosen` within `seconds`, and the inputs on which they part ways."""
    started = time.monotonic()
    deadline = started + seconds
    sig = task.signature
    given = [ex.inputs for ex in task.examples]
    shapes = shapes_of(given, len(sig.params))
    known = {repr(x) for x in (*given, *avoid)}
    pool = [x for x in _unique(pool) if repr(x) not in known]
    step = max(1, len(pool) // POOL_PROBES)
    probes = pool[::step][:POOL_PROBES] + mutation_probes(domain, sig, given, shapes, PROBES, seed=settings.seed,
                                                           avoid=(*pool, *avoid))
    found = fitting_programs(domain, task, probes, deadline=started + 0.8 * seconds,
                             max_cost=size(chosen) + COST_SLACK, limit=COMPETITORS,
                             max_value_size=settings.max_value_size)
    programs = _by_behaviour(domain, sig, [chosen, *others, *found.programs], probes)
    texts = tuple(domain.show(p) for p in programs)
    splits: list[Distinction] = []
    for rival in programs[1:SHOWN + 1]:
        if time.monotonic() > deadline:
            break
        found_input = _split(task, domain, settings, chosen, rival, pool, probes, shapes, avoid, deadline)
        if found_input is not None:
            inputs, source = found_input
            splits.append(Distinction(inputs, tuple(zip(texts, outputs_on(domain, sig, programs, inputs))), source))
    questions = [Distinction(x, tuple(zip(texts, outputs_on(domain, sig, programs, x))), "pool") for x in pool]
    questions = [q for q in questions if q.answers > 1] + [d for d in splits if d.source != "pool"]
    if len(programs) > 1:  # the probes that split the competitors are questions too
        pooled = {repr(x) for x in pool}
        for x in probes:
            if repr(x) not in pooled:
                q = Distinction(x, tuple(zip(texts, outputs_on(domain, sig, programs, x))), "generated")
                if q.answers > 1:
                    questions.append(q)
    what = f"up to size {found.max_cost}" if found.how == "enumeration" else f"from the {found.how}"
    how = (f"fitting programs {what} over {len(probes)} probe inputs"
           + (f" ({min(len(pool), POOL_PROBES)} from the pool of {len(pool)})" if pool else "") + f" in {time.monotonic() - started:.1f} s")
    if found.exhausted:
        how += ", search space exhausted"
    amb = Ambiguity(len(programs), texts, tuple(splits), how)
    return Assessment(amb, tuple(programs), tuple(questions))


def _split(task: Task, domain: Domain, settings: Settings, a: Term, b: Term, pool: Sequence[tuple[Any, ...]],
           probes: Sequence[tuple[Any, ...]], shapes: Sequence[ValueShape], avoid: Sequence[tuple[Any, ...]],
           deadline: float) -> tuple[tuple[Any, ...], str] | None:
    """An input where `a` and `b` disagree and where it came from: the pool, z3, the probes, or hypothesis."""
    sig = task.signature

    def differ(x: tuple[Any, ...]) -> bool:
        left, right = outputs_on(domain, sig, (a, b), x)
        return left != right

    for x in pool:
        if differ(x):
            return x, "pool"
    if domain.has_encoding:
        budget = int(max(100.0, min(settings.z3_timeout_ms, 1000 * (deadline - time.monotonic()))))
        given = [ex.inputs for ex in task.examples]
        verdict = smt_split(domain, sig, a, b, shapes, given, avoid=(*given, *avoid), timeout_ms=budget)
        if verdict.result == "found":
            return verdict.inputs, "z3"
    known = {repr(x) for x in (*(ex.inputs for ex in task.examples), *avoid)}
    for x in probes:
        if repr(x) not in known and differ(x):
            return x, "generated"
    if time.monotonic() > deadline:
        return None
    found = find_separating(domain, sig, lambda x: repr(x) not in known and differ(x), probes, shapes,
                            seed=settings.seed, max_examples=100)
    return (found, "generated") if found is not None else None


def _by_behaviour(domain: Domain, sig: Any, programs: Sequence[Term], probes: Sequence[tuple[Any, ...]]) -> list[Term]:
    """The programs without repeats of a behaviour on the probes, order kept (the chosen one first)."""
    kept: list[Term] = []
    seen: set[str] = set()
    for p in programs:
        key = repr(tuple(outputs_on(domain, sig, (p,), x)[0] for x in probes))
        if key not in seen:
            seen.add(key)
            kept.append(p)
    return kept


def _unique(inputs: Sequence[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    out, seen = [], set()
    for x in inputs:
        if repr(x) not in seen:
            seen.add(repr(x))
            out.append(x)
    return out


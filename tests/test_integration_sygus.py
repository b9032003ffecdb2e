"""Real SyGuS PBE_SLIA problems from ../shared solve within CI time, with z3-checked answers."""

from __future__ import annotations

import pytest

from hypsearch import Settings, Status, get_domain, solve
from hypsearch.check.smt import verify_examples
from hypsearch.solvers.sygus.frontend import load, render

QUICK = [
    "from_2018/initials.sl",
    "from_2018/phone-6-long.sl",
    "from_2018/name-combine-4.sl",
    "from_2018/11440431.sl",
    "euphony/exceljet1.sl",
]


@pytest.mark.parametrize("name", QUICK)
def test_solves_and_the_answer_holds(shared_benchmarks, name: str) -> None:
    task = load(shared_benchmarks / "sygus/pbe_slia" / name)[0].task
    result = solve(task, Settings(time_limit=60))
    assert result.status is Status.SOLVED, result.stop_reason
    domain = get_domain(task.domain)
    assert task.grammar is None or task.grammar.accepts(result.program)
    assert verify_examples(domain, result.program, task.signature.params, task.examples).result == "holds"
    assert render(task, result).startswith(f"(define-fun {task.signature.name} (")


def test_contradictory_examples_are_infeasible(shared_benchmarks) -> None:
    task = load(shared_benchmarks / "sygus/pbe_slia/from_2018/univ_3-long-repeat.sl")[0].task
    result = solve(task, Settings(time_limit=10))
    assert result.status is Status.INFEASIBLE
    assert not result.stats.get("distinct")  # decided from the examples, before any search

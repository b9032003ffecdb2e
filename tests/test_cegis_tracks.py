"""A few real SyGuS files per track (CLIA, Inv, PBE_BV) solve, and every answer holds under z3."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import need_path

from hypsearch import get_domain
from hypsearch.engine import solve
from hypsearch.core.result import Status
from hypsearch.core.settings import Settings
from hypsearch.solvers.sygus.frontend import load
from hypsearch.check.spec import HOLDS

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "benchmarks" / "sygus"

CASES = [
    "clia/from_2018/jmbl_fg_max2.sl",
    "clia/from_2018/jmbl_fg_array_search_2.sl",
    "clia/from_2018/jmbl_fg_max8.sl",         # guarded single-invocation answer
    "clia/from_2018/jmbl_fg_mpg_example1.sl",  # fitted linear leaves
    "inv/xujie_code2inv/1.c.sl",
    "inv/from_2018/ex1.sl",          # needs ICE learning beyond Houdini
    "inv/andrew_lustre/DRAGON_1.lus.sl",  # nondeterministic declare-var inputs
    "pbe_bv/from_2018/PRE_100_10.sl",
    "pbe_bv/from_2018/if0_70_10.sl",
]


@pytest.mark.slow
@pytest.mark.parametrize("name", CASES)
def test_real_file_solves_and_verifies(name: str) -> None:
    path = SHARED / name
    need_path(path)
    task = load(path)[0].task
    result = solve(task, Settings(time_limit=30))
    assert result.status is Status.SOLVED, result.stop_reason
    assert task.spec.verify(get_domain(task.domain), result.program).status == HOLDS


@pytest.mark.slow
def test_unrealizable_invariant_file_is_infeasible() -> None:
    path = SHARED / "inv/from_2018/jmbl_trex3.sl"
    need_path(path)
    result = solve(load(path)[0].task, Settings(time_limit=30))
    assert result.status is Status.INFEASIBLE, result.stop_reason

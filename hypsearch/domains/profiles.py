"""Profiles of the built-in domains (entry-point group `hypsearch.domain_profiles`): type names and SMT logics.

Kept in this one light module so that choosing a domain for a SyGuS file imports only the domains that can
take it; `tests/test_domain_profiles.py` and `hypsearch domain check` hold each profile to its domain.
"""

from __future__ import annotations

from hypsearch.core.domain import DomainProfile


def _profile(name: str, types: str, logics: str = "") -> DomainProfile:
    return DomainProfile(name, frozenset(types.split("|")), frozenset(logics.split()))


STRINGS = _profile("strings", "Bool|Int|String", "SLIA QF_SLIA S QF_S")
LIA = _profile("lia", "Bool|Int", "LIA CLIA NIA QF_LIA")
BV = _profile("bv", "(_ BitVec 64)|Bool", "BV QF_BV")
GRID = _profile("grid", "Grid|Int|Object|Objects")
LISTS = _profile("lists", "Bool|Fn|Int|List|Op|Pred")
MINISCAN = _profile("miniscan", "Grammar|Int|Pattern|String")
ACRE = _profile("acre", "Bool|Label|Object|Objects")

"""Published domain profiles agree with their domains, and picking a SyGuS domain imports only what can fit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from hypsearch.core.domain import DomainProfile
from hypsearch.core.registry import available_domains, domain_profiles

REPO = Path(__file__).resolve().parents[1]


def test_every_built_in_domain_publishes_its_true_profile() -> None:
    profiles = domain_profiles()
    for name, domain in available_domains().items():
        if domain.name.count("+"):  # derived per-problem domains (SyGuS macros) publish nothing
            continue
        assert profiles.get(name) == DomainProfile.of(domain), name


def test_loading_a_string_problem_leaves_the_other_dsls_unimported() -> None:
    code = ("import sys; from pathlib import Path; from hypsearch.core.formats import detect_format\n"
            "p = Path(sys.argv[1]); [t] = detect_format(p).load(p)\n"
            "print(t.task.domain, sorted(m for m in sys.modules if m.startswith('hypsearch.domains.')"
            " and m.count('.') == 2 and m != 'hypsearch.domains.profiles'))")
    out = subprocess.run([sys.executable, "-c", code, str(REPO / "examples" / "initials.sl")], capture_output=True,
                         text=True, check=True).stdout.split()
    assert out[0] == "strings"
    assert "'hypsearch.domains.grid'" not in " ".join(out) and "'hypsearch.domains.lists'" not in " ".join(out)


def test_may_fit_rules_out_missing_sorts_and_unclaimed_logics() -> None:
    p = DomainProfile("d", frozenset({"Int", "Bool"}), frozenset({"LIA"}))
    assert p.may_fit({"Int"}) and p.may_fit({"Int"}, "LIA")
    assert not p.may_fit({"String"}) and not p.may_fit(set(), "SLIA")

"""Enumeration speed: distinct (observationally different) programs per second on one core.

    python benchmarks/enum_speed.py [FILE.sl ...] [--seconds S]

Runs the bottom-up enumerator on each problem's own grammar and examples for S seconds
with no target (so it never stops early) and prints programs kept per second.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from hypsearch.search.enumeration import Enumerator
from hypsearch.core.registry import get_domain
from hypsearch.solvers.sygus.frontend import load

REPO = Path(__file__).resolve().parents[1]
DEFAULT = [REPO.parent / "shared/benchmarks/sygus/pbe_slia/from_2018/phone-6-long.sl",
           REPO.parent / "shared/benchmarks/sygus/pbe_slia/euphony/stackoverflow1.sl"]


def measure(path: Path, seconds: float) -> dict[str, float]:
    task = load(path)[0]
    domain = get_domain(task.domain)
    grammar = task.grammar or domain.search_grammar(task)
    envs = [task.signature.env(ex.inputs) for ex in task.examples]
    enum = Enumerator(domain, grammar, envs, None, deadline=time.monotonic() + seconds, max_cost=60)
    started = time.monotonic()
    for _ in enum:
        pass
    stats = enum.stats(time.monotonic() - started)
    return {"examples": len(envs), "distinct": stats.distinct, "evaluated": stats.evaluated,
            "max_cost": stats.max_cost, "seconds": stats.seconds,
            "distinct_per_s": stats.distinct_per_second, "evaluated_per_s": stats.evaluated / stats.seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, default=DEFAULT)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    print("| problem | examples | distinct programs | evaluated | max cost | distinct/s | evaluated/s |")
    print("|---|---|---|---|---|---|---|")
    for path in args.files:
        m = measure(path, args.seconds)
        print(f"| {path.name} | {m['examples']} | {m['distinct']:,} | {m['evaluated']:,} | {m['max_cost']} "
              f"| {m['distinct_per_s']:,.0f} | {m['evaluated_per_s']:,.0f} |")


if __name__ == "__main__":
    main()

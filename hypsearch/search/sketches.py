"""Counterexample-guided sketch filling: z3 solves for the holes of domain sketches against a spec.

For specs that give the enumerator no input/output observations — several functions
constrained together, or a function applied to its own results — the domain offers
program shapes with holes (`Domain.sketches`, simplest first).  For one shape per
function, z3 looks for hole values meeting the spec at every counterexample point so far
(exists holes, for the finitely many points); the filled programs are then verified
against the whole spec, and a failure adds its counterexample point.  When no hole
values fit the points, the next shape is tried.  Domain-agnostic: the spec and the
sketches meet only through `domain.encode`.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import Any, Mapping

import z3

from hypsearch.core.domain import Domain
from hypsearch.core.errors import UnsupportedError
from hypsearch.check.holes import Sketch
from hypsearch.core.program import Term, holes
from hypsearch.check.smt import encode, fresh
from hypsearch.check.spec import FAILS, HOLDS, MultiFunctionSpec

RANDOM_POINTS = 4
EXTRA_POINTS = 3
"""Further failing points asked of z3 per failed candidate: fewer, better-informed rounds."""
ROUNDS_PER_SHAPE = 40
"""Rounds one shape gets before the next is tried (bounded holes make every shape finite, but a shape
that cannot fit may take many points to refute); the points found carry over."""


@dataclass(frozen=True)
class SketchOutcome:
    """Programs by function name when solved; otherwise why not, and the figures either way."""

    programs: Mapping[str, Term] | None
    reason: str
    rounds: int
    points: int
    unknown: str = ""


def first_points(spec: MultiFunctionSpec, seed: int = 0) -> list[dict[str, Any]]:
    """All-zero, then a few small random points (Int and Bool variables only)."""
    rng = random.Random(seed)
    if not all(t in ("Int", "Bool") for _, t in spec.variables):
        return []
    points = [{n: (False if t == "Bool" else 0) for n, t in spec.variables}]
    for _ in range(RANDOM_POINTS if spec.variables else 0):
        points.append({n: (rng.random() < 0.5 if t == "Bool" else rng.randint(-20, 20)) for n, t in spec.variables})
    return points


def _shapes(domain: Domain, spec: MultiFunctionSpec) -> list[dict[str, Sketch]]:
    """Shape levels: level k gives each function its k-th sketch (its last one once it has no more)."""
    per_fun = {sig.name: domain.sketches(sig) for sig in spec.signatures}
    if any(not options for options in per_fun.values()):
        return []
    depth = max(len(options) for options in per_fun.values())
    return [{name: options[min(k, len(options) - 1)] for name, options in per_fun.items()} for k in range(depth)]


def solve_by_sketches(spec: MultiFunctionSpec, domain: Domain, deadline: float,
                      z3_timeout_ms: int = 5000) -> SketchOutcome:
    """Fill the domain's sketches so that the spec holds (verified by z3), trying shapes simplest first."""
    levels = _shapes(domain, spec)
    if not levels:
        return SketchOutcome(None, f"domain {domain.name!r} offers no sketches for these functions", 0, 0)
    points = first_points(spec)
    rounds = 0
    unknown = ""
    for level in levels:
        solver, hole_vars, funs = _holes_problem(domain, spec, level)
        added = 0
        for _ in range(ROUNDS_PER_SHAPE):
            for point in points[added:]:
                solver.add(spec.at_point(domain, funs, point))
            added = len(points)
            left = int(1000 * (deadline - time.monotonic()))
            if left <= 20:
                return SketchOutcome(None, "time limit", rounds, len(points), unknown)
            solver.set("timeout", min(left, z3_timeout_ms))
            rounds += 1
            answer = solver.check()
            if answer == z3.unsat:
                break  # no hole values fit these points: a richer shape is needed
            if answer == z3.unknown:
                unknown = f"z3: unknown ({solver.reason_unknown()}) filling holes"
                break
            programs = _filled(domain, level, hole_vars, solver.model())
            left = int(1000 * (deadline - time.monotonic()))
            verdict = spec.verify(domain, programs, max(50, min(left, z3_timeout_ms)))
            if verdict.status == HOLDS:
                return SketchOutcome(programs, "solved (verified by z3)", rounds, len(points))
            if verdict.status != FAILS or verdict.counterexample is None:
                unknown = verdict.detail
                break
            point = dict(verdict.counterexample.values)
            if point in points:  # cannot happen for a sound encoding; stop rather than loop
                raise UnsupportedError("a counterexample repeats a known point: the sketch encoding disagrees "
                                       "with the specification")
            points.append(point)
            left = int(1000 * (deadline - time.monotonic()))
            points.extend(spec.more_counterexamples(domain, programs, points, EXTRA_POINTS, max(20, min(left, 500))))
    return SketchOutcome(None, "no sketch fits the specification", rounds, len(points), unknown)



def _holes_problem(domain: Domain, spec: MultiFunctionSpec, level: Mapping[str, Sketch]
                   ) -> tuple[z3.Solver, dict[str, dict[str, z3.ExprRef]], dict[str, Any]]:
    """A solver over one z3 constant per hole (within its bounds), and each function as its sketch."""
    solver = z3.Solver()
    hole_vars: dict[str, dict[str, z3.ExprRef]] = {}
    for name, sketch in level.items():
        env: dict[str, z3.ExprRef] = {}
        for h in holes(sketch.term):
            env[h.name] = fresh(domain, f"{name}.{h.name}", h.type)
            lo_hi = sketch.bounds.get(h.name)
            if lo_hi is not None:
                solver.add(env[h.name] >= lo_hi[0], env[h.name] <= lo_hi[1])
        hole_vars[name] = env
    sigs = {sig.name: sig for sig in spec.signatures}

    def template(name: str) -> Any:
        sig, term, env = sigs[name], level[name].term, hole_vars[name]

        def call(*args: z3.ExprRef) -> z3.ExprRef:
            inner = dict(env)
            inner.update({p: a for (p, _), a in zip(sig.params, args)})
            return encode(domain, term, inner)

        return call

    return solver, hole_vars, {name: template(name) for name in level}


def _filled(domain: Domain, level: Mapping[str, Sketch], hole_vars: Mapping[str, Mapping[str, z3.ExprRef]],
            model: z3.ModelRef) -> dict[str, Term]:
    """Each function's sketch with the model's hole values."""
    programs = {}
    for name, sketch in level.items():
        types = {h.name: h.type for h in holes(sketch.term)}
        values = {h: domain.value_type(types[h]).from_z3(model.eval(v, model_completion=True))
                  for h, v in hole_vars[name].items()}
        programs[name] = sketch.fill(values)
    return programs

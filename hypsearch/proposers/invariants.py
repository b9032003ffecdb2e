"""Loop-invariant search (SyGuS Inv): Houdini over atoms taken from the program itself.

Candidate atoms come from the state variables and the constants of pre/trans/post:
`x <= c`, `x >= c`, `x = c`, `x <= y`, `x = y`, `x - y <= c`, Boolean variables and their
negations, plus the postcondition's own conjuncts.  Houdini keeps the atoms true in every
initial state, then drops atoms a step can falsify until the conjunction is inductive;
z3 then checks sufficiency.  The answer is verified by `InvariantSpec.verify` (all three
conditions) before it is reported.
"""

from __future__ import annotations

import time
from typing import Any

import z3

from hypsearch.domain import Domain
from hypsearch.program import App, Const, Term, Var, size
from hypsearch.result import Result, Status
from hypsearch.settings import Settings
from hypsearch.spec import HOLDS, InvariantSpec, interpretation
from hypsearch.task import Task

MAX_ATOMS = 4000


def _constants(exprs: list[z3.ExprRef]) -> set[int]:
    found: set[int] = set()
    seen: set[int] = set()

    def walk(e: z3.ExprRef) -> None:
        if e.get_id() in seen:
            return
        seen.add(e.get_id())
        if z3.is_int_value(e):
            found.add(e.as_long())
        for c in e.children():
            walk(c)

    for e in exprs:
        walk(e)
    return found


def candidate_atoms(spec: InvariantSpec, domain: Domain) -> list[Term]:
    """Comparisons over the state variables with the program's constants (cheap ones first)."""
    s, t = spec.states(domain), spec.states(domain, "!")
    consts = _constants([spec.pre(s), spec.trans(s, t), spec.post(s)])
    consts = sorted(c for c in consts | {0, 1, -1} if abs(c) <= 10**9)
    ints = [Var(n, "Int") for n, ty in spec.signature.params if ty == "Int"]
    bools = [Var(n, "Bool") for n, ty in spec.signature.params if ty == "Bool"]
    atoms: list[Term] = []
    for b in bools:
        atoms += [b, App("not", (b,), "Bool")]
    for x in ints:
        for c in consts:
            k = Const(c, "Int")
            atoms += [App("<=", (x, k), "Bool"), App(">=", (x, k), "Bool")]
    for i, x in enumerate(ints):
        for y in ints[i + 1:]:
            atoms += [App("<=", (x, y), "Bool"), App(">=", (x, y), "Bool")]
    for i, x in enumerate(ints):
        for y in ints[i + 1:]:
            for c in consts:
                diff = App("-", (x, y), "Int")
                atoms += [App("<=", (diff, Const(c, "Int")), "Bool"), App(">=", (diff, Const(c, "Int")), "Bool")]
                summ = App("+", (x, y), "Bool" if False else "Int")
                atoms += [App("<=", (summ, Const(c, "Int")), "Bool"), App(">=", (summ, Const(c, "Int")), "Bool")]
            if len(atoms) > MAX_ATOMS:
                return atoms[:MAX_ATOMS]
    return atoms


def houdini(spec: InvariantSpec, domain: Domain, atoms: list[Term], deadline: float,
            timeout_ms: int = 5000) -> list[Term] | None:
    """The largest inductive subset of `atoms` that holds initially (None on timeout/unknown)."""
    params = spec.signature.params
    s, t = spec.states(domain), spec.states(domain, "!")
    env_s = dict(zip([n for n, _ in params], s))
    env_t = dict(zip([n for n, _ in params], t))
    enc_s = [domain.encode(a, env_s) for a in atoms]
    enc_t = [domain.encode(a, env_t) for a in atoms]
    alive = list(range(len(atoms)))
    # initiation
    solver = z3.Solver()
    solver.set("timeout", timeout_ms)
    solver.add(spec.pre(s))
    while alive:
        if time.monotonic() > deadline:
            return None
        answer = solver.check(z3.Not(z3.And([enc_s[i] for i in alive])))
        if answer == z3.unsat:
            break
        if answer != z3.sat:
            return None
        m = solver.model()
        alive = [i for i in alive if z3.is_true(m.eval(enc_s[i], model_completion=True))]
    # consecution
    step = z3.Solver()
    step.set("timeout", timeout_ms)
    step.add(spec.trans(s, t))
    while alive:
        if time.monotonic() > deadline:
            return None
        answer = step.check(z3.And([enc_s[i] for i in alive]), z3.Not(z3.And([enc_t[i] for i in alive])))
        if answer == z3.unsat:
            break
        if answer != z3.sat:
            return None
        m = step.model()
        alive = [i for i in alive if z3.is_true(m.eval(enc_t[i], model_completion=True))]
    return [atoms[i] for i in alive]


def conjunction(parts: list[Term]) -> Term:
    """`(and a b …)` as nested binary `and` (true when empty)."""
    if not parts:
        return Const(True, "Bool")
    out = parts[-1]
    for p in reversed(parts[:-1]):
        out = App("and", (p, out), "Bool")
    return out


def _minimise(spec: InvariantSpec, domain: Domain, parts: list[Term], deadline: float, timeout_ms: int) -> list[Term]:
    """Drop conjuncts that are not needed for the invariant to verify (smaller answers)."""
    kept = list(parts)
    for p in sorted(parts, key=size, reverse=True):
        if time.monotonic() > deadline or len(kept) <= 1:
            break
        trial = [q for q in kept if q is not p]
        if spec.verify(domain, conjunction(trial), timeout_ms).status == HOLDS:
            kept = trial
    return kept


def solve_invariant(task: Task, settings: Settings, *, domain: Domain, started: float) -> Result:
    """Houdini, then z3 verification of all three conditions; never reports an unverified invariant."""
    spec: InvariantSpec = task.spec
    deadline = started + settings.time_limit
    stats: dict[str, Any] = {}

    def done(status: Status, reason: str, program: Term | None = None) -> Result:
        return Result(task_id=task.id, domain=task.domain, status=status, stop_reason=reason, program=program,
                      program_text=domain.show(program) if program is not None else "",
                      seconds=time.monotonic() - started, stats=stats)

    # the postcondition itself, and `true`, are the cheapest guesses
    for guess in (Const(True, "Bool"),):
        if spec.verify(domain, guess, settings.z3_timeout_ms).status == HOLDS:
            return done(Status.SOLVED, "solved (verified by z3)", guess)
    atoms = candidate_atoms(spec, domain)
    stats["atoms"] = len(atoms)
    kept = houdini(spec, domain, atoms, deadline, settings.z3_timeout_ms)
    if kept is None:
        return done(Status.UNSOLVED, f"time limit {settings.time_limit:g} s (Houdini)")
    stats["houdini_kept"] = len(kept)
    candidate = conjunction(kept)
    verdict = spec.verify(domain, candidate, settings.z3_timeout_ms)
    if verdict.status != HOLDS:
        return done(Status.UNSOLVED, f"Houdini's strongest inductive conjunction fails: {verdict.detail[:200]}")
    small = conjunction(_minimise(spec, domain, kept, deadline, settings.z3_timeout_ms))
    if spec.verify(domain, small, settings.z3_timeout_ms).status == HOLDS:
        candidate = small
    return done(Status.SOLVED, "solved (verified by z3)", candidate)

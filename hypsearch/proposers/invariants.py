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

from hypsearch.check.smt import encode
from hypsearch.check.interpreter import evaluate
from hypsearch.core.domain import Domain
from hypsearch.core.program import App, Const, Term, Var, size
from hypsearch.core.result import Result, Status
from hypsearch.core.settings import Settings
from hypsearch.check.spec import HOLDS, InvariantSpec, Unrealizable
from hypsearch.core.task import Task

MAX_ATOMS = 1500
MAX_ICE_ATOMS = 600
MAX_POST_SIZE = 4000
"""The postcondition is tried as an invariant only when it is at most this big written out as a tree."""
MAX_ATOM_SIZE = 200
"""Comparisons of the program bigger than this (written out as trees) are not taken as atoms."""
"""The postcondition is tried as an invariant only when it is at most this big written out as a tree."""


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
    enc_s = [encode(domain, a, env_s) for a in atoms]
    enc_t = [encode(domain, a, env_t) for a in atoms]
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
    """`(and a b …)` as a balanced tree of binary `and` (shallow, so printers never recurse deeply)."""
    if not parts:
        return Const(True, "Bool")
    if len(parts) == 1:
        return parts[0]
    mid = len(parts) // 2
    return App("and", (conjunction(parts[:mid]), conjunction(parts[mid:])), "Bool")


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
    deadline = started + 0.85 * settings.time_limit
    stats: dict[str, Any] = {}

    def done(status: Status, reason: str, program: Term | None = None) -> Result:
        return Result(task_id=task.id, domain=task.domain, status=status, stop_reason=reason, program=program,
                      program_text=domain.show(program) if program is not None else "",
                      seconds=time.monotonic() - started, stats=stats)

    # `true` and the postcondition itself are the cheapest guesses
    post_z3 = spec.post(spec.states(domain))
    post = from_z3(post_z3, dict(spec.signature.params)) if tree_size(post_z3) <= MAX_POST_SIZE else None
    for guess in (Const(True, "Bool"), post):
        if guess is not None and spec.verify(domain, guess, settings.z3_timeout_ms).status == HOLDS:
            return done(Status.SOLVED, "solved (verified by z3)", guess)
    atoms = candidate_atoms(spec, domain)
    stats["atoms"] = len(atoms)
    kept = houdini(spec, domain, atoms, deadline, settings.z3_timeout_ms)
    if kept is None:
        return done(Status.UNSOLVED, f"time limit {settings.time_limit:g} s (Houdini)")
    stats["houdini_kept"] = len(kept)
    candidate = conjunction(kept)
    verdict = spec.verify(domain, candidate, settings.z3_timeout_ms)
    if verdict.status != HOLDS and post is not None:  # Houdini's facts may make the postcondition inductive
        strengthened = conjunction(kept + [post])
        if spec.verify(domain, strengthened, settings.z3_timeout_ms).status == HOLDS:
            return done(Status.SOLVED, "solved (verified by z3)", strengthened)
    if verdict.status != HOLDS:
        trace = unsafe_trace(spec, domain, min(deadline, time.monotonic() + 0.25 * settings.time_limit))
        if trace is not None:
            return done(Status.INFEASIBLE, f"infeasible: the postcondition fails after {len(trace) - 1} step(s) "
                        f"from an initial state: {trace!r}")
        # not sufficient: learn a (disjunctive) strengthening from samples, Houdini's result as the base
        try:
            # any invariant implies the postcondition, so conjoining it loses no solution
            base = kept + ([post] if post is not None else [])
            learnt = ice_search(spec, domain, program_atoms(spec, domain) + atoms[:MAX_ICE_ATOMS], base, deadline,
                                settings.z3_timeout_ms, stats)
        except Unrealizable as exc:
            return done(Status.INFEASIBLE, f"infeasible: {exc}")
        if learnt is None:
            return done(Status.UNSOLVED, f"Houdini's strongest inductive conjunction fails ({verdict.detail[:160]}) "
                        "and ICE learning found nothing")
        return done(Status.SOLVED, "solved (verified by z3)", learnt)
    small = conjunction(_minimise(spec, domain, kept, deadline, settings.z3_timeout_ms))
    if spec.verify(domain, small, settings.z3_timeout_ms).status == HOLDS:
        candidate = small
    return done(Status.SOLVED, "solved (verified by z3)", candidate)


# -- atoms from the program's own formulas -------------------------------------------------------

_Z3_OPS = {
    z3.Z3_OP_LE: "<=", z3.Z3_OP_LT: "<", z3.Z3_OP_GE: ">=", z3.Z3_OP_GT: ">", z3.Z3_OP_EQ: "=",
    z3.Z3_OP_ADD: "+", z3.Z3_OP_SUB: "-", z3.Z3_OP_MUL: "*", z3.Z3_OP_AND: "and", z3.Z3_OP_OR: "or",
    z3.Z3_OP_NOT: "not", z3.Z3_OP_ITE: "ite", z3.Z3_OP_IMPLIES: "=>",
}


def tree_size(e: z3.ExprRef, limit: int = 10**6) -> int:
    """Nodes of `e` written out as a tree (z3 shares subterms; a program does not), counted up to `limit`."""
    memo: dict[int, int] = {}

    def count(x: z3.ExprRef) -> int:
        k = x.get_id()
        if k not in memo:
            memo[k] = min(limit, 1 + sum(count(c) for c in x.children()))
        return memo[k]

    return count(e)


def from_z3(e: z3.ExprRef, names: dict[str, str]) -> Term | None:
    """A z3 LIA term over the state variables as a domain program (None when it uses anything else)."""
    if z3.is_int_value(e):
        return Const(e.as_long(), "Int")
    if z3.is_true(e):
        return Const(True, "Bool")
    if z3.is_false(e):
        return Const(False, "Bool")
    if z3.is_const(e):
        name = e.decl().name()
        return Var(name, names[name]) if name in names else None
    if not z3.is_app(e):
        return None
    kind = e.decl().kind()
    op = _Z3_OPS.get(kind)
    if kind == z3.Z3_OP_UMINUS:
        inner = from_z3(e.arg(0), names)
        return None if inner is None else App("-", (Const(0, "Int"), inner), "Int")
    if op is None:
        return None
    args = [from_z3(a, names) for a in e.children()]
    if any(a is None for a in args):
        return None
    typ = "Bool" if z3.is_bool(e) else "Int"
    if op in ("+", "*", "and", "or", "-") and len(args) > 2:
        out = args[0]
        for a in args[1:]:
            out = App(op, (out, a), typ)
        return out
    if len(args) == 1 and op in ("+", "and", "or"):
        return args[0]
    return App(op, tuple(args), typ)


def program_atoms(spec: InvariantSpec, domain: Domain) -> list[Term]:
    """Comparisons occurring in pre/trans/post that mention only current-state variables."""
    s, t = spec.states(domain), spec.states(domain, "!")
    names = dict(spec.signature.params)
    found: list[Term] = []
    seen: set[int] = set()

    def walk(e: z3.ExprRef) -> None:
        if e.get_id() in seen:
            return
        seen.add(e.get_id())
        if z3.is_app(e) and e.decl().kind() in (z3.Z3_OP_LE, z3.Z3_OP_LT, z3.Z3_OP_GE, z3.Z3_OP_GT, z3.Z3_OP_EQ) \
                and not z3.is_bool(e.arg(0)) and tree_size(e, MAX_ATOM_SIZE + 1) <= MAX_ATOM_SIZE:
            term = from_z3(e, names)
            if term is not None and term not in found:
                found.append(term)
        for c in e.children():
            walk(c)

    for e in (spec.pre(s), spec.trans(s, t), spec.post(s)):
        walk(e)
    return found[:400]


# -- ICE learning: decision trees over atoms from positive, negative and implication samples -------

State = tuple[Any, ...]


def _models(solver: z3.Solver, consts: list[z3.ExprRef], spec: InvariantSpec, domain: Domain, most: int,
            deadline: float) -> list[State]:
    out: list[State] = []
    while len(out) < most and time.monotonic() < deadline and solver.check() == z3.sat:
        m = solver.model()
        state = spec._values(domain, m, consts)
        out.append(state)
        solver.add(z3.Or([c != domain.value_type(t).to_z3(v)
                          for c, (_, t), v in zip(consts, spec.signature.params, state)]))
    return out


def reachable_samples(spec: InvariantSpec, domain: Domain, deadline: float, most: int = 40) -> list[State]:
    """Initial states and a few steps of the transition relation: states any invariant must include."""
    s, t = spec.states(domain), spec.states(domain, "!")
    init = z3.Solver()
    init.set("timeout", 500)
    init.add(spec.pre(s))
    frontier = _models(init, s, spec, domain, 4, deadline)
    found = list(frontier)
    while frontier and len(found) < most and time.monotonic() < deadline:
        nxt: list[State] = []
        for state in frontier:
            step = z3.Solver()
            step.set("timeout", 300)
            step.add(spec.trans(s, t))
            step.add([c == domain.value_type(ty).to_z3(v) for c, (_, ty), v in zip(s, spec.signature.params, state)])
            for succ in _models(step, t, spec, domain, 2, deadline):
                if succ not in found:
                    found.append(succ)
                    nxt.append(succ)
        frontier = nxt
    return found[:most]


def bad_samples(spec: InvariantSpec, domain: Domain, deadline: float, most: int = 8) -> list[State]:
    """States violating the postcondition: states any invariant must exclude."""
    s = spec.states(domain)
    solver = z3.Solver()
    solver.set("timeout", 500)
    solver.add(z3.Not(spec.post(s)))
    return _models(solver, s, spec, domain, most, deadline)


def _node(a: Term, yes: Term, no: Term) -> Term:
    true, false = Const(True, "Bool"), Const(False, "Bool")
    if yes == true and no == false:
        return a
    if yes == false and no == true:
        return App("not", (a,), "Bool")
    if no == false:
        return App("and", (a, yes), "Bool")
    if yes == false:
        return App("and", (App("not", (a,), "Bool"), no), "Bool")
    if no == true:
        return App("or", (App("not", (a,), "Bool"), yes), "Bool")
    if yes == true:
        return App("or", (a, no), "Bool")
    return App("ite", (a, yes, no), "Bool")


def learn_formula(vectors: dict[State, tuple[bool, ...]], pos: list[State], neg: list[State],
                  atoms: list[Term], depth: int = 0) -> Term | None:
    """ID3 decision tree separating positive from negative states with atom tests (None: atoms cannot)."""
    from math import log2

    if not neg:
        return Const(True, "Bool")
    if not pos:
        return Const(False, "Bool")
    if depth > 12:
        return None

    def h(p: int, n: int) -> float:
        tot = p + n
        if p == 0 or n == 0:
            return 0.0
        return -(p / tot) * log2(p / tot) - (n / tot) * log2(n / tot)

    total = len(pos) + len(neg)
    best: tuple[float, int, int] | None = None
    for k, atom in enumerate(atoms):
        py = sum(1 for s in pos if vectors[s][k])
        ny = sum(1 for s in neg if vectors[s][k])
        pn, nn = len(pos) - py, len(neg) - ny
        if (py + ny) in (0, total):
            continue
        gain = h(len(pos), len(neg)) - ((py + ny) * h(py, ny) + (pn + nn) * h(pn, nn)) / total
        key = (gain, -size(atom), -k)
        if best is None or key > best:
            best = key
    if best is None:
        return None
    k = -best[2]
    yes = learn_formula(vectors, [s for s in pos if vectors[s][k]], [s for s in neg if vectors[s][k]], atoms, depth + 1)
    if yes is None:
        return None
    no = learn_formula(vectors, [s for s in pos if not vectors[s][k]], [s for s in neg if not vectors[s][k]],
                       atoms, depth + 1)
    if no is None:
        return None
    return _node(atoms[k], yes, no)


def ice_search(spec: InvariantSpec, domain: Domain, atoms: list[Term], base: list[Term], deadline: float,
               timeout_ms: int, stats: dict[str, Any]) -> Term | None:
    """Learn `base ∧ tree` from samples; each failed verification adds the counterexample of its kind."""
    names = [n for n, _ in spec.signature.params]
    pos: list[State] = reachable_samples(spec, domain, deadline)
    hard_neg: list[State] = bad_samples(spec, domain, deadline)
    soft_neg: list[State] = []
    implications: list[tuple[State, State]] = []
    vectors: dict[State, tuple[bool, ...]] = {}

    def vector(state: State) -> tuple[bool, ...]:
        if state not in vectors:
            env = dict(zip(names, state))
            vals = []
            for a in atoms:
                try:
                    vals.append(bool(evaluate(domain, a, env)))
                except Exception:  # an atom that cannot be evaluated there (e.g. division) is false
                    vals.append(False)
            vectors[state] = tuple(vals)
        return vectors[state]

    rounds = 0
    while time.monotonic() < deadline:
        rounds += 1
        stats["ice_rounds"] = rounds
        # close positives under known implications
        changed = True
        while changed:
            changed = False
            for a, b in implications:
                if a in pos and b not in pos:
                    pos.append(b)
                    changed = True
        soft_neg = [s for s in soft_neg if s not in pos]
        unsafe = [s for s in hard_neg if s in pos]
        if unsafe:
            raise Unrealizable(f"the reachable state {unsafe[0]!r} violates the postcondition")
        neg = hard_neg + [s for s in soft_neg if s not in hard_neg]
        for st in pos + neg:
            vector(st)
        tree = learn_formula(vectors, list(dict.fromkeys(pos)), list(dict.fromkeys(neg)), atoms)
        if tree is None:
            if soft_neg:
                soft_neg = soft_neg[:-1] if len(soft_neg) > 1 else []
                continue
            return None
        candidate = conjunction(base + [tree]) if base else tree
        left = int(1000 * (deadline - time.monotonic()))
        if left <= 20:
            return None
        verdict = spec.verify(domain, candidate, min(timeout_ms, left))
        if verdict.status == HOLDS:
            return candidate
        cex = verdict.counterexample
        if cex is None:
            return None
        if cex.kind == "positive":
            pos.append(cex.states[0])
        elif cex.kind == "negative":
            hard_neg.append(cex.states[0])
        else:
            a, b = cex.states
            implications.append((a, b))
            if a in pos:
                pos.append(b)
            else:
                soft_neg.append(a)
    return None


def unsafe_trace(spec: InvariantSpec, domain: Domain, deadline: float, max_steps: int = 8) -> list[State] | None:
    """Bounded model checking: a run pre(s0), trans(s0,s1), …, not post(sk) proves no invariant exists."""
    states = [spec.states(domain, "@0")]
    solver = z3.Solver()
    solver.add(spec.pre(states[0]))
    for k in range(max_steps + 1):
        left = int(1000 * (deadline - time.monotonic()))
        if left <= 20:
            return None
        solver.set("timeout", left)
        answer = solver.check(z3.Not(spec.post(states[k])))
        if answer == z3.sat:
            m = solver.model()
            return [spec._values(domain, m, st) for st in states]
        if answer != z3.unsat:
            return None
        states.append(spec.states(domain, f"@{k + 1}"))
        solver.add(spec.trans(states[k], states[k + 1]))
    return None

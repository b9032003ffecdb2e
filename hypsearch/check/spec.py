"""Logical specifications checked by z3, with counterexamples the search can learn from.

Three kinds, all domain-agnostic (they see a program only through `domain.encode`):
`FunctionalSpec` — ∀ vars. φ(f, vars) for one function f (SyGuS `constraint`s),
`MultiFunctionSpec` — the same over several functions synthesised together, and
`InvariantSpec` — pre ⇒ inv, inv ∧ trans ⇒ inv', inv ⇒ post (SyGuS `inv-constraint`).
`verify` is three-valued (holds / fails / unknown with z3's reason) and, when a spec
fails, returns a concrete `Counterexample` of the right kind.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import z3

from hypsearch.check.smt import encode
from hypsearch.core.domain import Domain
from hypsearch.core.errors import HypsearchError
from hypsearch.core.program import App, Term
from hypsearch.check.smt import fresh, to_z3
from hypsearch.core.task import Example, Signature

Params = tuple[tuple[str, str], ...]
FunInterp = Callable[..., z3.ExprRef]
"""The function being synthesised, as a map from z3 argument terms to a z3 term."""

HOLDS, FAILS, UNKNOWN = "holds", "fails", "unknown"


@dataclass(frozen=True)
class Counterexample:
    """Why a candidate fails, as concrete data.

    kind: "point" (values of all spec variables; FunctionalSpec), "positive" (a state the
    invariant must include: initiation failed), "negative" (a state it must exclude:
    sufficiency failed), "implication" (states (s, s'): if s is in, s' must be in:
    consecution failed).  `states` are input tuples in the function's parameter order.
    """

    kind: str
    states: tuple[tuple[Any, ...], ...] = ()
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SpecVerdict:
    """z3's answer on a candidate: status holds/fails/unknown, a readable detail, a counterexample."""

    status: str
    detail: str = ""
    counterexample: Counterexample | None = None
    condition: str = ""
    """Which part failed: "constraint", or "initiation"/"consecution"/"sufficiency"."""


@dataclass(frozen=True)
class Observation:
    """What a spec says about f at one concrete point: f's inputs there, and the allowed outputs.

    `examples` is set when the outputs are forced (one value per input tuple); otherwise
    `allows(outputs)` tells whether a vector of outputs (one per input tuple) is allowed.
    """

    inputs: tuple[tuple[Any, ...], ...]
    examples: tuple[Example, ...] | None
    allows: Callable[[tuple[Any, ...]], bool]
    point: Mapping[str, Any]


def interpretation(domain: Domain, program: Term, params: Params) -> FunInterp:
    """A program as a z3 function of its parameters."""
    names = [n for n, _ in params]

    def call(*args: z3.ExprRef) -> z3.ExprRef:
        return encode(domain, program, dict(zip(names, args)))

    return call


def _model_values(domain: Domain, model: z3.ModelRef, consts: Mapping[str, z3.ExprRef],
                  types: Mapping[str, str]) -> dict[str, Any]:
    out = {}
    for name, c in consts.items():
        out[name] = domain.value_type(types[name]).from_z3(model.eval(c, model_completion=True))
    return out


def make_solver(timeout_ms: int, eliminate_ite: bool = True) -> z3.Solver:
    """A z3 solver with a timeout; by default one that first lifts `ite` out of terms, which is far
    faster on the decision-tree programs synthesis produces."""
    solver = z3.Then("simplify", "elim-term-ite", "smt").solver() if eliminate_ite else z3.Solver()
    solver.set("timeout", int(timeout_ms))
    return solver


def _check(assertions: Sequence[z3.BoolRef], timeout_ms: int) -> tuple[str, Any]:
    """Three-valued check; on `unknown` from the ite-lifting solver, the plain solver gets the rest of the time."""
    stop = time.monotonic() + timeout_ms / 1000
    reason = ""
    for eliminate in (True, False):
        left = int(1000 * (stop - time.monotonic()))
        if left <= 10:
            break
        solver = make_solver(left, eliminate)
        solver.add(*assertions)
        answer = solver.check()
        if answer == z3.sat:
            return "sat", solver.model()
        if answer == z3.unsat:
            return "unsat", None
        reason = solver.reason_unknown()
    return "unknown", reason or "timeout"


@dataclass(frozen=True)
class FunctionalSpec:
    """∀ variables. formula(f, variables): the SyGuS `constraint`s of one synth-fun."""

    signature: Signature
    variables: Params
    formula: Callable[[FunInterp, Mapping[str, z3.ExprRef]], z3.BoolRef]
    description: str = ""
    timeout_ms: int = 5000
    single_call: tuple[str, ...] | None = None
    """When f is always applied to these variables (in parameter order): the spec is single-invocation."""

    def _consts(self, domain: Domain) -> dict[str, z3.ExprRef]:
        return {n: fresh(domain, n, t) for n, t in self.variables}

    def _template(self, domain: Domain) -> tuple[z3.BoolRef, z3.FuncDeclRef, dict[str, z3.ExprRef]]:
        """The formula translated once with f uninterpreted (cached per domain)."""
        cache = self.__dict__.setdefault("_templates", {})
        if domain.name not in cache:
            consts = self._consts(domain)
            fun = self.uninterpreted(domain)
            cache[domain.name] = (self.formula(lambda *a: fun(*a), consts), fun, consts)
        return cache[domain.name]

    def instantiate(self, domain: Domain, program: Term) -> tuple[z3.BoolRef, dict[str, z3.ExprRef]]:
        """The formula with `program` for f: the program is encoded once and substituted as a macro.

        The last few results are kept: a failed candidate is instantiated again for more counterexamples,
        and encoding a large decision tree costs more than the check."""
        recent = self.__dict__.setdefault("_instances", {})
        key = (domain.name, id(program))
        hit = recent.get(key)
        if hit is not None and hit[0] is program:
            return hit[1]
        out = self._instantiate(domain, program)
        if len(recent) >= 4:
            recent.pop(next(iter(recent)))
        recent[key] = (program, out)
        return out

    def _instantiate(self, domain: Domain, program: Term) -> tuple[z3.BoolRef, dict[str, z3.ExprRef]]:
        phi, fun, consts = self._template(domain)
        params = [z3.Const(f"__p{k}_{n}", domain.value_type(t).z3_sort())
                  for k, (n, t) in enumerate(self.signature.params)]
        body = encode(domain, program, {n: c for (n, _), c in zip(self.signature.params, params)})
        if params:  # z3 macro: the k-th bound variable is the k-th argument
            body = z3.substitute(body, *[(c, z3.Var(k, c.sort())) for k, c in enumerate(params)])
        return z3.substitute_funs(phi, (fun, body)), consts

    def _branches(self, program: Term) -> list[tuple[list[Term], list[Term], Term]] | None:
        """A top-level `ite` chain as (conditions that are false, condition that holds, branch term)."""
        if self.single_call is None or not (isinstance(program, App) and program.op == "ite"):
            return None
        out: list[tuple[list[Term], list[Term], Term]] = []
        negs: list[Term] = []
        t = program
        while isinstance(t, App) and t.op == "ite":
            cond, then_t, else_t = t.args
            out.append((list(negs), [cond], then_t))
            negs.append(cond)
            t = else_t
        out.append((negs, [], t))
        return out

    def verify(self, domain: Domain, program: Term, timeout_ms: int | None = None) -> SpecVerdict:
        """Does `program` meet the spec for every value of the variables?

        For a single-invocation spec (f always applied to the same variables) and a program that is an
        `ite` chain, the one query is split by branch: under branch i's path condition the program *is*
        term i, so the queries together are exactly the full check, and far easier for z3."""
        timeout = timeout_ms or self.timeout_ms
        branches = self._branches(program)
        if branches is not None:
            stop = time.monotonic() + timeout / 1000
            whole = self._whole(domain, program, int(timeout * 0.5))
            if whole.status != UNKNOWN:
                return whole
            _, _, consts = self._template(domain)
            env = {p: consts[v] for (p, _), v in zip(self.signature.params, self.single_call)}
            for negs, conds, term in branches:
                left = int(1000 * (stop - time.monotonic()))
                if left <= 10:
                    return SpecVerdict(UNKNOWN, "z3: unknown (timeout)")
                phi, _ = self.instantiate(domain, term)
                path = [z3.Not(encode(domain, c, env)) for c in negs] + [encode(domain, c, env) for c in conds]
                answer, extra = _check(path + [z3.Not(phi)], left)
                if answer == "unknown":
                    return SpecVerdict(UNKNOWN, f"z3: unknown ({extra})")
                if answer == "sat":
                    return self._failure(domain, extra, consts)
            return SpecVerdict(HOLDS, "z3: the specification holds for every input (checked branch by branch)")
        return self._whole(domain, program, timeout)

    def _whole(self, domain: Domain, program: Term, timeout: int) -> SpecVerdict:
        phi, consts = self.instantiate(domain, program)
        answer, extra = _check([z3.Not(phi)], timeout)
        if answer == "unsat":
            return SpecVerdict(HOLDS, "z3: the specification holds for every input")
        if answer == "unknown":
            return SpecVerdict(UNKNOWN, f"z3: unknown ({extra})")
        return self._failure(domain, extra, consts)

    def _failure(self, domain: Domain, model: Any, consts: Mapping[str, z3.ExprRef]) -> SpecVerdict:
        return _point_failure(domain, model, consts, self.variables)

    def more_counterexamples(self, domain: Domain, program: Term, seen: Sequence[Mapping[str, Any]], count: int,
                             timeout_ms: int | None = None) -> list[dict[str, Any]]:
        """Up to `count` further points where `program` fails, each different from `seen` and the others."""
        if not self.variables:
            return []
        phi, consts = self.instantiate(domain, program)
        return _failing_points(domain, phi, consts, self.variables, seen, count, int(timeout_ms or self.timeout_ms))

    def uninterpreted(self, domain: Domain) -> z3.FuncDeclRef:
        sorts = [domain.value_type(t).z3_sort() for _, t in self.signature.params]
        return z3.Function("__synth_" + self.signature.name, *sorts, domain.value_type(self.signature.returns).z3_sort())

    def observe(self, domain: Domain, point: Mapping[str, Any], timeout_ms: int = 2000) -> Observation | None:
        """What the spec requires of f at a concrete point; None when z3 cannot tell.

        Raises Unrealizable when no outputs at all fit there, NotSingleInvocation when f is
        applied to arguments that are not concrete at the point (nested calls)."""
        types = dict(self.variables)
        template, fun, symbols = self._template(domain)
        pairs = [(symbols[n], to_z3(domain, v, types[n])) for n, v in point.items() if n in symbols]
        phi = z3.simplify(z3.substitute(template, *pairs) if pairs else template)
        apps: dict[str, z3.ExprRef] = {}
        nested = [False]

        seen: set[int] = set()

        def walk(e: z3.ExprRef) -> None:
            if e.get_id() in seen:
                return
            seen.add(e.get_id())
            if z3.is_app(e) and e.decl().eq(fun):
                if all(z3.is_int_value(a) or z3.is_bv_value(a) or z3.is_true(a) or z3.is_false(a) for a in e.children()):
                    apps.setdefault(e.sexpr(), e)
                else:
                    nested[0] = True
            for c in e.children():
                walk(c)

        walk(phi)
        if nested[0]:
            raise NotSingleInvocation("the function is applied to arguments that are not constant at a "
                                      "counterexample point (nested calls): not supported")
        ptypes = [t for _, t in self.signature.params]
        rtype = self.signature.returns
        app_list = list(apps.values())
        inputs = tuple(tuple(domain.value_type(t).from_z3(a) for t, a in zip(ptypes, app.children())) for app in app_list)
        outs = [fresh(domain, f"__o{k}", rtype) for k in range(len(app_list))]
        body = z3.substitute(phi, *zip(app_list, outs)) if app_list else phi
        answer, model = _check([body], timeout_ms)
        if answer != "sat":
            if answer == "unsat":
                raise Unrealizable(f"no output satisfies the specification at {dict(point)!r}")
            return None
        witness = [model.eval(o, model_completion=True) for o in outs]
        unique = "unsat"
        if outs:
            unique, _ = _check([body, z3.Or([o != w for o, w in zip(outs, witness)])], timeout_ms)
        vt = domain.value_type(rtype)
        examples = None
        if unique == "unsat":
            examples = tuple(Example(i, vt.from_z3(w)) for i, w in zip(inputs, witness))
        cache: dict[tuple[Any, ...], bool] = {}

        def allows(values: tuple[Any, ...]) -> bool:
            hit = cache.get(values)
            if hit is None:
                subst = [(o, vt.to_z3(v)) for o, v in zip(outs, values)]
                hit = cache[values] = z3.is_true(z3.simplify(z3.substitute(body, *subst) if subst else body))
            return hit

        return Observation(inputs, examples, allows, dict(point))


FunInterps = Mapping[str, FunInterp]


@dataclass(frozen=True)
class MultiFunctionSpec:
    """∀ variables. formula({f1…fk}, variables): constraints over several functions at once (SyGuS
    files with more than one synth-fun).  A solution maps every function name to a program."""

    signatures: tuple[Signature, ...]
    variables: Params
    formula: Callable[[FunInterps, Mapping[str, z3.ExprRef]], z3.BoolRef]
    description: str = ""
    timeout_ms: int = 5000

    @classmethod
    def of(cls, spec: FunctionalSpec) -> "MultiFunctionSpec":
        """A one-function spec seen as a multi-function one (so one solver serves both)."""
        name = spec.signature.name
        return cls((spec.signature,), spec.variables, lambda funs, consts: spec.formula(funs[name], consts),
                   spec.description, spec.timeout_ms)

    def consts(self, domain: Domain) -> dict[str, z3.ExprRef]:
        """A fresh z3 constant per spec variable."""
        return {n: fresh(domain, n, t) for n, t in self.variables}

    def at_point(self, domain: Domain, funs: FunInterps, point: Mapping[str, Any]) -> z3.BoolRef:
        """The formula with the variables fixed to a concrete point."""
        types = dict(self.variables)
        return self.formula(funs, {n: to_z3(domain, point[n], types[n]) for n in types})

    def verify(self, domain: Domain, programs: Mapping[str, Term], timeout_ms: int | None = None) -> SpecVerdict:
        """Do the programs (one per function) meet the spec for every value of the variables?"""
        funs = {sig.name: interpretation(domain, programs[sig.name], sig.params) for sig in self.signatures}
        consts = self.consts(domain)
        answer, extra = _check([z3.Not(self.formula(funs, consts))], timeout_ms or self.timeout_ms)
        if answer == "unsat":
            return SpecVerdict(HOLDS, "z3: the specification holds for every input")
        if answer == "unknown":
            return SpecVerdict(UNKNOWN, f"z3: unknown ({extra})")
        return _point_failure(domain, extra, consts, self.variables)

    def unrealizable(self, domain: Domain, timeout_ms: int = 2000) -> bool:
        """True when z3 proves that no functions at all meet the spec (all left uninterpreted)."""
        funs = {}
        for sig in self.signatures:
            sorts = [domain.value_type(t).z3_sort() for _, t in sig.params]
            decl = z3.Function("__synth_" + sig.name, *sorts, domain.value_type(sig.returns).z3_sort())
            funs[sig.name] = lambda *a, decl=decl: decl(*a)
        answer, _ = _check([self.formula(funs, self.consts(domain))], timeout_ms)
        return answer == "unsat"

    def more_counterexamples(self, domain: Domain, programs: Mapping[str, Term], seen: Sequence[Mapping[str, Any]],
                             count: int, timeout_ms: int) -> list[dict[str, Any]]:
        """Up to `count` further points where the programs fail, each unlike `seen` and the others."""
        funs = {sig.name: interpretation(domain, programs[sig.name], sig.params) for sig in self.signatures}
        consts = self.consts(domain)
        return _failing_points(domain, self.formula(funs, consts), consts, self.variables, seen, count, timeout_ms)


def _point_failure(domain: Domain, model: Any, consts: Mapping[str, z3.ExprRef], variables: Params) -> SpecVerdict:
    """The verdict for a model of the negated spec: the point it gives is the counterexample."""
    point = _model_values(domain, model, consts, dict(variables))
    shown = ", ".join(f"{k}={v!r}" for k, v in point.items())
    return SpecVerdict(FAILS, f"violated at {shown}", Counterexample("point", values=point), "constraint")


def _failing_points(domain: Domain, phi: z3.BoolRef, consts: Mapping[str, z3.ExprRef], variables: Params,
                    seen: Sequence[Mapping[str, Any]], count: int, timeout_ms: int) -> list[dict[str, Any]]:
    """Up to `count` points where `phi` is false, each different from `seen` and the others."""
    types = dict(variables)
    solver = make_solver(timeout_ms)
    solver.add(z3.Not(phi))

    def block(point: Mapping[str, Any]) -> None:
        solver.add(z3.Or([consts[n] != to_z3(domain, v, types[n]) for n, v in point.items()]))

    for point in seen:
        block(point)
    found: list[dict[str, Any]] = []
    stop = time.monotonic() + timeout_ms / 1000
    while len(found) < count and time.monotonic() < stop and solver.check() == z3.sat:
        point = _model_values(domain, solver.model(), consts, types)
        found.append(point)
        block(point)
    return found


class Unrealizable(HypsearchError):
    """z3 proved that no function meets the specification (the answer is `infeasible`)."""


class NotSingleInvocation(HypsearchError):
    """A counterexample point does not fix the function's arguments (e.g. `(f (f x))`)."""


@dataclass(frozen=True)
class InvariantSpec:
    """pre(s) ⇒ inv(s); inv(s) ∧ trans(s, s') ⇒ inv(s'); inv(s) ⇒ post(s), over state variables s."""

    signature: Signature
    pre: Callable[[Sequence[z3.ExprRef]], z3.BoolRef]
    trans: Callable[[Sequence[z3.ExprRef], Sequence[z3.ExprRef]], z3.BoolRef]
    post: Callable[[Sequence[z3.ExprRef]], z3.BoolRef]
    description: str = ""
    timeout_ms: int = 5000

    def states(self, domain: Domain, suffix: str = "") -> list[z3.ExprRef]:
        return [fresh(domain, n + suffix, t) for n, t in self.signature.params]

    def _values(self, domain: Domain, model: Any, consts: Sequence[z3.ExprRef]) -> tuple[Any, ...]:
        return tuple(domain.value_type(t).from_z3(model.eval(c, model_completion=True))
                     for (_, t), c in zip(self.signature.params, consts))

    def verify(self, domain: Domain, program: Term, timeout_ms: int | None = None) -> SpecVerdict:
        """Check initiation, consecution and sufficiency in turn; the first failure gives the counterexample."""
        timeout = timeout_ms or self.timeout_ms
        inv = interpretation(domain, program, self.signature.params)
        s, t = self.states(domain), self.states(domain, "!")
        unknown: list[str] = []
        checks = (
            ("initiation", [self.pre(s), z3.Not(inv(*s))], "positive"),
            ("sufficiency", [inv(*s), z3.Not(self.post(s))], "negative"),
            ("consecution", [inv(*s), self.trans(s, t), z3.Not(inv(*t))], "implication"),
        )
        for condition, assertions, kind in checks:
            answer, extra = _check(assertions, timeout)
            if answer == "unknown":
                unknown.append(f"{condition}: {extra}")
                continue
            if answer == "sat":
                states = (self._values(domain, extra, s),)
                if kind == "implication":
                    states += (self._values(domain, extra, t),)
                what = {"positive": "an initial state is excluded",
                        "negative": "an included state violates the postcondition",
                        "implication": "a step leaves the invariant"}[kind]
                return SpecVerdict(FAILS, f"{condition} fails: {what}: {states!r}",
                                   Counterexample(kind, states), condition)
        if unknown:
            return SpecVerdict(UNKNOWN, "z3: unknown on " + "; ".join(unknown))
        return SpecVerdict(HOLDS, "z3: the invariant is initiated, inductive and sufficient")

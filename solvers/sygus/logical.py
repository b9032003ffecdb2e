"""SyGuS logical specifications (`constraint` formulas, `synth-inv`/`inv-constraint`) as Tasks with a spec.

Constraints are translated straight to z3 through the chosen domain's own primitive
encodings (so the spec and the programs share one semantics); `define-fun` macros and
`let` are expanded; the synth-fun is left as a parameter so `hypsearch.check.spec` can plug in
a candidate (verification) or an uninterpreted function (observations, unrealizability).
"""

from __future__ import annotations

import hashlib
import itertools
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

import z3

from hypsearch.check.smt import encode
from hypsearch.check.interpreter import evaluate
from hypsearch.core.domain import Domain, Primitive
from hypsearch.core.errors import UnsupportedError
from hypsearch.core.program import App as TApp, Const, Term, Var, size, subterms
from hypsearch.core.registry import get_domain, register_domain, registered_domain
from hypsearch.solvers.sygus import sexpr
from hypsearch.solvers.sygus.problem import DefineFun, SygusProblem
from hypsearch.check.smt import fresh
from hypsearch.check.spec import FunctionalSpec, InvariantSpec, MultiFunctionSpec
from hypsearch.core.task import Signature, Task

LOGIC_DOMAINS = {"LIA": "lia", "SAT": "lia", "BV": "bv", "QF_BV": "bv", "QF_LIA": "lia", "NIA": "lia", "CLIA": "lia"}


LEFT_ASSOC = frozenset({"+", "-", "*", "and", "or", "xor", "bvadd", "bvmul", "bvand", "bvor", "bvxor"})
RIGHT_ASSOC = frozenset({"=>"})


def _fold(prim: Primitive, args: list[z3.ExprRef]) -> z3.ExprRef:
    """Apply a binary primitive to n arguments as SMT-LIB reads it: left-associative (`+ - * and or
    xor`), right-associative (`=>`), or chainable (`= < <= …`: pairwise, conjoined)."""
    if len(args) == prim.arity or prim.arity != 2 or len(args) < 2:
        if len(args) != prim.arity:  # the reader checks arities; this guards other callers
            raise UnsupportedError(f"`{prim.name}` takes {prim.arity} arguments, got {len(args)}")
        return prim.encode(*args)
    if prim.name in RIGHT_ASSOC and len(args) > 2:
        out = args[-1]
        for a in reversed(args[:-1]):
            out = prim.encode(a, out)
        return out
    if prim.variadic or prim.name in LEFT_ASSOC:
        out = args[0]
        for a in args[1:]:
            out = prim.encode(out, a)
        return out
    if prim.ret_type == "Bool":  # chained comparison (< a b c) = (and (< a b) (< b c))
        return z3.And([prim.encode(a, b) for a, b in zip(args, args[1:])])
    raise UnsupportedError(f"`{prim.name}` takes 2 arguments, got {len(args)}")


class Translator:
    """sexpr terms → z3 terms in one domain, expanding macros; `funs` binds synthesised functions."""

    def __init__(self, domain: Domain, defines: Mapping[str, DefineFun]) -> None:
        self.domain = domain
        self.defines = dict(defines)

    def term(self, t: sexpr.Term, env: Mapping[str, z3.ExprRef], funs: Mapping[str, Callable[..., Any]]) -> z3.ExprRef:
        d = self.domain
        if isinstance(t, sexpr.Lit):
            return d.value_type(t.sort).to_z3(t.value)
        if isinstance(t, sexpr.Sym):
            if t.name in env:
                return env[t.name]
            if t.name in d.symbol_constants:
                typ, value = d.symbol_constants[t.name]
                return d.value_type(typ).to_z3(value)
            if t.name in self.defines and not self.defines[t.name].params:
                return self.term(self.defines[t.name].body, {}, funs)
            if t.name in funs:
                return funs[t.name]()
            raise UnsupportedError(f"unknown symbol `{t.name}` in the specification")
        if isinstance(t, sexpr.Let):
            inner = dict(env)
            for name, value in t.bindings:
                inner[name] = self.term(value, env, funs)
            return self.term(t.body, inner, funs)
        if isinstance(t, sexpr.App):
            args = [self.term(a, env, funs) for a in t.args]
            if t.head in funs:
                return funs[t.head](*args)
            if t.head in self.defines:
                macro = self.defines[t.head]
                if len(args) != len(macro.params):
                    raise UnsupportedError(f"`{t.head}` takes {len(macro.params)} arguments, got {len(args)}")
                return self.term(macro.body, {n: a for (n, _), a in zip(macro.params, args)}, funs)
            if t.head == "-" and len(args) == 1:
                return -args[0]
            if t.head == "distinct" and len(args) > 2:
                return z3.Distinct(*args)
            prim = d.primitive(t.head)
            if prim is None or prim.encode is None:
                raise UnsupportedError(f"operator `{t.head}` is not in domain {d.name!r}")
            return _fold(prim, args)
        raise UnsupportedError(f"unsupported term {t!r} in the specification")


def to_term(domain: Domain, t: sexpr.Term, params: Mapping[str, str]) -> Term:
    """A macro body as a domain program over its parameters (no nested macros, no let)."""
    if isinstance(t, sexpr.Lit):
        return Const(t.value, t.sort)
    if isinstance(t, sexpr.Sym):
        if t.name in params:
            return Var(t.name, params[t.name])
        if t.name in domain.symbol_constants:
            typ, value = domain.symbol_constants[t.name]
            return Const(value, typ)
        raise UnsupportedError(f"unknown symbol `{t.name}` in a macro")
    if isinstance(t, sexpr.App):
        prim = domain.primitive(t.head)
        if prim is None:
            raise UnsupportedError(f"operator `{t.head}` is not in domain {domain.name!r}")
        args = tuple(to_term(domain, a, params) for a in t.args)
        if len(args) != prim.arity:
            raise UnsupportedError(f"`{t.head}` takes {prim.arity} arguments, got {len(args)}")
        ret = prim.ret_type
        if ret in ("T", "U"):
            ret = args[prim.arg_types.index(ret)].type
        return TApp(prim.name, args, ret)
    raise UnsupportedError(f"unsupported macro body {t!r}")


def _macro_primitive(domain: Domain, macro: DefineFun) -> Primitive:
    """A define-fun as a primitive: interpreter, z3 encoding and batch all composed from the domain's own."""
    params = dict(macro.params)
    body = to_term(domain, macro.body, params)
    names = [n for n, _ in macro.params]

    def impl(*args: Any) -> Any:
        return evaluate(domain, body, dict(zip(names, args)))

    def encode_macro(*args: Any) -> Any:
        return encode(domain, body, dict(zip(names, args)))

    def batch(*columns: tuple[Any, ...]) -> tuple[Any, ...]:
        n = len(columns[0])

        def run(t: Term) -> tuple[Any, ...]:
            if isinstance(t, Var):
                return columns[names.index(t.name)]
            if isinstance(t, Const):
                return (t.value,) * n
            prim = domain.primitive(t.op)
            cols = [run(a) for a in t.args]
            if prim.batch is not None:
                return prim.batch(*cols)
            return tuple(map(prim.impl, *cols))

        return run(body)

    arg_types = tuple(t for _, t in macro.params)
    return Primitive(macro.name, arg_types, macro.sort, impl, f"macro {sexpr.show(macro.body)}",
                     encode=encode_macro, batch=batch)


def domain_with_macros(domain: Domain, macros: tuple[DefineFun, ...]) -> Domain:
    """The domain plus the problem's define-funs as primitives, registered under a content-derived name."""
    usable = []
    for m in macros:
        if domain.primitive(m.name) is not None:
            continue
        try:
            usable.append(_macro_primitive(domain, m))
        except UnsupportedError:
            continue
    if not usable:
        return domain
    key = hashlib.sha1(repr([(m.name, m.params, m.sort, m.body) for m in macros]).encode()).hexdigest()[:10]
    name = f"{domain.name}+{key}"
    existing = registered_domain(name)
    if existing is not None:
        return existing
    import dataclasses

    derived = dataclasses.replace(domain, name=name, primitives=tuple(domain.primitives) + tuple(usable))
    return register_domain(derived)


def logic_domain(problem: SygusProblem) -> Domain:
    """The domain of a SyGuS logic (LIA → lia, BV → bv)."""
    base = problem.logic.upper()
    name = LOGIC_DOMAINS.get(base)
    if name is None:
        raise UnsupportedError(f"{problem.path}: logic {problem.logic} is not supported for logical specifications "
                               f"(supported: {', '.join(sorted(LOGIC_DOMAINS))})")
    return get_domain(name)


def _check_sorts(problem: SygusProblem, domain: Domain, sorts: set[str]) -> None:
    missing = sorted(s for s in sorts if s not in domain.types)
    if missing:
        raise UnsupportedError(f"{problem.path}: sorts {missing} are not in domain {domain.name!r}")


def logical_task(problem: SygusProblem) -> Task:
    """A SyGuS problem whose spec is a formula (or an invariant) as a Task with `spec` set."""
    if len(problem.synth_funs) != 1:
        return multi_function_task(problem)
    from hypsearch.solvers.sygus.grammar import SygusMeta, search_grammar

    fun = problem.synth_funs[0]
    domain = logic_domain(problem)
    _check_sorts(problem, domain, {s for _, s in fun.params} | {fun.sort}
                 | ({s for _, s in problem.variables} if fun.kind != "inv" else set()))
    defines = {d.name: d for d in problem.define_funs}
    tr = Translator(domain, defines)
    signature = Signature(fun.params, fun.sort, fun.name)
    if fun.kind == "inv" or problem.inv_constraints:
        if len(problem.inv_constraints) != 1 or problem.constraints:
            raise UnsupportedError(f"{problem.path}: only one inv-constraint and no other constraint is supported")
        ic = problem.inv_constraints[0]
        for part in (ic.pre, ic.trans, ic.post):
            if part not in defines:
                raise UnsupportedError(f"{problem.path}: inv-constraint names undefined function `{part}`")
        pre_d, trans_d, post_d = defines[ic.pre], defines[ic.trans], defines[ic.post]
        n = len(fun.params)
        if len(pre_d.params) != n or len(post_d.params) != n or len(trans_d.params) != 2 * n:
            raise UnsupportedError(f"{problem.path}: pre/trans/post arities do not match the invariant's")

        declared = [(n, t) for n, t in problem.variables if not n.endswith("!")]
        fresh_ids = itertools.count()

        def call(d: DefineFun, args: list[z3.ExprRef]) -> z3.BoolRef:
            # declare-var'd symbols used free in pre/trans/post are nondeterministic inputs: fresh per use
            k = next(fresh_ids)
            env = {n: z3.Const(f"{n}@nd{k}", domain.value_type(t).z3_sort()) for n, t in declared
                   if t in domain.types}
            env.update({p: a for (p, _), a in zip(d.params, args)})
            return tr.term(d.body, env, {})

        spec: Any = InvariantSpec(
            signature,
            pre=lambda s: call(pre_d, list(s)),
            trans=lambda s, t: call(trans_d, list(s) + list(t)),
            post=lambda s: call(post_d, list(s)),
            description=f"inv-constraint {ic.inv} {ic.pre} {ic.trans} {ic.post}",
        )
        grammar = None
        condition = None
        terms: tuple[Term, ...] = ()
    else:
        if not problem.constraints:
            raise UnsupportedError(f"{problem.path}: no constraint to satisfy")
        constraints = problem.constraints
        name = fun.name

        def formula(f: Callable[..., Any], consts: Mapping[str, z3.ExprRef]) -> z3.BoolRef:
            return z3.And([tr.term(c, consts, {name: f}) for c in constraints])

        spec = FunctionalSpec(signature, problem.variables, formula, description=f"{len(constraints)} constraint(s)",
                              single_call=single_call(problem))
        # translate once now so malformed specs are refused before any search
        spec._template(domain)  # cached for verification and observations
        grammar = None
        try:
            view = single_invocation_view(problem, domain)
            terms = spec_terms(view, fun.sort) if view is not None and fun.grammar is None else ()
        except UnsupportedError:
            view, terms = None, ()
        condition = spec_condition(problem, domain, view) if fun.sort != "Bool" and view is not None else None
        if fun.grammar is not None:
            condition = None  # guarded answers may leave the grammar
            domain = domain_with_macros(domain, problem.define_funs)
            grammar = search_grammar(domain, fun, fun.grammar)
    if fun.kind == "inv":
        # probe the translation now so unsupported operators are refused up front
        s = spec.states(domain)
        spec.pre(s), spec.trans(s, spec.states(domain, "!")), spec.post(s)
    return Task(
        id=Path(problem.path).stem,
        domain=domain.name,
        signature=signature,
        examples=(),
        grammar=grammar,
        spec=spec,
        source=problem.path,
        metadata={"sygus": SygusMeta(fun), "constants": spec_constants(problem), "spec_ops": spec_ops(problem),
                  "spec_condition": condition, "spec_terms": terms},
    )


def multi_function_task(problem: SygusProblem) -> Task:
    """Several synth-funs constrained together: a Task whose spec is a MultiFunctionSpec (solved by
    filling the domain's sketches; the Task's signature is the first function's)."""
    from hypsearch.solvers.sygus.grammar import SygusMeta

    funs = problem.synth_funs
    if any(f.kind == "inv" for f in funs) or problem.inv_constraints:
        raise UnsupportedError(f"{problem.path}: several invariants to synthesise; one is supported")
    with_grammar = [f.name for f in funs if f.grammar is not None]
    if with_grammar:
        raise UnsupportedError(f"{problem.path}: {len(funs)} functions to synthesise, and {', '.join(with_grammar)} "
                               "restricted by a grammar; several functions are supported only without grammars")
    if not problem.constraints:
        raise UnsupportedError(f"{problem.path}: no constraint to satisfy")
    domain = logic_domain(problem)
    _check_sorts(problem, domain, {s for f in funs for _, s in f.params} | {f.sort for f in funs}
                 | {s for _, s in problem.variables})
    tr = Translator(domain, {d.name: d for d in problem.define_funs})
    constraints = problem.constraints

    def formula(fs: Mapping[str, Callable[..., Any]], consts: Mapping[str, z3.ExprRef]) -> z3.BoolRef:
        return z3.And([tr.term(c, consts, fs) for c in constraints])

    signatures = tuple(Signature(f.params, f.sort, f.name) for f in funs)
    spec = MultiFunctionSpec(signatures, problem.variables, formula,
                             description=f"{len(constraints)} constraint(s) over {len(funs)} functions")
    probe = {sig.name: (lambda *a, sig=sig: fresh(domain, "probe_" + sig.name, sig.returns)) for sig in signatures}
    spec.formula(probe, spec.consts(domain))  # translate once now: malformed specs are refused before any search
    return Task(
        id=Path(problem.path).stem,
        domain=domain.name,
        signature=signatures[0],
        examples=(),
        spec=spec,
        source=problem.path,
        metadata={"sygus": SygusMeta(funs[0]), "sygus_funs": tuple(SygusMeta(f) for f in funs)},
    )


def single_call(problem: SygusProblem) -> tuple[str, ...] | None:
    """The variables f is always applied to, when every call is `(f v1 … vn)` with the same distinct
    declared variables (macros expanded); None otherwise."""
    fun = problem.synth_funs[0]
    defines = {d.name: d for d in problem.define_funs}
    variables = dict(problem.variables)
    calls: set[tuple[str, ...]] = set()
    ok = [True]

    def scan(t: sexpr.Term, env: Mapping[str, sexpr.Term], depth: int) -> None:
        if depth > 200 or not ok[0]:
            ok[0] = False
            return
        if isinstance(t, sexpr.Sym) and t.name in env:
            return scan(env[t.name], {}, depth + 1)
        if isinstance(t, sexpr.App):
            if t.head == fun.name:
                args = [env.get(a.name, a) if isinstance(a, sexpr.Sym) else a for a in t.args]
                if all(isinstance(a, sexpr.Sym) and a.name in variables for a in args):
                    calls.add(tuple(a.name for a in args))  # type: ignore[union-attr]
                else:
                    ok[0] = False
                return
            for a in t.args:
                scan(a, env, depth + 1)
            if t.head in defines:
                d = defines[t.head]
                scan(d.body, {n: a for (n, _), a in zip(d.params, t.args)}, depth + 1)
        elif isinstance(t, sexpr.Let):
            ok[0] = False

    for c in problem.constraints:
        scan(c, {}, 0)
    if not ok[0] or len(calls) != 1:
        return None
    (call,) = calls
    return call if len(set(call)) == len(call) else None


def _spec_nodes(problem: SygusProblem) -> Iterator[sexpr.Term]:
    """Every node of the constraints and the define-fun bodies (`let` bindings included)."""
    stack: list[sexpr.Term] = list(reversed(problem.constraints)) + [d.body for d in reversed(problem.define_funs)]
    while stack:
        t = stack.pop()
        yield t
        if isinstance(t, sexpr.App):
            stack.extend(reversed(t.args))
        elif isinstance(t, sexpr.Let):
            stack.append(t.body)
            stack.extend(v for _, v in reversed(t.bindings))


def spec_ops(problem: SygusProblem) -> tuple[str, ...]:
    """Operators the constraints and definitions use (a spec-driven search may stick to them)."""
    return tuple(sorted({t.head for t in _spec_nodes(problem) if isinstance(t, sexpr.App)}))


def spec_constants(problem: SygusProblem, most: int = 24) -> tuple[int, ...]:
    """Integer literals of the constraints and definitions: search constants."""
    found = {int(t.value) for t in _spec_nodes(problem)
             if isinstance(t, sexpr.Lit) and t.sort == "Int" and not isinstance(t.value, bool)}
    return tuple(sorted(found, key=lambda n: (abs(n), n))[:most])


def pbe_spec(domain: Domain, signature: Signature, examples: tuple[Any, ...]) -> FunctionalSpec:
    """Input/output examples as a FunctionalSpec (no variables), so they go through CEGIS and z3 re-verification."""
    def formula(f: Callable[..., Any], consts: Mapping[str, z3.ExprRef]) -> z3.BoolRef:
        vts = [domain.value_type(t) for _, t in signature.params]
        out = domain.value_type(signature.returns)
        return z3.And([f(*(vt.to_z3(v) for vt, v in zip(vts, ex.inputs))) == out.to_z3(ex.output) for ex in examples])

    return FunctionalSpec(signature, (), formula, description=f"{len(examples)} examples")


def register_conditional_macros(domain: Domain, macros: tuple[DefineFun, ...]) -> None:
    """Mark define-funs of the shape `(ite (= p0 LIT) p1 p2)` as conditionals for unification."""
    from hypsearch.proposers.spec_enum import CONDITIONAL_OPS

    for m in macros:
        b = m.body
        if (len(m.params) == 3 and isinstance(b, sexpr.App) and b.head == "ite" and len(b.args) == 3
                and isinstance(b.args[0], sexpr.App) and b.args[0].head == "="
                and b.args[0].args[0] == sexpr.Sym(m.params[0][0]) and isinstance(b.args[0].args[1], sexpr.Lit)
                and b.args[1] == sexpr.Sym(m.params[1][0]) and b.args[2] == sexpr.Sym(m.params[2][0])):
            lit = b.args[0].args[1].value
            CONDITIONAL_OPS[(domain.name, m.name)] = lambda v, lit=lit: v == lit


def _fold_terms(domain: Domain, op: str, args: list[Term]) -> Term:
    prim = domain.primitive(op)
    if prim is None:
        raise UnsupportedError(f"operator `{op}` is not in domain {domain.name!r}")

    def app(a: list[Term]) -> Term:
        ret = prim.ret_type
        if ret in ("T", "U"):
            ret = a[prim.arg_types.index(ret)].type
        return TApp(prim.name, tuple(a), ret)

    if len(args) == prim.arity or prim.arity != 2 or len(args) < 2:
        if len(args) != prim.arity:
            raise UnsupportedError(f"`{op}` takes {prim.arity} arguments, got {len(args)}")
        return app(args)
    if prim.name == "distinct":  # pairwise, not chained
        return _fold_terms(domain, "and", [app([a, b]) for i, a in enumerate(args) for b in args[i + 1:]])
    if prim.name in RIGHT_ASSOC and len(args) > 2:
        out = args[-1]
        for a in reversed(args[:-1]):
            out = app([a, out])
        return out
    if prim.variadic or prim.name in LEFT_ASSOC:
        out = args[0]
        for a in args[1:]:
            out = app([out, a])
        return out
    if prim.ret_type == "Bool":
        return _fold_terms(domain, "and", [app([a, b]) for a, b in zip(args, args[1:])])
    raise UnsupportedError(f"`{op}` takes 2 arguments, got {len(args)}")


SpecToTerm = Callable[[Term], list[Term]]
"""The constraints as programs over f's parameters, with a given term in place of f's call."""


def single_invocation_view(problem: SygusProblem, domain: Domain) -> SpecToTerm | None:
    """For a single-invocation spec (f always applied to the same distinct variables, which are all
    the spec mentions): the constraints as programs over f's parameters; None otherwise."""
    fun = problem.synth_funs[0]
    defines = {d.name: d for d in problem.define_funs}
    calls: set[tuple[str, ...]] = set()
    ok = [True]

    def scan(t: sexpr.Term, depth: int = 0) -> None:
        if depth > 60:
            ok[0] = False
            return
        if isinstance(t, sexpr.App):
            if t.head == fun.name:
                if all(isinstance(a, sexpr.Sym) for a in t.args):
                    calls.add(tuple(a.name for a in t.args))  # type: ignore[union-attr]
                else:
                    ok[0] = False
            elif t.head in defines:
                ok[0] = ok[0] and True
            for a in t.args:
                scan(a, depth + 1)
        elif isinstance(t, sexpr.Let):
            ok[0] = False

    for c in problem.constraints:
        scan(c)
    if not ok[0] or len(calls) != 1:
        return None
    (call,) = calls
    variables = dict(problem.variables)
    if len(set(call)) != len(call) or any(v not in variables for v in call):
        return None
    rename = {v: p for v, (p, _) in zip(call, fun.params)}
    if any(v not in rename for v in variables if any(v in sexpr.symbols(c) for c in problem.constraints)):
        return None  # the spec mentions variables f does not see: not expressible over f's parameters
    ptypes = dict(fun.params)

    def convert(t: sexpr.Term, env: Mapping[str, Term], body: Term) -> Term:
        if isinstance(t, sexpr.Lit):
            return Const(t.value, t.sort)
        if isinstance(t, sexpr.Sym):
            if t.name in env:
                return env[t.name]
            if t.name in domain.symbol_constants:
                typ, value = domain.symbol_constants[t.name]
                return Const(value, typ)
            if t.name in defines and not defines[t.name].params:
                return convert(defines[t.name].body, {}, body)
            raise UnsupportedError(f"unknown symbol `{t.name}`")
        if isinstance(t, sexpr.App):
            if t.head == fun.name:
                return body
            args = [convert(a, env, body) for a in t.args]
            if t.head in defines:
                d = defines[t.head]
                return convert(d.body, {n: a for (n, _), a in zip(d.params, args)}, body)
            if t.head == "-" and len(args) == 1:
                return _fold_terms(domain, "-", [Const(0, "Int"), args[0]])
            return _fold_terms(domain, t.head, args)
        raise UnsupportedError(f"unsupported term {t!r}")

    base_env = {v: Var(p, ptypes[p]) for v, p in rename.items()}
    return lambda body: [convert(c, base_env, body) for c in problem.constraints]


def spec_terms(view: SpecToTerm, returns: str, most: int = 40) -> tuple[Term, ...]:
    """Maximal subterms of the spec of f's return type that do not involve f (smallest first): leaves
    that specs like `(=> guard (= (f x y) expr))` spell out, and enumeration reaches late if at all."""
    marker = Var("__f__", returns)
    found: dict[Term, None] = {}

    def walk(t: Term) -> None:
        if not isinstance(t, TApp):
            return
        if t.type == returns and marker not in subterms(t):
            found.setdefault(t)
            return
        for a in t.args:
            walk(a)

    for constraint in view(marker):
        walk(constraint)
    return tuple(sorted(found, key=size)[:most])


def spec_condition(problem: SygusProblem, domain: Domain, view: SpecToTerm | None = None) -> Callable[[Term], Term] | None:
    """For a single-invocation spec: a map from a candidate body t to the Bool program `spec[f := t]`
    over f's parameters; None otherwise."""
    view = view or single_invocation_view(problem, domain)
    if view is None:
        return None
    fun = problem.synth_funs[0]
    z3_params = {p: domain.value_type(t).z3_sort() for p, t in fun.params}

    def flatten(t: Term) -> list[Term]:
        if isinstance(t, TApp) and t.op == "and":
            return [q for a in t.args for q in flatten(a)]
        return [t]

    known: dict[Term, bool] = {}
    made: dict[Term, Term] = {}

    def valid(t: Term) -> bool:
        if t not in known:
            env = {p: z3.Const(p, sort) for p, sort in z3_params.items()}
            solver = z3.Solver()
            solver.set("timeout", 50)
            solver.add(z3.Not(encode(domain, t, env)))
            known[t] = solver.check() == z3.unsat
        return known[t]

    def condition(body: Term) -> Term:
        if body not in made:
            made[body] = build(body)
        return made[body]

    def build(body: Term) -> Term:
        parts: list[Term] = []
        for c in view(body):
            for q in flatten(c):
                if q not in parts and not valid(q):
                    parts.append(q)
        if not parts:
            return Const(True, "Bool")
        return _fold_terms(domain, "and", parts) if len(parts) > 1 else parts[0]

    try:
        condition(Var(fun.params[0][0], fun.params[0][1]) if fun.params else Const(0, fun.sort))
    except UnsupportedError:
        return None
    return condition

"""SyGuS problems as hypsearch Tasks, and answers back as verified `define-fun` text.

The synth-fun grammar becomes the task's SearchGrammar, so the search never leaves it;
the domain is whichever registered domain has every sort and operator the problem uses.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypsearch.domain import Domain
from hypsearch.errors import InvalidTaskError, UnsupportedError
from hypsearch.formats import TaskFormat
from hypsearch.program import Const, Var
from hypsearch.registry import available_domains
from hypsearch.result import Result, Status
from hypsearch.search_grammar import Production, SearchGrammar
from hypsearch.solvers.sygus import sexpr
from hypsearch.solvers.sygus.parse import parse_sygus_file
from hypsearch.solvers.sygus.problem import (
    AnyConstant, AnyVariable, Grammar, SygusProblem, SynthFun, format_define_fun, pbe_examples,
)
from hypsearch.task import Example, Signature, Task


@dataclass(frozen=True)
class SygusMeta:
    """What the printer needs besides the program: the synth-fun's header."""

    fun: SynthFun


def _ops_of(fun: SynthFun) -> set[str]:
    ops: set[str] = set()

    def walk(t: Any) -> None:
        if isinstance(t, sexpr.App):
            ops.add(t.head)
            for a in t.args:
                walk(a)

    if fun.grammar is not None:
        for rule in fun.grammar.rules:
            for p in rule.productions:
                walk(p)
    return ops


def choose_domain(problem: SygusProblem) -> Domain:
    """The smallest registered domain with every sort and operator the problem needs."""
    fun = problem.synth_funs[0]
    sorts = {s for _, s in fun.params} | {fun.sort}
    if fun.grammar is not None:
        sorts |= {r.sort for r in fun.grammar.rules}
    ops = _ops_of(fun)
    fits = [d for d in available_domains().values()
            if sorts <= set(d.types) and all(d.primitive(op) is not None for op in ops)]
    claiming = [d for d in fits if problem.logic in d.smt_logics]
    if claiming or fun.grammar is None:
        fits = claiming  # without a grammar the logic alone says which terms are allowed
    if not fits:
        raise UnsupportedError(f"{problem.path}: no installed domain handles sorts {sorted(sorts)} "
                               f"with operators {sorted(ops)}")
    return min(fits, key=lambda d: (len(d.primitives), d.name))


def _literal(domain: Domain, lit: sexpr.Lit) -> Const:
    if lit.sort not in domain.types:
        raise UnsupportedError(f"literal of sort {lit.sort} is not in domain {domain.name!r}")
    return Const(lit.value, lit.sort)


def search_grammar(domain: Domain, fun: SynthFun, grammar: Grammar) -> SearchGrammar:
    """The synth-fun grammar as a SearchGrammar (nested production arguments get helper nonterminals)."""
    nts = {r.nonterminal: r.sort for r in grammar.rules}
    params = dict(fun.params)
    prods: list[Production] = []
    extra: list[tuple[str, str]] = []
    fresh = itertools.count()
    any_constant: list[str] = []

    def leaf_or_nt(t: Any, sort: str | None) -> str:
        """A nonterminal deriving exactly the sub-production `t`."""
        if isinstance(t, sexpr.Sym) and t.name in nts:
            return t.name
        name = f"_n{next(fresh)}"
        typ = production(name, t)
        extra.append((name, typ))
        return name

    def production(nt: str, t: Any) -> str:
        """Add the production `nt -> t`; returns the type of t."""
        if isinstance(t, sexpr.Sym):
            if t.name in nts:
                prods.append(Production(nt, None, (t.name,)))
                return nts[t.name]
            if t.name in params:
                prods.append(Production(nt, leaf=Var(t.name, params[t.name])))
                return params[t.name]
            if t.name in domain.symbol_constants:
                typ, value = domain.symbol_constants[t.name]
                prods.append(Production(nt, leaf=Const(value, typ)))
                return typ
            raise UnsupportedError(f"grammar symbol `{t.name}` is not a nonterminal, parameter or constant")
        if isinstance(t, sexpr.Lit):
            c = _literal(domain, t)
            prods.append(Production(nt, leaf=c))
            return c.type
        if isinstance(t, AnyVariable):
            for name, sort in fun.params:
                if sort == t.sort:
                    prods.append(Production(nt, leaf=Var(name, sort)))
            return t.sort
        if isinstance(t, AnyConstant):
            any_constant.append(t.sort)
            for c in domain.default_constants(t.sort) if hasattr(domain, "default_constants") else ():
                prods.append(Production(nt, leaf=c))
            return t.sort
        if isinstance(t, sexpr.App):
            prim = domain.primitive(t.head)
            if prim is None:
                raise UnsupportedError(f"operator `{t.head}` is not in domain {domain.name!r}")
            if len(t.args) != prim.arity and not (prim.variadic and len(t.args) > prim.arity):
                raise InvalidTaskError(f"grammar production `{sexpr.show(t)}`: `{t.head}` takes "
                                       f"{prim.arity} arguments, not {len(t.args)}")
            args = tuple(leaf_or_nt(a, None) for a in t.args)
            prods.append(Production(nt, prim.name, args, cost=prim.cost))
            arg_types = [nts.get(a) or dict(extra)[a] for a in args]
            if prim.ret_type in ("T", "U"):
                position = prim.arg_types.index(prim.ret_type) if prim.ret_type in prim.arg_types else -1
                if not 0 <= position < len(arg_types):
                    raise InvalidTaskError(f"grammar production `{sexpr.show(t)}`: the sort of `{t.head}` "
                                           "cannot be told from its arguments")
                return arg_types[position]
            return prim.ret_type
        raise UnsupportedError(f"grammar production {t!r} is not supported")

    for rule in grammar.rules:
        for p in rule.productions:
            production(rule.nonterminal, p)
    return SearchGrammar(grammar.start, tuple(nts.items()) + tuple(extra), tuple(prods), tuple(any_constant))


def problem_to_task(problem: SygusProblem) -> Task:
    """A PBE SyGuS problem as a Task; UnsupportedError for specs that are not examples."""
    if len(problem.synth_funs) != 1:
        from hypsearch.solvers.sygus.logical import multi_function_task  # constraints over several functions

        return multi_function_task(problem)
    fun = problem.synth_funs[0]
    examples = pbe_examples(problem)
    if examples is None:
        from hypsearch.solvers.sygus.logical import logical_task  # formulas and invariants: CEGIS

        return logical_task(problem)
    spec = None
    try:
        domain = choose_domain(problem)
    except UnsupportedError:
        from hypsearch.solvers.sygus.logical import (  # grammar calls define-funs: macros, spec, CEGIS
            domain_with_macros, logic_domain, pbe_spec, register_conditional_macros)

        if not problem.define_funs:
            raise
        domain = domain_with_macros(logic_domain(problem), problem.define_funs)
        spec = pbe_spec(domain, Signature(fun.params, fun.sort, fun.name),
                        tuple(Example(tuple(a.value for a in ins), out.value) for ins, out in examples))
        register_conditional_macros(domain, problem.define_funs)
    grammar = search_grammar(domain, fun, fun.grammar) if fun.grammar is not None else None
    return Task(
        id=Path(problem.path).stem,
        domain=domain.name,
        signature=Signature(fun.params, fun.sort, fun.name),
        examples=tuple(Example(tuple(a.value for a in ins), out.value) for ins, out in examples),
        grammar=grammar,
        spec=spec,
        source=problem.path,
        metadata={"sygus": SygusMeta(fun)},
    )


def load(path: Path) -> list[Task]:
    """Read one `.sl` file as one task.

    The reader checks arities and sorts; a z3 sort error or an evaluation error while the spec
    is translated (e.g. through a plug-in's primitive) still becomes a one-line InvalidTaskError."""
    problem = parse_sygus_file(path)
    import z3

    try:
        return [problem_to_task(problem)]
    except z3.Z3Exception as exc:
        message = exc.value.decode(errors="replace") if isinstance(exc.value, bytes) else str(exc.value)
        raise InvalidTaskError(f"{path}: the specification does not translate to z3: {message}") from None
    except RecursionError:
        raise InvalidTaskError(f"{path}: the specification is nested too deeply to translate") from None


def render(task: Task, result: Result) -> str:
    """`(define-fun …)` for a solution, `infeasible`, or `fail` as SyGuS solvers print."""
    if result.status is Status.SOLVED and result.definitions:  # several functions, in declaration order
        texts = dict(result.definitions)
        return "\n".join(format_define_fun(m.fun.name, m.fun.params, m.fun.sort, texts[m.fun.name])
                         for m in task.metadata["sygus_funs"])
    if result.status is Status.SOLVED:
        return format_define_fun(task.signature.name, task.signature.params, task.signature.returns,
                                 result.program_text)
    if result.status is Status.INFEASIBLE:
        return "infeasible"
    if result.status is Status.UNSUPPORTED:
        return "unsupported"
    return "fail"


def exit_code(result: Result) -> int:
    return {Status.SOLVED: 0, Status.INFEASIBLE: 0, Status.UNSUPPORTED: 3}.get(result.status, 1)


FORMAT = TaskFormat(
    name="sygus",
    detect=lambda p: p.suffix == ".sl",
    load=load,
    render=render,
    exit_code=exit_code,
)

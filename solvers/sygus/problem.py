"""The data model of a parsed SyGuS problem: synth-funs with grammars, definitions, constraints.

Sorts are SMT-LIB sort text in canonical spelling: `Int`, `String`, `Bool`, `(_ BitVec 64)`
(v1's `(BitVec 64)` is normalised), `(Array Int Int)`.  Terms are `sexpr` terms.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Union

from hypsearch.solvers.sygus.sexpr import App, Lit, Sym, Term, show_identifier

__all__ = [
    "AnyConstant", "AnyVariable", "Production", "GrammarRule", "Grammar", "SynthFun",
    "DefineFun", "InvConstraint", "SygusProblem", "pbe_examples", "format_define_fun",
]

Params = tuple[tuple[str, str], ...]  # ((name, sort), ...)


@dataclass(frozen=True, slots=True)
class AnyConstant:
    """The grammar production `(Constant S)`: any literal of sort S."""

    sort: str


@dataclass(frozen=True, slots=True)
class AnyVariable:
    """The grammar production `(Variable S)` (v1 also `InputVariable`/`LocalVariable`): any
    parameter of sort S."""

    sort: str


Production = Union[Term, AnyConstant, AnyVariable]


@dataclass(frozen=True, slots=True)
class GrammarRule:
    """One nonterminal, its sort, and its productions (Sym leaves may name nonterminals,
    parameters, nullary define-funs or theory constants; App heads are operators)."""

    nonterminal: str
    sort: str
    productions: tuple[Production, ...]


@dataclass(frozen=True, slots=True)
class Grammar:
    """A synth-fun's syntactic restriction; `start` is the first nonterminal (v1 and v2)."""

    start: str
    rules: tuple[GrammarRule, ...]

    @property
    def nonterminals(self) -> tuple[str, ...]:
        """The nonterminal names in declaration order."""
        return tuple(rule.nonterminal for rule in self.rules)

    def rule(self, nonterminal: str) -> GrammarRule:
        """The rule of `nonterminal` (KeyError when it has none)."""
        for rule in self.rules:
            if rule.nonterminal == nonterminal:
                return rule
        raise KeyError(nonterminal)


@dataclass(frozen=True, slots=True)
class SynthFun:
    """A function to synthesise: `synth-fun` (kind "fun") or `synth-inv` (kind "inv", sort Bool)."""

    name: str
    params: Params
    sort: str
    grammar: Grammar | None
    kind: Literal["fun", "inv"] = "fun"


@dataclass(frozen=True, slots=True)
class DefineFun:
    """A `define-fun` macro: the constraints (and grammars) may call it by name."""

    name: str
    params: Params
    sort: str
    body: Term


@dataclass(frozen=True, slots=True)
class InvConstraint:
    """`(inv-constraint inv pre trans post)`: names of the synth-inv and three define-funs."""

    inv: str
    pre: str
    trans: str
    post: str


@dataclass(frozen=True, slots=True)
class SygusProblem:
    """One SyGuS file: version is 1 when v1-only syntax was seen, else 2.

    `variables` are the declare-var (and declare-primed-var: x then x!) names with their sorts.
    """

    path: str
    version: int
    logic: str
    synth_funs: tuple[SynthFun, ...]
    variables: Params
    define_funs: tuple[DefineFun, ...]
    constraints: tuple[Term, ...]
    inv_constraints: tuple[InvConstraint, ...]


Example = tuple[tuple[Lit, ...], Lit]


def _call_of(term: Term, fun: SynthFun) -> tuple[Lit, ...] | None:
    """The literal arguments when `term` is `(fun lit...)` (or `fun` for a nullary one)."""
    if not fun.params:
        return () if term == Sym(fun.name) else None
    if not isinstance(term, App) or term.head != fun.name or len(term.args) != len(fun.params):
        return None
    if not all(isinstance(arg, Lit) for arg in term.args):
        return None
    return tuple(arg for arg in term.args if isinstance(arg, Lit))


def pbe_examples(problem: SygusProblem) -> list[Example] | None:
    """Input/output examples when every constraint is `(= (f lit...) lit)` or `(= lit (f lit...))`
    for the one synth-fun f; None for any other specification (or no constraint at all)."""
    if len(problem.synth_funs) != 1 or problem.inv_constraints or not problem.constraints:
        return None
    fun = problem.synth_funs[0]
    examples: list[Example] = []
    for constraint in problem.constraints:
        if not isinstance(constraint, App) or constraint.head != "=" or len(constraint.args) != 2:
            return None
        left, right = constraint.args
        inputs = _call_of(left, fun)
        output = right
        if inputs is None:
            inputs, output = _call_of(right, fun), left
        if inputs is None or not isinstance(output, Lit):
            return None
        examples.append((inputs, output))
    return examples


def format_define_fun(name: str, params: Params, sort: str, body_text: str) -> str:
    """The answer text `(define-fun name ((x S) ...) sort body_text)`."""
    param_text = " ".join(f"({show_identifier(p)} {s})" for p, s in params)
    return f"(define-fun {show_identifier(name)} ({param_text}) {sort} {body_text})"

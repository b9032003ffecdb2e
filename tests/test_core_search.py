"""The search itself: enumeration with observational equivalence, unification, decomposition."""

from __future__ import annotations

import time

from hypsearch import Example, Settings, Signature, Status, Task, get_domain, solve
from hypsearch.search.enumeration import Enumerator
from hypsearch.core.program import App, Const, Var
from hypsearch.core.grammar import Production, SearchGrammar

D = get_domain("strings")


def _grammar(*extra: Production) -> SearchGrammar:
    s, i, b = "S", "I", "B"
    prods = (
        Production(s, leaf=Var("x", "String")),
        Production(s, leaf=Const(" ", "String")),
        Production(s, leaf=Const(".", "String")),
        Production(s, "str.++", (s, s)),
        Production(s, "str.at", (s, i)),
        Production(s, "ite", (b, s, s)),
        Production(i, leaf=Const(0, "Int")),
        Production(i, leaf=Const(1, "Int")),
        Production(i, "+", (i, i)),
        Production(i, "str.indexof", (s, s, i)),
        Production(b, "str.prefixof", (s, s)),
        *extra,
    )
    return SearchGrammar(s, ((s, "String"), (i, "Int"), (b, "Bool")), prods)


def _task(pairs: list[tuple[str, str]], grammar: SearchGrammar | None = None) -> Task:
    return Task("t", "strings", Signature((("x", "String"),), "String"),
                tuple(Example((a,), o) for a, o in pairs), grammar=grammar)


def test_observational_equivalence_keeps_one_program_per_behaviour() -> None:
    envs = [{"x": "ab"}, {"x": "c"}]
    enum = Enumerator(D, _grammar(), envs, None, deadline=time.monotonic() + 30, max_cost=4)
    for _ in enum:
        pass
    values = [v for level in enum.bank.values["S"].values() for v in level]
    assert len(values) == len(set(values))
    # (str.++ x "") would equal x, and (str.at x 0) on "c" equals x: behaviours, not programs, are kept
    assert enum.bank.seen["S"][("ab", "c")] == Var("x", "String")


def test_exhaustion_is_detected_on_a_finite_space() -> None:
    g = SearchGrammar("S", (("S", "String"),), (Production("S", leaf=Var("x", "String")),))
    result = solve(_task([("a", "b")], g), Settings(time_limit=10))
    assert result.status is Status.UNSOLVED
    assert result.stop_reason.startswith("search space exhausted at size")


def test_finds_the_smallest_program_first() -> None:
    result = solve(_task([("ab", "a"), ("xyz", "x")], _grammar()), Settings(time_limit=20))
    assert result.program_text == "(str.at x 0)"


def test_decomposition_assembles_initials() -> None:
    pairs = [("Ann Lee", "A.L."), ("Bo Kim", "B.K."), ("Cy Dunn", "C.D.")]
    result = solve(_task(pairs, _grammar()), Settings(time_limit=30))
    assert result.status is Status.SOLVED
    # the pieces in order; how the associative str.++ nests them is not fixed (it follows set iteration order)
    assert _concatenated(result.program) == ['(str.at x 0)', '"."', '(str.at x (+ 1 (str.indexof x " " 0)))', '"."']


def _concatenated(term: object) -> list[str]:
    """The operands of nested `str.++` applications, left to right, printed."""
    if isinstance(term, App) and term.op == "str.++":
        return [piece for arg in term.args for piece in _concatenated(arg)]
    return [D.show(term)]


def test_unification_joins_terms_with_a_learned_condition() -> None:
    # answer: (ite (str.prefixof "." x) " " x) — no single term fits both kinds of input
    pairs = [(".a", " "), (".b", " "), ("ab", "ab"), ("cd", "cd")]
    result = solve(_task(pairs, _grammar()), Settings(time_limit=30, unify_after=0.0))
    assert result.status is Status.SOLVED
    assert isinstance(result.program, App) and result.program.op == "ite"


def test_answers_stay_inside_the_task_grammar() -> None:
    result = solve(_task([("ab", "ab ")], _grammar()), Settings(time_limit=20))
    assert result.status is Status.SOLVED
    assert _grammar().accepts(result.program)

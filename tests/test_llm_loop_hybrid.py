"""Hybrid helpers without any endpoint: fragments of model programs, grammar enrichment, hole filling by search."""

from __future__ import annotations

import time

from hypsearch import Example, Signature, Task
from hypsearch.core.program import Const, Hole, Var
from hypsearch.proposers.hybrid import enrich_grammar, fill_by_enumeration, fragments
from hypsearch.core.registry import get_domain
from hypsearch.core.grammar import Production, SearchGrammar

STRINGS = get_domain("strings")
SIG = (("x", "String"),)
TASK = Task("greet", "strings", Signature(SIG, "String"), (Example(("Ann",), "Hi Ann"), Example(("Bo",), "Hi Bo")))


def parse(text: str):
    return STRINGS.parse(text, dict(SIG))


def test_fragments_are_hole_free_subterms_most_frequent_first() -> None:
    a, b = parse('(str.++ (str.at x 0) ".")'), parse('(str.++ (str.at x 0) ?)')
    pieces = fragments([a, b])
    assert pieces[:2] == [Const(0, "Int"), parse("(str.at x 0)")]  # in both programs, smallest first
    assert Const(".", "String") in pieces and a in pieces
    assert all(not isinstance(p, (Var, Hole)) for p in pieces) and b not in pieces  # b has a hole


def test_enrich_grammar_respects_a_task_grammar() -> None:
    grammar = SearchGrammar("S", (("S", "String"), ("I", "Int")), (
        Production("S", leaf=Var("x", "String")), Production("I", leaf=Const(0, "Int")),
        Production("S", "str.++", ("S", "S")), Production("S", "str.at", ("S", "I"))))
    inside, outside = parse("(str.at x 0)"), parse("(str.substr x 0 0)")
    enriched = enrich_grammar(grammar, [inside, outside, Const(7, "Int")], strict=True)
    leaves = {(p.nonterminal, p.leaf) for p in enriched.productions if p.leaf is not None}
    assert ("S", inside) in leaves and ("S", outside) not in leaves and ("I", Const(7, "Int")) not in leaves
    loose = enrich_grammar(grammar, [outside, Const(7, "Int")], strict=False)
    assert {("S", outside), ("I", Const(7, "Int"))} <= {(p.nonterminal, p.leaf) for p in loose.productions}


def test_fill_by_enumeration_without_z3() -> None:
    sketch = parse("(str.++ ? x)")
    filled = fill_by_enumeration(STRINGS, TASK, sketch, [Const("", "String"), Const("Hi ", "String")],
                                 time.monotonic() + 5)
    assert filled == parse('(str.++ "Hi " x)')
    assert fill_by_enumeration(STRINGS, TASK, sketch, [Const("Yo ", "String")], time.monotonic() + 5) is None

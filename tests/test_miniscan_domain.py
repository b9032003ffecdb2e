"""MiniSCAN domain: primitives, precedence parsing, printer ≡ parser, grammar induction, benchmark solves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark

from hypsearch.check.interpreter import evaluate
from hypsearch import EvaluationError, InputSyntaxError, ProgramError, Settings, get_domain, solve
from hypsearch.domains.miniscan import grammar_term
from hypsearch.solvers.miniscan import FORMAT, load
from hypsearch.domains.miniscan.search import (
    cheapest_combinations, induce, ordered_levels, patterns, rule_cost, weak_orders,
)
from hypsearch.domains.miniscan.semantics import Interpretation, Rule, interpret
from hypsearch.core.errors import InvalidTaskError
from hypsearch.search.generators import terms
from hypsearch.core.program import App, Const, Var
from hypsearch.core.syntax import parser_for

D = get_domain("miniscan")
VARS = {"x": "String"}
LEX = '(word "dax" "RED") (word "wif" "BLUE") (word "lug" "GREEN")'


def run(grammar: str, sentence: str) -> object:
    return evaluate(D, D.parse(f"(interpret (grammar {LEX} {grammar}) x)", VARS), {"x": sentence})


@pytest.mark.parametrize("grammar, sentence, expected", [
    ("", "wif", "BLUE"),                                                    # word, interpret
    ('(postfix "fep" 1 [x x x])', "dax fep", "RED RED RED"),                # postfix
    ('(postfix "fep" 1 [x ~x])', "dax wif", None),                          # two phrases, no function word
    ('(prefix "zup" 1 [~x x])', "zup dax", "RED RED"),                      # prefix
    ('(infix "kiki" 1 [y x])', "dax kiki wif", "BLUE RED"),                 # infix
    ('(infix "kiki" 1 [y x])', "dax kiki wif kiki lug", "GREEN BLUE RED"),  # left grouping
    ('(infixr "kiki" 1 [x y x])', "dax kiki wif kiki lug", "RED BLUE GREEN BLUE RED"),  # infixr groups right
    ('(infix "kiki" 1 [x y x])', "dax kiki wif kiki lug", "RED BLUE RED GREEN RED BLUE RED"),
    ('(infix "k" 1 [x ~y]) (postfix "fep" 2 [x x])', "dax k wif lug fep", None),
])
def test_primitives(grammar: str, sentence: str, expected: object) -> None:
    if expected is None:
        with pytest.raises(EvaluationError):
            run(grammar, sentence)
    else:
        assert run(grammar, sentence) == expected


def test_lower_levels_bind_tighter() -> None:
    tight = '(postfix "fep" 1 [x x x]) (infix "kiki" 2 [y x])'
    loose = '(postfix "fep" 2 [x x x]) (infix "kiki" 1 [y x])'
    assert run(tight, "dax kiki wif fep") == "BLUE BLUE BLUE RED"
    assert run(loose, "dax kiki wif fep") == "BLUE RED BLUE RED BLUE RED"
    assert run('(infix "k" 1 [x ~y]) (postfix "fep" 2 [x x])', "dax k wif k lug") == "RED BLUE GREEN"


@pytest.mark.parametrize("grammar, message", [
    ('(word "dax" "PINK")', "defined twice"),                 # grammar: a word defined twice
    ('(postfix "fep" 1 [x y])', "may only use x"),            # unary patterns use x only
    ('(infix "kiki" 1 [x x])', "both x and y"),               # binary patterns use both
    ('(word "two words" "RED")', "one token"),
])
def test_ill_formed_grammars_are_runtime_errors(grammar: str, message: str) -> None:
    with pytest.raises(EvaluationError, match=message):
        run(grammar, "dax")


def test_unknown_words_and_dangling_function_words_fail() -> None:
    with pytest.raises(EvaluationError, match="unknown word"):
        run("", "blicket")
    with pytest.raises(EvaluationError, match="no argument"):
        run('(postfix "fep" 1 [x x])', "fep dax")
    with pytest.raises(EvaluationError, match="argument is expected"):
        run('(infix "kiki" 1 [y x])', "dax kiki")


def test_every_primitive_has_a_one_line_doc() -> None:
    assert {p.name for p in D.primitives} == {"word", "postfix", "prefix", "infix", "infixr", "grammar", "interpret"}
    assert all(p.doc and "\n" not in p.doc for p in D.primitives)


WORDS = st.sampled_from(("dax", "wif", "lug", "fep", "kiki"))
RULES = st.builds(
    lambda word, kind, level, k: Rule(word, kind, level, patterns(kind)[k % len(patterns(kind))]),
    WORDS, st.sampled_from(("postfix", "prefix", "infix", "infixr")), st.integers(0, 5), st.integers(0, 400))
GRAMMARS = st.builds(
    lambda lex, rules: Interpretation(tuple(lex.items()), tuple(rules)),
    st.dictionaries(WORDS, st.lists(st.sampled_from(("RED", "BLUE")), min_size=1, max_size=3).map(tuple),
                    max_size=3),
    st.lists(RULES, max_size=3))
PROGRAMS = st.one_of(
    terms(D, VARS, "String", max_depth=3),
    GRAMMARS.map(lambda g: App("interpret", (grammar_term(g), Var("x", "String")), "String")),
)


@settings(max_examples=150)
@given(term=PROGRAMS)
def test_printed_programs_reparse_to_the_same_ast(term) -> None:
    assert D.parse(D.show(term), VARS) == term


@settings(max_examples=60)
@given(text=from_lark(parser_for(D), start="start"))
def test_parser_fails_only_with_clean_errors(text: str) -> None:
    try:
        D.parse(text, VARS)
    except (InputSyntaxError, ProgramError):
        pass


def test_the_empty_grammar_and_flat_printing() -> None:
    assert D.parse("empty", {}) == Const(Interpretation(), "Grammar")
    text = f"(interpret (grammar {LEX}) x)"
    assert D.show(D.parse(text, VARS)) == text


def test_template_family_sizes() -> None:
    assert len(patterns("postfix")) == 30 and ("x", "x", "x") in patterns("postfix")
    assert ("y", "x") in patterns("infix") and all({a.lstrip("~") for a in p} == {"x", "y"} for p in patterns("infix"))
    assert len(weak_orders(3)) == 13


def test_rule_combinations_come_cheapest_first() -> None:
    options = [sorted((Rule(w, "postfix", 1, p) for p in patterns("postfix")[:6]), key=rule_cost) for w in ("a", "b")]
    costs = [sum(rule_cost(r) for r in combo) for combo in cheapest_combinations(options)]
    assert len(costs) == 36 and costs == sorted(costs)


def test_unary_words_bind_tighter_in_the_first_order_tried() -> None:
    assert ordered_levels((2, 1))[0] == (2, 1)
    assert ordered_levels((1, 2, 2))[0][0] == 1 and len(set(ordered_levels((1, 2, 2))[0])) == 3


def test_worked_examples_parse_and_run() -> None:
    for ex in D.examples:
        program = D.parse(ex.program, dict(ex.variables))
        assert D.show(program) == ex.program
    assert evaluate(D, D.parse(D.examples[0].program, VARS), {"x": "wif fep"}) == "BLUE BLUE BLUE"


LAKE = [("dax", "RED"), ("wif", "BLUE"), ("lug", "GREEN"), ("dax fep", "RED RED RED"),
        ("dax blicket wif", "RED BLUE RED"), ("wif kiki dax", "RED BLUE"),
        ("dax fep kiki wif", "BLUE RED RED RED"), ("wif kiki dax blicket lug", "RED GREEN RED BLUE")]


def test_induction_recovers_lakes_grammar() -> None:
    grammar = next(induce(LAKE, float("inf")))
    rules = {r.word: (r.kind, r.pattern) for r in grammar.rules}
    assert rules == {"fep": ("postfix", ("x", "x", "x")), "blicket": ("infix", ("x", "y", "x")),
                     "kiki": ("infix", ("y", "x"))}
    assert interpret(grammar, "lug fep kiki dax blicket wif") == "RED BLUE RED GREEN GREEN GREEN"


def test_induction_yields_nothing_for_contradictory_words() -> None:
    assert list(induce([("dax", "RED"), ("dax", "BLUE")], float("inf"))) == []


@pytest.fixture
def scan_file(shared_benchmarks: Path) -> Path:
    return shared_benchmarks / "miniscan" / "scan.jsonl"


def test_loader_and_detection(scan_file: Path, shared_benchmarks: Path) -> None:
    tasks = load(scan_file)
    assert len(tasks) == 100 and FORMAT.detect(scan_file)
    assert not FORMAT.detect(shared_benchmarks / "acre" / "acre.jsonl")
    assert not FORMAT.detect(shared_benchmarks / "list-functions" / "qiu2024" / "list_function.jsonl")
    t = tasks[0].task
    assert t.id == "scan/0" and len(t.examples) == 14 and len(t.tests) == 10 and tasks[0].known
    assert t.examples[4].inputs == ("siun mcneilt",) and t.examples[4].output == "BLUE BLUE BLUE"


def test_loader_rejects_missing_train_outputs(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"idx": 3, "train": [{"input": "dax"}], "test": [{"input": "dax"}]}) + "\n")
    with pytest.raises(InvalidTaskError, match="bad/3"):
        load(bad)


@pytest.mark.parametrize("name", ["scan.jsonl", "scan_rand.jsonl"])
def test_benchmark_tasks_solve_without_an_llm(shared_benchmarks: Path, name: str) -> None:
    tasks = load(shared_benchmarks / "miniscan" / name)
    for labelled in tasks[::40]:
        result = solve(labelled.task, Settings(time_limit=20))
        assert result.solved, result.stop_reason
        assert [p[0] for p in result.predictions] == list(labelled.answers), labelled.id
    assert json.loads(FORMAT.render(labelled.task, result))["predictions"] == list(labelled.answers)

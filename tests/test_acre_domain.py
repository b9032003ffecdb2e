"""ACRE domain: primitives, interpreter ≡ z3, printer ≡ parser, version space ≡ brute force, benchmark solves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import z3
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark

from hypsearch.check.smt import encode
from hypsearch.check.interpreter import evaluate
from hypsearch import InputSyntaxError, ProgramError, Settings, get_domain, solve
from hypsearch.solvers.acre import FORMAT, load
from hypsearch.domains.acre.version_space import (
    evidence, label_by_enumeration, label_by_z3, rule_program,
)
from hypsearch.core.errors import InvalidTaskError
from hypsearch.core.formats import detect_format
from hypsearch.search.generators import terms, values
from hypsearch.check.smt import to_z3
from hypsearch.core.syntax import parser_for

D = get_domain("acre")
VARS = {"x": "Objects", "o": "Object"}
PANEL = frozenset({"red metal cube", "blue rubber sphere"})


def run(text: str, x: frozenset[str] = PANEL, o: str = "red metal cube") -> object:
    return evaluate(D, D.parse(text, VARS), {"x": x, "o": o})


@pytest.mark.parametrize("text, expected", [
    ('(has x "red metal cube")', True),                              # has
    ('(has x "gray metal cube")', False),
    ('(subset x {"red metal cube" "blue rubber sphere" "z"})', True),  # subset
    ('(subset x {"red metal cube"})', False),
    ('(subset {} x)', True),
    ('(and (has x o) (has x "blue rubber sphere"))', True),            # and (n-ary)
    ('(and (has x o) false (has x o))', False),
    ('(or false (has x "q") (has x o))', True),                        # or (n-ary)
    ('(or false false)', False),
    ('(not (has x o))', False),                                        # not
    ('(ite (has x o) on off)', "on"),                                  # ite, labels
    ('(ite (has x "q") on undetermined)', "undetermined"),
])
def test_primitives(text: str, expected: object) -> None:
    assert run(text) == expected


def test_every_primitive_has_a_doc_and_an_encoding() -> None:
    assert D.has_encoding
    assert all(p.doc and "\n" not in p.doc for p in D.primitives)
    assert {p.name for p in D.primitives} == {"has", "subset", "and", "or", "not", "ite"}


PROGRAMS = st.one_of(*(terms(D, VARS, typ, max_depth=3) for typ in ("Label", "Bool")))
INPUTS = st.fixed_dictionaries({name: values(D, t) for name, t in VARS.items()})


@settings(max_examples=100)
@given(term=PROGRAMS, env=INPUTS)
def test_interpreter_agrees_with_z3_encoding(term, env) -> None:
    # z3 does not reduce set inclusion to a constant, so ask it to refute the interpreter's value
    expected = evaluate(D, term, env)
    z3_env = {name: to_z3(D, value, VARS[name]) for name, value in env.items()}
    solver = z3.Solver()
    solver.add(encode(D, term, z3_env) != to_z3(D, expected, term.type))
    assert solver.check() == z3.unsat


@settings(max_examples=150)
@given(term=st.one_of(*(terms(D, VARS, t, max_depth=3) for t in ("Label", "Bool", "Objects", "Object"))))
def test_printed_programs_reparse_to_the_same_ast(term) -> None:
    assert D.parse(D.show(term), VARS) == term


@settings(max_examples=60)
@given(text=from_lark(parser_for(D), start="start"))
def test_parser_fails_only_with_clean_errors(text: str) -> None:
    try:
        D.parse(text, VARS)
    except (InputSyntaxError, ProgramError):
        pass


def test_bad_programs_report_clean_errors() -> None:
    with pytest.raises(InputSyntaxError):
        D.parse('(has x "red', VARS)
    with pytest.raises(ProgramError, match="unknown name"):
        D.parse("(ite (has x o) on of)", VARS)
    with pytest.raises(ProgramError):
        D.parse('(has "a" x)', VARS)


def test_worked_examples_parse_and_print_back() -> None:
    for ex in D.examples:
        assert D.show(D.parse(ex.program, dict(ex.variables))) == ex.program


OBJECTS = st.sampled_from("abcdef")
PANELS = st.lists(st.tuples(st.frozensets(OBJECTS, min_size=1, max_size=4), st.sampled_from(("on", "off"))),
                  min_size=1, max_size=6)


@settings(max_examples=150)
@given(panels=PANELS, query=st.frozensets(st.sampled_from("abcdefg"), min_size=1, max_size=3))
def test_rule_program_answers_like_the_version_space(panels, query) -> None:
    ev = evidence(panels)
    expected = label_by_enumeration(panels, query)
    assert label_by_z3(panels, query) == expected
    if expected is None:
        assert not ev.consistent
        return
    program = rule_program(ev)
    assert evaluate(D, program, {"x": query}) == expected
    for objs, label in panels:  # the rule reproduces every train panel
        assert evaluate(D, program, {"x": objs}) == label
    assert D.parse(D.show(program), {"x": "Objects"}) == program


def test_blickets_are_sole_candidates_of_a_lit_panel() -> None:
    ev = evidence([(frozenset("ab"), "on"), (frozenset("b"), "off"), (frozenset("cd"), "on")])
    assert ev.blickets == {"a"} and ev.non_blickets == {"b"}
    assert ev.label(frozenset("c")) == "undetermined" and ev.label(frozenset("cd")) == "on"


def test_inconsistent_panels_give_no_candidate() -> None:
    from hypsearch.core.task import Example, Signature, Task

    task = Task("t", "acre", Signature((("x", "Objects"),), "Label"),
                (Example((frozenset("a"),), "off"), Example((frozenset("a"),), "on")))
    assert list(D.enumerate_candidates(task, float("inf"))) == []


@pytest.fixture
def acre_file(shared_benchmarks: Path) -> Path:
    return shared_benchmarks / "acre" / "acre.jsonl"


def test_loader_reads_tasks_and_test_types(acre_file: Path) -> None:
    tasks = load(acre_file)
    assert len(tasks) == 100 and detect_format(acre_file) is not None
    assert FORMAT.detect(acre_file)
    labelled = tasks[0]
    t = labelled.task
    assert t.id == "acre/0" and t.domain == "acre" and len(t.examples) == 6 and len(t.tests) == 4
    assert t.examples[0].inputs == (frozenset({"blue rubber sphere", "brown rubber cylinder"}),)
    # the query type and the label are the answer key's, never the Task's
    assert labelled.hidden["test_types"][1] == "potential" and labelled.answers[1] == "undetermined"
    assert "test_types" not in t.metadata and not hasattr(t.tests[1], "output")


def test_loader_rejects_bad_labels(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"idx": 0, "train": [{"input": ["a"], "output": "maybe"}],
                               "test": [{"input": ["a"], "output": "on"}]}) + "\n")
    assert FORMAT.detect(bad)
    with pytest.raises(InvalidTaskError, match="maybe"):
        load(bad)


def test_benchmark_tasks_solve_without_an_llm(acre_file: Path) -> None:
    tasks = load(acre_file)[:12]
    for labelled in tasks:
        result = solve(labelled.task, Settings(time_limit=30))
        assert result.solved, result.stop_reason
        assert [p[0] for p in result.predictions] == list(labelled.answers), labelled.id
    rendered = json.loads(FORMAT.render(labelled.task, result))
    assert rendered["predictions"] == list(labelled.answers)

"""Typed decoding grammars: every program they admit parses with the domain's parser and has the task's type."""

from __future__ import annotations

import functools
from pathlib import Path

import lark
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hypsearch.core.errors import ConfigError
from hypsearch.llm.decoding import decoding_grammar, task_grammar_decoding
from hypsearch.llm.gbnf import lark_to_gbnf
from hypsearch.llm.replies import extract_program
from hypsearch.core.registry import get_domain
from hypsearch.core.task import Signature

SIGNATURES = {
    "strings": Signature((("name", "String"), ("n", "Int")), "String"),
    "lists": Signature((("xs", "List"),), "List"),
    "grid": Signature((("g", "Grid"),), "Grid"),
    "lia": Signature((("x", "Int"), ("y", "Int")), "Int"),
    "bv": Signature((("x", "(_ BitVec 64)"),), "(_ BitVec 64)"),
    "miniscan": Signature((("words", "String"),), "String"),
    "acre": Signature((("objects", "Objects"),), "Bool"),
}


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_grammar_compiles_and_converts_to_gbnf(name: str) -> None:
    text = decoding_grammar(get_domain(name), SIGNATURES[name])
    lark.Lark(text, parser="earley")
    gbnf = lark_to_gbnf(text)
    assert "root ::=" in gbnf
    assert "//" not in text and ";" not in text.split("\n", 1)[0]  # no comment syntax admitted at the top


@functools.lru_cache(maxsize=None)
def compiled(name: str) -> lark.Lark:
    """The decoding grammar of the domain's test signature, compiled once."""
    return lark.Lark(decoding_grammar(get_domain(name), SIGNATURES[name]), parser="earley")


def derive(grammar: lark.Lark, data: st.DataObject, symbol: str = "start", depth: int = 0) -> str:
    """One string of the grammar, drawn by hypothesis; past depth 4 only leaf alternatives are taken."""
    terminals = {t.name: t.pattern for t in grammar.terminals}
    if symbol in terminals:
        pattern = terminals[symbol]
        if isinstance(pattern, lark.lexer.PatternStr):
            return pattern.value
        alphabet = st.characters(min_codepoint=32, max_codepoint=126)
        return data.draw(st.from_regex(pattern.to_regexp(), fullmatch=True, alphabet=alphabet).filter(
            lambda s: len(s) < 12))
    options = [r.expansion for r in grammar.rules if r.origin.name == symbol]
    leaves = [e for e in options if all(s.is_term for s in e)]
    choice = data.draw(st.sampled_from(leaves if depth > 4 and leaves else options))
    return "".join(derive(grammar, data, s.name, depth + 1) for s in choice)


@pytest.mark.parametrize("name", sorted(SIGNATURES))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                                                  HealthCheck.data_too_large])
@given(data=st.data())
def test_every_admitted_program_parses_and_type_checks(name: str, data: st.DataObject) -> None:
    domain, signature = get_domain(name), SIGNATURES[name]
    grammar = compiled(name)
    reply = derive(grammar, data)
    program = domain.parse(extract_program(reply), dict(signature.params))
    assert program.type == signature.returns


def test_only_variables_constants_literals_and_primitives_are_leaves() -> None:
    text = decoding_grammar(get_domain("strings"), SIGNATURES["strings"], fence=False)
    assert '"name"' in text and '"n"' in text and "STRING" in text and "INT" in text
    assert "SYMBOL" not in text  # no free names: a chatty word cannot become a symbol
    assert "(str.++ " in text


def test_unreachable_types_are_dropped_and_impossible_results_refused() -> None:
    lia = get_domain("lia")
    assert "(str." not in decoding_grammar(lia, SIGNATURES["lia"])
    with pytest.raises(ConfigError, match="no program of type"):
        decoding_grammar(lia, Signature((("x", "Int"),), "String"))


def test_holes_are_leaves_only_when_asked_for() -> None:
    lists = get_domain("lists")
    assert '"?"' not in decoding_grammar(lists, SIGNATURES["lists"])
    assert '"?"' in decoding_grammar(lists, SIGNATURES["lists"], holes=True)


EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@functools.lru_cache(maxsize=None)
def initials_task():  # noqa: ANN201 - a Task
    from hypsearch.core.formats import detect_format

    path = EXAMPLES / "initials.sl"
    [task] = [t.task for t in detect_format(path).load(path)]
    return task


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_task_grammar_decoding_stays_inside_the_task_grammar(data: st.DataObject) -> None:
    task = initials_task()
    strings = get_domain("strings")
    grammar = _compiled_text(task_grammar_decoding(strings, task.grammar))
    program = strings.parse(extract_program(derive(grammar, data)), dict(task.signature.params))
    assert program.type == task.signature.returns and task.grammar.accepts(program)


@functools.lru_cache(maxsize=None)
def _compiled_text(text: str) -> lark.Lark:
    return lark.Lark(text, parser="earley")

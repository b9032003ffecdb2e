"""Strings domain: exact SMT-LIB semantics, interpreter ≡ z3 encoding, printer ≡ parser."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark

from hypsearch.check.interpreter import evaluate
from hypsearch import InputSyntaxError, ProgramError, get_domain
from hypsearch.search.generators import terms, values, z3_value
from hypsearch.core.syntax import parser_for

D = get_domain("strings")
VARS = {"s": "String", "t": "String", "n": "Int"}
PROGRAMS = st.one_of(*(terms(D, VARS, typ, max_depth=3) for typ in ("String", "Int", "Bool")))
INPUTS = st.fixed_dictionaries({name: values(D, t) for name, t in VARS.items()})


def run(text: str, **env: object) -> object:
    return evaluate(D, D.parse(text, VARS), env)


@pytest.mark.parametrize("text, expected", [
    ('(str.substr s 1 2)', "bc"),
    ('(str.substr s 5 1)', ""),          # start past the end
    ('(str.substr s (- 1) 2)', ""),      # negative start
    ('(str.substr s 1 (- 1))', ""),      # negative length
    ('(str.substr s 2 100)', "cd"),      # length clipped
    ('(str.at s 3)', "d"),
    ('(str.at s 4)', ""),
    ('(str.indexof s "c" 0)', 2),
    ('(str.indexof s "z" 0)', -1),       # not found
    ('(str.indexof s "" 4)', 4),         # empty pattern at the end
    ('(str.indexof s "a" 5)', -1),       # start beyond the length
    ('(str.indexof s "a" (- 1))', -1),
    ('(str.replace s "b" "XY")', "aXYcd"),
    ('(str.replace s "" "X")', "Xabcd"),  # empty pattern prepends
    ('(str.to_int "0042")', 42),
    ('(str.to_int "4a")', -1),           # non-digit
    ('(str.to_int "")', -1),
    ('(str.to.int "7")', 7),              # SyGuS v1 spelling
    ('(str.from_int (- 3))', ""),
    ('(int.to.str 12)', "12"),
    ('(str.prefixof "ab" s)', True),
    ('(str.suffixof "cd" s)', True),
    ('(str.contains s "bc")', True),
    ('(str.++ "x" s "y")', "xabcdy"),    # n-ary concatenation
    ('(ite (= (str.len s) 4) "four" "other")', "four"),
])
def test_smtlib_edge_cases(text: str, expected: object) -> None:
    assert run(text, s="abcd", t="", n=0) == expected


@given(term=PROGRAMS, env=INPUTS)
def test_interpreter_agrees_with_z3_encoding(term, env) -> None:
    assert z3_value(D, term, env) == evaluate(D, term, env)


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


@given(text=st.text(max_size=40))
def test_arbitrary_text_fails_cleanly(text: str) -> None:
    try:
        D.parse(text, VARS)
    except (InputSyntaxError, ProgramError):
        pass


def test_unknown_primitive_gets_a_suggestion() -> None:
    with pytest.raises(ProgramError) as err:
        D.parse("(str.substring s 0 1)", VARS)
    assert err.value.hint == "did you mean `str.substr`?"


def test_syntax_error_is_located() -> None:
    with pytest.raises(InputSyntaxError) as err:
        D.parse("(str.++ s\n  (str.at s 0)", VARS, source="prog.smt")
    loc = err.value.location
    assert (loc.file, loc.line) == ("prog.smt", 2)
    assert "')'" in err.value.expected


@pytest.mark.parametrize("prim", [p for p in D.primitives if p.batch is not None], ids=lambda p: p.name)
def test_batch_fast_path_agrees_with_the_definition(prim) -> None:
    concrete = {"T": "String"}
    arg_types = [concrete.get(a, a) for a in prim.arg_types]
    columns = st.tuples(*(st.lists(values(D, t), min_size=3, max_size=3) for t in arg_types))

    @given(columns)
    def check(cols) -> None:
        expected = tuple(prim.impl(*row) for row in zip(*cols))
        assert prim.batch(*(tuple(c) for c in cols)) == expected

    check()

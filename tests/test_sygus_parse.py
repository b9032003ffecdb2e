"""Tests of the SyGuS-IF v1/v2 front-end: the real benchmark files, the data model, located
errors for malformed input, and fuzzing (from the lark grammar, and mutations of a real file)."""

from __future__ import annotations

import re
import string
from importlib.resources import files
from pathlib import Path

import pytest
from conftest import need_path
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark

from hypsearch.core.errors import InputSyntaxError, InvalidTaskError, UnsupportedError
from hypsearch.solvers.sygus.parse import (
    UNSUPPORTED_COMMANDS, parse_sygus_file, parse_sygus_text, parse_term, sygus_lark,
)
from hypsearch.solvers.sygus.problem import (
    AnyConstant, AnyVariable, InvConstraint, SygusProblem, format_define_fun, pbe_examples,
)
from hypsearch.solvers.sygus.sexpr import (
    MAX_CHAR, RESERVED_WORDS, App, Let, Lit, Sym, Term, bv_sort, bv_width, is_simple_symbol,
    show, split_indexed,
)

SYGUS = Path(__file__).resolve().parents[1].parent / "shared" / "benchmarks" / "sygus"
OUR_ERRORS = (InputSyntaxError, InvalidTaskError, UnsupportedError)

SMALL_V1 = '''; a small v1 problem
(set-logic SLIA)
(synth-fun f ((name String)) String
 ((Start String (ntString))
  (ntString String (name " " (str.++ ntString ntString) (str.substr ntString ntInt ntInt)))
  (ntInt Int (0 1 -1 (+ ntInt ntInt) (str.indexof ntString ntString ntInt)))))
(declare-var name String)
(constraint (= (f "Nancy FreeHafer") "Nancy"))
(constraint (= (f "Andrew ""Cencici""") "Andrew"))
(check-synth)
'''


def _benchmark_files() -> list[Path]:
    need_path(SYGUS)
    return sorted(SYGUS.rglob("*.sl"))


# ------------------------------------------------------------------ the real benchmark files

def test_every_benchmark_file_parses() -> None:
    paths = _benchmark_files()
    assert len(paths) == 802
    problems = {path: parse_sygus_file(path) for path in paths}  # parse speed is a benchmark's, not a test's

    def track(path: Path) -> str:
        return path.relative_to(SYGUS).parts[0]

    versions = {(track(p), problem.version) for p, problem in problems.items()}
    assert versions == {("pbe_slia", 1), ("pbe_slia_v2", 2), ("clia", 2), ("inv", 2),
                        ("pbe_bv", 2)}
    pbe = [p for p, problem in problems.items() if pbe_examples(problem) is not None]
    # every PBE file but max3.sl (a logical spec that ended up in the strings track, v1 and v2)
    assert {track(p) for p in pbe} == {"pbe_slia", "pbe_slia_v2", "pbe_bv"}
    assert len(pbe) == 209 + 209 + 151
    invs = [problem for p, problem in problems.items() if track(p) == "inv"]
    assert all(len(problem.inv_constraints) == 1 and problem.synth_funs[0].kind == "inv"
               for problem in invs)


def test_v1_and_v2_string_files_agree() -> None:
    """pbe_slia_v2 is a mechanical v2 rewrite: same constraints, grammars up to two renames."""
    renames = {"int.to.str": "str.from_int", "str.to.int": "str.to_int"}

    def rename(term: object) -> object:
        if isinstance(term, App):
            return App(renames.get(term.head, term.head), tuple(rename(a) for a in term.args))
        return term

    v1_files = [p for p in _benchmark_files() if p.relative_to(SYGUS).parts[0] == "pbe_slia"]
    for path in v1_files[::7]:
        old = parse_sygus_file(path)
        new = parse_sygus_file(SYGUS / "pbe_slia_v2" / path.relative_to(SYGUS / "pbe_slia"))
        assert old.constraints == new.constraints
        assert old.variables == new.variables
        old_fun, new_fun = old.synth_funs[0], new.synth_funs[0]
        assert (old_fun.name, old_fun.params, old_fun.sort) == \
            (new_fun.name, new_fun.params, new_fun.sort)
        assert old_fun.grammar is not None and new_fun.grammar is not None
        assert old_fun.grammar.start == new_fun.grammar.start == "Start"
        assert [(r.nonterminal, r.sort, tuple(rename(x) for x in r.productions))
                for r in old_fun.grammar.rules] == \
            [(r.nonterminal, r.sort, r.productions) for r in new_fun.grammar.rules]


def test_benchmark_terms_print_back() -> None:
    """`show` output of real constraints, definitions and productions parses back unchanged."""
    for path in _benchmark_files()[::20]:
        problem = parse_sygus_file(path)
        terms: list[object] = [*problem.constraints[:50], *(d.body for d in problem.define_funs)]
        for fun in problem.synth_funs:
            if fun.grammar is not None:
                terms += [p for r in fun.grammar.rules for p in r.productions
                          if not isinstance(p, (AnyConstant, AnyVariable))]
        for term in terms:
            assert parse_term(show(term)) == term  # type: ignore[arg-type]


# ------------------------------------------------------------------ the data model

def test_small_v1_problem() -> None:
    problem = parse_sygus_text(SMALL_V1, "small.sl")
    assert problem.version == 1 and problem.logic == "SLIA" and problem.path == "small.sl"
    (fun,) = problem.synth_funs
    assert fun.params == (("name", "String"),) and fun.sort == "String" and fun.kind == "fun"
    assert fun.grammar is not None and fun.grammar.start == "Start"
    assert fun.grammar.nonterminals == ("Start", "ntString", "ntInt")
    assert fun.grammar.rule("ntInt").productions[:3] == (Lit(0, "Int"), Lit(1, "Int"),
                                                         Lit(-1, "Int"))
    assert problem.variables == (("name", "String"),)
    assert pbe_examples(problem) == [
        ((Lit("Nancy FreeHafer", "String"),), Lit("Nancy", "String")),
        ((Lit('Andrew "Cencici"', "String"),), Lit("Andrew", "String")),
    ]


def test_v2_grammar_bitvectors_and_indexed_identifiers() -> None:
    problem = parse_sygus_text("""
(set-logic BV)
(define-fun shr1 ((x (_ BitVec 8))) (_ BitVec 8) (bvlshr x #x01))
(synth-fun f ((x (_ BitVec 8))) (_ BitVec 8)
  ((Start (_ BitVec 8)) (B Bool))
  ((Start (_ BitVec 8) (x #b00000101 #x0A (shr1 Start) ((_ zero_extend 4) ((_ extract 3 0) Start))
                        (_ bv7 8) (ite B Start Start) (Constant (_ BitVec 8))))
   (B Bool ((bvult Start Start) (Variable Bool)))))
(constraint (= (f #x0F) (_ bv7 8)))
(constraint (= #b00000001 (f #x02)))
""")
    assert problem.version == 2
    (fun,) = problem.synth_funs
    assert fun.sort == "(_ BitVec 8)" and bv_width(fun.sort) == 8
    assert fun.grammar is not None
    start = fun.grammar.rule("Start").productions
    assert start[1] == Lit(5, bv_sort(8)) and start[2] == Lit(10, bv_sort(8))
    assert start[4] == App("(_ zero_extend 4)", (App("(_ extract 3 0)", (Sym("Start"),)),))
    assert split_indexed(start[4].head) == ("zero_extend", (4,))  # type: ignore[union-attr]
    assert start[5] == Sym("(_ bv7 8)")
    assert start[7] == AnyConstant("(_ BitVec 8)")
    assert fun.grammar.rule("B").productions[1] == AnyVariable("Bool")
    # (_ bv7 8) is not a literal, so the first constraint is not a PBE example
    assert pbe_examples(problem) is None


def test_invariant_problem_with_primed_variables() -> None:
    problem = parse_sygus_text("""
(set-logic LIA)
(synth-inv inv ((x Int)))
(declare-primed-var x Int)
(define-fun pre ((x Int)) Bool (= x 0))
(define-fun trans ((x Int) (x! Int)) Bool (let ((y (+ x 1))) (= x! y)))
(define-fun post ((x Int)) Bool (>= x 0))
(inv-constraint inv pre trans post)
""")
    assert problem.synth_funs[0].kind == "inv" and problem.synth_funs[0].sort == "Bool"
    assert problem.variables == (("x", "Int"), ("x!", "Int"))
    assert problem.inv_constraints == (InvConstraint("inv", "pre", "trans", "post"),)
    trans = problem.define_funs[1]
    assert isinstance(trans.body, Let) and trans.body.bindings[0][0] == "y"
    assert pbe_examples(problem) is None


def test_v1_bitvec_sort_negative_numerals_and_v2_minus() -> None:
    v1 = parse_sygus_text("(set-logic BV)(synth-fun f ((x (BitVec 4)) (n Int)) (BitVec 4))"
                          "(declare-var x (BitVec 4))(constraint (= (f x -3) x))")
    assert v1.version == 1 and v1.synth_funs[0].sort == "(_ BitVec 4)"
    v2 = parse_sygus_text("(set-logic LIA)(synth-fun f ((x Int)) Int)"
                          "(constraint (= (f (- 3)) (- (- 3))))")
    assert pbe_examples(v2) is None  # the output (- (- 3)) is not a literal
    assert v2.constraints[0] == App("=", (App("f", (Lit(-3, "Int"),)),
                                          App("-", (Lit(-3, "Int"),))))


def test_nullary_synth_fun_and_symbol_example() -> None:
    problem = parse_sygus_text("(set-logic LIA)(synth-fun c () Int)(constraint (= c 4))")
    assert pbe_examples(problem) == [((), Lit(4, "Int"))]


def test_format_define_fun() -> None:
    assert format_define_fun("f", (("x", "String"), ("n", "Int")), "String", "(str.at x n)") == \
        "(define-fun f ((x String) (n Int)) String (str.at x n))"
    assert format_define_fun("c", (), "Int", "3") == "(define-fun c () Int 3)"


def test_string_literals_decode_smtlib_escapes() -> None:
    assert parse_term('"say ""hi"""') == Lit('say "hi"', "String")
    assert parse_term(r'"\u{48}\u0049\x\u{fffff}"') == Lit("HI\\x\\u{fffff}", "String")
    assert show(Lit('a"\\\n', "String")) == r'"a""\u{5c}\u{a}"'


# ------------------------------------------------------------------ show -> parse round trip

_SIMPLE = st.from_regex(r"[a-zA-Z~!@$%^&*_+=<>.?/][a-zA-Z0-9~!@$%^&*_+=<>.?/-]{0,6}",
                        fullmatch=True).filter(lambda s: s not in RESERVED_WORDS)
_QUOTED = st.text(alphabet=string.ascii_letters + " ()#0123456789\"';", min_size=1, max_size=6) \
    .filter(lambda s: not is_simple_symbol(s)).map(lambda s: f"|{s}|")
_INDEXED = st.builds(lambda n, i: f"(_ {n} {' '.join(map(str, i))})", _SIMPLE,
                     st.lists(st.integers(0, 99), min_size=1, max_size=2))
_NAMES = st.one_of(_SIMPLE, _SIMPLE, _QUOTED, st.just("-"))
_BV = st.integers(1, 70).flatmap(
    lambda w: st.builds(Lit, st.integers(0, (1 << w) - 1), st.just(bv_sort(w))))
_LITS = st.one_of(
    st.builds(Lit, st.integers(-10**20, 10**20), st.just("Int")),
    st.builds(Lit, st.text(st.characters(max_codepoint=MAX_CHAR), max_size=8), st.just("String")),
    st.builds(Lit, st.booleans(), st.just("Bool")),
    _BV,
)


def _normal_app(head: str, args: list[Term]) -> bool:
    """Parser normal form: unary minus of a positive Int literal is a negative literal."""
    return not (head == "-" and len(args) == 1 and isinstance(args[0], Lit)
                and args[0].sort == "Int" and isinstance(args[0].value, int)
                and not isinstance(args[0].value, bool) and args[0].value > 0)


def _extend(children: st.SearchStrategy[Term]) -> st.SearchStrategy[Term]:
    apps = st.tuples(st.one_of(_NAMES, _INDEXED), st.lists(children, min_size=1, max_size=3)) \
        .filter(lambda pair: _normal_app(*pair)).map(lambda pair: App(pair[0], tuple(pair[1])))
    lets = st.builds(lambda b, body: Let(tuple(b), body),
                     st.lists(st.tuples(_SIMPLE, children), min_size=1, max_size=2,
                              unique_by=lambda binding: binding[0]), children)
    return st.one_of(apps, lets)


TERMS = st.recursive(st.one_of(_LITS, st.builds(Sym, st.one_of(_NAMES, _INDEXED))), _extend,
                     max_leaves=12)


@pytest.mark.filterwarnings("ignore:Generating overly large repr")
@settings(max_examples=200, deadline=None)
@given(TERMS)
def test_show_then_parse_is_identity(term: Term) -> None:
    text = show(term)
    assert parse_term(text) == term
    assert hash(parse_term(text)) == hash(term)


# ------------------------------------------------------------------ located errors

def _syntax_error(text: str, filename: str = "bad.sl") -> InputSyntaxError:
    with pytest.raises(InputSyntaxError) as caught:
        parse_sygus_text(text, filename)
    error = caught.value
    assert error.location is not None and error.location.file == filename
    assert "^" in error.location.context
    return error


HEAD = "(set-logic LIA)\n(synth-fun f ((x Int)) Int)\n"


def test_unbalanced_paren_at_end_of_file() -> None:
    error = _syntax_error(HEAD + "(constraint (= (f 1) 2)\n")
    assert error.location is not None
    assert (error.location.line, error.location.column) == (4, 1)
    assert error.expected == ("')'",)
    assert "end of file" in error.message


def test_extra_closing_paren() -> None:
    error = _syntax_error(HEAD + "(constraint (= (f 1) 2)))")
    assert error.location is not None
    assert (error.location.line, error.location.column) == (3, 25)
    assert set(error.expected) == {"a command", "end of file"}


def test_bad_token() -> None:
    error = _syntax_error(HEAD + "(constraint (= (f 1) #z))")
    assert error.location is not None
    assert (error.location.line, error.location.column) == (3, 22)
    assert set(error.expected) == {"a term", "')'"}


def test_unknown_command() -> None:
    error = _syntax_error(HEAD + "\n  (frobnicate f)")
    assert error.location is not None
    assert (error.location.line, error.location.column) == (4, 4)
    assert "'synth-fun'" in error.expected and "'constraint'" in error.expected
    assert "frobnicate" in error.message


@pytest.mark.parametrize("command", sorted(UNSUPPORTED_COMMANDS)[:3])
def test_known_but_unsupported_command(command: str) -> None:
    with pytest.raises(UnsupportedError, match=re.escape(f"bad.sl:3:2: SyGuS command `{command}`")):
        parse_sygus_text(HEAD + f"({command} x)", "bad.sl")


def test_unterminated_string() -> None:
    error = _syntax_error('(set-logic SLIA)\n(synth-fun f ((x String)) String)\n'
                          '(constraint (= (f "abc) "d"))\n')
    assert error.location is not None
    assert (error.location.line, error.location.column) == (3, 27)
    assert "unterminated string" in error.message


@pytest.mark.parametrize("text, end", [("", (1, 1)), ("; only a comment\n", (2, 1)),
                                       ("(set-logic LIA)", (1, 16))])
def test_nothing_to_synthesise(text: str, end: tuple[int, int]) -> None:
    error = _syntax_error(text)
    assert error.location is not None
    assert (error.location.line, error.location.column) == end
    assert error.expected == ("'synth-fun'", "'synth-inv'")


def test_a_sort_is_expected() -> None:
    error = _syntax_error("(set-logic LIA)\n(declare-var x )")
    assert error.location is not None
    assert (error.location.line, error.location.column) == (2, 16)
    assert error.expected == ("a sort",)
    error = _syntax_error("(set-logic LIA)\n(synth-fun f ((x 3)) Int)")
    assert error.expected == ("a sort",)


@pytest.mark.parametrize("text, line, column, fragment", [
    (HEAD + "(constraint (= (f y) 2))", 3, 19, "undeclared symbol `y`"),
    (HEAD + "(constraint (= (f 1 2) 2))", 3, 17, "takes 1 argument"),
    (HEAD + "(synth-fun g ((x Int)) Int)\n(constraint (= (f 1) 2))", 3, 12, "`g` is used by no"),
    (HEAD + "(declare-var x Int)\n(declare-var x Int)\n(constraint (= (f x) 2))", 4, 14,
     "already declared (line 3)"),
    ("(set-logic LIA)\n(synth-fun f ((x Int)) Int ((Start Int (x y))))\n(constraint (= (f 1) 2))",
     2, 43, "undeclared symbol `y` in the grammar of `f`"),
    ("(set-logic LIA)\n(synth-fun f ((x Int)) Int ((Start Bool (true))))\n(constraint (f 1))",
     2, 30, "has sort Bool"),
    ("(set-logic LIA)\n(synth-fun f ((x Int)) Int ((Start Int) (I Int)) ((Start Int (I))))"
     "\n(constraint (= (f 1) 2))", 2, 42, "`I` has no rule"),
    ("(set-logic LIA)\n(synth-inv inv ((x Int)))\n(define-fun pre ((x Int)) Bool true)\n"
     "(inv-constraint inv pre trans pre)", 4, 25, "`trans` is not a defined function"),
    (HEAD + "(set-logic LIA)", 3, 12, "set-logic appears twice"),
])
def test_semantic_errors_are_located(text: str, line: int, column: int, fragment: str) -> None:
    error = _syntax_error(text)
    assert error.location is not None
    assert (error.location.line, error.location.column) == (line, column)
    assert fragment in error.message


def test_file_errors_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.sl"
    path.write_text(HEAD + "(constraint (= (f 1) 2)", encoding="utf-8")
    with pytest.raises(InputSyntaxError) as caught:
        parse_sygus_file(path)
    assert caught.value.location is not None and caught.value.location.file == str(path)
    assert str(path) in str(caught.value)
    latin = tmp_path / "latin1.sl"
    latin.write_bytes(b'(set-logic SLIA)\n(constraint "caf\xe9")')
    with pytest.raises(InputSyntaxError) as caught:
        parse_sygus_file(latin)
    assert caught.value.location is not None
    assert (caught.value.location.line, caught.value.location.column) == (2, 17)


# ------------------------------------------------------------------ fuzzing

def _parse_or_our_error(text: str) -> None:
    try:
        problem = parse_sygus_text(text, "fuzz.sl")
    except OUR_ERRORS:
        return
    assert isinstance(problem, SygusProblem)


_LAYOUT = {"WS": st.sampled_from([" ", "\n", "\t ", "\r\n"]),
           "COMMENT": st.sampled_from([";", "; c", ";;(\"|"])}


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(from_lark(sygus_lark(), start="start", explicit=_LAYOUT))
def test_fuzz_from_grammar(text: str) -> None:
    _parse_or_our_error(text)


def _spaced_terminals() -> dict[str, st.SearchStrategy[str]]:
    """Explicit strategies that keep generated tokens apart, so texts mostly tokenize as meant."""
    lark = sygus_lark()
    explicit: dict[str, st.SearchStrategy[str]] = {}
    for terminal in lark.terminals:
        if terminal.pattern.type == "str":
            explicit[terminal.name] = st.just(f" {terminal.pattern.value} ")
    explicit["SYMBOL"] = st.sampled_from(["x", "y", "f", "Start", "Int", "Bool", "str.++",
                                          "|a b|", "BitVec", "x!"]).map(lambda s: f" {s} ")
    explicit["NUMERAL"] = st.sampled_from(["0", "7", "-1", "64"]).map(lambda s: f" {s} ")
    explicit["STRING"] = st.sampled_from(['""', '"a b"', '"say ""hi"""']).map(lambda s: f" {s} ")
    explicit["HEXBV"] = st.sampled_from(["#x0", "#xFF"]).map(lambda s: f" {s} ")
    explicit["BINBV"] = st.sampled_from(["#b1", "#b0110"]).map(lambda s: f" {s} ")
    explicit["DECIMAL"] = st.just(" 1.5 ")
    explicit["KEYWORD"] = st.sampled_from([":status", ":x"]).map(lambda s: f" {s} ")
    explicit["COMMENT"] = st.just(" ;c\n")
    explicit["WS"] = st.just(" ")
    return explicit


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(from_lark(sygus_lark(), start="start", explicit=_spaced_terminals()))
def test_fuzz_from_grammar_with_separated_tokens(text: str) -> None:
    _parse_or_our_error(text)


_REAL_FILE = SYGUS / "pbe_slia" / "euphony" / "11604909.sl"
_MUTATED = _REAL_FILE.read_text(encoding="utf-8") if _REAL_FILE.is_file() else SMALL_V1


def test_mutation_seed_parses() -> None:
    assert parse_sygus_text(_MUTATED).synth_funs[0].name == "f"


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_fuzz_mutations_of_a_real_file(data: st.DataObject) -> None:
    text = _MUTATED
    for _ in range(data.draw(st.integers(1, 3))):
        start = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(start, min(len(text), start + 12)))
        insert = data.draw(st.one_of(st.just(""), st.text(max_size=4),
                                     st.sampled_from(['"', "(", ")", "#x", "|", "-", ";", "\n"])))
        text = text[:start] + insert + text[end:]
    _parse_or_our_error(text)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_fuzz_random_text(text: str) -> None:
    _parse_or_our_error(text)


# ------------------------------------------------------------------ grammar house style

def test_grammar_house_style() -> None:
    source = (files("hypsearch.grammars") / "sygus.lark").read_text(encoding="utf-8")
    imports = re.findall(r"^%import\s+(\S+)", source, flags=re.MULTILINE)
    assert imports and all(name.startswith("common.") for name in imports)
    assert not re.search(r"\(\?<?[=!]", source), "no regex lookarounds"
    assert not re.search(r"^[A-Z_]+\.\d+\s*:", source, flags=re.MULTILINE), "no priorities"
    for name in re.findall(r"^\??([A-Za-z_][A-Za-z0-9_]*)\s*:", source, flags=re.MULTILINE):
        assert name == name.lower() or name == name.upper(), name
    assert sygus_lark().options.parser == "lalr"

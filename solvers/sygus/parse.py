"""Read SyGuS-IF v1/v2.1 files into `SygusProblem`s, with located, readable errors.

One LALR parser is compiled per process from `hypsearch.grammars/sygus.lark`; an inline
transformer builds terms while parsing (no parse tree).  Syntax errors and semantic errors
(unknown command, duplicate or undeclared names, unused synth-fun, bad grammar) become
`InputSyntaxError`s with file, line, column, caret context and readable expected items;
well-formed SyGuS commands this front-end does not handle raise `UnsupportedError`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken
from lark.parsers.lalr_analysis import Shift

from hypsearch.core.errors import InputSyntaxError, SourceLocation, UnsupportedError, caret_context
from hypsearch.solvers.sygus.problem import (
    AnyConstant, AnyVariable, DefineFun, Grammar, GrammarRule, InvConstraint, Params,
    Production, SygusProblem, SynthFun,
)
from hypsearch.solvers.sygus.sexpr import (
    App, Let, Lit, Sym, Term, bv_sort, decode_string_literal, is_simple_symbol,
)
from hypsearch.solvers.sygus.sorts import (
    MAX_EXPANSION, MAX_TERM_DEPTH, Signature, SortChecker, SortError, expansion, modelled,
)

__all__ = ["parse_sygus_text", "parse_sygus_file", "parse_term", "sygus_lark"]

# SyGuS-IF v2.1 commands that are well formed but not handled by this front-end.
UNSUPPORTED_COMMANDS = frozenset({
    "assume", "chc-constraint", "declare-datatype", "declare-datatypes", "declare-sort",
    "define-sort", "declare-weight", "optimize-synth", "set-feature", "oracle-assume",
    "oracle-constraint", "declare-oracle-fun", "oracle-constraint-io", "oracle-constraint-cex",
    "oracle-constraint-membership", "oracle-constraint-poswitness",
    "oracle-constraint-negwitness", "declare-correctness-oracle",
    "declare-correctness-cex-oracle", "declare-fun",
})

# Nullary theory symbols that may appear as leaves without being declared.
THEORY_CONSTANTS = frozenset({
    "re.none", "re.all", "re.allchar", "re.nostr", "re.empty",
    "RNE", "RNA", "RTP", "RTN", "RTZ", "roundNearestTiesToEven", "roundNearestTiesToAway",
    "roundTowardPositive", "roundTowardNegative", "roundTowardZero",
})

_TERMINAL_NAMES = {
    "SYMBOL": "a symbol", "MINUS": "a symbol", "NUMERAL": "a numeral",
    "DECIMAL": "a decimal", "STRING": "a string literal", "HEXBV": "a bit-vector literal",
    "BINBV": "a bit-vector literal", "KEYWORD": "a keyword (:name)", "$END": "end of file",
}

# Nonterminals named in "expected" lists, most general first.
_PHRASE_NAMES = (
    ("command", "a command"),
    ("gterm", "a grammar production"),
    ("term", "a term"),
    ("sort", "a sort"),
    ("grouped_rule", "a grammar rule (Nonterminal Sort (productions...))"),
    ("sorted_var", "a sorted variable (name Sort)"),
    ("binding", "a let binding (name term)"),
    ("sexpr", "an attribute value"),
    ("ident", "a symbol"),
    ("index", "an index"),
)


@lru_cache(maxsize=1)
def sygus_lark() -> Lark:
    """The compiled SyGuS grammar without a transformer (for tools such as `from_lark`).

    Built on demand and without lark's cache: `from_lark` needs the grammar object itself."""
    text = (files("hypsearch.grammars") / "sygus.lark").read_text(encoding="utf-8")
    return Lark(text, **{**_OPTIONS, "cache": False})


# --------------------------------------------------------------------------- building terms

class _Fail(Exception):
    """A problem found while building: message and the token (or line, column) it concerns."""

    def __init__(self, message: str, where: Token | tuple[int, int] | None,
                 expected: tuple[str, ...] = (), unsupported: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.where = where
        self.expected = expected
        self.unsupported = unsupported


@dataclass
class _State:
    """Per-parse scratch data, shared with the transformer through a thread-local."""

    positions: dict[str, Token] = field(default_factory=dict)  # first use in the current command
    v1_syntax: list[Token] = field(default_factory=list)
    v2_grammar: bool = False
    nodes: dict[int, Token] = field(default_factory=dict)  # id(term) -> its token, for located errors


def _leaf(node: Term, token: Token) -> Term:
    """Record where the leaf `node` was read (leaves are depth 1)."""
    _state().nodes[id(node)] = token
    return node


def _built(node: Term, token: Token) -> Term:
    """Record where the application or let `node` was read (the head's token), for located errors."""
    _state().nodes[id(node)] = token
    return node


_MAX_DIGITS = 4000  # Python refuses to convert longer decimal numerals


def _int(token: Token) -> int:
    if len(token) > _MAX_DIGITS:
        raise _Fail(f"numeral of {len(token)} digits; this reader takes at most {_MAX_DIGITS}", token)
    return int(token)


class _IndexedName(str):
    """Identifier text of `(_ name index...)` that remembers the token of its name."""

    token: Token


_LOCAL = threading.local()


def _state() -> _State:
    state: _State | None = getattr(_LOCAL, "state", None)
    if state is None:  # parsing outside parse_sygus_text (e.g. plain lark use): throwaway state
        state = _LOCAL.state = _State()
    return state


def _name(token: Token) -> str:
    """Identifier text: bars dropped from a quoted symbol that is also a simple symbol."""
    text = str(token)
    if text.startswith("|") and is_simple_symbol(text[1:-1]):
        return text[1:-1]
    return text


def _index_text(token: Token) -> str:
    if token.type == "NUMERAL":
        if token.startswith("-"):
            raise _Fail("an index must be a non-negative numeral", token)
        return str(_int(token))
    return _name(token)


@dataclass(frozen=True)
class _Command:
    """One command as read: its kind, the values the builder needs, symbol first positions."""

    kind: str
    values: tuple[Any, ...]
    positions: dict[str, Token]


@dataclass(frozen=True)
class _RawGrammar:
    """A grammar as read: v2 predeclarations (empty for v1) and grouped rules, with tokens."""

    predeclared: tuple[tuple[Token, str], ...]
    rules: tuple[tuple[Token, str, tuple[Production, ...]], ...]


class _Builder(Transformer):  # type: ignore[type-arg]
    """Inline LALR transformer: one method per aliased rule, children are values or Tokens."""

    # ---- literals and terms
    def numeral(self, children: list[Token]) -> Lit:
        token = children[0]
        if token.startswith("-"):
            _state().v1_syntax.append(token)
        return _leaf(Lit(_int(token), "Int"), token)

    def string(self, children: list[Token]) -> Term:
        return _leaf(Lit(decode_string_literal(children[0][1:-1]), "String"), children[0])

    def hexbv(self, children: list[Token]) -> Term:
        digits = children[0][2:]
        return _leaf(Lit(int(digits, 16), bv_sort(4 * len(digits))), children[0])

    def binbv(self, children: list[Token]) -> Term:
        digits = children[0][2:]
        return _leaf(Lit(int(digits, 2), bv_sort(len(digits))), children[0])

    def decimal(self, children: list[Token]) -> Lit:
        raise _Fail("decimal (Real) literals are not supported", children[0], unsupported=True)

    def sym(self, children: list[Token]) -> Term:
        token = children[0]
        if token == "true" or token == "false":
            return _leaf(Lit(token == "true", "Bool"), token)
        name = _name(token)
        _state().positions.setdefault(name, token)
        return _leaf(Sym(name), token)

    def indexed(self, children: list[Token]) -> str:
        head, *indices = children
        text = _IndexedName(f"(_ {_name(head)} {' '.join(_index_text(i) for i in indices)})")
        text.token = head
        return text

    def sym_indexed(self, children: list[_IndexedName]) -> Term:
        return _leaf(Sym(str(children[0])), children[0].token)

    def app(self, children: list[Any]) -> Term:
        head, *args = children
        name = _name(head)
        _state().positions.setdefault(name, head)
        if name == "-" and len(args) == 1:
            arg = args[0]
            if isinstance(arg, Lit) and arg.sort == "Int" and not isinstance(arg.value, bool) \
                    and isinstance(arg.value, int) and arg.value > 0:
                return _leaf(Lit(-arg.value, "Int"), head)
        return _built(App(name, tuple(args)), head)

    def app_indexed(self, children: list[Any]) -> Term:
        head, *args = children
        return _built(App(str(head), tuple(args)), head.token)

    def binding(self, children: list[Any]) -> tuple[Token, Term]:
        return children[0], children[1]

    def let(self, children: list[Any]) -> Let:
        *bindings, body = children
        seen: set[str] = set()
        for token, _ in bindings:
            if _name(token) in seen:
                raise _Fail(f"`{_name(token)}` is bound twice in the same let", token)
            seen.add(_name(token))
        let = Let(tuple((_name(token), value) for token, value in bindings), body)
        return _built(let, bindings[0][0])

    # ---- sorts
    def sort_name(self, children: list[Token]) -> str:
        return _name(children[0])

    def sort_indexed(self, children: list[Token]) -> str:
        head, *indices = children
        name = _name(head)
        if name == "BitVec" and (len(indices) != 1 or indices[0].type != "NUMERAL"
                                 or _int(indices[0]) <= 0):
            raise _Fail("a bit-vector sort needs one positive width: (_ BitVec N)", head)
        return f"(_ {name} {' '.join(_index_text(i) for i in indices)})"

    def sort_bitvec_v1(self, children: list[Token]) -> str:
        width = children[0]
        if _int(width) <= 0:
            raise _Fail("a bit-vector width must be positive", width)
        _state().v1_syntax.append(width)
        return bv_sort(int(width))

    def sort_applied(self, children: list[Any]) -> str:
        head, *args = children
        return f"({_name(head)} {' '.join(args)})"

    # ---- grammars
    def any_constant(self, children: list[str]) -> AnyConstant:
        return AnyConstant(children[0])

    def any_variable(self, children: list[str]) -> AnyVariable:
        return AnyVariable(children[0])

    def sorted_var(self, children: list[Any]) -> tuple[Token, str]:
        return children[0], children[1]

    def grouped_rule(self, children: list[Any]) -> tuple[Token, str, tuple[Production, ...]]:
        token, sort, *productions = children
        return token, sort, tuple(productions)

    def grammar_v1(self, children: list[Any]) -> _RawGrammar:
        _state().v1_syntax.append(children[0][0])
        return _RawGrammar((), tuple(children))

    def grammar_v2(self, children: list[Any]) -> _RawGrammar:
        _state().v2_grammar = True
        return _RawGrammar(tuple(c for c in children if len(c) == 2),
                           tuple(c for c in children if len(c) == 3))

    # ---- commands (each takes the symbol positions gathered since the previous one)
    def _command(self, kind: str, values: tuple[Any, ...]) -> _Command:
        state = _state()
        positions, state.positions = state.positions, {}
        return _Command(kind, values, positions)

    def set_logic(self, c: list[Any]) -> _Command:
        return self._command("set-logic", (c[0],))

    def set_option(self, c: list[Any]) -> _Command:
        return self._command("ignored", ())

    set_info = set_option

    def sexpr_list(self, c: list[Any]) -> None:
        return None

    def synth_fun(self, c: list[Any]) -> _Command:
        name, *rest = c
        grammar = rest.pop() if isinstance(rest[-1], _RawGrammar) else None
        *params, sort = rest
        return self._command("synth-fun", (name, params, sort, grammar))

    def synth_inv(self, c: list[Any]) -> _Command:
        name, *params = c
        grammar = params.pop() if params and isinstance(params[-1], _RawGrammar) else None
        return self._command("synth-inv", (name, params, "Bool", grammar))

    def declare_var(self, c: list[Any]) -> _Command:
        return self._command("declare-var", (c[0], c[1]))

    def declare_primed_var(self, c: list[Any]) -> _Command:
        return self._command("declare-primed-var", (c[0], c[1]))

    def define_fun(self, c: list[Any]) -> _Command:
        name, *params, sort, body = c
        return self._command("define-fun", (name, params, sort, body))

    def constraint(self, c: list[Any]) -> _Command:
        return self._command("constraint", (c[0],))

    def inv_constraint(self, c: list[Any]) -> _Command:
        return self._command("inv-constraint", tuple(c))

    def check_synth(self, c: list[Any]) -> _Command:
        return self._command("check-synth", ())

    def start(self, c: list[Any]) -> list[_Command]:
        return list(c)

    def single_term(self, c: list[Any]) -> Term:
        return c[0]


# --------------------------------------------------------------------------- the compiled parser

# cache=True keeps lark's grammar analysis in a temp file keyed by the grammar's hash:
# every `hypsearch solve` process otherwise spends ~0.3 s rebuilding the same tables
_OPTIONS: dict[str, Any] = dict(parser="lalr", lexer="contextual", strict=True,
                                start=["start", "single_term"], maybe_placeholders=False, cache=True)

@dataclass(frozen=True)
class _Compiled:
    """The grammar compiled with the inline builder, plus error-naming data."""

    parser: Lark
    first: dict[str, frozenset[str]]
    literal_of: dict[str, str]  # anonymous terminal name -> its literal text
    commands: frozenset[str]    # terminal names of the command keywords

    @staticmethod
    @lru_cache(maxsize=1)
    def get() -> _Compiled:
        """Compile once per process (fast after the first process thanks to lark's cache)."""
        text = (files("hypsearch.grammars") / "sygus.lark").read_text(encoding="utf-8")
        parser = Lark(text, transformer=_Builder(), **_OPTIONS)
        literal_of = {t.name: t.pattern.value for t in parser.terminals
                      if t.pattern.type == "str"}
        commands = frozenset(name for name, value in literal_of.items()
                             if value in {"set-logic", "set-option", "set-info", "synth-fun",
                                          "synth-inv", "declare-var", "declare-primed-var",
                                          "define-fun", "constraint", "inv-constraint",
                                          "check-synth"})
        return _Compiled(parser, _first_sets(parser), literal_of, commands)


def _first_sets(parser: Lark) -> dict[str, frozenset[str]]:
    """FIRST set (terminal names) of every nonterminal of the compiled grammar."""
    rules = [(r.origin.name, [s.name for s in r.expansion]) for r in parser.rules]
    first: dict[str, set[str]] = {origin: set() for origin, _ in rules}
    nullable: set[str] = set()
    changed = True
    while changed:
        changed = False
        for origin, expansion in rules:
            before = (len(first[origin]), origin in nullable)
            for symbol in expansion:
                if symbol in first:
                    first[origin] |= first[symbol]
                    if symbol not in nullable:
                        break
                else:
                    first[origin].add(symbol)
                    break
            else:
                nullable.add(origin)
            if (len(first[origin]), origin in nullable) != before:
                changed = True
    return {name: frozenset(terms) for name, terms in first.items()}


# --------------------------------------------------------------------------- errors

def _eof_position(text: str) -> tuple[int, int]:
    lines = text.split("\n")
    return len(lines), len(lines[-1]) + 1


def _location(filename: str, text: str, line: int, column: int) -> SourceLocation:
    return SourceLocation(filename, line, column, caret_context(text, line, column))


def _friendly_terminal(compiled: _Compiled, name: str) -> str:
    if name in _TERMINAL_NAMES:
        return _TERMINAL_NAMES[name]
    if name in compiled.literal_of:
        return f"'{compiled.literal_of[name]}'"
    return name


def _settle(parser_state: Any, terminal: str) -> int | None:
    """Run the reductions `terminal` would cause; return the state that shifts (or accepts) it,
    or None when `terminal` is not acceptable.  (LALR error states may be reduce-only states
    whose lookaheads were merged from several contexts; the settled state is exact.)"""
    states = parser_state.parse_conf.states
    end_state = parser_state.parse_conf.end_state
    stack = list(parser_state.state_stack)
    for _ in range(10_000):
        action = states[stack[-1]].get(terminal)
        if action is None:
            return None
        kind, argument = action
        if kind is Shift:
            return stack[-1]
        size = len(argument.expansion)
        if size:
            del stack[-size:]
        goto = states[stack[-1]].get(argument.origin.name)
        if goto is None:
            return None
        stack.append(goto[1])
        if terminal == "$END" and stack[-1] == end_state:
            return stack[-1]
    return None


def _expected(compiled: _Compiled, parser_state: Any) -> tuple[frozenset[str], tuple[str, ...]]:
    """Acceptable terminal names, and readable expected items (phrases such as "a sort" first)."""
    states = parser_state.parse_conf.states
    candidates = [name for name in states[parser_state.position] if name.isupper() or name == "$END"]
    accepted: set[str] = set()
    phrases: set[str] = set()
    for terminal in candidates:
        settled = _settle(parser_state, terminal)
        if settled is not None:
            accepted.add(terminal)
            phrases.update(name for name in states[settled] if not name.isupper())
    covered: set[str] = set()
    names: list[str] = []
    for phrase, label in _PHRASE_NAMES:
        first = compiled.first.get(phrase, frozenset()) & accepted
        if phrase in phrases and first and not first <= covered:
            names.append(label)
            covered |= first
    names.extend(_friendly_terminal(compiled, t) for t in sorted(accepted - covered))
    return frozenset(accepted), tuple(dict.fromkeys(names))


def _describe(token: Token) -> str:
    if token.type == "$END":
        return "end of file"
    return "a string literal" if token.type == "STRING" else f"`{token}`"


def _translate(error: UnexpectedInput, text: str, filename: str) -> Exception:
    compiled = _Compiled.get()
    parser_state = getattr(error, "state", None)
    accepted: frozenset[str] = frozenset()
    expected: tuple[str, ...] = ()
    if parser_state is not None and hasattr(parser_state, "state_stack"):
        accepted, expected = _expected(compiled, parser_state)
    if isinstance(error, UnexpectedToken):
        token = error.token
        if token.type == "$END":
            line, column = _eof_position(text)
            return InputSyntaxError("unexpected end of file",
                                    _location(filename, text, line, column), expected)
        line, column = token.line or 1, token.column or 1
        location = _location(filename, text, line, column)
        if accepted and accepted <= compiled.commands:  # right after a top-level "("
            if str(token) in UNSUPPORTED_COMMANDS:
                return UnsupportedError(f"{filename}:{line}:{column}: SyGuS command "
                                        f"`{token}` is not supported")
            return InputSyntaxError(f"unknown command {_describe(token)}", location, expected)
        return InputSyntaxError(f"unexpected {_describe(token)}", location, expected)
    if isinstance(error, UnexpectedCharacters):
        line, column = error.line, error.column
        char = error.char
        message = {
            '"': "unterminated string literal",
            "|": "unterminated quoted symbol",
            "#": "malformed bit-vector literal (expected #x<hex> or #b<binary>)",
        }.get(char, f"unexpected character {char!r}")
        return InputSyntaxError(message, _location(filename, text, line, column), expected)
    return InputSyntaxError(str(error), _location(filename, text, 1, 1), expected)


def _fail_error(fail: _Fail, text: str, filename: str) -> Exception:
    where = fail.where
    if isinstance(where, Token):
        line, column = where.line or 1, where.column or 1
    elif where is None:
        line, column = _eof_position(text)
    else:
        line, column = where
    if fail.unsupported:
        return UnsupportedError(f"{filename}:{line}:{column}: {fail.message}")
    return InputSyntaxError(fail.message, _location(filename, text, line, column), fail.expected)


# --------------------------------------------------------------------------- semantic assembly

def _free_symbols(term: Term) -> Iterator[str]:
    """Sym leaves of `term` not bound by an enclosing let."""
    stack: list[tuple[Term, frozenset[str]]] = [(term, frozenset())]
    while stack:
        node, bound = stack.pop()
        if isinstance(node, Sym):
            if node.name not in bound:
                yield node.name
        elif isinstance(node, App):
            stack.extend((arg, bound) for arg in node.args)
        elif isinstance(node, Let):
            stack.extend((value, bound) for _, value in node.bindings)
            stack.append((node.body, bound | {name for name, _ in node.bindings}))


def _domain_operator(head: str, logic: Token | None) -> bool:
    """True when an installed domain for this logic (any SMT logic without set-logic) has a primitive
    `head`: a plug-in's own operator."""
    try:
        from hypsearch.core.registry import domains_for
    except ImportError:  # the reader used on its own
        return False
    wanted = None if logic is None else _name(logic)
    return any(domain.primitive(head) is not None for domain in domains_for((), wanted).values()
               if domain.smt_logics)


def _production_terms(production: Production) -> Iterator[Term]:
    if not isinstance(production, (AnyConstant, AnyVariable)):
        yield production


class _Assembler:
    """Checks the commands in order and builds the SygusProblem."""

    def __init__(self, text: str, filename: str, nodes: dict[int, Token] | None = None) -> None:
        self.text = text
        self.filename = filename
        self.nodes = nodes if nodes is not None else {}
        self.signatures: dict[str, Signature] = {}
        self.checker = SortChecker(self.signatures, lambda op: _domain_operator(op, self.logic))
        self.macro_cost: dict[str, int] = {}
        self.macro_depth: dict[str, int] = {}
        self.logic: Token | None = None
        self.declared: dict[str, Token] = {}
        self.synth_funs: list[tuple[SynthFun, Token]] = []
        self.variables: list[tuple[str, str]] = []
        self.var_names: set[str] = set()
        self.define_funs: dict[str, DefineFun] = {}
        self.constraints: list[Term] = []
        self.inv_constraints: list[InvConstraint] = []
        self.used: set[str] = set()

    def _where(self, command: _Command, name: str, fallback: Token | None = None) -> Token | None:
        return command.positions.get(name, fallback)

    def _declare(self, token: Token, what: str) -> str:
        name = _name(token)
        if name in self.declared:
            previous = self.declared[name]
            raise _Fail(f"{what} `{name}` is already declared (line {previous.line})", token)
        self.declared[name] = token
        return name

    def _params(self, params: list[tuple[Token, str]]) -> Params:
        seen: set[str] = set()
        out: list[tuple[str, str]] = []
        for token, sort in params:
            name = _name(token)
            if name in seen:
                raise _Fail(f"parameter `{name}` appears twice", token)
            seen.add(name)
            out.append((name, sort))
        return tuple(out)

    def _check_symbols(self, command: _Command, term: Term, allowed: set[str] | frozenset[str],
                       where: str) -> None:
        for name in _free_symbols(term):
            if name in allowed or name in self.define_funs or name in THEORY_CONSTANTS \
                    or name.startswith("(_ "):
                continue
            raise _Fail(f"undeclared symbol `{name}` in {where}", self._where(command, name))

    def _node_token(self, command: _Command, node: Term) -> Token | None:
        token = self.nodes.get(id(node))
        if token is None:
            name = node.head if isinstance(node, App) else node.name if isinstance(node, Sym) else ""
            token = command.positions.get(name)
        return token

    def _sort(self, command: _Command, term: Term, env: dict[str, str]) -> str | None:
        """The sort of `term`; a located _Fail for an unknown operator, wrong arity or ill-sorted argument."""
        try:
            return self.checker.sort_of(term, env)
        except SortError as error:
            raise _Fail(error.message, self._node_token(command, error.node)) from None

    def _expect_sort(self, command: _Command, term: Term, env: dict[str, str], expected: str,
                     what: str) -> None:
        found = self._sort(command, term, env)
        if found is not None and modelled(expected) is not None and found != expected:
            raise _Fail(f"{what} has sort {found}, expected {expected}", self._node_token(command, term))

    def _expansion(self, command: _Command, term: Term, what: str) -> tuple[int, int]:
        """Nodes and depth of `term` with its macros expanded; a _Fail beyond the reader's limits."""
        if not any(name in self.macro_cost for name in command.positions):
            return 0, 0  # nothing to inline: the term is as deep as it was read
        cost, depth = expansion(term, self.macro_cost, self.macro_depth)
        if cost > MAX_EXPANSION:
            raise _Fail(f"{what} expands to more than {MAX_EXPANSION} terms once its define-funs are "
                        "inlined (this reader's limit)", self._node_token(command, term))
        if depth > MAX_TERM_DEPTH:
            raise _Fail(f"{what} is nested more than {MAX_TERM_DEPTH} deep once its define-funs are "
                        "inlined (this reader's limit)", self._node_token(command, term))
        return cost, depth

    def _grammar(self, command: _Command, name_token: Token, sort: str, params: Params,
                 raw: _RawGrammar) -> Grammar:
        predeclared, grouped = raw.predeclared, raw.rules
        fun = _name(name_token)
        rules: list[GrammarRule] = []
        seen: dict[str, Token] = {}
        for token, nt_sort, productions in grouped:
            nonterminal = _name(token)
            if nonterminal in seen:
                raise _Fail(f"nonterminal `{nonterminal}` has two rules", token)
            seen[nonterminal] = token
            rules.append(GrammarRule(nonterminal, nt_sort, productions))
        if predeclared:
            declared = {_name(t): (t, s) for t, s in predeclared}
            if len(declared) != len(predeclared):
                dup = next(t for i, (t, _) in enumerate(predeclared)
                           if _name(t) in {_name(u) for u, _ in predeclared[:i]})
                raise _Fail(f"nonterminal `{_name(dup)}` is declared twice", dup)
            for token, nt_sort, _ in grouped:
                if _name(token) not in declared:
                    raise _Fail(f"nonterminal `{_name(token)}` is not in the predeclaration list",
                                token)
                if declared[_name(token)][1] != nt_sort:
                    raise _Fail(f"nonterminal `{_name(token)}` is predeclared with sort "
                                f"{declared[_name(token)][1]}, not {nt_sort}", token)
            for name, (token, _) in declared.items():
                if name not in seen:
                    raise _Fail(f"nonterminal `{name}` has no rule", token)
            start_token = predeclared[0][0]
        else:
            start_token = grouped[0][0]
        start = _name(start_token)
        start_sort = rules[[r.nonterminal for r in rules].index(start)].sort
        if start_sort != sort:
            raise _Fail(f"start nonterminal `{start}` has sort {start_sort}, but `{fun}` returns "
                        f"{sort}", start_token)
        allowed = set(seen) | {p for p, _ in params}
        for rule in rules:
            for production in rule.productions:
                for term in _production_terms(production):
                    self._check_symbols(command, term, allowed, f"the grammar of `{fun}`")
        env = {**dict(params), **{rule.nonterminal: rule.sort for rule in rules}}
        for (token, _, _), rule in zip(grouped, rules):
            for production in rule.productions:
                if isinstance(production, (AnyConstant, AnyVariable)):
                    if production.sort != rule.sort:
                        kind = "Constant" if isinstance(production, AnyConstant) else "Variable"
                        raise _Fail(f"production ({kind} {production.sort}) of `{rule.nonterminal}` has "
                                    f"sort {production.sort}, expected {rule.sort}", token)
                    continue
                self._expect_sort(command, production, env, rule.sort,
                                  f"a production of `{rule.nonterminal}`")
        return Grammar(start, tuple(rules))

    def add(self, command: _Command) -> None:
        kind, values = command.kind, command.values
        if kind == "set-logic":
            if self.logic is not None:
                raise _Fail(f"set-logic appears twice (first at line {self.logic.line})", values[0])
            self.logic = values[0]
        elif kind in ("synth-fun", "synth-inv"):
            token, raw_params, sort, raw_grammar = values
            what = "synth-fun" if kind == "synth-fun" else "synth-inv"
            name = self._declare(token, what)
            params = self._params(raw_params)
            grammar = None if raw_grammar is None else \
                self._grammar(command, token, sort, params, raw_grammar)
            fun = SynthFun(name, params, sort, grammar, "fun" if kind == "synth-fun" else "inv")
            self.synth_funs.append((fun, token))
            self.signatures[name] = Signature(tuple(s for _, s in params), sort)
        elif kind in ("declare-var", "declare-primed-var"):
            token, sort = values
            name = self._declare(token, "variable")
            self.variables.append((name, sort))
            self.var_names.add(name)
            if kind == "declare-primed-var":
                primed = Token.new_borrow_pos(token.type, name + "!", token)
                self._declare(primed, "variable")
                self.variables.append((name + "!", sort))
                self.var_names.add(name + "!")
        elif kind == "define-fun":
            token, raw_params, sort, body = values
            name = _name(token)
            params = self._params(raw_params)
            self._check_symbols(command, body, self.var_names | {p for p, _ in params},
                                f"the body of `{name}`")
            self._expect_sort(command, body, {**dict(self.variables), **dict(params)}, sort,
                              f"the body of `{name}`")
            cost, depth = self._expansion(command, body, f"the body of `{name}`")
            self._declare(token, "function")
            self.define_funs[name] = DefineFun(name, params, sort, body)
            self.signatures[name] = Signature(tuple(s for _, s in params), sort)
            self.macro_cost[name], self.macro_depth[name] = cost, depth
        elif kind == "constraint":
            term = values[0]
            synth_names = {fun.name for fun, _ in self.synth_funs}
            self._check_symbols(command, term, self.var_names | synth_names, "a constraint")
            self._expect_sort(command, term, dict(self.variables), "Bool", "a constraint")
            self._expansion(command, term, "a constraint")
            self.used.update(name for name in command.positions if name in synth_names)
            self.constraints.append(term)
        elif kind == "inv-constraint":
            self._inv_constraint(values)

    def _inv_constraint(self, tokens: tuple[Token, ...]) -> None:
        inv, pre, trans, post = tokens
        funs = {fun.name: fun for fun, _ in self.synth_funs}
        fun = funs.get(_name(inv))
        if fun is None or fun.sort != "Bool":
            raise _Fail(f"`{inv}` is not a declared synth-inv", inv)
        arity = len(fun.params)
        for token, expected_arity in ((pre, arity), (trans, 2 * arity), (post, arity)):
            definition = self.define_funs.get(_name(token))
            if definition is None:
                raise _Fail(f"`{token}` is not a defined function (define-fun)", token)
            if len(definition.params) != expected_arity or definition.sort != "Bool":
                raise _Fail(f"`{token}` must be a Bool function of {expected_arity} "
                            f"argument(s) for inv-constraint", token)
        self.used.add(fun.name)
        self.inv_constraints.append(InvConstraint(*(_name(t) for t in tokens)))

    def finish(self, version: int) -> SygusProblem:
        if not self.synth_funs:
            line, column = _eof_position(self.text)
            raise _Fail("nothing to synthesise: no synth-fun or synth-inv command",
                        (line, column), ("'synth-fun'", "'synth-inv'"))
        for fun, token in self.synth_funs:
            if fun.name not in self.used:
                raise _Fail(f"{'synth-fun' if fun.kind == 'fun' else 'synth-inv'} `{fun.name}` "
                            "is used by no constraint", token)
        return SygusProblem(
            path=self.filename, version=version,
            logic="" if self.logic is None else _name(self.logic),
            synth_funs=tuple(fun for fun, _ in self.synth_funs),
            variables=tuple(self.variables),
            define_funs=tuple(self.define_funs.values()),
            constraints=tuple(self.constraints),
            inv_constraints=tuple(self.inv_constraints),
        )


# --------------------------------------------------------------------------- entry points

def _run(text: str, filename: str, start: str) -> tuple[Any, _State]:
    compiled = _Compiled.get()
    state = _LOCAL.state = _State()
    try:
        return compiled.parser.parse(text, start=start), state
    except UnexpectedInput as error:
        raise _translate(error, text, filename) from None
    except _Fail as fail:
        raise _fail_error(fail, text, filename) from None
    except RecursionError:
        raise InputSyntaxError("input nested too deeply", _location(filename, text, 1, 1)) from None
    finally:
        _LOCAL.state = None


def parse_sygus_text(text: str, filename: str = "<string>") -> SygusProblem:
    """Parse SyGuS-IF v1 or v2.1 source text; `filename` is used in error locations."""
    commands, state = _run(text, filename, "start")
    assembler = _Assembler(text, filename, state.nodes)
    try:
        for command in commands:
            assembler.add(command)
        version = 2 if state.v2_grammar or not state.v1_syntax else 1
        return assembler.finish(version)
    except _Fail as fail:
        raise _fail_error(fail, text, filename) from None


def parse_sygus_file(path: str | Path) -> SygusProblem:
    """Read and parse a `.sl` file (UTF-8); errors name the file."""
    path = Path(path)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[:error.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        shown = data.decode("utf-8", errors="replace")
        raise InputSyntaxError("the file is not valid UTF-8",
                               _location(str(path), shown, line, column)) from None
    return parse_sygus_text(text, str(path))


def parse_term(text: str, filename: str = "<string>") -> Term:
    """Parse one SMT-LIB term (the inverse of `sexpr.show`)."""
    term, _ = _run(text, filename, "single_term")
    if not isinstance(term, (Sym, Lit, App, Let)):
        raise InputSyntaxError("not a term", _location(filename, text, 1, 1))
    return term

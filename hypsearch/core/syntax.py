"""The default surface syntax of a domain: s-expressions `(op arg ...)` read by the domain's grammar.

Parsing is two steps: lark turns text into a tree (syntax errors become located
InputSyntaxError with a caret), then elaboration resolves names against the domain's
primitives and the task's variables and checks types (errors become ProgramError with
a "did you mean" hint).  Grammars follow one shape: rules `app`, `symbol`, `hole` and
literal aliases listed in `Domain.literal_rules`.
"""

from __future__ import annotations

import difflib
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Mapping

import lark

from hypsearch.core.errors import InputSyntaxError, ProgramError, SourceLocation, caret_context
from hypsearch.core.program import TYPE_VARIABLES, App, Const, Hole, Term, Type, Var

if TYPE_CHECKING:
    from hypsearch.core.domain import Domain  # the domain is an argument: `Domain.parse` calls this module

FRIENDLY_TERMINALS = {
    "LPAR": "'('", "RPAR": "')'", "SYMBOL": "a name", "OP": "a primitive name", "INT": "an integer",
    "STRING": "a string literal", "MINUS": "'-'", "HOLE": "a hole '?'", "$END": "end of input",
}


@lru_cache(maxsize=64)
def _parser_for(grammar_text: str) -> lark.Lark:
    return lark.Lark(grammar_text, parser="lalr", strict=True, propagate_positions=False)


def parser_for(domain: Domain) -> lark.Lark:
    """The compiled LALR parser of a domain's grammar (cached per grammar text)."""
    return _parser_for(domain.grammar_text())


def friendly_expected(names: Any) -> tuple[str, ...]:
    """Readable names for the terminals lark says it expected."""
    return tuple(FRIENDLY_TERMINALS.get(n, n) for n in (names or ()))


def syntax_error(exc: lark.exceptions.UnexpectedInput, text: str, source: str, what: str) -> InputSyntaxError:
    """Turn a lark error into an InputSyntaxError naming file, line, column and what was expected."""
    line = getattr(exc, "line", 1) or 1
    column = getattr(exc, "column", 1) or 1
    if isinstance(exc, lark.exceptions.UnexpectedEOF) or getattr(exc, "token", None) is not None and getattr(exc.token, "type", "") == "$END":
        lines = text.splitlines() or [""]
        line, column = len(lines), len(lines[-1]) + 1
        message = f"unexpected end of {what}"
    elif isinstance(exc, lark.exceptions.UnexpectedCharacters):
        message = f"unexpected character {text[exc.pos_in_stream]!r} in {what}"
    else:
        token = getattr(exc, "token", None)
        message = f"unexpected {token!s:.40} in {what}" if token is not None else f"bad {what}"
    expected = getattr(exc, "expected", None) or getattr(exc, "allowed", None) or ()
    loc = SourceLocation(source, line, column, caret_context(text, line, column))
    return InputSyntaxError(message, loc, friendly_expected(expected))


def parse_tree(domain: Domain, text: str, source: str = "<program>") -> lark.Tree:
    """Parse text with the domain's grammar; raises InputSyntaxError."""
    try:
        return parser_for(domain).parse(text)
    except lark.exceptions.UnexpectedInput as exc:
        raise syntax_error(exc, text, source, "program") from None


def did_you_mean(name: str, choices: Any) -> str:
    """A `did you mean` hint for a misspelt name, or ''."""
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else ""


class _Elaborator:
    """Resolve names and infer types top-down with an expected type."""

    def __init__(self, domain: Domain, variables: Mapping[str, Type]) -> None:
        self.domain = domain
        self.variables = variables
        self.holes = 0

    def term(self, node: Any, expected: Type | None) -> Term:
        if isinstance(node, lark.Token):
            return self.symbol(str(node), expected)
        kind = node.data
        if len(node.children) == 1 and kind in ("start", "term"):
            return self.term(node.children[0], expected)
        if kind == "app":
            return self.app(node, expected)
        if kind == "symbol":
            return self.symbol(str(node.children[0]), expected)
        if kind == "hole":
            return self.hole(str(node.children[0]), expected)
        rule = self.domain.literal_rules.get(kind)
        if rule is None:
            raise ProgramError(f"grammar rule `{kind}` has no meaning in domain {self.domain.name!r}")
        typ, convert = rule
        try:
            value = convert(str(node.children[-1]))
        except (ValueError, TypeError) as exc:
            raise ProgramError(f"bad {typ} literal {str(node.children[-1])!r}: {exc}") from None
        return self.check(Const(value, typ), expected)

    def check(self, term: Term, expected: Type | None) -> Term:
        if expected is not None and expected not in TYPE_VARIABLES and term.type != expected:
            raise ProgramError(f"`{self.domain.show(term)}` has type {term.type}, expected {expected}")
        return term

    def symbol(self, name: str, expected: Type | None) -> Term:
        if name in self.variables:
            return self.check(Var(name, self.variables[name]), expected)
        if name in self.domain.symbol_constants:
            typ, value = self.domain.symbol_constants[name]
            return self.check(Const(value, typ), expected)
        if self.domain.primitive(name) is not None:
            raise ProgramError(f"primitive `{name}` used without arguments", "write it as `(" + name + " ...)`")
        names = [*self.variables, *self.domain.symbol_constants]
        raise ProgramError(f"unknown name `{name}`", did_you_mean(name, names))

    def hole(self, text: str, expected: Type | None) -> Term:
        if expected is None or expected in TYPE_VARIABLES:
            raise ProgramError(f"cannot tell the type of hole `{text}` from its context")
        name = text[1:]
        if not name:
            name = str(self.holes)
            self.holes += 1
        return Hole(name, expected)

    def app(self, node: lark.Tree, expected: Type | None) -> Term:
        head, *arg_nodes = node.children
        op = str(head)
        prim = self.domain.primitive(op)
        if prim is None:
            raise ProgramError(f"unknown primitive `{op}`", did_you_mean(op, self.domain.primitive_table))
        if prim.variadic and len(arg_nodes) > prim.arity == 2:
            nested = arg_nodes[-1]
            for left in reversed(arg_nodes[1:-1]):
                nested = lark.Tree("app", [head, left, nested])
            arg_nodes = [arg_nodes[0], nested]
        if len(arg_nodes) != prim.arity:
            raise ProgramError(f"`{prim.name}` takes {prim.arity} argument(s), got {len(arg_nodes)}")
        binding: dict[str, Type] = {}
        if expected is not None and prim.ret_type in TYPE_VARIABLES and expected not in TYPE_VARIABLES:
            binding[prim.ret_type] = expected
        args: list[Term] = []
        # arguments whose type is a type variable are elaborated after the concrete ones
        order = sorted(range(prim.arity), key=lambda k: prim.arg_types[k] in TYPE_VARIABLES and prim.arg_types[k] not in binding)
        slots: dict[int, Term] = {}
        for k in order:
            want = prim.arg_types[k]
            want = binding.get(want, want)
            arg = self.term(arg_nodes[k], None if want in TYPE_VARIABLES else want)
            if want in TYPE_VARIABLES:
                binding[want] = arg.type
            elif arg.type != want:
                raise ProgramError(f"argument {k + 1} of `{prim.name}` must be {want}, got {arg.type}")
            slots[k] = arg
        args = [slots[k] for k in range(prim.arity)]
        ret = binding.get(prim.ret_type, prim.ret_type)
        term = self.domain.normalize(App(prim.name, tuple(args), ret))
        return self.check(term, expected)


def parse_program(domain: Domain, text: str, variables: Mapping[str, Type], *,
                  source: str = "<program>", expected: Type | None = None) -> Term:
    """Parse and elaborate a program in `domain`'s s-expression syntax."""
    tree = parse_tree(domain, text, source)
    return _Elaborator(domain, variables).term(tree, expected)


def show_program(domain: Domain, term: Term) -> str:
    """Print a term as an s-expression that `parse_program` reads back to the same term."""
    if isinstance(term, App):
        if not term.args:
            return f"({term.op})"
        return "(" + term.op + " " + " ".join(show_program(domain, a) for a in term.args) + ")"
    if isinstance(term, Var):
        return term.name
    if isinstance(term, Hole):
        return "?" + term.name
    return domain.value_type(term.type).show(term.value)

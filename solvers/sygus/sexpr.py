"""Raw SMT-LIB terms as read from SyGuS files, and `show` to print them back as SMT-LIB v2 text.

Nodes carry no source position, so they are hashable and compare by value.  Identifiers are
kept as SMT-LIB identifier *text*: a simple symbol (`x`, `str.++`), a quoted symbol that is not
also a simple one (`|a b|`, bars kept), or an indexed identifier in canonical spelling
`(_ extract 7 0)` (single spaces).  So `Sym.name` and `App.head` are always printable as is;
`split_indexed` takes an indexed identifier apart.  Literals: `Lit(value, sort)` with sort
"Int" (int), "String" (str, escapes decoded), "Bool" (bool) or "(_ BitVec N)" (int in [0, 2^N)).
The parser folds unary minus on a positive numeral, `(- 3)` and v1's `-3`, into `Lit(-3, "Int")`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union

__all__ = [
    "Sym", "Lit", "App", "Let", "Term", "show", "show_identifier", "bv_sort", "bv_width",
    "split_indexed", "is_simple_symbol", "decode_string_literal", "encode_string_literal",
    "symbols", "RESERVED_WORDS", "MAX_CHAR",
]

MAX_CHAR = 0x2FFFF  # largest code point of the SMT-LIB string theory

_SIMPLE_SYMBOL = re.compile(r"[a-zA-Z~!@$%^&*_+=<>.?/][a-zA-Z0-9~!@$%^&*_+=<>.?/-]*"
                            r"|-(?:[a-zA-Z~!@$%^&*_+=<>.?/-][a-zA-Z0-9~!@$%^&*_+=<>.?/-]*)?")
_QUOTED_SYMBOL = re.compile(r"\|[^|\\]*\|")
_INDEXED = re.compile(r"\(_ (\S+)((?: \S+)+)\)")
# Words that are keywords somewhere in a term or grammar position; `show` bar-quotes them.
RESERVED_WORDS = frozenset({
    "_", "!", "as", "let", "forall", "exists", "match", "par", "true", "false",
    "Constant", "Variable", "InputVariable", "LocalVariable", "BitVec",
})
_BV_SORT = re.compile(r"\(_ BitVec ([1-9][0-9]*)\)")
_ESCAPE = re.compile(r"\\u\{([0-9a-fA-F]{1,5})\}|\\u([0-9a-fA-F]{4})")


@dataclass(frozen=True, slots=True)
class Sym:
    """A symbol or indexed identifier used as a term: a variable, a constant, a nonterminal."""

    name: str


@dataclass(frozen=True, slots=True)
class Lit:
    """A literal: Int (int), String (str), Bool (bool) or `(_ BitVec N)` (unsigned int)."""

    value: int | str | bool
    sort: str


@dataclass(frozen=True, slots=True)
class App:
    """An application `(head args...)`; head is identifier text, maybe indexed: `(_ extract 7 0)`."""

    head: str
    args: tuple[Term, ...]


@dataclass(frozen=True, slots=True)
class Let:
    """`(let ((name value) ...) body)`: parallel bindings, in source order."""

    bindings: tuple[tuple[str, Term], ...]
    body: Term


Term = Union[Sym, Lit, App, Let]


def is_simple_symbol(text: str) -> bool:
    """True when `text` is an SMT-LIB simple symbol (not starting with a digit or `-digit`)."""
    return _SIMPLE_SYMBOL.fullmatch(text) is not None


def bv_sort(width: int) -> str:
    """The canonical sort text of bit-vectors of `width` bits: `(_ BitVec width)`."""
    return f"(_ BitVec {width})"


def bv_width(sort: str) -> int | None:
    """The width N of a `(_ BitVec N)` sort text, or None for any other sort."""
    match = _BV_SORT.fullmatch(sort)
    return int(match.group(1)) if match else None


def split_indexed(identifier: str) -> tuple[str, tuple[int | str, ...]] | None:
    """Split `(_ extract 7 0)` into `("extract", (7, 0))`; None when not an indexed identifier."""
    match = _INDEXED.fullmatch(identifier)
    if match is None:
        return None
    indices = tuple(int(i) if i.isdigit() else i for i in match.group(2).split())
    return match.group(1), indices


def decode_string_literal(body: str) -> str:
    """Decode the text between the quotes of an SMT-LIB 2.6 string literal.

    `""` is one quote; `\\u{h..h}` (1-5 hex digits) and `\\udddd` are code points up to 0x2FFFF;
    any other backslash is an ordinary character.
    """
    text = body.replace('""', '"')
    if "\\" not in text:
        return text

    def one(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= MAX_CHAR else match.group(0)

    return _ESCAPE.sub(one, text)


def encode_string_literal(value: str) -> str:
    """SMT-LIB 2.6 string literal (with quotes) for `value`: printable ASCII kept, `"` doubled,
    backslash and every other character written as `\\u{hex}`."""
    out = ['"']
    for char in value:
        code = ord(char)
        if char == '"':
            out.append('""')
        elif 32 <= code <= 126 and char != "\\":
            out.append(char)
        elif code <= MAX_CHAR:
            out.append(f"\\u{{{code:x}}}")
        else:
            raise ValueError(f"character U+{code:X} is outside the SMT-LIB string alphabet")
    out.append('"')
    return "".join(out)


def show_identifier(name: str) -> str:
    """Identifier text for `name`: as is when valid, bar-quoted when reserved or not a symbol."""
    if name in RESERVED_WORDS:
        return f"|{name}|"
    if is_simple_symbol(name) or _QUOTED_SYMBOL.fullmatch(name) or _INDEXED.fullmatch(name):
        return name
    if "|" in name or "\\" in name:
        raise ValueError(f"{name!r} cannot be written as an SMT-LIB symbol")
    return f"|{name}|"


def _show_lit(lit: Lit) -> str:
    value, sort = lit.value, lit.sort
    if sort == "Bool" and isinstance(value, bool):
        return "true" if value else "false"
    if sort == "Int" and isinstance(value, int) and not isinstance(value, bool):
        return str(value) if value >= 0 else f"(- {-value})"
    if sort == "String" and isinstance(value, str):
        return encode_string_literal(value)
    width = bv_width(sort)
    if width is not None and isinstance(value, int) and not isinstance(value, bool) \
            and 0 <= value < (1 << width):
        if width % 4 == 0:
            return "#x" + format(value, f"0{width // 4}x")
        return "#b" + format(value, f"0{width}b")
    raise ValueError(f"cannot print literal {value!r} of sort {sort}")


def show(term: Term) -> str:
    """Print `term` as SMT-LIB v2 text that parses back (`parse_term`) to an equal term."""
    parts: list[str] = []
    _show_into(term, parts)
    return "".join(parts)


def _show_into(term: Term, parts: list[str]) -> None:
    # Recursion depth equals term depth (at most 62 in the benchmark files).
    if isinstance(term, Sym):
        parts.append(show_identifier(term.name))
    elif isinstance(term, Lit):
        parts.append(_show_lit(term))
    elif isinstance(term, App):
        if not term.args:
            raise ValueError(f"application of {term.head!r} to no arguments")
        parts.append("(" + show_identifier(term.head))
        for arg in term.args:
            parts.append(" ")
            _show_into(arg, parts)
        parts.append(")")
    elif isinstance(term, Let):
        if not term.bindings:
            raise ValueError("let with no bindings")
        parts.append("(let (")
        for index, (name, value) in enumerate(term.bindings):
            parts.append(("(" if index == 0 else " (") + show_identifier(name) + " ")
            _show_into(value, parts)
            parts.append(")")
        parts.append(") ")
        _show_into(term.body, parts)
        parts.append(")")
    else:
        raise TypeError(f"not a term: {term!r}")


def symbols(term: Term) -> set[str]:
    """Names of all Sym leaves and App heads in `term` (let-bound names included)."""
    found: set[str] = set()
    stack: list[Term] = [term]
    while stack:
        node = stack.pop()
        if isinstance(node, Sym):
            found.add(node.name)
        elif isinstance(node, App):
            found.add(node.head)
            stack.extend(node.args)
        elif isinstance(node, Let):
            for name, value in node.bindings:
                found.add(name)
                stack.append(value)
            stack.append(node.body)
    return found

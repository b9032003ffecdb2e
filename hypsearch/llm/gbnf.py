"""Translate the Lark subset used by DSL grammars into llama.cpp GBNF, for grammar-constrained decoding.

Supported: rules and terminals (`?`/`!` modifiers and priorities are ignored), alternatives, `-> alias` (stripped),
grouping, `[optional]`, `? * +`, `~ n` and `~ n..m`, string literals (also `"..."i`), `"a".."z"` ranges, regex
terminals over a simple subset (literal characters, escapes, `.`, character classes with ranges and \\d \\w \\s,
groups, `(?:...)`, alternation, `? * + {m} {m,} {m,n}` quantifiers, lazy quantifiers treated as greedy), and
`%import common.X [-> Y]` / `%import common (X, Y)` for the usual terminals (INT, SIGNED_INT, NUMBER, FLOAT,
ESCAPED_STRING, CNAME, WORD, LETTER, DIGIT, WS, WS_INLINE, NEWLINE, ...).
`%ignore X` becomes an optional `ignored` rule placed after every token of the parser rules (and before the start rule).

Limits (documented, each raises ConfigError): templates, `%declare`, `%override`, `%extend`, imports from other
modules, regex flags, anchors, lookarounds, backreferences, word boundaries and negated shorthand classes
inside a class.  GBNF has no lexer, so Lark's longest-match tokenisation is not modelled: the GBNF accepts a
superset where adjacent tokens need no separator (e.g. two CNAMEs glued together); outputs must still be parsed
by the real Lark parser, which the checker does anyway.  Repetition counts above 100 are refused.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from lark import Lark, Token, Tree
from lark.exceptions import LarkError

from hypsearch.core.errors import ConfigError

MAX_REPEAT = 100
# `root` and `ignored` are ours; a GBNF rule called `start` makes llguidance (used by vLLM) mistake GBNF for Lark.
# Names are kept unique case-insensitively because llguidance's GBNF reader upper-cases terminal-like rules.
WS_RULE = "ignored"
_RESERVED_NAMES = frozenset({"root", WS_RULE, "start"})

_CLASS_SHORTHANDS: dict[str, list[tuple[int, int]]] = {
    "d": [(0x30, 0x39)],
    "w": [(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)],
    "s": [(0x09, 0x0D), (0x20, 0x20)],
}
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v", "a": "\a", "0": "\0"}

_FLOAT = '( [0-9]+ [eE] [+\\x2D]? [0-9]+ | ( [0-9]+ "." [0-9]* | "." [0-9]+ ) ( [eE] [+\\x2D]? [0-9]+ )? )'
# Lark's common.lark terminals, written out in GBNF (self-contained bodies, no references).
COMMON_TERMINALS: dict[str, str] = {
    "DIGIT": "[0-9]",
    "HEXDIGIT": "[a-fA-F0-9]",
    "INT": "[0-9]+",
    "SIGNED_INT": "[+\\x2D]? [0-9]+",
    "DECIMAL": '( [0-9]+ "." [0-9]* | "." [0-9]+ )',
    "FLOAT": _FLOAT,
    "SIGNED_FLOAT": f"[+\\x2D]? {_FLOAT}",
    "NUMBER": f"( {_FLOAT} | [0-9]+ )",
    "SIGNED_NUMBER": f"[+\\x2D]? ( {_FLOAT} | [0-9]+ )",
    "ESCAPED_STRING": '"\\"" ( [^"\\x5C\\n] | "\\\\" [^\\n] )* "\\""',
    "LCASE_LETTER": "[a-z]",
    "UCASE_LETTER": "[A-Z]",
    "LETTER": "[a-zA-Z]",
    "WORD": "[a-zA-Z]+",
    "CNAME": "[a-zA-Z_] [a-zA-Z0-9_]*",
    "WS_INLINE": "[ \\t]+",
    "WS": "[ \\t\\x0C\\r\\n]+",
    "CR": '"\\r"',
    "LF": '"\\n"',
    "NEWLINE": '( "\\r"? "\\n" )+',
    "SH_COMMENT": '"#" [^\\n]*',
    "CPP_COMMENT": '"//" [^\\n]*',
}


@functools.lru_cache(maxsize=1)
def _meta_parser() -> Lark:
    """Lark's own grammar of Lark grammars (shipped with lark), used to read the user's grammar as a tree."""
    return Lark.open_from_package("lark", "lark.lark", ("grammars",), parser="lalr")


# ----------------------------------------------------------------------------------------------------------------
# GBNF lexical helpers


def _escape_char(cp: int, *, in_class: bool) -> str:
    """One code point written safely inside a GBNF string literal or character class."""
    ch = chr(cp)
    if ch == "\n":
        return "\\n"
    if ch == "\t":
        return "\\t"
    if ch == "\r":
        return "\\r"
    specials = '\\"[]^-' if in_class else '\\"'
    if ch in specials or cp < 0x20 or cp == 0x7F:
        return f"\\x{cp:02X}"
    return ch


def gbnf_literal(text: str) -> str:
    """A GBNF string literal matching exactly `text`."""
    return '"' + "".join(_escape_char(ord(c), in_class=False) for c in text) + '"'


def gbnf_class(ranges: Iterable[tuple[int, int]], *, negated: bool = False) -> str:
    """A GBNF character class over inclusive code-point ranges."""
    parts = []
    for lo, hi in sorted(set(ranges)):
        lo_s = _escape_char(lo, in_class=True)
        parts.append(lo_s if lo == hi else f"{lo_s}-{_escape_char(hi, in_class=True)}")
    return "[" + ("^" if negated else "") + "".join(parts) + "]"


def _repeat(atom: str, low: int, high: int | None, what: str) -> str:
    """`atom` repeated low..high times (high None: unbounded), written without GBNF's {m,n} for portability."""
    if low > MAX_REPEAT or (high is not None and high > MAX_REPEAT):
        raise ConfigError(f"{what}: repetition counts above {MAX_REPEAT} are not supported")
    if high is not None and high < low:
        raise ConfigError(f"{what}: bad repetition range {{{low},{high}}}")
    native = {(0, 1): "?", (0, None): "*", (1, None): "+"}.get((low, high))
    if native is not None:
        return f"{atom}{native}"
    parts = [atom] * low
    if high is None:
        parts.append(f"{atom}*")
    elif high > low:
        # nested, `( a ( a a? )? )?`, not `a? a? a?`: a run of optionals is ambiguous, and llama.cpp keeps one
        # parse stack per way of matching, so decoding slowed to a crawl on long bounded strings
        tail = f"{atom}?"
        for _ in range(high - low - 1):
            tail = f"( {atom} {tail} )?"
        parts.append(tail)
    return " ".join(parts) if parts else '""'


# ----------------------------------------------------------------------------------------------------------------
# Regex subset -> GBNF


class _RegexToGbnf:
    """Recursive-descent translator for the simple regex subset Lark terminals use."""

    def __init__(self, pattern: str, what: str) -> None:
        self.p = pattern
        self.i = 0
        self.what = what

    def fail(self, message: str) -> ConfigError:
        """A ConfigError naming the regex and the position at fault."""
        return ConfigError(f"{self.what}: regex /{self.p}/ at offset {self.i}: {message}")

    def convert(self) -> str:
        """The GBNF expression for the whole pattern."""
        out = self.alternation()
        if self.i != len(self.p):
            raise self.fail("unbalanced ')'")
        return out

    def alternation(self) -> str:
        """alt ('|' alt)*"""
        alts = [self.sequence()]
        while self.i < len(self.p) and self.p[self.i] == "|":
            self.i += 1
            alts.append(self.sequence())
        return alts[0] if len(alts) == 1 else "( " + " | ".join(alts) + " )"

    def sequence(self) -> str:
        """A run of quantified atoms; consecutive plain characters merge into one literal."""
        items: list[str] = []
        pending: list[str] = []
        while self.i < len(self.p) and self.p[self.i] not in "|)":
            atom, char = self.atom()
            quant = self.quantifier()
            if quant is None and char is not None:
                pending.append(char)
                continue
            if pending:
                items.append(gbnf_literal("".join(pending)))
                pending = []
            if quant is None:
                items.append(atom)
            else:
                items.append(_repeat(atom, quant[0], quant[1], self.what))
        if pending:
            items.append(gbnf_literal("".join(pending)))
        return " ".join(items) if items else '""'

    def quantifier(self) -> tuple[int, int | None] | None:
        """Parse an optional quantifier (a trailing lazy `?` is accepted: same language for a full match)."""
        if self.i >= len(self.p):
            return None
        c = self.p[self.i]
        if c in "?*+":
            self.i += 1
            result: tuple[int, int | None] = {"?": (0, 1), "*": (0, None), "+": (1, None)}[c]
        elif c == "{":
            m = re.compile(r"\{(\d+)(?:(,)(\d*))?\}").match(self.p, self.i)
            if m is None:
                raise self.fail("malformed {m,n} quantifier")
            self.i = m.end()
            low = int(m.group(1))
            high = low if m.group(2) is None else (int(m.group(3)) if m.group(3) else None)
            result = (low, high)
        else:
            return None
        if self.i < len(self.p) and self.p[self.i] == "?":
            self.i += 1
        if self.i < len(self.p) and self.p[self.i] in "?*+{":
            raise self.fail("stacked quantifiers are not supported")
        return result

    def atom(self) -> tuple[str, str | None]:
        """One atom: (GBNF text, the plain character it stands for or None)."""
        c = self.p[self.i]
        if c == "(":
            self.i += 1
            if self.p.startswith("?:", self.i):
                self.i += 2
            elif self.p.startswith("?", self.i):
                raise self.fail("only (?:...) groups are supported (no lookarounds, named groups or inline flags)")
            inner = self.alternation()
            if self.i >= len(self.p) or self.p[self.i] != ")":
                raise self.fail("missing ')'")
            self.i += 1
            return f"( {inner} )", None
        if c == "[":
            return self.char_class(), None
        if c == ".":
            self.i += 1
            return "[^\\n]", None
        if c in "^$":
            raise self.fail("anchors are not supported")
        if c in "*+?{":
            raise self.fail("quantifier with nothing to repeat")
        if c == "\\":
            return self.escape_atom()
        self.i += 1
        return gbnf_literal(c), c

    def escape_atom(self) -> tuple[str, str | None]:
        """A backslash escape outside a class."""
        if self.i + 1 >= len(self.p):
            raise self.fail("dangling backslash")
        e = self.p[self.i + 1]
        if e.lower() in _CLASS_SHORTHANDS:
            self.i += 2
            return gbnf_class(_CLASS_SHORTHANDS[e.lower()], negated=e.isupper()), None
        cp = self.escaped_codepoint()
        return gbnf_literal(chr(cp)), chr(cp)

    def escaped_codepoint(self) -> int:
        """Decode the escape at self.i (a literal character escape) and advance past it."""
        e = self.p[self.i + 1]
        if e in _SIMPLE_ESCAPES:
            self.i += 2
            return ord(_SIMPLE_ESCAPES[e])
        if e in "xuU":
            width = {"x": 2, "u": 4, "U": 8}[e]
            digits = self.p[self.i + 2:self.i + 2 + width]
            if len(digits) != width or not all(d in "0123456789abcdefABCDEF" for d in digits):
                raise self.fail(f"malformed \\{e} escape")
            self.i += 2 + width
            return int(digits, 16)
        if e.isalnum():
            raise self.fail(f"escape \\{e} is not supported (no word boundaries, anchors or backreferences)")
        self.i += 2
        return ord(e)

    def char_class(self) -> str:
        """A [...] class with ranges, escapes and \\d \\w \\s."""
        start = self.i
        self.i += 1
        negated = self.p.startswith("^", self.i)
        if negated:
            self.i += 1
        ranges: list[tuple[int, int]] = []
        first = True
        while True:
            if self.i >= len(self.p):
                self.i = start
                raise self.fail("unterminated character class")
            c = self.p[self.i]
            if c == "]" and not first:
                self.i += 1
                break
            first = False
            lo = self.class_member(ranges)
            if lo is None:
                continue
            if self.p.startswith("-", self.i) and self.i + 1 < len(self.p) and self.p[self.i + 1] != "]":
                self.i += 1
                hi = self.class_member(ranges)
                if hi is None or hi < lo:
                    raise self.fail("bad range in character class")
                ranges.append((lo, hi))
            else:
                ranges.append((lo, lo))
        if not ranges:
            raise self.fail("empty character class")
        return gbnf_class(ranges, negated=negated)

    def class_member(self, ranges: list[tuple[int, int]]) -> int | None:
        """One class member: returns its code point, or None after adding a shorthand's ranges."""
        c = self.p[self.i]
        if c == "[" and self.p.startswith("[:", self.i):
            raise self.fail("POSIX classes are not supported")
        if c != "\\":
            self.i += 1
            return ord(c)
        if self.i + 1 >= len(self.p):
            raise self.fail("dangling backslash")
        e = self.p[self.i + 1]
        if e in _CLASS_SHORTHANDS:
            ranges.extend(_CLASS_SHORTHANDS[e])
            self.i += 2
            return None
        if e.lower() in _CLASS_SHORTHANDS:
            raise self.fail(f"\\{e} inside a character class is not supported")
        if e == "b":
            self.i += 2
            return 0x08
        return self.escaped_codepoint()


def regex_to_gbnf(pattern: str, what: str = "regex") -> str:
    """GBNF expression for a regex in the supported subset (see the module docstring); ConfigError otherwise."""
    return _RegexToGbnf(pattern, what).convert()


# ----------------------------------------------------------------------------------------------------------------
# Lark grammar tree -> GBNF


def _decode_lark_string(token: str, what: str) -> tuple[str, bool]:
    """Decode a Lark STRING token ("..." or "..."i) into (text, case_insensitive)."""
    insensitive = token.endswith("i") and not token.endswith('"')
    body = token[1:-2] if insensitive else token[1:-1]
    out: list[str] = []
    i = 0
    while i < len(body):
        c = body[i]
        if c != "\\" or i + 1 >= len(body):
            out.append(c)
            i += 1
            continue
        e = body[i + 1]
        if e in '"\\':
            out.append(e)
            i += 2
        elif e in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[e])
            i += 2
        elif e in "xu":
            width = 2 if e == "x" else 4
            digits = body[i + 2:i + 2 + width]
            try:
                out.append(chr(int(digits, 16)))
            except ValueError:
                raise ConfigError(f"{what}: malformed escape in {token}") from None
            i += 2 + width
        else:
            out.append("\\" + e)  # Lark keeps unknown escapes verbatim
            i += 2
    return "".join(out), insensitive


def _case_insensitive_literal(text: str) -> str:
    """GBNF for `text` matched case-insensitively."""
    parts = []
    for ch in text:
        variants = {ord(ch), ord(ch.lower()), ord(ch.upper())} if len(ch.lower()) == len(ch.upper()) == 1 else {ord(ch)}
        parts.append(gbnf_literal(ch) if len(variants) == 1 else gbnf_class((v, v) for v in variants))
    return " ".join(parts) if parts else '""'


def _gbnf_name(name: str, taken: set[str]) -> str:
    """A GBNF-legal, unique name ([a-zA-Z0-9-]) for a Lark rule or terminal name."""
    base = name.replace("_", "-")
    if base.startswith("-"):
        base = "h" + base
    if base in _RESERVED_NAMES:
        base += "-rule"
    candidate, k = base, 2
    while candidate.lower() in taken:
        candidate, k = f"{base}-{k}", k + 1
    taken.add(candidate.lower())
    return candidate


class _Converter:
    """Walk the lark.lark tree of a user grammar and produce GBNF rules."""

    def __init__(self, tree: Tree, start: str) -> None:
        self.start = start
        self.rules: dict[str, Tree] = {}       # lark name -> expansions tree
        self.terminals: dict[str, Tree] = {}
        self.imports: dict[str, str] = {}      # local terminal name -> common terminal name
        self.ignores: list[Tree] = []
        self._collect(tree)
        taken = set(_RESERVED_NAMES)
        self.names = {n: _gbnf_name(n, taken) for n in [*self.rules, *self.terminals, *self.imports]}
        self.ignoring = bool(self.ignores)

    def _collect(self, tree: Tree) -> None:
        """Index definitions and statements; reject unsupported directives."""
        for item in tree.children:
            if not isinstance(item, Tree):
                continue
            kind = item.data
            if kind in ("rule", "token"):
                name_tok, params = item.children[0], item.children[1]
                name = str(name_tok).lstrip("?!")
                if isinstance(params, Tree) and any(c is not None for c in params.children):
                    raise ConfigError(f"lark_to_gbnf: template rule `{name}` is not supported")
                body = item.children[-1]
                table = self.rules if kind == "rule" else self.terminals
                if name in table:
                    raise ConfigError(f"lark_to_gbnf: `{name}` is defined twice")
                table[name] = body
            elif kind == "ignore":
                self.ignores.append(item.children[0])
            elif kind == "import":
                path, alias = item.children
                self._import(path, [alias] if alias is not None else None)
            elif kind == "multi_import":
                path, name_list = item.children
                self._import(path, None, [str(n.children[0]) for n in name_list.children])
            else:
                raise ConfigError(f"lark_to_gbnf: `%{kind.split('_')[0]}` is not supported")

    def _import(self, path: Tree, alias: list[Tree | Token | None] | None, names: list[str] | None = None) -> None:
        """Record `%import common.X [-> Y]` or `%import common (X, Y)`."""
        parts = [str(c.children[0]) for c in path.children if isinstance(c, Tree)]
        relative = bool(path.children) and isinstance(path.children[0], Token)
        if names is None:
            module, names = parts[:-1], [parts[-1]]
        else:
            module = parts
        if relative or module != ["common"]:
            raise ConfigError(f"lark_to_gbnf: only `%import common...` is supported, got module {'.'.join(module)!r}")
        for name in names:
            if name not in COMMON_TERMINALS:
                raise ConfigError(f"lark_to_gbnf: common.{name} is not supported; supported: "
                                  f"{', '.join(sorted(COMMON_TERMINALS))}")
            local = name
            if alias:
                a = alias[0]
                local = str(a.children[0]) if isinstance(a, Tree) else str(a)
            self.imports[local] = name

    def convert(self) -> str:
        """The full GBNF text."""
        if self.start not in self.rules:
            raise ConfigError(f"lark_to_gbnf: the grammar has no start rule `{self.start}`")
        lines = ["# GBNF generated from a Lark grammar by hypsearch.llm.gbnf.lark_to_gbnf",
                 f"root ::= {WS_RULE + ' ' if self.ignoring else ''}{self.names[self.start]}"]
        for name, body in self.rules.items():
            lines.append(f"{self.names[name]} ::= {self.expr(body, in_terminal=False, what=name)}")
        for name, body in self.terminals.items():
            lines.append(f"{self.names[name]} ::= {self.expr(body, in_terminal=True, what=name)}")
        for local, common in self.imports.items():
            lines.append(f"{self.names[local]} ::= {COMMON_TERMINALS[common]}")
        if self.ignoring:
            alts = [self.expr(t, in_terminal=True, what="%ignore") for t in self.ignores]
            lines.append(f"{WS_RULE} ::= ( {' | '.join(alts)} )*")
        return "\n".join(lines) + "\n"

    def token(self, text: str, in_terminal: bool) -> str:
        """A token occurrence; in parser rules with %ignore, optional whitespace follows it."""
        return text if in_terminal or not self.ignoring else f"{text} {WS_RULE}"

    def expr(self, node: Tree | Token | None, *, in_terminal: bool, what: str) -> str:
        """GBNF for one node of the lark.lark tree."""
        if node is None:
            return '""'
        if isinstance(node, Token):
            raise ConfigError(f"lark_to_gbnf: unexpected token {node!s} in `{what}`")
        kind = node.data
        if kind == "expansions":
            alts = [self.expr(c, in_terminal=in_terminal, what=what) for c in node.children]
            return "( " + " | ".join(alts) + " )"
        if kind == "alias":
            return self.expr(node.children[0], in_terminal=in_terminal, what=what)  # `-> alias` is stripped
        if kind == "expansion":
            parts = [self.expr(c, in_terminal=in_terminal, what=what) for c in node.children]
            return " ".join(parts) if parts else '""'
        if kind == "expr":
            return self.repeated(node, in_terminal=in_terminal, what=what)
        if kind == "maybe":
            return f"( {self.expr(node.children[0], in_terminal=in_terminal, what=what)} )?"
        if kind == "name":
            return self.reference(str(node.children[0]), in_terminal=in_terminal, what=what)
        if kind == "literal":
            return self.literal(str(node.children[0]), in_terminal=in_terminal, what=what)
        if kind == "literal_range":
            lo, _ = _decode_lark_string(str(node.children[0]), what)
            hi, _ = _decode_lark_string(str(node.children[1]), what)
            if len(lo) != 1 or len(hi) != 1 or ord(lo) > ord(hi):
                raise ConfigError(f"lark_to_gbnf: bad range {node.children[0]}..{node.children[1]} in `{what}`")
            return self.token(gbnf_class([(ord(lo), ord(hi))]), in_terminal)
        if kind == "template_usage":
            raise ConfigError(f"lark_to_gbnf: template use in `{what}` is not supported")
        raise ConfigError(f"lark_to_gbnf: construct `{kind}` in `{what}` is not supported")

    def repeated(self, node: Tree, *, in_terminal: bool, what: str) -> str:
        """atom [OP | ~ n [.. m]]"""
        atom = self.expr(node.children[0], in_terminal=in_terminal, what=what)
        ops = [c for c in node.children[1:] if c is not None]
        if not ops:
            return atom
        wrapped = f"( {atom} )"
        if ops[0].type == "OP":
            return f"{wrapped}{ops[0]}"
        low = int(ops[0])
        high = int(ops[1]) if len(ops) > 1 else low
        return _repeat(wrapped, low, high, f"lark_to_gbnf: `{what}`")

    def reference(self, name: str, *, in_terminal: bool, what: str) -> str:
        """A rule or terminal name."""
        if name.startswith(("!", "?")):
            raise ConfigError(f"lark_to_gbnf: stray modifier in `{name}` inside `{what}`")
        if name not in self.names:
            raise ConfigError(f"lark_to_gbnf: `{name}` is used in `{what}` but never defined")
        is_terminal = name in self.terminals or name in self.imports
        if in_terminal and not is_terminal:
            raise ConfigError(f"lark_to_gbnf: terminal `{what}` refers to rule `{name}`")
        return self.token(self.names[name], in_terminal) if is_terminal else self.names[name]

    def literal(self, text: str, *, in_terminal: bool, what: str) -> str:
        """A "string" or /regex/ literal."""
        if text.startswith('"'):
            value, insensitive = _decode_lark_string(text, what)
            gb = _case_insensitive_literal(value) if insensitive else gbnf_literal(value)
            if insensitive and len(value) > 1:
                gb = f"( {gb} )"
            return self.token(gb, in_terminal)
        last = text.rfind("/")
        pattern, flags = text[1:last], text[last + 1:]
        if flags:
            raise ConfigError(f"lark_to_gbnf: regex flags `{flags}` in `{what}` are not supported")
        gb = regex_to_gbnf(pattern.replace("\\/", "/"), f"lark_to_gbnf: `{what}`")
        return self.token(f"( {gb} )", in_terminal)


def lark_to_gbnf(lark_text: str, start: str = "start") -> str:
    """Translate a Lark grammar (the DSL subset described in this module's docstring) into GBNF for llama.cpp.

    The grammar is first checked by Lark itself; any problem or unsupported construct raises ConfigError.
    """
    try:
        tree = _meta_parser().parse(lark_text if lark_text.endswith("\n") else lark_text + "\n")
    except LarkError as exc:
        raise ConfigError(f"lark_to_gbnf: unsupported Lark syntax: {exc}") from None
    converter = _Converter(tree, start)  # rejects unsupported directives before Lark sees them
    try:
        Lark(lark_text, start=start)
    except Exception as exc:  # noqa: BLE001 - Lark raises assorted types on malformed grammars
        raise ConfigError(f"lark_to_gbnf: the Lark grammar is invalid: {exc}") from None
    return converter.convert()

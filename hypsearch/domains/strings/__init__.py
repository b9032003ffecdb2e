"""Strings domain: the SMT-LIB string/integer terms of SyGuS PBE_SLIA, as a plug-in.

Registered through the `hypsearch.domains` entry point as `strings`; the engine
finds it exactly as it would a third party's domain.
"""

from __future__ import annotations

import re
from typing import Any

import z3

from hypsearch.core.domain import Domain, Primitive, ValueType, WorkedExample
from hypsearch.domains.logic_semantics import integer_primitives, logic_primitives
from hypsearch.core.program import Const
from hypsearch.core.task import Task
from hypsearch.domains.strings import semantics as S
from hypsearch.domains.strings.batch import BATCH

_UNICODE_ESCAPE = re.compile(r"\\u\{([0-9a-fA-F]{1,5})\}|\\u([0-9a-fA-F]{4})")


def show_string(s: str) -> str:
    """SMT-LIB 2.6 string literal: `"` doubled, non-printable characters as \\u{…}."""
    out = []
    for ch in s:
        if ch == '"':
            out.append('""')
        elif ch == "\\" or not (" " <= ch <= "~"):
            out.append("\\u{%x}" % ord(ch))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def read_string(token: str) -> str:
    """Decode an SMT-LIB 2.6 string literal token (the inverse of `show_string`)."""
    body = token[1:-1].replace('""', '"')
    return _UNICODE_ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), body)


def show_int(n: int) -> str:
    """SMT-LIB integer literal: negatives as `(- n)`."""
    return str(n) if n >= 0 else f"(- {-n})"


def _z3_string(s: str) -> z3.ExprRef:
    # z3's StringVal reads escape sequences; pass characters explicitly so none is interpreted
    if all(" " <= c <= "~" and c != "\\" for c in s):
        return z3.StringVal(s)
    if not s:
        return z3.StringVal("")
    units = [z3.Unit(z3.CharVal(ord(c))) for c in s]
    return units[0] if len(units) == 1 else z3.Concat(*units)


def _z3_bool(e: z3.ExprRef) -> bool:
    if z3.is_true(e):
        return True
    if z3.is_false(e):
        return False
    raise ValueError(f"not a Boolean constant: {e}")


def _from_z3_string(e: z3.ExprRef) -> str:
    return e.as_string()


def _string_strategy() -> Any:
    from hypothesis import strategies as st

    return st.text(alphabet=st.sampled_from('ab1 2-."x\\\u00e9'), max_size=6)


def _int_strategy() -> Any:
    from hypothesis import strategies as st

    return st.integers(min_value=-3, max_value=8)


def _bool_strategy() -> Any:
    from hypothesis import strategies as st

    return st.booleans()


STRING = ValueType(
    "String", show_string, is_value=lambda v: isinstance(v, str), size=len,
    z3_sort=z3.StringSort, to_z3=_z3_string, from_z3=_from_z3_string, strategy=_string_strategy,
)
INT = ValueType(
    "Int", show_int, is_value=lambda v: isinstance(v, int) and not isinstance(v, bool),
    z3_sort=z3.IntSort, to_z3=z3.IntVal, from_z3=lambda e: e.as_long(), strategy=_int_strategy,
)
BOOL = ValueType(
    "Bool", lambda b: "true" if b else "false", is_value=lambda v: isinstance(v, bool),
    z3_sort=z3.BoolSort, to_z3=z3.BoolVal, from_z3=lambda e: _z3_bool(e), strategy=_bool_strategy,
)


def _prim(name: str, args: str, ret: str, definition: Any, doc: str, cost: int = 1, **kw: Any) -> Primitive:
    """A primitive whose one definition serves both the interpreter and the z3 encoding."""
    python, smt = S.both(definition)
    return Primitive(name, tuple(args.split()), ret, python, doc, encode=smt, cost=cost,
                     batch=BATCH.get(name), **kw)


_CORE = {**logic_primitives(_prim), **integer_primitives(_prim)}

PRIMITIVES: tuple[Primitive, ...] = (
    _prim("str.++", "String String", "String", S.str_concat, "concatenate two strings", variadic=True,
          split=lambda whole, prefix: whole[len(prefix):] if whole.startswith(prefix) else None,
          prefixes=lambda whole: [whole[:k] for k in range(len(whole), -1, -1)]),
    _prim("str.substr", "String Int Int", "String", S.str_substr,
          "(str.substr s i n): the n characters of s from index i (0-based); \"\" if out of range"),
    _prim("str.at", "String Int", "String", S.str_at, "(str.at s i): the character at index i, or \"\""),
    _prim("str.len", "String", "Int", S.str_len, "length of a string"),
    _prim("str.indexof", "String String Int", "Int", S.str_indexof,
          "(str.indexof s t i): first index >= i where t occurs in s, or -1"),
    _prim("str.replace", "String String String", "String", S.str_replace,
          "(str.replace s t u): s with its first t replaced by u"),
    _prim("str.prefixof", "String String", "Bool", S.str_prefixof, "(str.prefixof a b): a is a prefix of b"),
    _prim("str.suffixof", "String String", "Bool", S.str_suffixof, "(str.suffixof a b): a is a suffix of b"),
    _prim("str.contains", "String String", "Bool", S.str_contains, "(str.contains a b): b occurs in a"),
    _prim("str.to_int", "String", "Int", S.str_to_int, "the number a digit string denotes; -1 otherwise",
          aliases=("str.to.int",)),
    _prim("str.from_int", "Int", "String", S.str_from_int, "decimal digits of a non-negative integer; \"\" if negative",
          aliases=("int.to.str",)),
    _CORE["ite"],
    _CORE["="],
    _CORE["+"],
    _CORE["-"],
    _CORE["*"],
    _CORE["<="],
    _CORE["<"],
    _CORE[">="],
    _CORE[">"],
    _CORE["and"],
    _CORE["or"],
    _CORE["not"],
)


class StringsDomain(Domain):
    """SMT-LIB strings, with constants guessed from the examples when a task brings no grammar."""

    offset_types = frozenset({"Int"})  # integers index and measure strings: a fixed offset rarely generalises

    def constants(self, task: Task) -> tuple[Const, ...]:
        outputs = [ex.output for ex in task.examples if isinstance(ex.output, str)]
        strings = {"", " "} | shared_substrings(outputs) | {c for o in outputs for c in o if not c.isalnum()}
        ints = {0, 1, 2, -1}
        return tuple(Const(s, "String") for s in sorted(strings)) + tuple(Const(n, "Int") for n in sorted(ints))


def shared_substrings(texts: list[str], most: int = 4) -> set[str]:
    """The longest substrings common to every text (at most `most` of them, length >= 2)."""
    if len(texts) < 2:
        return set()
    shortest = min(texts, key=len)
    found: set[str] = set()
    for length in range(len(shortest), 1, -1):
        for i in range(len(shortest) - length + 1):
            piece = shortest[i:i + length]
            if all(piece in t for t in texts) and not any(piece in f for f in found):
                found.add(piece)
        if len(found) >= most:
            break
    return found


DOMAIN = StringsDomain(
    name="strings",
    description="SMT-LIB string and integer terms (SyGuS PBE_SLIA): concatenation, substrings, search, conversion.",
    grammar="strings.lark",
    types={"String": STRING, "Int": INT, "Bool": BOOL},
    primitives=PRIMITIVES,
    literal_rules={"int": ("Int", int), "neg_int": ("Int", lambda digits: -int(digits)),
                   "string": ("String", read_string)},
    symbol_constants={"true": ("Bool", True), "false": ("Bool", False)},
    smt_logics=("SLIA", "QF_SLIA", "S", "QF_S"),
    examples=(
        WorkedExample("the first word of the name", '(str.substr name 0 (str.indexof name " " 0))', (("name", "String"),)),
        WorkedExample("the last character", "(str.at s (- (str.len s) 1))", (("s", "String"),)),
        WorkedExample("append a dot to the initial", '(str.++ (str.at s 0) ".")', (("s", "String"),)),
    ),
)

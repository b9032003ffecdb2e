"""MiniSCAN semantics: interpretation grammars and the precedence parser that runs them.

A grammar maps primitive words to colour sequences and function words to rules: where
the word stands (after, before or between its arguments), how tightly it binds (a lower
level binds tighter) and the output pattern over its arguments (`[x y x]`, `[~x]` = x
reversed).  `interpret` parses a sentence by precedence climbing and builds the colours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from hypsearch.core.domain import Primitive, ValueType

KINDS = ("postfix", "prefix", "infix", "infixr")
"""Rule shapes: unary after / before the argument; binary between, left- or right-associative."""
UNARY_KINDS = ("postfix", "prefix")
PATTERN_ATOMS = ("x", "y", "~x", "~y")
_PATTERN_ATOM = re.compile(r"~?[xy]")
_WORD = re.compile(r"[^\s\"]+")


@dataclass(frozen=True)
class Rule:
    """One function word: its shape, binding level and output pattern."""

    word: str
    kind: str
    level: int
    pattern: tuple[str, ...]

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown rule kind {self.kind!r}")
        if self.level < 0:
            raise ValueError(f"level must be non-negative, got {self.level}")
        slots = {a.lstrip("~") for a in self.pattern}
        if self.kind in UNARY_KINDS and not slots <= {"x"}:
            raise ValueError(f"{self.kind} rule for {self.word!r} may only use x, got {show_pattern(self.pattern)}")
        if self.kind not in UNARY_KINDS and slots != {"x", "y"}:
            raise ValueError(f"{self.kind} rule for {self.word!r} must use both x and y")

    @property
    def arity(self) -> int:
        return 1 if self.kind in UNARY_KINDS else 2

    def apply(self, x: tuple[str, ...], y: tuple[str, ...] = ()) -> tuple[str, ...]:
        """The pattern with the argument colour sequences filled in."""
        out: list[str] = []
        for atom in self.pattern:
            seq = x if atom.endswith("x") else y
            out.extend(reversed(seq) if atom.startswith("~") else seq)
        return tuple(out)


@dataclass(frozen=True)
class Interpretation:
    """A lexicon (word → colours) and function-word rules; every word has one meaning."""

    lexicon: tuple[tuple[str, tuple[str, ...]], ...] = ()
    rules: tuple[Rule, ...] = ()

    def words(self) -> set[str]:
        return {w for w, _ in self.lexicon} | {r.word for r in self.rules}

    def merge(self, other: "Interpretation") -> "Interpretation":
        """Both grammars together; a word defined in both is an error."""
        clash = self.words() & other.words()
        if clash:
            raise ValueError(f"word {sorted(clash)[0]!r} is defined twice")
        return Interpretation(self.lexicon + other.lexicon, self.rules + other.rules)


EMPTY = Interpretation()


def tokens(text: str) -> list[str]:
    """The words of a sentence (or colours of an output), split on whitespace."""
    return text.split()


def interpret(grammar: Interpretation, sentence: str) -> str:
    """The colours `sentence` denotes, space-separated; ValueError when it does not parse."""
    return " ".join(derive(grammar, tokens(sentence)))


def derive(grammar: Interpretation, words: list[str]) -> tuple[str, ...]:
    """Precedence climbing over `words`: lower levels bind tighter, equal infix levels group left."""
    lexicon = dict(grammar.lexicon)
    rules = {r.word: r for r in grammar.rules}
    pos = 0

    def strength(rule: Rule) -> int:
        return -2 * rule.level

    def expression(min_strength: int) -> tuple[str, ...]:
        nonlocal pos
        if pos >= len(words):
            raise ValueError("sentence ends where an argument is expected")
        word = words[pos]
        pos += 1
        if word in lexicon:
            left = lexicon[word]
        elif word in rules and rules[word].kind == "prefix":
            left = rules[word].apply(expression(strength(rules[word])))
        elif word in rules:
            raise ValueError(f"function word {word!r} has no argument before it")
        else:
            raise ValueError(f"unknown word {word!r}")
        while pos < len(words):
            word = words[pos]
            rule = rules.get(word)
            if rule is None or rule.kind == "prefix":
                raise ValueError(f"{word!r} follows a complete phrase without a function word")
            if strength(rule) < min_strength:
                break
            pos += 1
            if rule.kind == "postfix":
                left = rule.apply(left)
            else:
                right = expression(strength(rule) + (1 if rule.kind == "infix" else 0))
                left = rule.apply(left, right)
        return left

    out = expression(-(10 ** 9))
    if pos != len(words):
        raise ValueError(f"unexpected word {words[pos]!r}")
    return out


# -- literals ---------------------------------------------------------------------------
def show_string(s: str) -> str:
    """A string literal in double quotes (strings never hold a double quote)."""
    return '"' + s + '"'


def read_string(token: str) -> str:
    return token[1:-1]


def show_pattern(pattern: tuple[str, ...]) -> str:
    """An output pattern literal such as `[x y x]`."""
    return "[" + " ".join(pattern) + "]"


def read_pattern(token: str) -> tuple[str, ...]:
    return tuple(_PATTERN_ATOM.findall(token))


def show_grammar(g: Interpretation) -> str:
    """Only the empty grammar is a literal (`empty`); others are built by primitives."""
    if g == EMPTY:
        return "empty"
    raise ValueError("only the empty grammar has a literal form")


def _word_strategy() -> Any:
    from hypothesis import strategies as st

    return st.sampled_from(("dax", "wif", "lug", "fep", "blicket", "kiki", "RED", "BLUE"))


def _string_strategy() -> Any:
    from hypothesis import strategies as st

    return st.lists(_word_strategy(), min_size=1, max_size=5).map(" ".join)


def _pattern_strategy() -> Any:
    from hypothesis import strategies as st

    return st.lists(st.sampled_from(PATTERN_ATOMS), max_size=4).map(tuple)


def _int_strategy() -> Any:
    from hypothesis import strategies as st

    return st.integers(min_value=0, max_value=4)


def _grammar_strategy() -> Any:
    from hypothesis import strategies as st

    return st.just(EMPTY)


TYPES: dict[str, ValueType] = {
    "String": ValueType("String", show_string, lambda v: isinstance(v, str) and '"' not in v, size=len,
                        strategy=_string_strategy),
    "Int": ValueType("Int", str, lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
                     strategy=_int_strategy),
    "Pattern": ValueType("Pattern", show_pattern,
                         lambda v: isinstance(v, tuple) and all(a in PATTERN_ATOMS for a in v), size=len,
                         strategy=_pattern_strategy),
    "Grammar": ValueType("Grammar", show_grammar, lambda v: isinstance(v, Interpretation),
                         size=lambda g: len(g.lexicon) + len(g.rules), strategy=_grammar_strategy),
}


def _word(w: str, colours: str) -> Interpretation:
    if not _WORD.fullmatch(w):
        raise ValueError(f"a word is one token without spaces, got {w!r}")
    meaning = tuple(tokens(colours))
    if not meaning:
        raise ValueError(f"word {w!r} must mean at least one colour")
    return Interpretation(((w, meaning),))


def _rule(kind: str) -> Any:
    def build(w: str, level: int, pattern: tuple[str, ...]) -> Interpretation:
        if not _WORD.fullmatch(w):
            raise ValueError(f"a word is one token without spaces, got {w!r}")
        return Interpretation((), (Rule(w, kind, level, pattern),))
    return build


PRIMITIVES: tuple[Primitive, ...] = (
    Primitive("word", ("String", "String"), "Grammar", _word,
              "(word w c): the primitive word w means the colour sequence c"),
    Primitive("postfix", ("String", "Int", "Pattern"), "Grammar", _rule("postfix"),
              "(postfix f n [x x]): function word f follows its argument x, binds at level n, yields the pattern"),
    Primitive("prefix", ("String", "Int", "Pattern"), "Grammar", _rule("prefix"),
              "(prefix f n [x x]): function word f precedes its argument x, binds at level n, yields the pattern"),
    Primitive("infix", ("String", "Int", "Pattern"), "Grammar", _rule("infix"),
              "(infix f n [x y x]): f stands between arguments x and y, level n, groups to the left"),
    Primitive("infixr", ("String", "Int", "Pattern"), "Grammar", _rule("infixr"),
              "(infixr f n [y x]): f stands between arguments x and y, level n, groups to the right"),
    Primitive("grammar", ("Grammar", "Grammar"), "Grammar", lambda a, b: a.merge(b),
              "(grammar g h ...): all entries of g and h together (each word defined once)", variadic=True),
    Primitive("interpret", ("Grammar", "String"), "String", interpret,
              "(interpret g s): the colours sentence s denotes under g (lower levels bind tighter)"),
)

SYMBOLS: dict[str, tuple[str, Any]] = {"empty": ("Grammar", EMPTY)}

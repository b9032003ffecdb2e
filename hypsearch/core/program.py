"""The typed program AST shared by every domain: variables, constants and applications.

Terms are frozen, hashable and compared by value, so they can key caches and
observational-equivalence tables.  A domain's printer and parser map them to and
from its surface syntax; the engine itself only walks this small tree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping, Union

Type = str
"""A value type is named by a string ("String", "Int", "Bool", "Grid", "(_ BitVec 64)")."""

TYPE_VARIABLES = frozenset({"T", "U"})
"""Names that stand for any type in a primitive signature (`ite : Bool T T -> T`)."""


@dataclass(frozen=True, slots=True)
class Var:
    """A program input, bound by the task (a SyGuS parameter, the ARC input grid)."""

    name: str
    type: Type


@dataclass(frozen=True, slots=True)
class Const:
    """A literal value of a domain type."""

    value: Any
    type: Type


@dataclass(frozen=True, slots=True)
class Hole:
    """A constant left open, to be filled by z3 or enumeration (`?` in a sketch)."""

    name: str
    type: Type


@dataclass(frozen=True, slots=True)
class App:
    """A primitive applied to arguments; `op` is the primitive's name in its domain."""

    op: str
    args: tuple["Term", ...]
    type: Type
    _hash: int = field(default=0, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.op, self.args, self.type)))

    def __hash__(self) -> int:
        return self._hash


Term = Union[Var, Const, Hole, App]


def size(term: Term) -> int:
    """Number of AST nodes: the default simplicity measure (smaller is simpler)."""
    if isinstance(term, App):
        return 1 + sum(size(a) for a in term.args)
    return 1


def depth(term: Term) -> int:
    """Height of the tree (a leaf has depth 1)."""
    if isinstance(term, App):
        return 1 + max((depth(a) for a in term.args), default=0)
    return 1


def subterms(term: Term) -> Iterator[Term]:
    """Every subterm, root first."""
    yield term
    if isinstance(term, App):
        for a in term.args:
            yield from subterms(a)


def holes(term: Term) -> tuple[Hole, ...]:
    """The holes of a sketch, in left-to-right order without repeats."""
    seen: dict[str, Hole] = {}
    for t in subterms(term):
        if isinstance(t, Hole):
            seen.setdefault(t.name, t)
    return tuple(seen.values())


def substitute(term: Term, mapping: dict[Term, Term]) -> Term:
    """Replace subterms (holes, variables, anything) by `mapping`, bottom-up."""
    if term in mapping:
        return mapping[term]
    if isinstance(term, App):
        return App(term.op, tuple(substitute(a, mapping) for a in term.args), term.type)
    return term


@dataclass(frozen=True)
class Sketch:
    """A program shape whose holes z3 may fill: the term, a range per hole (keeps the search finite
    and the constants small), and a clean-up for the filled program (drop `* 0`, `+ 0`, …).

    Domains offer sketches (`Domain.sketches`); `hypsearch.check.holes.fill_holes` fills them."""

    term: Term
    bounds: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    tidy: Callable[[Term], Term] | None = None

    def fill(self, values: Mapping[str, Any]) -> Term:
        """The program with every hole replaced by its value."""
        mapping: dict[Term, Term] = {h: Const(values[h.name], h.type) for h in holes(self.term)}
        filled = substitute(self.term, mapping)
        return self.tidy(filled) if self.tidy is not None else filled

"""The Domain protocol: what a DSL plug-in provides to the engine.

A domain bundles value types, a lark grammar, primitives (Python semantics, optional
z3 semantics, a one-line description each, an enumeration cost), a printer/parser
for its surface syntax, worked examples for prompts and optional task loaders.
Built-in domains and third-party ones register the same way (see `registry`).
"""

from __future__ import annotations

import importlib.resources
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Mapping, Sequence

from hypsearch.core.program import TYPE_VARIABLES, App, Const, Sketch, Term, Type, Var

if TYPE_CHECKING:
    import z3

    from hypsearch.core.grammar import SearchGrammar
    from hypsearch.core.task import Signature, Task


@dataclass(frozen=True)
class ValueType:
    """A value type of a domain: how its values print, size up and map to z3."""

    name: Type
    show: Callable[[Any], str]
    """Render a value as a literal in the domain's surface syntax."""
    is_value: Callable[[Any], bool] = lambda v: True
    """True when a Python value belongs to this type (checks task data)."""
    size: Callable[[Any], int] | None = None
    """Size of a value for the interpreter's size limit (e.g. string length, cells)."""
    z3_sort: Callable[[], "z3.SortRef"] | None = None
    to_z3: Callable[[Any], "z3.ExprRef"] | None = None
    from_z3: Callable[["z3.ExprRef"], Any] | None = None
    strategy: Callable[[], Any] | None = None
    """A hypothesis strategy of typical values, for property tests and `domain check`."""
    to_json: Callable[[Any], Any] | None = None
    """A value as plain JSON data (None: the generic form, tuples as arrays; see `hypsearch.core.json_values`)."""
    from_json: Callable[[Any], Any] | None = None
    """JSON data back to a value, raising ValueError/TypeError when it is none (None: the generic form)."""


@dataclass(frozen=True)
class Primitive:
    """One DSL operator: its signature, Python semantics and optional z3 semantics.

    `impl` raises any exception to signal a runtime error on those arguments;
    `encode` builds the z3 term for the same operation (None: no SMT encoding).
    """

    name: str
    arg_types: tuple[Type, ...]
    ret_type: Type
    impl: Callable[..., Any]
    doc: str
    encode: Callable[..., Any] | None = None
    cost: int = 1
    aliases: tuple[str, ...] = ()
    commutative: bool = False
    variadic: bool = False
    """Associative binary operator that also reads n-ary (`(str.++ a b c)` = `(str.++ a (str.++ b c))`)."""
    split: Callable[[Any, Any], Any] | None = None
    """For an associative concatenation `op(a, b) = t`: given t and a, the b that completes it
    (None when a does not fit).  Lets the search decompose outputs top-down against the bank."""
    prefixes: Callable[[Any], Any] | None = None
    """With `split`: every a with `op(a, b) = t` for some b, longest first (the prefixes of t)."""
    batch: Callable[..., tuple[Any, ...]] | None = None
    """Optional fast path for the enumerator: argument tuples over all examples → result tuple.
    Must agree with `impl` (checked by `domain check`); never used to judge an answer."""
    selects: bool = False
    """An if-then-else `(op c a b)`: the interpreter evaluates c, then only the branch it picks
    (`impl` still defines the value); long decision chains then cost one path, not the whole tree."""
    decided_by: Any = None
    """For a binary `and`/`or`: the first-argument value (False / True) that is also the result,
    whatever the second argument; the interpreter then skips the second (None: always both)."""

    @property
    def arity(self) -> int:
        return len(self.arg_types)

    @property
    def polymorphic(self) -> bool:
        return any(t in TYPE_VARIABLES for t in (*self.arg_types, self.ret_type))


@dataclass(frozen=True)
class WorkedExample:
    """A hypothesis in words and its program: few-shot material for the translator prompt."""

    hypothesis: str
    program: str
    variables: tuple[tuple[str, Type], ...] = ()


@dataclass(frozen=True, eq=False)
class Domain:
    """A DSL plug-in: data (types, primitives, grammar, literals, worked examples) plus small hooks.

    The default surface syntax is the s-expression form `(op arg ...)` read by the
    domain's own lark grammar (see `hypsearch.core.syntax`); override `parse` and
    `show` for another syntax.  Evaluation and z3 encoding are not methods: they are
    functions of the checking stage that take a domain (`hypsearch.check.interpreter.evaluate`,
    `hypsearch.check.smt.encode`), so the protocol imports nothing above `hypsearch.core`.
    """

    name: str
    description: str
    grammar: str
    """File name of the lark grammar inside `hypsearch.grammars`, or a filesystem path."""
    types: Mapping[Type, ValueType]
    primitives: Sequence[Primitive]
    examples: tuple[WorkedExample, ...] = ()
    literal_rules: Mapping[str, tuple[Type, Callable[[str], Any]]] = field(default_factory=dict)
    """Grammar rule alias → (type, token text → value), for the literals of this syntax."""
    symbol_constants: Mapping[str, tuple[Type, Any]] = field(default_factory=dict)
    """Bare symbols that denote constants (`true`, `false`, colour names …)."""
    decoding_literals: Mapping[str, str | None] = field(default_factory=dict)
    """Literal rule alias → a narrower Lark pattern for grammar-constrained decoding (None: decoders never
    write this literal), where the grammar's own terminal admits text elaboration would refuse."""
    smt_logics: tuple[str, ...] = ()
    """SMT-LIB logics whose terms this domain covers ("SLIA", "LIA", "BV"): front-ends that read
    SMT-LIB-based formats (SyGuS) pick a domain by the file's logic."""
    ranks_answers: ClassVar[bool] = False
    """True when the domain's own search (`enumerate_candidates`) yields its fits best first: the engine
    then answers in that order instead of simplest program first."""
    offset_types: ClassVar[frozenset[str]] = frozenset()
    """Types whose literals are positions in the inputs (string offsets): when several behaviours fit, a
    program keyed to fixed ones (other than 0, 1, -1) is the worse bet (`engine.preference`).  Empty where
    numbers are data (list elements, bit-vectors)."""
    takes_seeds: ClassVar[bool] = False
    """True when the domain's own search accepts `enumerate_candidates(task, deadline, seeds=...)`: a live
    `hypsearch.core.seeds.Seeds` of model programs (parsed, type-checked, fitting or not) it tries first and
    composes around, within the same deadline (the hybrid proposer fills it)."""

    # -- derived tables ------------------------------------------------------
    @cached_property
    def primitive_table(self) -> Mapping[str, Primitive]:
        """Every primitive by its name and by each alias."""
        table: dict[str, Primitive] = {}
        for p in self.primitives:
            for n in (p.name, *p.aliases):
                table[n] = p
        return table

    def primitive(self, name: str) -> Primitive | None:
        """The primitive called `name` (or one of its aliases), if any."""
        return self.primitive_table.get(name)

    def value_type(self, name: Type) -> ValueType:
        """The ValueType named `name`; raises KeyError with the domain named."""
        try:
            return self.types[name]
        except KeyError:
            raise KeyError(f"domain {self.name!r} has no type {name!r}") from None

    def grammar_text(self) -> str:
        """The lark grammar source of this domain."""
        return load_grammar_text(self.grammar)

    # -- syntax ----------------------------------------------------------------
    def parse(self, text: str, variables: Mapping[str, Type], *, source: str = "<program>") -> Term:
        """Parse and type-check a program; raises InputSyntaxError or ProgramError."""
        from hypsearch.core.syntax import parse_program

        return parse_program(self, text, variables, source=source)

    def normalize(self, term: Term) -> Term:
        """Canonicalise a freshly parsed application (e.g. fold `(- 1)` into the constant -1)."""
        return term

    def show(self, term: Term) -> str:
        """Print a term in the surface syntax; `parse(show(t)) == t`."""
        from hypsearch.core.syntax import show_program

        return show_program(self, term)

    # -- semantics: run with hypsearch.check.interpreter.evaluate(domain, ...) ------
    @property
    def has_encoding(self) -> bool:
        return all(p.encode is not None for p in self.primitives) and all(
            t.z3_sort is not None for t in self.types.values()
        )

    # -- search ----------------------------------------------------------------
    def search_grammar(self, task: "Task") -> "SearchGrammar":
        """Enumeration components for a task: every primitive, the inputs and task constants.

        Domains override this to narrow or extend the default (`hypsearch.core.grammar`).
        """
        from hypsearch.core.grammar import default_search_grammar

        return default_search_grammar(self, task)

    def constants(self, task: "Task") -> tuple[Const, ...]:
        """Literal constants worth enumerating for this task (default: none)."""
        return ()

    def sketches(self, signature: "Signature") -> tuple[Sketch, ...]:
        """Program shapes with holes, simplest first, that z3 may fill to meet a logical spec
        (used for specs over several functions or with nested calls; default: none)."""
        return ()

    def describe_primitives(self) -> str:
        """One line per primitive, `name : T1 T2 -> R  -- doc`; prompts embed this."""
        lines = []
        for p in self.primitives:
            sig = " ".join(p.arg_types) + " -> " + p.ret_type
            lines.append(f"{p.name} : {sig}  -- {p.doc}")
        return "\n".join(lines)


@dataclass(frozen=True)
class DomainProfile:
    """What a front-end needs to rule a domain out without importing it: its type names and SMT logics.

    Published beside the domain's entry point (group `hypsearch.domain_profiles`, same name) from a module that
    imports nothing heavy, so picking the domain for a `.sl` file does not import every DSL; it must agree with
    the domain (`hypsearch domain check` compares them)."""

    name: str
    types: frozenset[str]
    smt_logics: frozenset[str] = frozenset()

    def may_fit(self, sorts: frozenset[str] | set[str], logic: str | None = None) -> bool:
        """True unless the profile rules the domain out: a sort it lacks, or (given) a logic it does not claim."""
        return set(sorts) <= self.types and (logic is None or logic in self.smt_logics)

    @classmethod
    def of(cls, domain: "Domain") -> "DomainProfile":
        """The profile a domain really has (to compare with the published one)."""
        return cls(domain.name, frozenset(domain.types), frozenset(domain.smt_logics))


@dataclass(frozen=True)
class Limits:
    """Interpreter limits: steps per evaluation and the largest value size allowed."""

    max_steps: int = 100_000
    max_value_size: int = 100_000


def load_grammar_text(name: str) -> str:
    """Read a grammar shipped in `hypsearch.grammars`, or from a path if `name` is one."""
    path = Path(name)
    if path.suffix == ".lark" and (path.is_absolute() or path.exists()) and path.exists():
        return path.read_text(encoding="utf-8")
    return (importlib.resources.files("hypsearch.grammars") / name).read_text(encoding="utf-8")


def is_app(term: Term, op: str) -> bool:
    """True when `term` applies the primitive `op`."""
    return isinstance(term, App) and term.op == op


__all__ = [
    "Domain", "Primitive", "ValueType", "WorkedExample", "Limits", "TYPE_VARIABLES",
    "load_grammar_text", "Var", "Const", "App",
]

"""MiniSCAN domain: translating pseudo-word sentences into colours by an induced interpretation grammar.

A program is `(interpret G x)`: G lists what each primitive word means (`word`) and how
each function word combines its arguments (`postfix`, `prefix`, `infix`, `infixr` with a
binding level and an output pattern like `[x y x]`).  The domain's search
(`enumerate_candidates`) reads the lexicon off one-word examples and enumerates rules from
that template family.  Registered through the `hypsearch.domains` entry point `miniscan`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

from hypsearch.core.domain import Domain, WorkedExample
from hypsearch.domains.miniscan import semantics as S
from hypsearch.domains.miniscan.search import induce
from hypsearch.domains.sexpr_flat import show_flat
from hypsearch.core.program import App, Const, Term, Var

if TYPE_CHECKING:
    from hypsearch.core.task import Task


def grammar_term(grammar: S.Interpretation) -> Term:
    """The DSL term building `grammar`: lexicon entries, then rules, joined by `grammar`."""
    parts: list[Term] = [
        App("word", (Const(w, "String"), Const(" ".join(c), "String")), "Grammar") for w, c in grammar.lexicon
    ]
    parts += [
        App(r.kind, (Const(r.word, "String"), Const(r.level, "Int"), Const(r.pattern, "Pattern")), "Grammar")
        for r in grammar.rules
    ]
    if not parts:
        return Const(S.EMPTY, "Grammar")
    out = parts[-1]
    for p in reversed(parts[:-1]):
        out = App("grammar", (p, out), "Grammar")
    return out


@dataclass(frozen=True, eq=False)
class MiniScanDomain(Domain):
    """The MiniSCAN DSL with grammar induction instead of blind enumeration."""

    def show(self, term: Term) -> str:
        """S-expressions with the `grammar` chain printed flat."""
        return show_flat(self, term)

    def enumerate_candidates(self, task: "Task", deadline: float) -> Iterator[Term]:
        """`(interpret G x)` for every induced grammar G fitting the train examples, simplest first."""
        (var, typ), = task.signature.params
        examples = [(ex.inputs[0], ex.output) for ex in task.examples]
        for grammar in induce(examples, deadline):
            yield App("interpret", (grammar_term(grammar), Var(var, typ)), "String")


DOMAIN = MiniScanDomain(
    name="miniscan",
    description="MiniSCAN: pseudo-word sentences to colour sequences through a lexicon and function-word rules.",
    grammar="miniscan.lark",
    types=S.TYPES,
    primitives=S.PRIMITIVES,
    literal_rules={"string": ("String", S.read_string), "int": ("Int", int), "pattern": ("Pattern", S.read_pattern)},
    symbol_constants=S.SYMBOLS,
    examples=(
        WorkedExample(
            "dax is red, wif is blue; 'fep' after a phrase repeats it three times.",
            '(interpret (grammar (word "dax" "RED") (word "wif" "BLUE") (postfix "fep" 1 [x x x])) x)',
            (("x", "String"),)),
        WorkedExample(
            "'kiki' swaps its neighbours and binds loosest; 'blicket' wraps y in x.",
            '(interpret (grammar (word "dax" "RED") (infix "blicket" 1 [x y x]) (infix "kiki" 2 [y x])) x)',
            (("x", "String"),)),
    ),
)

"""LIA domain: SMT-LIB linear integer arithmetic with Booleans (SyGuS CLIA and Inv tracks), as a plug-in.

Registered through the `hypsearch.domains` entry point as `lia`.  Semantics live in
`semantics.py`, written once for the interpreter and for z3.
"""

from __future__ import annotations

from typing import Any

import z3

from hypsearch.core.domain import Domain, Primitive, ValueType, WorkedExample
from hypsearch.domains.logic_semantics import integer_primitives, logic_primitives
from hypsearch.core.program import App, Const, Term, Var
from hypsearch.core.grammar import SearchGrammar
from hypsearch.check.holes import Sketch
from hypsearch.core.task import Signature, Task
from hypsearch.domains.lia import semantics as S


def show_int(n: int) -> str:
    """SMT-LIB integer literal: negatives as `(- n)`."""
    return str(n) if n >= 0 else f"(- {-n})"


def _int_strategy() -> Any:
    from hypothesis import strategies as st

    return st.one_of(st.integers(min_value=-6, max_value=9), st.integers(min_value=-10**12, max_value=10**12))


def _bool_strategy() -> Any:
    from hypothesis import strategies as st

    return st.booleans()


INT = ValueType(
    "Int", show_int, is_value=lambda v: isinstance(v, int) and not isinstance(v, bool),
    z3_sort=z3.IntSort, to_z3=z3.IntVal, from_z3=lambda e: e.as_long(), strategy=_int_strategy,
)
BOOL = ValueType(
    "Bool", lambda b: "true" if b else "false", is_value=lambda v: isinstance(v, bool),
    z3_sort=z3.BoolSort, to_z3=z3.BoolVal, from_z3=z3.is_true, strategy=_bool_strategy,
)


def _prim(name: str, args: str, ret: str, definition: Any, doc: str, cost: int = 1, **kw: Any) -> Primitive:
    """A primitive whose one definition serves both the interpreter and the z3 encoding."""
    python, smt = S.both(definition)
    return Primitive(name, tuple(args.split()), ret, python, doc, encode=smt, cost=cost, **kw)


_CORE = {**logic_primitives(_prim), **integer_primitives(_prim)}

PRIMITIVES: tuple[Primitive, ...] = (
    _CORE["+"],
    _CORE["-"],
    _CORE["*"],
    _prim("div", "Int Int", "Int", S.div, "Euclidean quotient; (div x 0) = 0 here"),
    _prim("mod", "Int Int", "Int", S.mod, "Euclidean remainder, in [0,|y|); (mod x 0) = x here"),
    _prim("abs", "Int", "Int", S.absolute, "absolute value"),
    _CORE["ite"],
    _CORE["="],
    _prim("distinct", "T T", "Bool", S.distinct, "disequality", commutative=True),
    _CORE["<="],
    _CORE["<"],
    _CORE[">="],
    _CORE[">"],
    _CORE["and"],
    _CORE["or"],
    _CORE["not"],
    _prim("=>", "Bool Bool", "Bool", S.implies, "implication"),
    _prim("xor", "Bool Bool", "Bool", S.xor, "exclusive or", commutative=True),
)


def _linear(const: int, parts: list[tuple[int, str]]) -> Term:
    """`c0 + c1*x1 + …` without zero terms, unit coefficients or a zero constant."""
    out: Term | None = None
    for c, name in parts:
        if c == 0:
            continue
        x: Term = Var(name, "Int")
        piece = x if c == 1 else App("*", (Const(c, "Int"), x), "Int")
        out = piece if out is None else App("+", (out, piece), "Int")
    if out is None:
        return Const(const, "Int")
    return out if const == 0 else App("+", (out, Const(const, "Int")), "Int")


CORE_OPS = frozenset({"+", "-", "ite", "<=", "<", "=", "and", "or", "not"})
"""The operators a spec-driven search always has (others only when the spec itself uses them)."""


class LiaDomain(Domain):
    """Integers and Booleans; without a grammar the search uses small constants."""

    def constants(self, task: Task) -> tuple[Const, ...]:
        """0, 1 and the integer literals of the task's specification (`metadata["constants"]`)."""
        extra = [n for n in task.metadata.get("constants", ()) if n not in (0, 1)]
        return tuple(Const(n, "Int") for n in (0, 1, *extra))

    def search_grammar(self, task: Task) -> "SearchGrammar":
        """Without a grammar: linear terms, comparisons and `ite`, plus any other operator the spec uses."""
        from hypsearch.core.grammar import SearchGrammar, default_search_grammar

        full = default_search_grammar(self, task)
        used = task.metadata.get("spec_ops")
        if used is None:
            return full
        keep = CORE_OPS | (set(used) & {p.name for p in PRIMITIVES})
        prods = tuple(p for p in full.productions if p.op is None or p.op in keep)
        return SearchGrammar(full.start, full.nonterminals, prods, full.any_constant)

    def fit_terms(self, task: Task, most: int = 6, seconds: float = 0.25) -> list[Term]:
        """Linear terms `c0 + c1*x1 + …` fitted exactly (by z3) to greedy groups of the task's examples:
        leaves for decision trees that enumeration would reach only at a large size."""
        params = [n for n, t in task.signature.params if t == "Int"]
        examples = [ex for ex in task.examples if isinstance(ex.output, int) and not isinstance(ex.output, bool)]
        if task.signature.returns != "Int" or not params or len(params) != len(task.signature.params) \
                or len(examples) < 2:
            return []
        import time

        known = set(task.metadata.get("constants", ())) | {0, 1}
        if all(ex.output in ex.inputs or ex.output in known for ex in examples):
            return []  # outputs are inputs or spec constants: enumeration has these leaves already
        stop = time.monotonic() + seconds
        examples = examples[:40]
        coeffs = [z3.Int(f"__c{k}") for k in range(len(params) + 1)]
        left = list(range(len(examples)))
        terms: list[Term] = []
        while left and len(terms) < most:
            solver = z3.Solver()
            solver.set("timeout", 50)
            for c in coeffs:
                solver.add(c >= -1000, c <= 1000)
            group: list[int] = []
            for k in left:
                if time.monotonic() > stop:
                    return terms
                ex = examples[k]
                solver.push()
                solver.add(coeffs[0] + z3.Sum([c * v for c, v in zip(coeffs[1:], ex.inputs)]) == ex.output)
                if solver.check() == z3.sat:
                    group.append(k)
                else:
                    solver.pop()
            if len(group) < 2 or solver.check() != z3.sat:
                break
            model = solver.model()
            values = [model.eval(c, model_completion=True).as_long() for c in coeffs]
            terms.append(_linear(values[0], list(zip(values[1:], params))))
            left = [k for k in left if k not in group]
        return terms

    def sketches(self, signature: Signature) -> tuple[Sketch, ...]:
        """Affine terms and `ite` chains over affine guards, for z3 to fill (see `lia.sketches`)."""
        from hypsearch.domains.lia.sketches import linear_sketches

        return linear_sketches(signature)

    def default_constants(self, sort: str) -> tuple[Const, ...]:
        """Literals offered for a grammar's `(Constant Int)` before z3 fills holes."""
        if sort == "Int":
            return tuple(Const(n, "Int") for n in (0, 1, 2, -1))
        if sort == "Bool":
            return (Const(True, "Bool"), Const(False, "Bool"))
        return ()


DOMAIN = LiaDomain(
    name="lia",
    description="SMT-LIB linear integer arithmetic and Booleans (SyGuS CLIA / Inv): + - * div mod ite comparisons.",
    grammar="lia.lark",
    types={"Int": INT, "Bool": BOOL},
    primitives=PRIMITIVES,
    literal_rules={"int": ("Int", int), "neg_int": ("Int", lambda digits: -int(digits))},
    symbol_constants={"true": ("Bool", True), "false": ("Bool", False)},
    smt_logics=("LIA", "CLIA", "NIA", "QF_LIA"),
    examples=(
        WorkedExample("the larger of x and y", "(ite (>= x y) x y)", (("x", "Int"), ("y", "Int"))),
        WorkedExample("x is between 0 and n", "(and (<= 0 x) (<= x n))", (("x", "Int"), ("n", "Int"))),
    ),
)

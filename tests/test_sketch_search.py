"""z3-filled sketches (several functions, nested calls), spec-derived leaves, triangular guards, lazy `ite`."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from hypsearch.check.interpreter import evaluate
from hypsearch import get_domain
from hypsearch.core.domain import Domain, Primitive, ValueType
from hypsearch.domains.lia.sketches import linear_sketches
from hypsearch.engine import solve
from hypsearch.core.program import App, Const, Var, holes, size
from hypsearch.core.result import Status
from hypsearch.core.settings import Settings
from hypsearch.search.sketches import solve_by_sketches
from hypsearch.solvers.sygus.frontend import load
from hypsearch.check.spec import HOLDS, MultiFunctionSpec
from hypsearch.core.task import Signature

LIA = get_domain("lia")
XY = (("x", "Int"), ("y", "Int"))


def task_of(tmp_path: Path, text: str):
    path = tmp_path / "p.sl"
    path.write_text(text)
    return load(path)[0].task


CHAIN = ("(set-logic LIA)\n" + "".join(f"(synth-fun f{k} ((p Int) (q Int)) Int)\n" for k in range(1, 5))
         + "(declare-var x Int)\n(declare-var y Int)\n"
         "(constraint (= (+ (f1 x y) (f1 x y)) (f2 x y)))\n"
         "(constraint (= (- (+ (f1 x y) (f2 x y)) y) (f3 x y)))\n"
         "(constraint (= (+ (f3 x y) 7) (f4 y x)))\n(check-synth)\n")


def test_several_functions_are_solved_together_and_verified(tmp_path: Path) -> None:
    task = task_of(tmp_path, CHAIN)
    assert isinstance(task.spec, MultiFunctionSpec)
    result = solve(task, Settings(time_limit=20))
    assert result.status is Status.SOLVED, result.stop_reason
    names = [name for name, _ in result.definitions]
    assert names == ["f1", "f2", "f3", "f4"]
    programs = {name: LIA.parse(text, dict(XY) | {"p": "Int", "q": "Int"}) for name, text in result.definitions}
    assert task.spec.verify(LIA, programs).status == HOLDS
    for x, y in [(0, 0), (4, -3), (-7, 11)]:
        f1 = evaluate(LIA, programs["f1"], {"p": x, "q": y})
        f3 = evaluate(LIA, programs["f3"], {"p": x, "q": y})
        assert evaluate(LIA, programs["f2"], {"p": x, "q": y}) == 2 * f1
        assert f3 == 3 * f1 - y
        assert evaluate(LIA, programs["f4"], {"p": y, "q": x}) == f3 + 7


SYMMETRIC_MAX = ("(set-logic LIA)\n(synth-fun f ((x Int) (y Int)) Int)\n(declare-var a Int)\n(declare-var b Int)\n"
                 "(constraint (= (f a b) (f b a)))\n(constraint (>= (f a b) (+ (* 3 a) 5)))\n"
                 "(constraint (>= (f a b) (+ (* 3 b) 5)))\n"
                 "(constraint (or (= (f a b) (+ (* 3 a) 5)) (= (f a b) (+ (* 3 b) 5))))\n(check-synth)\n")


def test_a_spec_with_permuted_calls_is_solved_by_sketches(tmp_path: Path) -> None:
    task = task_of(tmp_path, SYMMETRIC_MAX)
    assert task.spec.single_call is None  # f(a b) and f(b a): not single-invocation
    outcome = solve_by_sketches(MultiFunctionSpec.of(task.spec), LIA, deadline=_in(20))
    assert outcome.programs is not None, outcome.reason
    f = outcome.programs["f"]
    assert f.op == "ite"  # needs a guard: the affine shape was refuted first
    for a, b in [(0, 0), (5, -2), (-9, 4)]:
        assert evaluate(LIA, f, {"x": a, "y": b}) == max(3 * a + 5, 3 * b + 5)


def test_unrealizable_spec_is_reported_infeasible(tmp_path: Path) -> None:
    text = ("(set-logic LIA)\n(synth-fun f ((x Int)) Int)\n(synth-fun g ((x Int)) Int)\n(declare-var a Int)\n"
            "(constraint (> (f a) (g a)))\n(constraint (> (g a) (f a)))\n(check-synth)\n")
    task = task_of(tmp_path, text)
    outcome = solve_by_sketches(task.spec, LIA, deadline=_in(20))
    assert outcome.programs is None
    assert outcome.reason == "no sketch fits the specification"
    assert task.spec.unrealizable(LIA)
    assert solve(task, Settings(time_limit=20)).status is Status.INFEASIBLE
    assert not task_of(tmp_path, CHAIN).spec.unrealizable(LIA)


def _in(seconds: float) -> float:
    import time

    return time.monotonic() + seconds


@hsettings(max_examples=150, deadline=None)
@given(st.integers(0, 2), st.data())
def test_tidying_a_filled_sketch_keeps_its_meaning(level: int, data: st.DataObject) -> None:
    sketch = linear_sketches(Signature(XY, "Int"))[level]
    values = {h.name: data.draw(st.integers(-3, 3)) for h in holes(sketch.term)}
    raw = sketch.term
    for h in holes(raw):
        from hypsearch.core.program import substitute

        raw = substitute(raw, {h: Const(values[h.name], "Int")})
    tidy = sketch.fill(values)
    assert size(tidy) <= size(raw)
    for x, y in data.draw(st.lists(st.tuples(st.integers(-50, 50), st.integers(-50, 50)), min_size=1, max_size=5)):
        env = {"x": x, "y": y}
        assert evaluate(LIA, tidy, env) == evaluate(LIA, raw, env)


GUARDED = ("(set-logic LIA)\n(synth-fun f ((x Int) (y Int) (z Int)) Int)\n"
           "(declare-var x Int)\n(declare-var y Int)\n(declare-var z Int)\n"
           "(constraint (=> (>= (+ x y) 3) (= (f x y z) (+ (* 7 x) (* (- 5) y) (* 3 z) 11))))\n"
           "(constraint (=> (< (+ x y) 3) (= (f x y z) (- (* 9 z) (* 4 x) 13))))\n(check-synth)\n")


def test_spec_terms_become_leaves_of_the_answer(tmp_path: Path) -> None:
    task = task_of(tmp_path, GUARDED)
    shown = {LIA.show(t) for t in task.metadata["spec_terms"]}
    assert any("11" in s and "z" in s for s in shown), shown  # the first branch's right-hand side
    result = solve(task, Settings(time_limit=20))
    assert result.status is Status.SOLVED, result.stop_reason
    assert task.spec.verify(LIA, result.program).status == HOLDS


def max_spec(n: int) -> str:
    xs = [f"x{k}" for k in range(n)]
    call = f"(m {' '.join(xs)})"
    return ("(set-logic LIA)\n" + f"(synth-fun m ({' '.join(f'({x} Int)' for x in xs)}) Int)\n"
            + "".join(f"(declare-var {x} Int)\n" for x in xs)
            + "".join(f"(constraint (>= {call} {x}))\n" for x in xs)
            + f"(constraint (or {' '.join(f'(= {x} {call})' for x in xs)}))\n(check-synth)\n")


def test_max_of_many_gets_a_chain_z3_can_verify(tmp_path: Path) -> None:
    # full spec guards make verification a pigeonhole problem z3 cannot finish; triangular ones are easy
    task = task_of(tmp_path, max_spec(18))
    result = solve(task, Settings(time_limit=30))
    assert result.status is Status.SOLVED, result.stop_reason
    assert task.spec.verify(LIA, result.program).status == HOLDS


def test_the_interpreter_skips_what_ite_and_or_do_not_need() -> None:
    def boom(_: int) -> int:
        raise ValueError("must not run")

    num = ValueType("Int", str)
    flag = ValueType("Bool", str)
    domain = Domain("lazy-test", "ite test", "lia.lark", {"Int": num, "Bool": flag}, (
        Primitive("ite", ("Bool", "T", "T"), "T", lambda c, a, b: a if c else b, "if", selects=True),
        Primitive("and", ("Bool", "Bool"), "Bool", lambda a, b: a and b, "and", decided_by=False),
        Primitive("or", ("Bool", "Bool"), "Bool", lambda a, b: a or b, "or", decided_by=True),
        Primitive("boom", ("Int",), "Int", boom, "fails"),
        Primitive("zero", ("Int",), "Bool", lambda n: boom(n) == 0, "fails too"),
    ))
    x = Var("x", "Int")
    yes, no = Const(True, "Bool"), Const(False, "Bool")
    bad_int, bad_bool = App("boom", (x,), "Int"), App("zero", (x,), "Bool")
    assert evaluate(domain, App("ite", (yes, x, bad_int), "Int"), {"x": 4}) == 4
    assert evaluate(domain, App("and", (no, bad_bool), "Bool"), {"x": 4}) is False
    assert evaluate(domain, App("or", (yes, bad_bool), "Bool"), {"x": 4}) is True
    from hypsearch.core.errors import EvaluationError

    for needed in (App("ite", (no, x, bad_int), "Int"), App("and", (yes, bad_bool), "Bool"),
                   App("or", (no, bad_bool), "Bool")):
        with pytest.raises(EvaluationError):
            evaluate(domain, needed, {"x": 4})

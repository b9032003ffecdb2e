"""CEGIS on logical specs: max-of-n from formulas, invariant counterexample kinds, infeasible and refused specs."""

from __future__ import annotations

from pathlib import Path

import pytest

from hypsearch.check.smt import encode
from hypsearch import get_domain
from hypsearch.engine import solve
from hypsearch.core.errors import UnsupportedError
from hypsearch.core.result import Status
from hypsearch.core.settings import Settings
from hypsearch.solvers.sygus.frontend import load
from hypsearch.check.spec import FAILS, HOLDS, InvariantSpec
from hypsearch.core.task import Signature

LIA = get_domain("lia")
MAX2 = ("(set-logic LIA)\n(synth-fun m ((x Int) (y Int)) Int)\n(declare-var a Int)\n(declare-var b Int)\n"
        "(constraint (>= (m a b) a))\n(constraint (>= (m a b) b))\n"
        "(constraint (or (= a (m a b)) (= b (m a b))))\n(check-synth)\n")
MAX3 = ("(set-logic LIA)\n(synth-fun max3 ((x Int) (y Int) (z Int)) Int)\n"
        "(declare-var x Int)\n(declare-var y Int)\n(declare-var z Int)\n"
        "(define-fun ge3 ((v Int) (a Int) (b Int) (c Int)) Bool (and (>= v a) (>= v b) (>= v c)))\n"
        "(constraint (ge3 (max3 x y z) x y z))\n"
        "(constraint (or (= x (max3 x y z)) (or (= y (max3 x y z)) (= z (max3 x y z)))))\n(check-synth)\n")


def task_of(tmp_path: Path, text: str, name: str = "p.sl"):
    path = tmp_path / name
    path.write_text(text)
    return load(path)[0].task


@pytest.mark.parametrize("text", [MAX2, MAX3])
def test_cegis_finds_max_from_its_logical_spec(tmp_path: Path, text: str) -> None:
    task = task_of(tmp_path, text)
    result = solve(task, Settings(time_limit=20))
    assert result.status is Status.SOLVED, result.stop_reason
    assert task.spec.verify(LIA, result.program).status == HOLDS
    assert result.stats["cegis_rounds"] >= 1


class ScriptedProposer:
    """Proposes fixed texts in turn and records the feedback each round gets (stands in for an LLM)."""

    name = "scripted"
    rounds = 1

    def __init__(self, texts: list[str]) -> None:
        self.texts = list(texts)
        self.feedback: list[list[str]] = []
        self.examples: list[int] = []

    def propose(self, ctx):
        from hypsearch.core.candidate import Provenance
        from hypsearch.check.checker import Proposal

        self.feedback.append([c.detail for c in ctx.feedback])
        self.examples.append(len(ctx.task.examples))
        while self.texts:
            yield Proposal(Provenance(self.name, ctx.round), text=self.texts.pop(0))


def test_any_proposer_gets_counterexamples_as_feedback(tmp_path: Path) -> None:
    task = task_of(tmp_path, MAX2)
    # wrong only at x = 777777, which no initial observation hits: z3 must find it
    proposer = ScriptedProposer(["(ite (= x 777777) x (ite (<= x y) y x))", "(ite (<= x y) y x)"])
    result = solve(task, Settings(time_limit=20), proposer=proposer)
    assert result.status is Status.SOLVED and result.program_text == "(ite (<= x y) y x)"
    assert len(proposer.feedback) == 2  # one round per counterexample
    assert any("a=777777" in d for d in proposer.feedback[1])  # round 2 sees the counterexample
    assert proposer.examples[1] > proposer.examples[0]  # … and the counterexample as a new example


def test_unsafe_loop_is_infeasible(tmp_path: Path) -> None:
    text = ("(set-logic LIA)\n(synth-inv inv ((x Int)))\n"
            "(define-fun pre ((x Int)) Bool (= x 0))\n"
            "(define-fun trans ((x Int) (x! Int)) Bool (= x! (+ x 1)))\n"
            "(define-fun post ((x Int)) Bool (< x 3))\n"
            "(inv-constraint inv pre trans post)\n(check-synth)\n")
    result = solve(task_of(tmp_path, text), Settings(time_limit=10))
    assert result.status is Status.INFEASIBLE and "3 step" in result.stop_reason


def test_wrong_candidate_gets_a_point_counterexample(tmp_path: Path) -> None:
    task = task_of(tmp_path, MAX2)
    verdict = task.spec.verify(LIA, LIA.parse("x", {"x": "Int", "y": "Int"}))
    assert verdict.status == FAILS and verdict.counterexample.kind == "point"
    point = verdict.counterexample.values
    assert point["b"] > point["a"]  # the only way `x` fails max2


def test_contradictory_spec_is_infeasible(tmp_path: Path) -> None:
    text = ("(set-logic LIA)\n(synth-fun f ((x Int)) Int)\n(declare-var a Int)\n"
            "(constraint (> (f a) a))\n(constraint (< (f a) a))\n(check-synth)\n")
    result = solve(task_of(tmp_path, text), Settings(time_limit=10))
    assert result.status is Status.INFEASIBLE


def _counter_spec() -> InvariantSpec:
    # x := 0; while (*) x := x + 1;  assert x >= 0   (state x)
    return InvariantSpec(Signature((("x", "Int"),), "Bool", "inv"),
                         pre=lambda s: s[0] == 0, trans=lambda s, t: t[0] == s[0] + 1, post=lambda s: s[0] >= 0)


@pytest.mark.parametrize("candidate, condition, kind, states", [
    ("(>= x 1)", "initiation", "positive", 1),     # excludes the initial state x = 0
    ("(>= x (- 5))", "sufficiency", "negative", 1),  # includes x = -5 which violates x >= 0
    ("(and (>= x 0) (<= x 3))", "consecution", "implication", 2),  # x = 3 steps to 4
])
def test_invariant_failures_give_the_right_counterexample(candidate: str, condition: str, kind: str,
                                                          states: int) -> None:
    spec = _counter_spec()
    verdict = spec.verify(LIA, LIA.parse(candidate, {"x": "Int"}))
    assert verdict.status == FAILS and verdict.condition == condition
    cex = verdict.counterexample
    assert cex.kind == kind and len(cex.states) == states
    if kind == "implication":
        assert cex.states[1][0] == cex.states[0][0] + 1 and not cex.states[1][0] <= 3
    assert spec.verify(LIA, LIA.parse("(>= x 0)", {"x": "Int"})).status == HOLDS


def test_invariant_solved_from_synth_inv(tmp_path: Path) -> None:
    text = ("(set-logic LIA)\n(synth-inv inv ((x Int) (y Int)))\n"
            "(define-fun pre ((x Int) (y Int)) Bool (and (= x 0) (= y 10)))\n"
            "(define-fun trans ((x Int) (y Int) (x! Int) (y! Int)) Bool "
            "(and (< x 10) (= x! (+ x 1)) (= y! (- y 1))))\n"
            "(define-fun post ((x Int) (y Int)) Bool (=> (>= x 10) (= y 0)))\n"
            "(inv-constraint inv pre trans post)\n(check-synth)\n")
    task = task_of(tmp_path, text)
    result = solve(task, Settings(time_limit=20))
    assert result.status is Status.SOLVED, result.stop_reason
    assert task.spec.verify(LIA, result.program).status == HOLDS


@pytest.mark.parametrize("text, message", [
    ("(set-logic LIA)\n(synth-fun f ((x Int)) Int ((S Int (x 0 (+ S S)))))\n(synth-fun g ((x Int)) Int)\n"
     "(declare-var a Int)\n(constraint (= (f a) (g a)))\n(check-synth)\n", "only without grammars"),
    ("(set-logic LRA)\n(synth-fun f ((x Real)) Real)\n(declare-var a Real)\n"
     "(constraint (= (f a) a))\n(check-synth)\n", "logic LRA"),
    # an unknown operator such as `frobnicate` is a located input error at load (tests/test_fuzz_formats.py)
])
def test_unsupported_specs_are_refused_clearly(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(UnsupportedError, match=message):
        task_of(tmp_path, text)


@pytest.mark.parametrize("constraint, holds", [
    ("(= (f a) (- a 1 2))", "(- x 3)"),                 # n-ary minus is left-associative
    ("(=> (> a 0) (> a 5) (= (f a) 7))", "7"),          # => is right-associative: a in 1..5 leaves f free
    ("(= (f a) (* 2 a 3))", "(* 6 x)"),
])
def test_nary_operators_follow_smtlib_associativity(tmp_path: Path, constraint: str, holds: str) -> None:
    text = f"(set-logic LIA)\n(synth-fun f ((x Int)) Int)\n(declare-var a Int)\n(constraint {constraint})\n(check-synth)\n"
    task = task_of(tmp_path, text)
    assert task.spec.verify(LIA, LIA.parse(holds, {"x": "Int"})).status == HOLDS


POST_IS_INDUCTIVE = ("(set-logic LIA)\n(synth-inv inv ((x Int) (y Int)))\n"
                     "(define-fun pre ((x Int) (y Int)) Bool (= x 1))\n"
                     "(define-fun trans ((x Int) (y Int) (x! Int) (y! Int)) Bool "
                     "(or (and (= x! x) (= y! y)) (and (<= x 10) (= y! (- 10 x)) (= x! (+ x 1)))))\n"
                     "(define-fun post ((x Int) (y Int)) Bool (not (and (> x 10) (< y 0))))\n"
                     "(inv-constraint inv pre trans post)\n(check-synth)\n")


def test_an_inductive_postcondition_is_the_answer(tmp_path: Path) -> None:
    import z3

    task = task_of(tmp_path, POST_IS_INDUCTIVE)
    result = solve(task, Settings(time_limit=20))
    assert result.status is Status.SOLVED, result.stop_reason
    assert "atoms" not in result.stats  # answered before Houdini's atoms were built
    x, y = z3.Ints("x y")
    same = z3.Solver()
    same.add(encode(LIA, result.program, {"x": x, "y": y}) != z3.Not(z3.And(x > 10, y < 0)))
    assert same.check() == z3.unsat


def _shared_post_spec() -> InvariantSpec:
    import z3

    def shared(x: z3.ArithRef, depth: int = 40) -> z3.ArithRef:
        e = x
        for _ in range(depth):
            e = z3.If(e > 0, e + 1, e - 1)  # each level uses the previous one twice
        return e

    return InvariantSpec(Signature((("x", "Int"),), "Bool", "inv"),
                         pre=lambda s: s[0] == 0,
                         trans=lambda s, t: z3.And(s[0] < 10, t[0] == s[0] + 1),
                         post=lambda s: z3.Or(shared(s[0]) >= -1000, s[0] > 5))


def _solve_shared(out: "multiprocessing.Queue[str]") -> None:
    from hypsearch.core.task import Task

    spec = _shared_post_spec()
    result = solve(Task("shared", "lia", spec.signature, (), spec=spec), Settings(time_limit=3))
    ok = result.status is Status.UNSOLVED or (result.status is Status.SOLVED
                                              and spec.verify(LIA, result.program).status == HOLDS)
    out.put(result.status.value if ok else "wrong")


def test_formulas_with_heavy_sharing_do_not_stall_the_invariant_search() -> None:
    """z3 shares subterms; written out as programs they can be exponentially big (Lustre files):
    such formulas are skipped as atoms and guesses, so the search still ends near its time limit."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    child = ctx.Process(target=_solve_shared, args=(out,), daemon=True)
    child.start()
    child.join(40)
    stalled = child.is_alive()
    if stalled:
        child.kill()
    assert not stalled, "the invariant search did not stop near its 3 s limit"
    assert out.get(timeout=5) in ("solved", "unsolved")

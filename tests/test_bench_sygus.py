"""Fast tests of the side-by-side SyGuS runner (benchmarks/sygus_bench.py) and its z3 checker."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest
from conftest import need_module, need_path
from hypothesis import given, settings
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

import _sygus_check as chk  # noqa: E402
import sygus_bench as sb  # noqa: E402

DATA = REPO / "tests" / "data" / "sygus"
SLIA = DATA / "slia" / "first_word.sl"
SLIA_V2 = DATA / "slia_v2" / "first_word.sl"
MAX2 = DATA / "lia" / "max2.sl"
INV = DATA / "inv" / "count_up.sl"
SHARED = REPO.parent / "shared" / "benchmarks" / "sygus"

needs_cvc5 = pytest.mark.usefixtures("cvc5_installed")


@pytest.fixture
def cvc5_installed() -> None:
    """cvc5 (the [bench] extra, which CI installs): fail in CI, skip elsewhere, when it is missing."""
    need_module("cvc5", "cvc5 is not installed (the [bench] extra)")

FIRST_WORD_V1 = '(define-fun f ((name String)) String (str.substr name 0 (+ -1 (+ 1 (str.indexof name " " 0)))))'
FIRST_WORD_V2 = '(\n(define-fun f ((name String)) String (str.substr name 0 (str.indexof name " " 0)))\n)'


def fake_arm(code: str, name: str = "fake") -> sb.Arm:
    """An arm whose command is a small Python program (the file path is argv[1])."""
    return sb.Arm(name, lambda f, t: [sys.executable, "-c", code, str(f)])


# ------------------------------------------------------------------ verification


def test_verify_accepts_right_answers_in_v1_and_v2_spelling() -> None:
    assert chk.verify_answer(SLIA, FIRST_WORD_V1).status == "ok"
    assert chk.verify_answer(SLIA, FIRST_WORD_V2).status == "ok"
    assert chk.verify_answer(SLIA_V2, FIRST_WORD_V1).status == "ok"
    v = chk.verify_answer(MAX2, "(define-fun max2 ((x Int) (y Int)) Int (ite (<= x y) y x))")
    assert (v.status, v.checked) == ("ok", 3)
    v = chk.verify_answer(INV, "(define-fun inv ((i Int) (n Int)) Bool (<= i n))")
    assert (v.status, v.checked) == ("ok", 3)
    # cvc5 may print its internal total division; it is checked with cvc5's meaning (x div 0 = 0)
    v = chk.verify_answer(MAX2, "(define-fun max2 ((x Int) (y Int)) Int (ite (<= x y) (div_total (* 2 y) 2) x))")
    assert v.status == "ok" and "div_total" in v.detail
    v = chk.verify_answer(MAX2, "(define-fun max2 ((x Int) (y Int)) Int (ite (<= x y) (div_total y 0) x))")
    assert v.status == "wrong"


def test_verify_catches_wrong_answers() -> None:
    # off by one: keeps the space
    keeps_space = '(define-fun f ((name String)) String (str.substr name 0 (+ 1 (str.indexof name " " 0))))'
    v = chk.verify_answer(SLIA, keeps_space)
    assert v.status == "wrong" and v.failed == (0, 1, 2, 3, 4, 5)
    v = chk.verify_answer(SLIA, '(define-fun f ((name String)) String (str.substr name 0 3))')
    assert v.status == "wrong" and v.failed == (1, 2, 3, 4, 5)  # right only on "Ada Lovelace"
    assert chk.verify_answer(MAX2, "(define-fun max2 ((x Int) (y Int)) Int (ite (<= x y) x y))").status == "wrong"
    assert chk.verify_answer(MAX2, "(define-fun other ((x Int) (y Int)) Int x)").status == "wrong"
    assert chk.verify_answer(MAX2, "(define-fun max2 ((x Int)) Int x)").status == "wrong"
    assert chk.verify_answer(MAX2, "(define-fun max2 ((x Int) (y Int)) Int (+ x").status == "wrong"


@pytest.mark.parametrize("body, why", [("true", "post"), ("false", "initiation"), ("(= i 0)", "consecution")])
def test_verify_inv_names_the_failing_condition(body: str, why: str) -> None:
    v = chk.verify_answer(INV, f"(define-fun inv ((i Int) (n Int)) Bool {body})")
    assert v.status == "wrong" and why in v.detail


def test_verify_hidden_only_checks_just_those_examples() -> None:
    ada = '(define-fun f ((name String)) String (str.substr name 0 3))'
    assert chk.verify_answer(SLIA, ada, hidden_only=[0]).status == "ok"
    v = chk.verify_answer(SLIA, ada, hidden_only=[0, 2])
    assert v.status == "wrong" and v.failed == (2,) and v.checked == 2


def test_term_size_counts_nodes_the_same_in_both_dialects() -> None:
    assert chk.answer_size(FIRST_WORD_V2) == 7
    assert chk.answer_size("(define-fun f ((x Int)) Int -1)") == 1
    assert chk.answer_size("(define-fun f ((x Int)) Int (- 1))") == 1
    assert chk.answer_size("(define-fun f ((x Int)) Int (- x 1))") == 3
    assert chk.answer_size("((define-fun a ((x Int)) Int x) (define-fun b ((x Int)) Int (+ x x)))") == 4
    assert chk.answer_size(None) is None and chk.answer_size("(oops") is None
    # a printed DAG counts as the tree it stands for
    dag = "(define-fun f ((x Int)) Int (let ((a (+ x 1)) (b x)) (let ((a (* a a))) (+ a b))))"
    assert chk.answer_size(dag) == chk.answer_size("(define-fun f ((x Int)) Int (+ (* (+ x 1) (+ x 1)) x))") == 9


# ------------------------------------------------------------------ holdout reduction


def _header(text: str) -> str:
    return text[: text.index("(constraint")]


@settings(max_examples=100, deadline=None)
@given(k=st.integers(min_value=1, max_value=5), seed=st.integers(min_value=0, max_value=10**6))
def test_reduction_keeps_header_and_drops_exactly_k(k: int, seed: int) -> None:
    for path in (SLIA, SLIA_V2):
        prob = chk.load_problem(path)
        hidden = sb.choose_hidden("slia/first_word.sl", prob.n_constraints, k, seed)
        assert hidden == sb.choose_hidden("slia/first_word.sl", prob.n_constraints, k, seed)
        assert len(set(hidden)) == k and all(0 <= i < prob.n_constraints for i in hidden)
        reduced = chk.reduce_text(prob, hidden)
        assert _header(reduced) == _header(prob.text)
        assert reduced.rstrip().endswith("(check-synth)")
        red = chk.parse_problem(reduced)
        assert red.n_constraints == prob.n_constraints - k
        kept = [chk.render(prob.constraint(i)) for i in range(prob.n_constraints) if i not in hidden]
        assert [chk.render(red.constraint(i)) for i in range(red.n_constraints)] == kept


def test_reduction_of_constraints_sharing_a_line() -> None:
    text = "(set-logic LIA)\n(synth-fun f ((x Int)) Int)\n(constraint (= (f 1) 1)) (constraint (= (f 2) 2))\n" \
           "(constraint\n  (= (f 3) 3))\n(check-synth)\n"
    prob = chk.parse_problem(text)
    assert chk.reduce_text(prob, [0]) == text.replace("(constraint (= (f 1) 1)) ", "")
    assert chk.reduce_text(prob, [2]) == text.replace("(constraint\n  (= (f 3) 3))\n", "")
    assert chk.reduce_text(prob, []) == text


def test_apply_holdout_writes_matching_v1_and_v2_files(tmp_path: Path) -> None:
    task = sb.discover([DATA / "slia"])[0]
    assert task.v2 == SLIA_V2.resolve()
    held = sb.apply_holdout(task, 2, seed=7, work_dir=tmp_path)
    assert len(held.hidden) == 2 and held.reduced and held.reduced_v2
    assert held.reduced.is_relative_to(tmp_path) and held.reduced_v2.is_relative_to(tmp_path)
    assert "int.to.str" in held.reduced.read_text() and "str.from_int" in held.reduced_v2.read_text()
    r1, r2 = chk.load_problem(held.reduced), chk.load_problem(held.reduced_v2)
    assert r1.n_constraints == r2.n_constraints == 4
    assert [chk.render(r1.constraint(i)) for i in range(4)] == [chk.render(r2.constraint(i)) for i in range(4)]
    # a logical spec is not PBE: it stays whole
    lia = sb.discover([DATA / "lia"])[0]
    assert sb.apply_holdout(lia, 1, seed=7, work_dir=tmp_path) == lia


# ------------------------------------------------------------------ running


def test_timeout_kills_the_whole_process_group(tmp_path: Path) -> None:
    pidfile = tmp_path / "grandchild.pid"
    code = ("import subprocess, sys, time\n"
            "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
            f"open({str(pidfile)!r}, 'w').write(str(p.pid))\n"
            "time.sleep(60)\n")
    res = sb.run_benchmark(sb.discover([DATA / "lia"]), [fake_arm(code, "sleepy")], timeout=0.5, jobs=1,
                           out_dir=tmp_path / "out")
    assert [r.status for r in res] == ["timeout"]
    pid = int(pidfile.read_text())
    time.sleep(0.2)
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        state = ""
    assert "State:\tS" not in state and "State:\tR" not in state  # gone, or a zombie awaiting its reaper
    assert json.loads((tmp_path / "out" / "results.jsonl").read_text())["status"] == "timeout"


def test_fake_arms_bad_output_and_wrong_answer(tmp_path: Path) -> None:
    wrong = json.dumps({"status": "solved", "answer": "(define-fun max2 ((x Int) (y Int)) Int x)", "seconds": 0.1})
    arms = [fake_arm("print('no json here')", "mute"), fake_arm(f"print({wrong!r})", "liar"),
            fake_arm("print('{\"status\": \"unsupported\", \"answer\": null}')", "shy")]
    res = sb.run_benchmark(sb.discover([DATA / "lia"]), arms, timeout=10, jobs=2, out_dir=tmp_path)
    by_arm = {r.arm: r for r in res}
    assert by_arm["mute"].status == "error" and "no JSON" in by_arm["mute"].message
    assert (by_arm["liar"].status, by_arm["liar"].verified, by_arm["liar"].size) == ("solved", "wrong", 1)
    assert by_arm["shy"].status == "unsupported"
    summ = sb.summarize(res)
    assert (summ["liar"].solved, summ["liar"].wrong, summ["mute"].error) == (0, 1, 1)
    assert len((tmp_path / "results.jsonl").read_text().splitlines()) == 3


@needs_cvc5
def test_cvc5_arm_solves_and_verifies_tiny_problems(tmp_path: Path) -> None:
    tasks = sb.discover([DATA / "slia", DATA / "lia", DATA / "inv"])
    assert [t.name for t in tasks] == ["slia/first_word.sl", "lia/max2.sl", "inv/count_up.sl"]
    res = sb.run_benchmark(tasks, [sb.cvc5_arm()], timeout=10, jobs=2, out_dir=tmp_path)
    assert [(r.status, r.verified) for r in res] == [("solved", "ok")] * 3, res
    assert all(r.size is not None and r.size > 0 for r in res)
    table = sb.render_table(res)
    assert "| cvc5 | 3 | 3 | 0 | 0 |" in table


@needs_cvc5
def test_cli_holdout_run_writes_results_and_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    rc = sb.main([str(DATA / "slia"), "--arms", "cvc5", "--timeout", "10", "--jobs", "1", "--out", str(out),
                  "--holdout", "2", "--seed", "3", "--quiet"])
    assert rc == 0
    [row] = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert row["arm"] == "cvc5" and row["problem"] == "slia/first_word.sl" and row["verified"] == "ok"
    assert len(row["holdout_hidden"]) == 2 and row["holdout_generalizes"] is True
    table = (out / "table.md").read_text()
    assert "| cvc5 | 1 | 1 | 1 |" in table  # holdout problems, answered, generalizes
    assert "generalizes on hidden" in capsys.readouterr().out


@needs_cvc5
def test_cvc5_child_reports_infeasible(tmp_path: Path) -> None:
    sl = tmp_path / "contradiction.sl"
    sl.write_text("(set-logic LIA)\n(synth-fun f ((x Int)) Int)\n(constraint (= (f 1) 1))\n"
                  "(constraint (= (f 1) 2))\n(check-synth)\n")
    [r] = sb.run_benchmark(sb.discover([sl]), [sb.cvc5_arm()], timeout=10, jobs=1, out_dir=tmp_path / "o")
    assert (r.status, r.verified) == ("infeasible", "unchecked")


def test_shared_v1_problem_maps_to_its_v2_twin() -> None:
    v1 = SHARED / "pbe_slia" / "euphony" / "11604909.sl"
    need_path(v1)
    assert sb.v2_twin(v1) == (SHARED / "pbe_slia_v2" / "euphony" / "11604909.sl").resolve()
    clia = SHARED / "clia" / "from_2018" / "jmbl_fg_polynomial2.sl"
    assert sb.v2_twin(clia) == clia.resolve()
    answer = ('(define-fun f ((_arg_0 String)) String (str.substr _arg_0 (+ (- 1) (str.indexof _arg_0 "." 1)) '
              '(+ 1 (+ 1 1))))')
    assert chk.verify_answer(v1, answer).status == "ok"
    assert chk.verify_answer(v1, answer.replace("(+ 1 (+ 1 1))", "(+ 1 1)")).status == "wrong"


def test_default_folder_is_beside_the_repo() -> None:
    assert sb.DEFAULT_FOLDER == REPO.parent / "shared" / "benchmarks" / "sygus" / "pbe_slia"
    assert not os.path.commonpath([sb.DEFAULT_FOLDER, REPO]) == str(REPO)

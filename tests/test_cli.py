"""The `hypsearch` command: answers on stdout, located errors without tracebacks, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypsearch.check.interpreter import evaluate

REPO = Path(__file__).resolve().parents[1]


def hypsearch(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "hypsearch", *args], capture_output=True, text=True,
                          timeout=timeout)


def test_solve_prints_a_define_fun() -> None:
    proc = hypsearch("solve", str(REPO / "examples" / "initials.sl"), "--timeout", "60")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("(define-fun f ((name String)) String ")
    assert "solved" in proc.stderr


def test_json_output(tmp_path: Path) -> None:
    sl = tmp_path / "upper.sl"
    sl.write_text('(set-logic SLIA)\n(synth-fun f ((x String)) String)\n'
                  '(constraint (= (f "ab") "ab."))\n(constraint (= (f "c") "c."))\n(check-synth)\n')
    proc = hypsearch("solve", str(sl), "--json", "--timeout", "30")
    record = json.loads(proc.stdout)
    assert record["status"] == "solved"
    assert record["answer"] == '(define-fun f ((x String)) String (str.++ x "."))'


def test_contradictory_examples_print_infeasible(tmp_path: Path) -> None:
    sl = tmp_path / "clash.sl"
    sl.write_text('(set-logic SLIA)\n(synth-fun f ((x String)) String)\n'
                  '(constraint (= (f "a") "b"))\n(constraint (= (f "a") "c"))\n(check-synth)\n')
    proc = hypsearch("solve", str(sl))
    assert proc.stdout.strip() == "infeasible"
    assert proc.returncode == 0


def test_unsolved_prints_fail_and_exits_nonzero(tmp_path: Path) -> None:
    sl = tmp_path / "hard.sl"
    sl.write_text('(set-logic SLIA)\n(synth-fun f ((x String)) String ((Start String (x))))\n'
                  '(constraint (= (f "a") "b"))\n(check-synth)\n')
    proc = hypsearch("solve", str(sl), "--timeout", "5")
    assert proc.stdout.strip() == "fail"
    assert proc.returncode == 1
    assert "search space exhausted" in proc.stderr


@pytest.mark.parametrize("text, line, col", [
    ('(set-logic SLIA)\n(synth-fun f ((x String)) String\n', 3, 1),
    ('(set-logic SLIA)\n(synth-fun f ((x String)) String)\n(constraint (= (f "a") "b")))\n', 3, 28),
])
def test_malformed_file_gets_a_located_error_without_traceback(tmp_path: Path, text: str, line: int, col: int) -> None:
    sl = tmp_path / "bad.sl"
    sl.write_text(text)
    proc = hypsearch("solve", str(sl))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert f"{sl}:{line}:" in proc.stderr
    assert "^" in proc.stderr


def test_logical_spec_is_solved_by_cegis(tmp_path: Path) -> None:
    sl = tmp_path / "max2.sl"
    sl.write_text("(set-logic LIA)\n(synth-fun m ((x Int) (y Int)) Int)\n(declare-var a Int)\n(declare-var b Int)\n"
                  "(constraint (>= (m a b) a))\n(constraint (>= (m a b) b))\n"
                  "(constraint (or (= a (m a b)) (= b (m a b))))\n(check-synth)\n")
    proc = hypsearch("solve", str(sl))
    assert proc.returncode == 0, proc.stderr
    head = "(define-fun m ((x Int) (y Int)) Int "
    answer = proc.stdout.strip()
    assert answer.startswith(head)
    from hypsearch import get_domain

    lia = get_domain("lia")
    body = lia.parse(answer[len(head):-1], {"x": "Int", "y": "Int"})
    for x, y in [(0, 0), (3, -2), (-5, 7), (10, 10)]:
        assert evaluate(lia, body, {"x": x, "y": y}) == max(x, y)


def test_unsupported_logical_spec_is_refused(tmp_path: Path) -> None:
    sl = tmp_path / "two.sl"
    sl.write_text("(set-logic LIA)\n(synth-fun f ((x Int)) Int ((S Int (x 0 (+ S S)))))\n(synth-fun g ((x Int)) Int)\n"
                  "(declare-var a Int)\n(constraint (= (f a) (g a)))\n(check-synth)\n")
    proc = hypsearch("solve", str(sl))
    assert proc.returncode == 3
    assert proc.stdout.strip() == "unsupported"
    assert "2 functions to synthesise, and f restricted by a grammar" in proc.stderr


def test_several_functions_are_synthesised_together(tmp_path: Path) -> None:
    sl = tmp_path / "pair.sl"
    sl.write_text("(set-logic LIA)\n(synth-fun f ((x Int) (y Int)) Int)\n(synth-fun g ((x Int) (y Int)) Int)\n"
                  "(declare-var a Int)\n(declare-var b Int)\n"
                  "(constraint (= (+ (f a b) (g b a)) (+ (* 2 a) (* 2 b) 1)))\n(constraint (= (f a b) (- (g a b) 1)))\n"
                  "(check-synth)\n")
    proc = hypsearch("solve", str(sl))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert [line.split()[1] for line in lines] == ["f", "g"]  # one define-fun each, in declaration order
    from hypsearch import get_domain

    lia = get_domain("lia")
    f, g = (lia.parse(line[len(f"(define-fun {name} ((x Int) (y Int)) Int "):-1], {"x": "Int", "y": "Int"})
            for name, line in zip("fg", lines))
    for a, b in [(0, 0), (3, -2), (-5, 7)]:
        fa = evaluate(lia, f, {"x": a, "y": b})
        assert fa + evaluate(lia, g, {"x": b, "y": a}) == 2 * a + 2 * b + 1
        assert fa == evaluate(lia, g, {"x": a, "y": b}) - 1


def test_arc_task_solves_writes_a_submission_and_shows(tmp_path: Path) -> None:
    task = REPO / "tests/data/arc/flip_lr.json"
    sub = tmp_path / "submission.json"
    proc = hypsearch("solve", str(task), "--timeout", "20", "--out", str(sub))
    assert proc.returncode == 0, proc.stderr
    assert "attempt 1 program: (flip_h x)" in proc.stdout
    entries = json.loads(sub.read_text())["flip_lr"]
    assert isinstance(entries, list) and set(entries[0]) == {"attempt_1", "attempt_2"}
    assert "1 of 1 tasks right" in proc.stderr
    png, svg = tmp_path / "flip.png", tmp_path / "flip.svg"
    shown = hypsearch("show", str(task), "--png", str(png), "--svg", str(svg), "--timeout", "20")
    assert shown.returncode == 0, shown.stderr
    assert "(flip_h x)" in shown.stdout
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    drawn = svg.read_text()
    assert "train 1" in drawn and "expected 1×4" in drawn and "attempt 1 right" in drawn


def test_malformed_arc_task_names_task_and_pair() -> None:
    proc = hypsearch("solve", str(REPO / "tests/data/arc/ragged.json"))
    assert proc.returncode == 2
    assert "task ragged: train pair 2 input: row 4 has 3 cells, expected 2" in proc.stderr


def test_missing_file_is_a_clean_error() -> None:
    proc = hypsearch("solve", "/nonexistent/problem.sl")
    assert proc.returncode == 2
    assert "no such file" in proc.stderr and "Traceback" not in proc.stderr

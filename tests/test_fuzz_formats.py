"""Bad input never crashes: every task format's `load` (and `hypsearch solve`) on damaged real files
either succeeds or raises the project's own input error, with a one-line message naming the file.

The damage strategies live in `benchmarks/fuzz_formats.py` (which runs them longer); here a few
dozen examples per format, plus the crashes the fuzzing found, each pinned as a located message.
"""

from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hypsearch.core.errors import InputSyntaxError, InvalidTaskError, UnsupportedError
from hypsearch.core.formats import available_formats

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

import fuzz_formats as ff  # noqa: E402

LOCAL = ff.seeds(None)
FAST = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _check(seed: ff.Seed, text: str, root: Path) -> None:
    outcome, exc, _ = ff.try_load(seed, text, root)
    if outcome == "crash":
        raise AssertionError(f"{seed.format} {seed.name}: {ff.crash_kind(exc)}: {exc}") from exc
    if outcome == "rejected" and not isinstance(exc, UnsupportedError):
        head = str(exc).splitlines()[0]
        assert str(root) in head, f"the message does not name the file: {head}"


def test_every_registered_format_has_seed_files() -> None:
    """A format added later must bring a seed here (benchmarks/fuzz_formats.py `seeds`)."""
    readers = {name for name, fmt in available_formats().items() if fmt.load is not None}  # not batch's containers
    missing = readers - set(LOCAL)
    assert not missing, f"formats without fuzz seeds: {sorted(missing)}"


@pytest.mark.parametrize("fmt", sorted(LOCAL))
def test_seed_files_load(fmt: str, scratch: Path) -> None:
    for seed in LOCAL[fmt]:
        assert ff.try_load(seed, seed.text, scratch / f"seed-{fmt}")[0] == "loaded", seed.name


@pytest.mark.parametrize("fmt", sorted(LOCAL))
def test_damaged_files_load_or_fail_cleanly(fmt: str, scratch: Path) -> None:
    @FAST
    @given(st.data())
    def run(data: st.DataObject) -> None:
        seed = data.draw(st.sampled_from(LOCAL[fmt]))
        _check(seed, data.draw(ff.damaged(seed.text, seed.json)), scratch / f"d-{fmt}")

    run()


def test_damaged_shared_benchmark_files(shared_benchmarks: Path, scratch: Path) -> None:
    real = [s for fmt, seeds in ff.seeds(shared_benchmarks).items() for s in seeds if s not in LOCAL.get(fmt, [])]
    assert real

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(st.data())
    def run(data: st.DataObject) -> None:
        seed = data.draw(st.sampled_from(real))
        _check(seed, data.draw(ff.damaged(seed.text, seed.json)), scratch / "shared")

    run()


@pytest.mark.parametrize("fmt", ["sygus", "arc", "list-functions", "miniscan", "acre", "miniarc"])
def test_solve_command_on_damaged_files(fmt: str, scratch: Path) -> None:
    @settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(st.data())
    def run(data: st.DataObject) -> None:
        seed = data.draw(st.sampled_from(LOCAL[fmt]))
        text = data.draw(ff.damaged(seed.text, seed.json))
        outcome, _, _ = ff.try_load(seed, text, scratch / f"c-{fmt}")
        assert outcome != "crash"
        path = ff.write_mutant(seed, text, scratch / f"c-{fmt}")
        code, escaped, stderr = ff.try_cli(path, timeout=0.2)
        assert escaped is None, f"{type(escaped).__name__}: {escaped}"
        assert "Traceback" not in stderr
        assert code in ((2, 3) if outcome == "rejected" else (0, 1, 2, 3)), stderr

    run()


# --------------------------------------------------------------------------- the crashes fuzzing found

HEAD = "(set-logic LIA)\n(synth-fun f ((x Int) (y Int)) Int)\n(declare-var x Int)\n(declare-var y Int)\n"


def _solve(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    from hypsearch.cli import main

    code = main(["solve", str(path), "--timeout", "0.5"])
    return code, capsys.readouterr().err


@pytest.mark.parametrize("constraint, column, message", [
    # was IndexError in logical._fold_terms (a chained comparison of one argument)
    ("(constraint (< (f x y)))", 14, "`<` takes at least 2 arguments, not 1"),
    # was TypeError: negate() takes 2 positional arguments but 3 were given
    ("(constraint (not (>= (f x y) x) y))", 14, "`not` takes 1 argument, not 2"),
    # was z3.Z3Exception: Sort mismatch at argument #1 for function (declare-fun and (Bool Bool) Bool)
    ("(constraint (and (f x y) (> x y)))", 19, "argument 1 of `and` has sort Int, expected Bool"),
    ("(constraint (= (f x y) true))", 24, "argument 2 of `=` has sort Bool, expected Int like the others"),
    ("(constraint (f x y))", 14, "a constraint has sort Int, expected Bool"),
    ("(constraint (= (f x y) (max x y)))", 25, "unknown operator `max`"),
    ("(constraint (= (f x y) (ite (> x y) x)))", 25, "`ite` takes 3 arguments, not 2"),
    ("(constraint (= (f x \"a\") x))", 21, "argument 2 of `f` has sort String, expected Int"),
])
def test_ill_formed_constraints_are_named_where_they_are(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         constraint: str, column: int, message: str) -> None:
    path = tmp_path / "bad.sl"
    path.write_text(HEAD + constraint + "\n(check-synth)\n", encoding="utf-8")
    with pytest.raises(InputSyntaxError) as caught:
        ff.load_with("sygus", path)
    error = caught.value
    assert error.location is not None and (error.location.line, error.location.column) == (5, column)
    assert error.message == message
    code, err = _solve(path, capsys)
    assert code == 2 and f"{path}:5:{column}: {message}" in err and "Traceback" not in err


def test_ill_sorted_grammar_production_is_located(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Was IndexError in frontend.production: a rule whose return type is not among its argument types."""
    path = tmp_path / "grammar.sl"
    path.write_text('(set-logic SLIA)\n(synth-fun f ((s String)) String\n'
                    ' ((Start String (s " " (str.++ Start Start) (ite B I)))\n'
                    '  (I Int (0 (str.len Start)))\n  (B Bool (true (= I I)))))\n'
                    '(constraint (= (f "a b") "a"))\n', encoding="utf-8")
    with pytest.raises(InputSyntaxError) as caught:
        ff.load_with("sygus", path)
    assert caught.value.message == "`ite` takes 3 arguments, not 2"
    assert caught.value.location is not None and caught.value.location.line == 3
    path.write_text(path.read_text().replace("(ite B I)", "(ite B I I)"), encoding="utf-8")
    with pytest.raises(InputSyntaxError, match="a production of `Start` has sort Int, expected String"):
        ff.load_with("sygus", path)
    assert _solve(path, capsys)[0] == 2


def test_define_fun_body_and_recursion_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "macro.sl"
    path.write_text(HEAD + "(define-fun g ((a Int)) Bool (+ a 1))\n(constraint (g (f x y)))\n", encoding="utf-8")
    with pytest.raises(InputSyntaxError, match="the body of `g` has sort Int, expected Bool"):
        ff.load_with("sygus", path)
    path.write_text(HEAD + "(define-fun g ((a Int)) Int (g a))\n(constraint (= (g (f x y)) 1))\n",
                    encoding="utf-8")
    with pytest.raises(InputSyntaxError, match="unknown operator `g`"):  # was RecursionError when translated
        ff.load_with("sygus", path)


def test_sizes_a_file_asks_for_are_bounded(tmp_path: Path) -> None:
    path = tmp_path / "big.sl"
    deep = "(+ x " * 5000 + "1" + ")" * 5000
    path.write_text(HEAD + f"(constraint (= (f x y) {deep}))\n", encoding="utf-8")
    with pytest.raises(InputSyntaxError, match="nested more than 200 deep"):
        ff.load_with("sygus", path)
    # each macro doubles the one before: 2^60 nodes once inlined (a hang when translated)
    macros = "(define-fun m0 ((a Int)) Int (+ a 1))\n" + "".join(
        f"(define-fun m{k} ((a Int)) Int (+ (m{k - 1} a) (m{k - 1} a)))\n" for k in range(1, 61))
    path.write_text(HEAD + macros + "(constraint (= (f x y) (m60 x)))\n", encoding="utf-8")
    with pytest.raises(InputSyntaxError, match="expands to more than"):
        ff.load_with("sygus", path)
    path.write_text(HEAD + f"(constraint (= (f x y) {'9' * 5000}))\n", encoding="utf-8")
    with pytest.raises(InputSyntaxError, match="numeral of 5000 digits"):
        ff.load_with("sygus", path)


def test_list_functions_pair_without_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Was KeyError: 'output'."""
    path = tmp_path / "list_function.jsonl"
    path.write_text('{"idx": 0, "train": [{"input": "[1, 2]", "output": "[2]"}, {"input": "[3]"}], '
                    '"test": [{"input": "[4]", "output": "[4]"}]}\n', encoding="utf-8")
    with pytest.raises(InvalidTaskError) as caught:
        ff.load_with("list-functions", path)
    assert str(caught.value) == f"{path}:1: task c001: train pair 2 has no output"
    code, err = _solve(path, capsys)
    assert code == 2 and "train pair 2 has no output" in err and "Traceback" not in err


@pytest.mark.parametrize("fmt, name, text, fragment", [
    ("arc", "t.json", '{"train": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
    ("arc", "t.json", '{"train": [{"input": [[' + "9" * 5000 + ']]}]}', "Exceeds the limit"),
    ("list-functions", "c1_1.json", '{"data": [{"i": [1], "o": 2}]}', "pair 1 o: expected a list of integers"),
    ("1d-arc", "1d_x_0.json", '{"train": [{"input": [[1, 2]], "output": [[1], [2]]}], "test": []}',
     "exactly one row"),
    ("1d-arc-split", "split.json", '[{"concept": "x", "filename": "../../etc/passwd"}]', "entry 1"),
    ("miniscan", "scan.jsonl", '{"train": [{"input": "dax", "output": 3}], "test": [{"input": "dax"}]}',
     "train pair 1 output must be a string"),
    ("acre", "acre.jsonl", '{"train": [{"input": ["a"], "output": ["on"]}], "test": [{"input": ["a"]}]}',
     "is not one of on, off, undetermined"),
    ("miniarc", "m.jsonl", '{"train": "none", "test": []}', "no train pairs"),
])
def test_json_formats_name_the_file_and_the_fault(tmp_path: Path, fmt: str, name: str, text: str,
                                                  fragment: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises((InputSyntaxError, InvalidTaskError)) as caught:
        ff.load_with(fmt, path)
    head = str(caught.value).splitlines()[0]
    assert str(path) in head and fragment in head


def test_files_that_are_not_utf8(tmp_path: Path) -> None:
    for fmt, name in (("arc", "t.json"), ("list-functions", "l.jsonl"), ("miniscan", "s.jsonl"), ("sygus", "p.sl")):
        path = tmp_path / name
        path.write_bytes(b'{"train": [{"input": "caf\xe9"}]}\n')
        with pytest.raises(InputSyntaxError, match="not valid UTF-8") as caught:
            ff.load_with(fmt, path)
        assert caught.value.location is not None and caught.value.location.column == 26


# --------------------------------------------------------------------------- batch

def test_batch_turns_a_malformed_file_into_an_error_row(tmp_path: Path) -> None:
    from hypsearch.batch import run_all

    folder = tmp_path / "tasks"
    folder.mkdir()
    (folder / "good.sl").write_text((REPO / "tests/data/sygus/slia/first_word.sl").read_text(), encoding="utf-8")
    (folder / "bad.sl").write_text(HEAD + "(constraint (not (>= (f x y) x) y))\n", encoding="utf-8")
    (folder / "list_function.jsonl").write_text(
        '{"idx": 0, "train": [{"input": "[1, 2]"}], "test": [{"input": "[4]"}]}\n', encoding="utf-8")
    records = run_all([folder], {"time_limit": 10}, out=tmp_path / "run", jobs=1, timeout=60, progress=False,
                      write_reports=False)
    by_id = {r["id"]: r for r in records}
    assert by_id["good"]["status"] == "solved"
    assert by_id["bad"]["status"] == "error"
    first = by_id["bad"]["error"].splitlines()[0]
    assert first == f"InputSyntaxError: {folder / 'bad.sl'}:5:14: `not` takes 1 argument, not 2"
    (lists,) = [r for r in records if r["id"].startswith("list_function")]
    assert lists["status"] == "error" and "train pair 1 has no output" in lists["error"]
    assert "Traceback" not in by_id["bad"]["error"]

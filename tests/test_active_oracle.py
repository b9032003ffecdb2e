"""Oracles: answers become examples, refusals and faults become stated reasons (Python, a command, the terminal)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from hypsearch import Example, Settings, Signature, Task, get_domain, solve
from hypsearch.cli.oracles import Codec, CommandOracle, TerminalOracle
from hypsearch.core.errors import OracleError

SECOND = Task("second", "strings", Signature((("x", "String"),), "String"),
              (Example(("Ann Lee Smith",), "Lee"), Example(("Bob Ray Jones",), "Ray")))
SETTINGS = Settings(time_limit=20, ambiguity_seconds=4)  # room for the competitor search on a loaded machine


def second_word(inputs):
    words = inputs[0].split()
    return words[1] if len(words) > 1 else None


def test_without_an_oracle_the_ambiguity_is_reported() -> None:
    result = solve(SECOND, SETTINGS)
    assert result.solved and result.ambiguity is not None and not result.queries
    amb = result.ambiguity
    assert amb.ambiguous and amb.behaviours == len(amb.competitors) >= 2
    assert amb.competitors[0] == result.program_text
    first = amb.distinctions[0]
    (answer, answered), (_, other) = first.contrast()  # the answer and a competitor that disagrees there
    assert answer == result.program_text == first.outputs[0][0] and answered != other
    record = result.to_json()["ambiguity"]
    assert record["competing"] is True and record["distinguishing_inputs"][0]["outputs"][0]["program"] == result.program_text


def test_each_answer_becomes_an_example_and_the_result_reports_the_queries() -> None:
    result = solve(SECOND, SETTINGS, oracle=second_word)
    assert result.solved and result.queries
    assert all(q.answered and q.output == second_word(q.inputs) for q in result.queries)
    assert len(result.queries) <= SETTINGS.max_queries
    assert "quer" in result.stop_reason
    answered = result.to_json()["queries"]
    assert answered[0]["answered"] is True and answered[0]["output"] == result.queries[0].output


def test_the_pool_is_asked_first() -> None:
    pool = [("Carl Ben Ng",), ("Di Sue Roe",), ("Al Mo Kay",)]
    result = solve(SECOND, SETTINGS.with_(max_queries=1), oracle=second_word, pool=pool)
    assert result.queries and result.queries[0].source == "pool" and result.queries[0].inputs in pool


@pytest.mark.parametrize("oracle, reason", [
    (lambda inputs: None, "cannot answer"),
    (lambda inputs: 1 / 0, "ZeroDivisionError"),
    (lambda inputs: 42, "is not a String"),
])
def test_an_oracle_that_cannot_answer_is_recorded_with_its_reason(oracle, reason) -> None:
    result = solve(SECOND, SETTINGS.with_(max_queries=2), oracle=oracle)
    assert result.solved and len(result.queries) == 2
    assert all(not q.answered and reason in q.reason for q in result.queries)
    assert result.queries[0].inputs != result.queries[1].inputs  # a refused input is not asked again
    assert "0 answered" in result.stop_reason


def test_max_queries_zero_asks_nothing() -> None:
    result = solve(SECOND, SETTINGS.with_(max_queries=0), oracle=second_word)
    assert result.solved and not result.queries and "0 queries asked" in result.stop_reason


def _codec() -> Codec:
    return Codec(get_domain("strings"), SECOND)


def _script(tmp_path: Path, name: str, body: str) -> str:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return f"{sys.executable} {path}"


def test_a_command_oracle_gets_json_inputs_and_answers_json(tmp_path: Path) -> None:
    cmd = _script(tmp_path, "o.py", "import json, sys\n(x,) = json.load(sys.stdin)\nprint(json.dumps(x.split()[1]))\n")
    assert CommandOracle(cmd, _codec())(("Ann Lee Smith",)) == "Lee"


@pytest.mark.parametrize("body, said", [
    ("print('null')\n", None),
    ("import sys\nprint('boom', file=sys.stderr)\nsys.exit(3)\n", "exited with status 3 (boom)"),
    ("raise RuntimeError('crash')\n", "exited with status 1 (RuntimeError: crash)"),
    ("print('Lee')\n", "not JSON"),
    ("print('[1, 2]')\n", "is not a String"),
    ("pass\n", "printed nothing"),
])
def test_a_command_oracle_that_refuses_or_fails_says_why(tmp_path: Path, body, said) -> None:
    oracle = CommandOracle(_script(tmp_path, "o.py", body), _codec())
    if said is None:
        assert oracle(("Ann Lee Smith",)) is None
        return
    with pytest.raises(OracleError, match=said.replace("(", r"\(").replace(")", r"\)")):
        oracle(("Ann Lee Smith",))


def test_a_missing_command_says_it_could_not_start() -> None:
    with pytest.raises(OracleError, match="could not start"):
        CommandOracle("/nonexistent/oracle-command", _codec())(("a",))


def test_the_terminal_oracle_reads_a_json_answer_and_an_empty_line() -> None:
    out = io.StringIO()
    oracle = TerminalOracle(_codec(), io.StringIO('"Lee"\n\n'), out)
    assert oracle(("Ann Lee Smith",)) == "Lee"
    assert oracle(("Bob Ray Jones",)) is None
    assert 'f(x = "Ann Lee Smith")' in out.getvalue()


SECOND_SL = """(set-logic SLIA)
(synth-fun f ((x String)) String
  ((Start String) (ntInt Int))
  ((Start String (x " " (str.++ Start Start) (str.substr Start ntInt ntInt)))
   (ntInt Int (0 1 2 3 (+ ntInt ntInt) (str.len Start) (str.indexof Start Start ntInt)))))
(declare-var x String)
(constraint (= (f "Ann Lee Smith") "Lee"))
(constraint (= (f "Bob Ray Jones") "Ray"))
(check-synth)
"""


def _solve_cli(tmp_path: Path, *flags: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    task = tmp_path / "second.sl"
    task.write_text(SECOND_SL, encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "hypsearch", "solve", str(task), "--json", *flags], input=stdin,
                          capture_output=True, text=True, timeout=300)


def test_cli_oracle_command_answers_and_the_json_reports_queries(tmp_path: Path) -> None:
    cmd = _script(tmp_path, "o.py", "import json, sys\n(x,) = json.load(sys.stdin)\nw = x.split()\n"
                                    "print(json.dumps(w[1] if len(w) > 1 else None))\n")
    done = _solve_cli(tmp_path, "--oracle", cmd, "--max-queries", "3")
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert record["status"] == "solved" and record["queries"] and record["queries"][0]["answered"] is True
    assert "ambiguity" in record and "asked" in done.stderr


def test_cli_oracle_that_crashes_is_no_traceback(tmp_path: Path) -> None:
    cmd = _script(tmp_path, "o.py", "raise SystemExit('no idea')\n")
    done = _solve_cli(tmp_path, "--oracle", cmd, "--max-queries", "1")
    assert done.returncode == 0 and "Traceback" not in done.stderr
    (query,) = json.loads(done.stdout)["queries"]
    assert query["answered"] is False and "exited with status 1 (no idea)" in query["reason"]


def test_cli_ask_reads_the_answer_from_the_terminal(tmp_path: Path) -> None:
    done = _solve_cli(tmp_path, "--ask", "--max-queries", "1", stdin='"Lee"\n')
    assert "Traceback" not in done.stderr  # whether "Lee" fits that input decides solved (0) or not (1)
    (query,) = json.loads(done.stdout)["queries"]
    assert query["answered"] is True and query["output"] == "Lee"
    assert "hypsearch asks: what is f(" in done.stderr


def test_cli_without_an_oracle_says_whether_anything_competes(tmp_path: Path) -> None:
    done = _solve_cli(tmp_path)
    record = json.loads(done.stdout)
    assert record["ambiguity"]["competing"] is True and record["ambiguity"]["distinguishing_inputs"]
    lone = tmp_path / "lone.sl"
    lone.write_text('(set-logic SLIA)\n(synth-fun f ((x String)) String ((Start String (x "Hi " (str.++ Start Start)))))\n'
                    '(declare-var x String)\n(constraint (= (f "Ann") "Hi Ann"))\n(constraint (= (f "Bo") "Hi Bo"))\n'
                    '(check-synth)\n', encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "hypsearch", "solve", str(lone), "--json", "--ambiguity", "1"],
                          capture_output=True, text=True, timeout=300)
    amb = json.loads(done.stdout)["ambiguity"]
    assert amb["competing"] is False and amb["behaviours"] == 1 and "no competing behaviour found" in amb["summary"]


def test_batch_records_keep_the_queries_and_the_ambiguity() -> None:
    from hypsearch.batch.solve import result_to_record

    result = solve(SECOND, SETTINGS.with_(max_queries=1), oracle=lambda inputs: None)
    record = result_to_record(result)
    assert record["queries"][0]["answered"] is False and "cannot answer" in record["queries"][0]["reason"]
    assert record["ambiguity"]["behaviours"] >= 1
    json.dumps(record)  # JSON-able as it stands


def _batch_cli(tmp_path: Path, *flags: str) -> tuple[subprocess.CompletedProcess[str], list[dict]]:
    (tmp_path / "tasks").mkdir()
    (tmp_path / "tasks" / "second.sl").write_text(SECOND_SL, encoding="utf-8")
    out = tmp_path / "run"
    done = subprocess.run([sys.executable, "-m", "hypsearch", "batch", str(tmp_path / "tasks"), "--out", str(out),
                           "--timeout", "60", "--quiet", *flags], capture_output=True, text=True, timeout=300)
    lines = (out / "results.jsonl").read_text(encoding="utf-8").splitlines() if (out / "results.jsonl").exists() else []
    return done, [json.loads(line) for line in lines]


def test_batch_oracle_command_asks_in_the_worker_and_records_the_answers(tmp_path: Path) -> None:
    cmd = _script(tmp_path, "o.py", "import json, sys\n(x,) = json.load(sys.stdin)\nw = x.split()\n"
                                    "print(json.dumps(w[1] if len(w) > 1 else None))\n")
    done, (record,) = _batch_cli(tmp_path, "--oracle", cmd, "--max-queries", "2")
    assert done.returncode == 0, done.stderr
    assert record["status"] == "solved" and record["queries"] and record["queries"][0]["answered"] is True
    assert "ambiguity" in record


def test_batch_oracle_that_crashes_is_a_recorded_reason(tmp_path: Path) -> None:
    cmd = _script(tmp_path, "o.py", "raise SystemExit('no idea')\n")
    done, (record,) = _batch_cli(tmp_path, "--oracle", cmd, "--max-queries", "1")
    assert done.returncode == 0 and "Traceback" not in done.stderr
    (query,) = record["queries"]
    assert query["answered"] is False and "exited with status 1 (no idea)" in query["reason"]


def test_batch_without_an_oracle_asks_nothing_and_an_empty_command_is_refused(tmp_path: Path) -> None:
    done, (record,) = _batch_cli(tmp_path)
    assert done.returncode == 0 and "queries" not in record and "ambiguity" not in record
    refused = subprocess.run([sys.executable, "-m", "hypsearch", "batch", str(tmp_path / "tasks"), "--out",
                              str(tmp_path / "run2"), "--oracle", " "], capture_output=True, text=True, timeout=300)
    assert refused.returncode != 0 and "--oracle expects a command" in refused.stderr
    assert "Traceback" not in refused.stderr

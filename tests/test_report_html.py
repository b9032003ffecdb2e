"""`hypsearch report --html`: the static site written from real batch runs (no browser here; see
test_report_browser.py), the transcript → rounds reading, bad run dirs as one-line errors, a 400-task run."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from hypsearch.report.rounds import sessions
from hypsearch.report.runs import page_name
from hypsearch.report.site import write_site
from report_runs import RIGHT_RULE, WRONG_RULE


@pytest.fixture(scope="module")
def site(report_runs: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    done = write_site(list(report_runs), out)
    assert done == {"index": str(out / "index.html"), "tasks": 3, "runs": ["symbolic", "model"]}
    return out


def test_index_lists_every_task_and_compares_the_runs(site: Path) -> None:
    index = (site / "index.html").read_text()
    rows = re.findall(r'<tr data-status="([^"]*)" data-solved="([01]+)"', index)
    assert len(rows) == 3 and ("solved", "11") in rows and rows.count(("solved", "10")) == 2
    assert "solved only by symbolic: 2" in index and 'src="cactus.svg"' in index
    assert (site / "cactus.svg").read_text().startswith("<svg")
    for name in ("report.css", "report.js"):
        assert (site / "assets" / name).stat().st_size > 500


def test_site_is_offline(site: Path) -> None:
    """No page, stylesheet or script refers to anything on the network."""
    for path in site.rglob("*"):
        if path.suffix in (".html", ".css", ".js"):
            assert not re.search(r"(src|href)=\"(https?:)?//", path.read_text()), path
            assert "@import" not in path.read_text() and "fonts.googleapis" not in path.read_text()


def test_model_rounds_follow_hypothesis_program_verdict_feedback(site: Path) -> None:
    page = (site / "tasks" / "greet.html").read_text()
    assert page.count('class="round"') == 2
    first, second = page.split("round 2:")
    assert WRONG_RULE in first and "(str.++ &quot;Hello &quot; x)" in first and "vd-rejected" in first
    assert "produced = &quot;Hello Ann&quot;" in first  # the failing example with expected and produced
    assert "feedback sent with this request" in second and RIGHT_RULE in second and "vd-accepted" in second
    assert "examples (2)" in page  # a SyGuS task shows its examples once, above both runs


def test_arc_pages_draw_the_task_with_the_attempts(site: Path) -> None:
    page = (site / "tasks" / "flip_lr.html").read_text()
    assert '<img src="flip_lr.0.svg"' in page and "(flip_h x)" in page
    svg = (site / "tasks" / "flip_lr.0.svg").read_text()
    assert "train 1" in svg and "expected 1×4" in svg and "attempt 1 right" in svg and "attempt 2 wrong" in svg


def test_rounds_from_events_keep_unknown_events_and_translation_errors() -> None:
    events = [
        {"event": "start", "model": "m", "rounds": 2},
        {"event": "hypotheses", "round": 0, "hypotheses": ["add a dot"], "feedback": ""},
        {"event": "translation", "round": 0, "hypothesis": "add a dot", "outcome": "repaired",
         "program": '(str.++ x ".")', "attempts": [{"program": "(str.concat x)", "error": "unknown primitive"},
                                                   {"program": '(str.++ x ".")', "error": ""}]},
        {"event": "check", "round": 0, "hypothesis": "add a dot", "program": '(str.++ x ".")', "status": "accepted",
         "fit": 1.0, "feedback": "fits every example"},
        {"event": "request_failed", "round": 1, "error": "HTTP 500"},
        {"event": "brand_new", "round": 1, "detail": 3},
        {"event": "start", "model": "m"},
    ]
    first, second = sessions(events)
    assert first.header["model"] == "m" and [r.number for r in first.rounds] == [1, 2]
    (hyp,) = first.rounds[0].hypotheses
    assert hyp.outcome == "repaired" and hyp.attempts[0].error == "unknown primitive"
    assert hyp.verdicts[0].status == "accepted" and hyp.verdicts[0].fit == 1.0
    assert first.rounds[1].notes == ("request failed: HTTP 500", "brand_new: {'detail': 3}")
    assert second.rounds == ()


def _report(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "hypsearch", "report", *args], capture_output=True, text=True,
                          timeout=120)


def test_bad_run_dirs_are_one_line_errors(tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    (corrupt / "results.jsonl").write_text("{not json\n\x00\x01 garbage\n")
    for path, words in ((tmp_path / "missing", "no such run directory"),
                        (tmp_path, "is not a batch run directory"),
                        (corrupt, "no readable record")):
        done = _report(str(path), "--html", str(tmp_path / "out"))
        assert done.returncode == 1 and words in done.stderr, done.stderr
        assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_a_400_task_run_gets_one_small_index_and_a_page_per_task(tmp_path: Path) -> None:
    """Rows for 400 tasks in one index; each task's page is its own file (a missing task file is said so)."""
    run = tmp_path / "big"
    run.mkdir()
    with (run / "results.jsonl").open("w") as fh:
        for i in range(400):
            fh.write(json.dumps({"id": f"arc/{i:03d}", "domain": "grid", "status": "solved" if i % 3 else "timeout",
                                 "seconds": i / 10, "program": "(flip_h x)", "source": str(tmp_path / f"{i}.json"),
                                 "format": "arc", "index": None}) + "\n")
    write_site([run], tmp_path / "site")
    index = (tmp_path / "site" / "index.html").read_text()
    assert index.count("<tr data-status=") == 400 and len(index) < 400 * 1200
    page = (tmp_path / "site" / "tasks" / f"{page_name('arc/007')}.html").read_text()
    assert "task not shown" in page and "no such file" in page.lower()
    assert len(list((tmp_path / "site" / "tasks").glob("*.html"))) == 400

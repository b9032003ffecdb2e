"""The Dask executor: a LocalCluster started here runs a small batch to the local pool's results."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import need_module

import hypsearch.core.formats as core_formats

from hypsearch.batch import run_all
from hypsearch.batch.executors import parse_dask_url, shutdown_isolated_workers
from hypsearch.core.errors import ConfigError
from test_batch_helpers import DATA, scripted_solve

distributed = need_module("distributed", "the [dask] extra is not installed")


def _comparable(records: list[dict]) -> dict[str, tuple]:
    return {r["id"]: (r["status"], r.get("program")) for r in records}


def test_dask_cluster_matches_the_local_pool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    core_formats.available_formats()  # entry points in first, so the copy holds them
    monkeypatch.setattr(core_formats, "_formats", dict(core_formats._formats))
    monkeypatch.setattr(core_formats, "_order", list(core_formats._order))
    folder = tmp_path / "tasks"
    folder.mkdir()
    for name in ("good.sl", "abort.sl", "arc_good.json", "arc_truncated.json", "lines.jsonl"):
        shutil.copy(DATA / "mixed" / name, folder / name)
    shutil.copy(DATA / "mixed" / "sub" / "hang.sl", folder / "hang.sl")
    (folder / "lines.jsonl").write_text(
        "\n".join(line for line in (DATA / "mixed" / "lines.jsonl").read_text().splitlines() if "greedy" not in line)
        + "\n")
    options = dict(jobs=2, timeout=1.5, memory_mb=400, solve_fn=scripted_solve, progress=False)
    local = run_all([folder], out=tmp_path / "local", **options)
    cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, protocol="tcp",
                                       dashboard_address=None)
    try:
        host_port = cluster.scheduler_address.split("://", 1)[1]
        remote = run_all([folder], out=tmp_path / "dask", executor=f"dask://{host_port}", **options)
    finally:
        cluster.close()
        shutdown_isolated_workers()
    assert _comparable(remote) == _comparable(local)
    statuses = {r["id"]: r["status"] for r in remote}
    assert statuses["hang"] == "timeout" and statuses["abort"] == "crashed" and statuses["good"] == "solved"
    assert statuses["lines/gone"] == "crashed" and statuses["arc_truncated"] == "error"


def test_dask_urls() -> None:
    assert parse_dask_url("dask://10.0.0.5:8786") == "tcp://10.0.0.5:8786"
    assert parse_dask_url("tls://host:1") == "tls://host:1"
    with pytest.raises(ConfigError, match="unknown executor"):
        parse_dask_url("spark://x")

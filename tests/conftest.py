"""Shared test fixtures: where the read-only benchmark data lives, and hypothesis profiles."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "benchmarks"

settings.register_profile("ci", deadline=None, max_examples=150,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci")


@pytest.fixture
def shared_benchmarks() -> Path:
    """The shared benchmark folder beside the repo; tests that need it skip without it."""
    if not SHARED.is_dir():
        pytest.skip("../shared/benchmarks is not present")
    return SHARED


@pytest.fixture(scope="session")
def report_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two small batch runs made once per session by the real CLI (see tests/report_runs.py): (symbolic, model)."""
    import report_runs as made

    root = tmp_path_factory.mktemp("report-runs")
    return made.symbolic_run(root), made.model_run(root)

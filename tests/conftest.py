"""Shared test fixtures: where the read-only benchmark data lives, hypothesis profiles, and `need`.

In CI (the environment variable CI is set, as `.ci/run` does) a missing prerequisite — the shared
benchmark data, an extra that CI installs — fails the test; elsewhere it skips with the reason.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "benchmarks"

settings.register_profile("ci", deadline=None, max_examples=150,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci")


IN_CI = bool(os.environ.get("CI"))


def need(present: bool, why: str) -> None:
    """Go on when `present`; otherwise fail in CI (nothing may pass there by not running) and skip elsewhere."""
    if not present:
        if IN_CI:
            pytest.fail(f"{why} (CI must have it)", pytrace=False)
        pytest.skip(why, allow_module_level=True)


def need_module(name: str, why: str = "") -> object:
    """Import `name` (an extra that CI installs), or fail in CI / skip elsewhere."""
    need(importlib.util.find_spec(name) is not None, why or f"{name} is not installed")
    return importlib.import_module(name)


def need_path(path: Path) -> Path:
    """`path`, when it exists; or fail in CI / skip elsewhere (the shared data beside the repo)."""
    need(path.exists(), f"{path} is not present")
    return path


@pytest.fixture
def shared_benchmarks() -> Path:
    """The shared benchmark folder beside the repo (fails in CI when missing, skips elsewhere)."""
    return need_path(SHARED)


@pytest.fixture(scope="session")
def report_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two small batch runs made once per session by the real CLI (see tests/report_runs.py): (symbolic, model)."""
    import report_runs as made

    root = tmp_path_factory.mktemp("report-runs")
    return made.symbolic_run(root), made.model_run(root)

"""The hybrid on a grid task through the real `openai` client and the TEST DOUBLE (`tests/llm_server.py`, scripted
replies, never a model): the model's rule in words is translated, parsed by the grid grammar, and seeds the grid
search, which composes around it a fit the plain search misses at the same budget.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pytest

from hypsearch import Example, Signature, Task
from hypsearch.core.result import Status
from hypsearch.core.settings import Settings
from hypsearch.core.task import Query
from hypsearch.domains.grid import DOMAIN
from hypsearch.domains.grid.search import run
from hypsearch.domains.grid.values import Grid
from hypsearch.engine import solve
from hypsearch.llm.prompts import is_translation

try:
    from llm_server import FakeOpenAIServer, delay, error, running_server, text
except ImportError:  # tests/ became a package
    from tests.llm_server import FakeOpenAIServer, delay, error, running_server, text

RULE = "Let the cells fall down and to the right, then mirror the grid."
MODEL_PROGRAM = "(mirror_h (gravity_right (gravity_down x)))"
"""The scripted translation: three of the four steps (it fits no example)."""
TRUTH = "(upscale (mirror_h (gravity_right (gravity_down x))) 2)"
"""Four steps: beyond the plain search, whose compositions stop at three."""


def corner_task() -> tuple[Task, Grid]:
    rng = np.random.default_rng(3)
    ins = [Grid.from_lists(rng.choice([0, 0, 1, 2], (4, 5)).tolist()) for _ in range(4)]
    outs = [run(DOMAIN.parse(TRUTH, {"x": "Grid"}), g) for g in ins]
    task = Task("corner", "grid", Signature((("x", "Grid"),), "Grid"),
                tuple(Example((i,), o) for i, o in zip(ins[:3], outs[:3])), tests=(Query((ins[3],)),), attempts=2)
    return task, outs[3]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[FakeOpenAIServer]:
    with running_server() as srv:
        def respond(body: dict[str, Any]):
            messages = body.get("messages") or body.get("input") or []
            return text(f"```\n{MODEL_PROGRAM}\n```") if is_translation(messages) else text(json.dumps([RULE]))
        srv.responder = respond
        yield srv


def settings_for(server: FakeOpenAIServer, tmp_path: Path, proposer: str) -> Settings:
    cfg = tmp_path / "llm.toml"
    cfg.write_text(f'[llm]\nbase_url = "{server.base_url}"\napi_key = "sk-test"\nmodel = "gpt-4o-mini"\n'
                   'max_retries = 1\ntimeout_s = 5.0\n')
    return Settings(proposer=proposer, time_limit=6.0, rounds=1, hypotheses=1, llm_config=str(cfg),
                    cache_mode="off")


def test_the_models_words_seed_the_grid_search(server: FakeOpenAIServer, tmp_path: Path) -> None:
    task, answer = corner_task()
    symbolic = solve(task, Settings(time_limit=6.0))  # the same budget as the hybrid's
    assert answer not in (symbolic.predictions[0] if symbolic.predictions else ())  # the plain search misses it

    result = solve(task, settings_for(server, tmp_path, "hybrid"))
    assert result.status is Status.SOLVED, result.stop_reason
    assert answer in result.predictions[0]
    best = result.candidates[0]
    assert best.provenance.proposer == "hybrid+seeded" and MODEL_PROGRAM in best.text  # composed around it
    seeds = result.stats["seeds"]
    assert seeds["programs"] >= 1 and seeds["novel_pieces"] >= 1 and seeds["seeded_fits"] >= 1
    assert result.stats["llm"]["translations"]["translations"] >= 1


def test_a_dead_endpoint_leaves_the_grid_hybrid_the_plain_search(tmp_path: Path) -> None:
    """No seed ever comes: the hybrid answers what the symbolic search answers (the domain's ranking kept)."""
    with running_server() as srv:
        srv.responder = lambda body: error(500)
        rng = np.random.default_rng(1)
        ins = [Grid.from_lists(rng.integers(0, 5, (4, 4)).tolist()) for _ in range(3)]
        task = Task("flip", "grid", Signature((("x", "Grid"),), "Grid"),
                    tuple(Example((g,), run(DOMAIN.parse("(flip_h x)", {"x": "Grid"}), g)) for g in ins[:2]),
                    tests=(Query((ins[2],)),), attempts=2)
        hybrid = solve(task, settings_for(srv, tmp_path, "hybrid"))
        symbolic = solve(task, Settings(time_limit=6.0))
    assert hybrid.status is Status.SOLVED and hybrid.predictions == symbolic.predictions
    assert hybrid.program_text == symbolic.program_text
    assert hybrid.candidates[0].provenance.proposer == "hybrid+symbolic"


def test_a_settled_search_does_not_wait_for_the_model(tmp_path: Path) -> None:
    """The grid search finds `(flip_h x)` and stops after its level while the model's first reply is still
    on its way: the hybrid answers then, without the model's later requests (they would only spend the budget)."""
    with running_server() as srv:
        srv.responder = lambda body: delay(3.0, json.dumps([RULE]))
        rng = np.random.default_rng(1)
        ins = [Grid.from_lists(rng.integers(0, 5, (4, 4)).tolist()) for _ in range(3)]
        task = Task("flip", "grid", Signature((("x", "Grid"),), "Grid"),
                    tuple(Example((g,), run(DOMAIN.parse("(flip_h x)", {"x": "Grid"}), g)) for g in ins[:2]),
                    tests=(Query((ins[2],)),), attempts=2)
        settings = dataclasses.replace(settings_for(srv, tmp_path, "hybrid"), rounds=2)
        result = solve(task, settings)
        requests = srv.count()
    assert result.status is Status.SOLVED and result.program_text == "(flip_h x)"
    assert result.stats["model_skipped"] == "the domain's search settled its answer first"
    assert requests <= 1  # waiting would have brought the translation request and the second round

"""CompletionCache: keys, modes, and several processes writing and reading one SQLite file at once."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from hypsearch.core.errors import ConfigError
from hypsearch.llm.cache import CacheMiss, CompletionCache, request_hash

REQUEST = {"base_url": "http://x/v1", "body": {"model": "m", "messages": [{"role": "user", "content": "hi"}]}}


def test_key_depends_on_every_part_of_the_request_and_the_sample_index() -> None:
    base = request_hash(REQUEST, 0)
    assert base == request_hash({"body": REQUEST["body"], "base_url": "http://x/v1"}, 0)  # key order is irrelevant
    assert base != request_hash(REQUEST, 1)
    assert base != request_hash({**REQUEST, "base_url": "http://y/v1"}, 0)
    other = {"base_url": "http://x/v1", "body": {"model": "m", "messages": [{"role": "user", "content": "hi!"}]}}
    assert base != request_hash(other, 0)
    assert len(base) == 64


def test_use_mode_round_trip_and_wal(tmp_path: Path) -> None:
    cache = CompletionCache(tmp_path / "c.sqlite")
    key = request_hash(REQUEST, 0)
    assert cache.lookup(key) is None
    cache.store(key, {"text": "héllo", "prompt_tokens": 3, "completion_tokens": 1})
    assert cache.lookup(key) == {"text": "héllo", "prompt_tokens": 3, "completion_tokens": 1}
    assert len(cache) == 1
    mode = sqlite3.connect(tmp_path / "c.sqlite").execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_refresh_off_and_replay_modes(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    key = request_hash(REQUEST, 0)
    CompletionCache(path).store(key, {"text": "old"})
    refresh = CompletionCache(path, "refresh")
    assert refresh.lookup(key) is None           # never reads...
    refresh.store(key, {"text": "new"})          # ...but overwrites
    replay = CompletionCache(path, "replay")
    assert replay.lookup(key) == {"text": "new"}
    replay.store(request_hash(REQUEST, 5), {"text": "ignored"})  # replay never writes
    with pytest.raises(CacheMiss) as info:
        replay.lookup(request_hash(REQUEST, 5))
    assert request_hash(REQUEST, 5) in str(info.value)
    assert isinstance(info.value, ConfigError)
    off = CompletionCache(tmp_path / "never.sqlite", "off")
    off.store(key, {"text": "x"})
    assert off.lookup(key) is None and len(off) == 0
    assert not (tmp_path / "never.sqlite").exists()


def test_bad_mode_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cache mode"):
        CompletionCache(tmp_path / "c.sqlite", "sometimes")  # type: ignore[arg-type]


def _writer(path: str, worker: int, count: int) -> int:
    """Child process: write `count` own keys and `count` shared keys, read them back; return how many read."""
    cache = CompletionCache(path)
    for i in range(count):
        cache.store(request_hash(REQUEST, 10_000 * (worker + 1) + i), {"text": f"w{worker}-{i}"})
        cache.store(request_hash(REQUEST, i), {"text": f"shared-{i}"})
    return sum(cache.lookup(request_hash(REQUEST, 10_000 * (worker + 1) + i)) is not None for i in range(count))


def test_concurrent_processes_write_one_cache(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.sqlite")
    workers, count = 4, 150
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(workers) as pool:
        results = pool.starmap(_writer, [(path, w, count) for w in range(workers)])
    assert results == [count] * workers
    cache = CompletionCache(path, "replay")
    assert len(cache) == workers * count + count
    assert cache.lookup(request_hash(REQUEST, 7)) == {"text": "shared-7"}
    assert cache.lookup(request_hash(REQUEST, 40_000 + 149)) == {"text": "w3-149"}

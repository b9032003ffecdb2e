"""Persistent completion cache in SQLite, shared safely by threads and worker processes.

Key: sha256 of a canonical JSON of the full request (endpoint, model, messages, grammar, parameters) plus the
sample index, so sample k of a request is the same entry whether it came from one `n`-call or k separate calls.
Value: JSON {"text", "prompt_tokens", "completion_tokens", "model"} plus "finish_reason" and "refusal" when the
endpoint gave them (so a replay reports cut-off and refused replies as the original run did).  The file uses WAL
mode and a busy timeout.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, get_args

from hypsearch.core.errors import ConfigError

CacheMode = Literal["use", "refresh", "off", "replay"]
CACHE_MODES: tuple[str, ...] = get_args(CacheMode)
BUSY_TIMEOUT_MS = 30_000
OPEN_ATTEMPTS = 20
"""Tries at opening the cache when another process holds the lock that setting up WAL needs."""


class CacheMiss(ConfigError):
    """Replay mode asked for a completion the cache does not hold; names the request hash."""

    def __init__(self, key: str, path: str) -> None:
        self.key = key
        self.path = path
        super().__init__(f"replay mode: no cached completion for request {key} in {path} "
                         f"(rerun with cache mode 'use' to fetch it from the endpoint)")


def canonical_json(obj: Any) -> str:
    """A deterministic JSON text for `obj` (sorted keys, no spaces, UTF-8 kept)."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def request_hash(request: Mapping[str, Any], sample_index: int) -> str:
    """The cache key of sample `sample_index` of `request` (hex sha256)."""
    text = canonical_json({"request": request, "sample": sample_index})
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class CompletionCache:
    """A key -> JSON store on one SQLite file; each thread and process opens its own connection.

    Modes: "use" (read, fetch on miss, write), "refresh" (never read, overwrite), "off" (neither read nor write),
    "replay" (read only; a miss raises CacheMiss).
    """

    def __init__(self, path: str | os.PathLike[str], mode: CacheMode = "use") -> None:
        if mode not in CACHE_MODES:
            raise ConfigError(f"cache mode must be one of {', '.join(CACHE_MODES)}, got {mode!r}")
        self.path = str(Path(path))
        self.mode: CacheMode = mode
        self._local = threading.local()
        if mode != "off":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self._connection()

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection (reopened after a fork), with WAL, busy timeout and the table ready."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None and getattr(self._local, "pid", None) == os.getpid():
            return conn
        for attempt in range(OPEN_ATTEMPTS):
            conn = None
            try:
                conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
                conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute("CREATE TABLE IF NOT EXISTS completions ("
                             "key TEXT PRIMARY KEY, value TEXT NOT NULL, created REAL NOT NULL)")
                break
            except sqlite3.OperationalError as exc:
                # switching a fresh file to WAL takes a lock SQLite's busy handler does not wait for:
                # processes opening the cache at the same moment retry instead of failing
                if conn is not None:
                    conn.close()
                    conn = None
                if "locked" not in str(exc) or attempt == OPEN_ATTEMPTS - 1:
                    raise ConfigError(f"cannot open completion cache {self.path}: {exc}") from None
                time.sleep(0.05 * (attempt + 1))
            except sqlite3.Error as exc:
                raise ConfigError(f"cannot open completion cache {self.path}: {exc}") from None
        self._local.conn = conn
        self._local.pid = os.getpid()
        return conn

    def get(self, key: str) -> dict[str, Any] | None:
        """The stored value for `key` regardless of mode (None when absent or unreadable)."""
        if self.mode == "off":
            return None
        try:
            row = self._connection().execute("SELECT value FROM completions WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error as exc:
            raise ConfigError(f"completion cache {self.path} cannot be read: {exc}") from None
        if row is None:
            return None
        try:
            value = json.loads(row[0])
        except json.JSONDecodeError:
            return None
        return value if isinstance(value, dict) else None

    def lookup(self, key: str) -> dict[str, Any] | None:
        """Mode-aware read: None means "fetch it"; in replay mode a miss raises CacheMiss instead."""
        if self.mode in ("off", "refresh"):
            return None
        value = self.get(key)
        if value is None and self.mode == "replay":
            raise CacheMiss(key, self.path)
        return value

    def store(self, key: str, value: Mapping[str, Any]) -> None:
        """Mode-aware write (no-op in "off" and "replay"); last writer wins."""
        if self.mode in ("off", "replay"):
            return
        try:
            self._connection().execute(
                "INSERT OR REPLACE INTO completions (key, value, created) VALUES (?, ?, ?)",
                (key, canonical_json(dict(value)), time.time()))
        except sqlite3.Error as exc:
            raise ConfigError(f"completion cache {self.path} cannot be written: {exc}") from None

    def __len__(self) -> int:
        """Number of stored completions."""
        if self.mode == "off":
            return 0
        return int(self._connection().execute("SELECT COUNT(*) FROM completions").fetchone()[0])

    def close(self) -> None:
        """Close this thread's connection (other threads' connections close when they are collected)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

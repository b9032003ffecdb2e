"""Progress on stderr: one live line on a terminal, a plain line every N tasks otherwise.

The live line shows done/total, solved, rate, elapsed and ETA and is rewritten in place
with `\\r`; on a pipe or log file it prints a line every `max(1, total // 20)` tasks so
logs stay short.
"""

from __future__ import annotations

import sys
import time
from typing import Any, Mapping, TextIO

from hypsearch.batch.records import SOLVED


def format_duration(seconds: float | None) -> str:
    """`1:02:03`, `2:03` or `--:--` for unknown."""
    if seconds is None or seconds != seconds or seconds == float("inf"):
        return "--:--"
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class Progress:
    """Counts finished tasks of a run (including ones finished by an earlier session)."""

    def __init__(self, total: int, *, done: int = 0, solved: int = 0, stream: TextIO | None = None,
                 live: bool | None = None, every: int | None = None, enabled: bool = True) -> None:
        self.total = total
        self.done = done
        self.solved = solved
        self.session_done = 0
        self.stream = stream if stream is not None else sys.stderr
        self.live = self.stream.isatty() if live is None else live
        self.every = every if every is not None else max(1, total // 20)
        self.enabled = enabled
        self.start = time.monotonic()
        self._last_draw = 0.0
        self._width = 0
        self.last: str = ""

    def line(self) -> str:
        """The current status text (without `\\r` or newline)."""
        elapsed = time.monotonic() - self.start
        rate = self.session_done / elapsed if elapsed > 0 else 0.0
        remaining = self.total - self.done
        eta = remaining / rate if rate > 0 else (0.0 if remaining == 0 else None)
        pct = 100.0 * self.solved / self.done if self.done else 0.0
        text = (f"[{self.done}/{self.total}] solved {self.solved} ({pct:.0f}%) | "
                f"{rate:.2f} tasks/s | elapsed {format_duration(elapsed)} | ETA {format_duration(eta)}")
        return text + (f" | {self.last}" if self.last else "")

    def update(self, record: Mapping[str, Any]) -> None:
        """Account for one finished record and redraw if due."""
        self.done += 1
        self.session_done += 1
        if record.get("status") == SOLVED:
            self.solved += 1
        self.last = f"{record.get('id')}: {record.get('status')}"
        if not self.enabled:
            return
        if self.live:
            now = time.monotonic()
            if now - self._last_draw >= 0.1 or self.done == self.total:
                self._draw()
                self._last_draw = now
        elif self.session_done % self.every == 0 or self.done == self.total:
            self.stream.write(self.line() + "\n")
            self.stream.flush()

    def _draw(self) -> None:
        text = self.line()
        pad = max(0, self._width - len(text))
        self._width = len(text)
        self.stream.write("\r" + text + " " * pad)
        self.stream.flush()

    def begin(self, note: str = "") -> None:
        """Print the run's opening line (what is skipped or resumed)."""
        if self.enabled and note:
            self.stream.write(note + "\n")
            self.stream.flush()
        if self.enabled and self.live:
            self._draw()

    def close(self) -> None:
        """Finish the live line with a newline (a no-op for plain output)."""
        if self.enabled and self.live:
            self._draw()
            self.stream.write("\n")
            self.stream.flush()

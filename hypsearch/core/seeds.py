"""Seeds: programs a model proposed for a task, handed to a domain's own search while it runs.

The hybrid proposer fills a `Seeds` from its model thread with every program the translator produced (each
one parsed and type-checked by the domain's lark parser first; nothing a model writes is ever run as Python),
whether or not it fits.  A domain whose search takes seeds (`Domain.takes_seeds`) polls it between search
states and tries the seeds' pieces first, composing around them at the same deadline; it `mark`s the fits it
built from a seed, so results can say which solves a model's words helped.  The core knows nothing of what a
domain does with them.

>>> from hypsearch.core.program import Var
>>> seeds = Seeds()
>>> seeds.add(Var("x", "Grid"))
>>> seeds.since(0)
([Var(name='x', type='Grid')], 1)
>>> seeds.since(1)
([], 1)
"""

from __future__ import annotations

import threading
from typing import Iterable

from hypsearch.core.program import Term


class Seeds:
    """A thread-safe, append-only list of model programs, and the fits a search built from them."""

    def __init__(self, programs: Iterable[Term] = ()) -> None:
        self._lock = threading.Lock()
        self._programs: list[Term] = list(programs)
        self._marked: set[Term] = set()
        self._closed = False
        self.stats: dict[str, int] = {}
        """Counters the domain's search reports about the seeds (pieces taken, steps promoted, …)."""

    def add(self, program: Term) -> None:
        """Offer one more program (from any thread)."""
        with self._lock:
            self._programs.append(program)

    def since(self, k: int) -> tuple[list[Term], int]:
        """The programs added after the first `k`, and the count to pass next time."""
        with self._lock:
            return self._programs[k:], len(self._programs)

    def close(self) -> None:
        """No more programs will come (the model's side ended): a search waiting for seeds may stop."""
        self._closed = True

    @property
    def closed(self) -> bool:
        return self._closed

    def __len__(self) -> int:
        with self._lock:
            return len(self._programs)

    def mark(self, fit: Term) -> None:
        """Record that the search built `fit` from a seed (called by the domain's search)."""
        with self._lock:
            self._marked.add(fit)

    def seeded(self, fit: Term) -> bool:
        """True when the search reported `fit` as built from a seed."""
        with self._lock:
            return fit in self._marked

    @property
    def marked(self) -> int:
        """How many distinct fits were built from seeds."""
        with self._lock:
            return len(self._marked)


__all__ = ["Seeds"]

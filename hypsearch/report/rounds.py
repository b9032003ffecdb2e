"""A task's model rounds from its transcript: hypothesis in words → program → verdict → feedback.

The transcript (`hypsearch.llm.transcript`) is a list of events; here they become frozen records, one `Session`
per solve (CEGIS solves once per counterexample round), each with its rounds in order.  Unknown events are kept
as notes, so a newer transcript still shows everything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping


@dataclass(frozen=True)
class Attempt:
    """One translation reply: the program read from it and what was wrong with it ("" when nothing)."""

    program: str
    error: str


@dataclass(frozen=True)
class Verdict:
    """The checker's verdict on one program: status, fit (share of examples right) and its feedback text."""

    program: str
    status: str
    fit: float | None
    feedback: str


@dataclass(frozen=True)
class Hypothesis:
    """A rule in words, its translation attempts, the program it became (or none) and the verdicts."""

    words: str
    outcome: str = ""
    program: str = ""
    attempts: tuple[Attempt, ...] = ()
    verdicts: tuple[Verdict, ...] = ()


@dataclass(frozen=True)
class Round:
    """One round: the feedback sent with its request, the hypotheses that came back, and notes."""

    number: int
    feedback_sent: str = ""
    hypotheses: tuple[Hypothesis, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Session:
    """One solve of the task: the model and settings it ran with, and its rounds."""

    header: Mapping[str, Any] = field(default_factory=dict)
    rounds: tuple[Round, ...] = ()


class _Builder:
    """Mutable accumulation of one session, frozen by `freeze`."""

    def __init__(self, header: Mapping[str, Any]) -> None:
        self.header = dict(header)
        self.rounds: dict[int, dict[str, Any]] = {}

    def round(self, number: int) -> dict[str, Any]:
        return self.rounds.setdefault(number, {"feedback": "", "hyps": {}, "notes": []})

    def hypothesis(self, number: int, words: str) -> dict[str, Any]:
        hyps = self.round(number)["hyps"]
        return hyps.setdefault(words, {"outcome": "", "program": "", "attempts": [], "verdicts": []})

    def freeze(self) -> Session:
        rounds = []
        for number in sorted(self.rounds):
            r = self.rounds[number]
            hyps = tuple(Hypothesis(words, h["outcome"], h["program"], tuple(h["attempts"]), tuple(h["verdicts"]))
                         for words, h in r["hyps"].items())
            rounds.append(Round(number + 1, r["feedback"], hyps, tuple(r["notes"])))
        return Session(self.header, tuple(rounds))


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _round(event: Mapping[str, Any]) -> int:
    value = event.get("round", 0)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def sessions(events: Iterable[Mapping[str, Any]]) -> list[Session]:
    """The transcript's events grouped into sessions and rounds."""
    out: list[_Builder] = []
    for ev in events:
        kind = ev.get("event")
        if kind == "start" or not out:
            out.append(_Builder(ev if kind == "start" else {}))
            if kind == "start":
                continue
        cur = out[-1]
        n = _round(ev)
        if kind == "hypotheses":
            r = cur.round(n)
            r["feedback"] = _text(ev.get("feedback"))
            for words in ev.get("hypotheses") or []:
                cur.hypothesis(n, _text(words))
        elif kind == "translation":
            h = cur.hypothesis(n, _text(ev.get("hypothesis")))
            h["outcome"], h["program"] = _text(ev.get("outcome")), _text(ev.get("program"))
            h["attempts"] = [Attempt(_text(a.get("program")), _text(a.get("error")))
                             for a in ev.get("attempts") or [] if isinstance(a, Mapping)]
        elif kind == "check":
            fit = ev.get("fit")
            verdict = Verdict(_text(ev.get("program")), _text(ev.get("status")),
                              float(fit) if isinstance(fit, (int, float)) and not isinstance(fit, bool) else None,
                              _text(ev.get("feedback")))
            words = _text(ev.get("hypothesis")) or f"(no rule in words: {verdict.program})"
            cur.hypothesis(n, words)["verdicts"].append(verdict)
        elif kind == "request_failed":
            cur.round(n)["notes"].append(f"request failed: {_text(ev.get('error'))}")
        elif kind == "no_hypotheses":
            cur.round(n)["notes"].append(f"no usable hypothesis in {ev.get('replies', 0)} reply(ies)")
        elif kind == "symbolic":
            cur.round(n)["notes"].append(f"enumeration with {ev.get('fragments', 0)} model fragment(s) "
                                         f"for {float(ev.get('seconds') or 0):.2f} s")
        else:
            extra = {k: v for k, v in ev.items() if k not in ("event", "task", "t", "round")}
            cur.round(n)["notes"].append(f"{kind}: {extra}")
    return [b.freeze() for b in out]

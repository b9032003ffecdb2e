"""Ambiguity: how many distinct behaviours fit the examples, and the inputs that tell them apart."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True)
class Distinction:
    """An input on which fitting programs disagree, with each program's output (None: it fails there)."""

    inputs: tuple[Any, ...]
    outputs: tuple[tuple[str, Any], ...]
    """(program text, output) for each competing program, the chosen one first."""
    source: str
    """Where the input came from: 'pool' (unlabelled inputs given), 'z3', or 'generated'."""

    @property
    def answers(self) -> int:
        """How many different outputs the programs give on this input."""
        return len({repr(o) for _, o in self.outputs})

    def led_by(self, text: str) -> "Distinction":
        """The same input with program `text`'s output first (the rest in their order)."""
        first = [pair for pair in self.outputs if pair[0] == text]
        return replace(self, outputs=(*first, *(pair for pair in self.outputs if pair[0] != text)))

    def contrast(self) -> tuple[tuple[str, Any], ...]:
        """The first program's output and the first that differs from it (what a person is shown)."""
        head = self.outputs[:1]
        other = [pair for pair in self.outputs[1:] if head and repr(pair[1]) != repr(head[0][1])]
        return (*head, *other[:1])


@dataclass(frozen=True)
class Ambiguity:
    """What the search saw beyond the chosen program: competitors that fit and where they part ways."""

    behaviours: int
    """Distinct behaviours among the fitting programs found (1: nothing competes with the answer)."""
    competitors: tuple[str, ...]
    """The fitting programs, chosen one first, one per behaviour, simplest first."""
    distinctions: tuple[Distinction, ...]
    searched: str
    """What was searched, as a phrase ("fitting programs up to size 9 over 24 probe inputs in 2.0 s")."""

    @property
    def ambiguous(self) -> bool:
        return self.behaviours > 1

    def led_by(self, text: str) -> "Ambiguity":
        """The same report with competitor `text` (the program answered with) first everywhere."""
        if text not in self.competitors:
            return self
        competitors = (text, *(c for c in self.competitors if c != text))
        led = [d.led_by(text) for d in self.distinctions]
        led.sort(key=lambda d: len(d.contrast()) < 2)  # inputs where the answer is contradicted first
        return replace(self, competitors=competitors, distinctions=tuple(led))

    def summary(self) -> str:
        """One line for a person: the count of behaviours and where the two best disagree."""
        if not self.ambiguous:
            return f"no competing behaviour found ({self.searched})"
        line = f"{self.behaviours} distinct behaviours fit the examples ({self.searched})"
        if self.distinctions:
            d = self.distinctions[0]
            shown = "; ".join(f"{text} gives {out!r}" for text, out in d.contrast())
            line += f"; on input {d.inputs!r} ({d.source}): {shown}"
        return line

"""Tasks: what a problem gives the engine, independent of the file format it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping

from hypsearch.core.program import Type

if TYPE_CHECKING:
    from hypsearch.core.grammar import SearchGrammar


@dataclass(frozen=True)
class Example:
    """One observation: input values (in parameter order) and the output they map to."""

    inputs: tuple[Any, ...]
    output: Any


@dataclass(frozen=True)
class Signature:
    """The function to find: named, typed parameters and a return type."""

    params: tuple[tuple[str, Type], ...]
    returns: Type
    name: str = "f"

    @property
    def param_names(self) -> tuple[str, ...]:
        return tuple(n for n, _ in self.params)

    def env(self, inputs: tuple[Any, ...]) -> dict[str, Any]:
        """Bind parameter names to one example's input values."""
        return dict(zip(self.param_names, inputs))


@dataclass(frozen=True)
class Task:
    """A problem: examples to explain, optional test inputs to predict, optional grammar and spec.

    `grammar` narrows the domain's search space (a SyGuS `synth-fun` grammar); an answer
    outside it is wrong.  `spec` is a logical specification checked by z3 (see `spec.py`).
    """

    id: str
    domain: str
    signature: Signature
    examples: tuple[Example, ...]
    tests: tuple[Example, ...] = ()
    """Inputs to predict; `output` is the known answer or None when hidden."""
    grammar: "SearchGrammar | None" = None
    spec: Any = None
    attempts: int = 1
    """How many distinct answers per test input are allowed (ARC: 2)."""
    source: str = ""
    """Where the task came from (file path, dataset id), for reports."""
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def contradictory_examples(self) -> tuple[Example, Example] | None:
        """Two examples with equal inputs and different outputs, if any: no function fits."""
        seen: dict[Any, Example] = {}
        for ex in self.examples:
            try:
                key = ex.inputs
                hash(key)
            except TypeError:
                return None
            prev = seen.get(key)
            if prev is not None and prev.output != ex.output:
                return prev, ex
            seen[key] = ex
        return None

"""Tasks: what a problem gives the engine, independent of the file format it came from.

Blind by construction: a `Task`'s tests are `Query` objects, inputs only, so nothing a solver or
proposer receives can hold a test output.  Front-ends read files into a `LabelledTask`, which keeps
the answers (and answer-revealing metadata) beside the Task, for scorers and reports only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from hypsearch.core.program import Type

if TYPE_CHECKING:
    from hypsearch.core.grammar import SearchGrammar


@dataclass(frozen=True)
class Example:
    """One observation: input values (in parameter order) and the output they map to."""

    inputs: tuple[Any, ...]
    output: Any


@dataclass(frozen=True)
class Query:
    """A test input to predict.  It has no output field: its answer, when known, lives in a LabelledTask."""

    inputs: tuple[Any, ...]


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
    tests: tuple[Query, ...] = ()
    """Inputs to predict (inputs only: the answers stay in a LabelledTask)."""
    grammar: "SearchGrammar | None" = None
    spec: Any = None
    attempts: int = 1
    """How many distinct answers per test input are allowed (ARC: 2)."""
    source: str = ""
    """Where the task came from (file path, dataset id), for reports."""
    metadata: Mapping[str, Any] = field(default_factory=dict)
    """Facts a solver may use (a SyGuS function's declaration); never answers or their hints."""

    def __post_init__(self) -> None:
        bad = next((t for t in self.tests if not isinstance(t, Query)), None)
        if bad is not None:
            raise TypeError(f"task {self.id}: tests must be Query objects (inputs only), got "
                            f"{type(bad).__name__}; keep test outputs in a LabelledTask")

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


@dataclass(frozen=True)
class LabelledTask:
    """A Task as a front-end reads it, with its answer key: solvers get `.task`, scorers read `answers`.

    `answers[i]` is the expected output of `task.tests[i]` (None: not known); `hidden` holds metadata
    that would reveal answers (a dataset's concept name, ground-truth program, query type)."""

    task: Task
    answers: tuple[Any, ...] = ()
    hidden: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.answers and len(self.answers) != len(self.task.tests):
            raise ValueError(f"task {self.task.id}: {len(self.answers)} answers for {len(self.task.tests)} tests")

    @classmethod
    def build(cls, id: str, domain: str, signature: Signature, examples: Sequence[Example],
              tests: Sequence[Example] = (), *, hidden: Mapping[str, Any] | None = None,
              **fields: Any) -> "LabelledTask":
        """A Task from examples and labelled test pairs (output None: unknown), split into queries and answers."""
        task = Task(id, domain, signature, tuple(examples), tuple(Query(t.inputs) for t in tests), **fields)
        answers = tuple(t.output for t in tests)
        return cls(task, answers if any(a is not None for a in answers) else (), dict(hidden or {}))

    @property
    def id(self) -> str:
        return self.task.id

    @property
    def known(self) -> bool:
        """True when every test has a known answer (so the task can be scored)."""
        return bool(self.task.tests) and len(self.answers) == len(self.task.tests) and \
            all(a is not None for a in self.answers)

    def expected(self, i: int) -> Any:
        """Test `i`'s answer, or None when it is not known."""
        return self.answers[i] if i < len(self.answers) else None

    def test_pairs(self) -> tuple[Example, ...]:
        """The tests with their answers as Examples (for scorers and reports; never for a solver)."""
        return tuple(Example(q.inputs, self.expected(i)) for i, q in enumerate(self.task.tests))

    def correct(self, predictions: Sequence[Sequence[Any]]) -> bool | None:
        """Whether every answer is among its test's first `task.attempts` predictions; None when unknown."""
        if not self.known:
            return None
        if len(predictions) != len(self.answers):
            return False
        n = max(self.task.attempts, 1)
        return all(any(p is not None and p == a for p in list(ps)[:n]) for a, ps in zip(self.answers, predictions))


def labelled(task: Task) -> LabelledTask:
    """A Task with no known answers (formats whose files carry none, e.g. SyGuS)."""
    return LabelledTask(task)

"""The symbolic interpreter: the only thing that ever runs a program, always within limits."""

from __future__ import annotations

from typing import Any, Mapping

from hypsearch.core.domain import Domain, Limits
from hypsearch.core.errors import EvaluationError, LimitExceeded
from hypsearch.core.program import App, Const, Hole, Term, Var

DEFAULT_LIMITS = Limits()


def evaluate(domain: Domain, term: Term, env: Mapping[str, Any], limits: Limits | None = None) -> Any:
    """Value of `term` with inputs `env`; raises EvaluationError (LimitExceeded for limits)."""
    limits = limits or DEFAULT_LIMITS
    steps = [0]
    sizes = {name: vt.size for name, vt in domain.types.items() if vt.size is not None}

    def run(t: Term) -> Any:
        if isinstance(t, App):
            steps[0] += 1
            if steps[0] > limits.max_steps:
                raise LimitExceeded(f"more than {limits.max_steps} evaluation steps")
            prim = domain.primitive(t.op)
            if prim is None:
                raise EvaluationError(f"unknown primitive `{t.op}`")
            if prim.selects:
                return run(t.args[1] if run(t.args[0]) else t.args[2])
            if prim.decided_by is not None and len(t.args) == 2:
                first = run(t.args[0])
                if first is prim.decided_by:
                    return first
                args = [first, run(t.args[1])]
            else:
                args = [run(a) for a in t.args]
            try:
                value = prim.impl(*args)
            except EvaluationError:
                raise
            except (ArithmeticError, ValueError, TypeError, IndexError, KeyError, RecursionError, MemoryError) as exc:
                raise EvaluationError(f"`{t.op}` failed: {exc!r}") from exc
            measure = sizes.get(t.type)
            if measure is not None and measure(value) > limits.max_value_size:
                raise LimitExceeded(f"`{t.op}` built a value larger than {limits.max_value_size}")
            return value
        if isinstance(t, Var):
            try:
                return env[t.name]
            except KeyError:
                raise EvaluationError(f"input `{t.name}` is not bound") from None
        if isinstance(t, Const):
            return t.value
        if isinstance(t, Hole):
            raise EvaluationError(f"hole `?{t.name}` has no value yet")
        raise EvaluationError(f"not a term: {t!r}")

    return run(term)

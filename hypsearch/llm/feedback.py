"""Feedback for the model: why a program was invalid or wrong, in words it can act on.

Parse and type errors become named, located messages with a caret under the offending text
("unknown primitive `rotate`; did you mean `rot90`?"); wrong programs list failing examples with
input, expected output and what the program produced; spec failures carry z3's counterexample.
"""

from __future__ import annotations

import re
from typing import Sequence

from hypsearch.core.candidate import Candidate, CandidateStatus
from hypsearch.core.domain import Domain
from hypsearch.core.errors import InputSyntaxError, ProgramError, caret_context
from hypsearch.llm.prompts import render_inputs, render_value
from hypsearch.core.task import Task

MAX_FAILING_EXAMPLES = 3
_NAMED = re.compile(r"`([^`\s]+)`")


def locate(text: str, name: str) -> tuple[int, int] | None:
    """1-based (line, column) of the first occurrence of `name` as a whole token in `text`."""
    pattern = re.compile(r"(?<![^\s()])" + re.escape(name) + r"(?![^\s()])")
    m = pattern.search(text)
    if m is None:
        return None
    line = text.count("\n", 0, m.start()) + 1
    column = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
    return line, column


def program_error_feedback(text: str, exc: InputSyntaxError | ProgramError, source: str = "<program>") -> str:
    """A parse/type error as the model should see it: location, message, hint, caret context."""
    if isinstance(exc, InputSyntaxError):
        return exc.render()
    message = exc.message + (f"; {exc.hint}" if exc.hint else "")
    named = _NAMED.search(exc.message)
    where = locate(text, named.group(1)) if named else None
    if where is None:
        return message
    line, column = where
    return f"{source}:{line}:{column}: {message}\n{caret_context(text, line, column)}"


def _produced(domain: Domain, task: Task, value: object) -> str:
    return render_value(domain, value, task.signature.returns)


def candidate_feedback(domain: Domain, task: Task, candidate: Candidate,
                       max_examples: int = MAX_FAILING_EXAMPLES) -> str:
    """Why one checked candidate failed, with up to `max_examples` failing examples."""
    status = candidate.status
    if status is CandidateStatus.ACCEPTED:
        return "fits every example"
    if status in (CandidateStatus.UNPARSABLE, CandidateStatus.ILL_TYPED):
        return f"the program is not valid: {candidate.detail}"
    lines: list[str] = []
    bad = [o for o in candidate.outcomes if not o.ok]
    if bad:
        lines.append(f"It gets {len(bad)} of {len(candidate.outcomes)} examples wrong.")
    for o in bad[:max_examples]:
        ex = task.examples[o.index]
        lines.append(f"Example {o.index + 1}:")
        lines.extend(render_inputs(domain, task, ex.inputs))
        lines.append(f"  expected = {render_value(domain, ex.output, task.signature.returns)}")
        if o.error:
            lines.append(f"  the program failed: {o.error}")
        else:
            lines.append(f"  produced = {_produced(domain, task, o.produced)}")
    if not bad:
        if status is CandidateStatus.UNKNOWN:
            lines.append(f"It fits the examples, but the specification could not be verified: {candidate.detail}")
        elif candidate.outcomes:
            lines.append(f"It fits the examples but violates the specification: {candidate.detail}")
        else:
            lines.append(candidate.detail or status.value)
    return "\n".join(lines)


def round_feedback(domain: Domain, task: Task, failures: Sequence[Candidate], max_items: int = 5) -> str:
    """Feedback on a round's failed candidates, best fit first, one block per hypothesis."""
    blocks: list[str] = []
    seen: set[str] = set()
    for cand in sorted(failures, key=lambda c: (-c.fit, c.text)):
        key = cand.provenance.hypothesis or cand.text
        if key in seen:
            continue
        seen.add(key)
        head = []
        if cand.provenance.hypothesis:
            head.append(f"Hypothesis: {cand.provenance.hypothesis}")
        if cand.text:
            head.append(f"Program: {cand.text}")
        blocks.append("\n".join(head + [candidate_feedback(domain, task, cand)]))
        if len(blocks) >= max_items:
            break
    return "\n\n".join(blocks)

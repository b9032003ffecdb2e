"""Active induction: while several behaviours fit, ask the oracle about an input that splits them.

Each round solves the task, looks for competing behaviours (`engine.ambiguity`), picks the input on which
the competitors give the most different answers (pool inputs first: a pool-based oracle can answer those),
and puts it to the oracle.  An answer becomes an example; a refusal is recorded and that input avoided.
The loop ends when one behaviour remains, the query budget is spent, or no input splits the competitors.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any, Callable, Sequence

from hypsearch.core.ambiguity import Distinction
from hypsearch.core.domain import Domain
from hypsearch.core.errors import OracleError
from hypsearch.core.oracle import Asked, Oracle
from hypsearch.core.result import Result
from hypsearch.core.settings import QUERY_SECONDS, Settings
from hypsearch.core.task import Example, Task
from hypsearch.check.checker import predict
from hypsearch.engine.ambiguity import Assessment, assess
from hypsearch.engine.preference import preferred, specificity


MIN_ASSESS_SECONDS = 0.2
"""Below this much time left in the task's limit, a solve without an oracle reports no ambiguity at all."""


def solve_actively(task: Task, settings: Settings, oracle: Oracle | None, *,
                   solve_once: Callable[[Task], Result], domain: Domain,
                   pool: Sequence[tuple[Any, ...]] = ()) -> Result:
    """Solve, then query `oracle` (None: only report the ambiguity) until one behaviour remains or budgets end."""
    started = time.monotonic()
    seconds = settings.ambiguity_seconds or QUERY_SECONDS
    asked: list[Asked] = []
    refused: list[tuple[Any, ...]] = []
    current = task
    while True:
        result = solve_once(current)
        if not result.solved or result.program is None:
            return _final(result, asked, started, None, "")
        others = [c.program for c in result.candidates
                  if c.status.value == "accepted" and c.program is not None and c.text != result.program_text]
        budget = seconds
        if oracle is None:  # only reporting: the look for competitors fits inside the task's own time limit
            budget = min(seconds, settings.time_limit - (time.monotonic() - started))
            if budget < MIN_ASSESS_SECONDS:
                return _final(result, asked, started, None, "")
        found = assess(current, domain, settings, result.program, others, seconds=budget,
                       pool=[*pool, *(t.inputs for t in task.tests)], avoid=refused)
        if not found.ambiguity.ambiguous:
            return _final(result, asked, started, found, "one behaviour remains" if asked else "")
        if oracle is None:
            return _final(answer_best_bet(result, found, domain, current), asked, started, found, "")
        if len(asked) >= settings.max_queries:
            return _final(answer_best_bet(result, found, domain, current), asked, started, found,
                          f"{settings.max_queries} queries asked (--max-queries), "
                          f"{found.ambiguity.behaviours} behaviours still fit")
        question = best_question(found)
        if question is None:
            return _final(answer_best_bet(result, found, domain, current), asked, started, found,
                          "no input found that splits the competing programs")
        answer = ask(oracle, question, domain, task)
        asked.append(answer)
        if answer.answered:
            current = replace(current, examples=(*current.examples, Example(question.inputs, answer.output)))
        else:
            refused.append(question.inputs)


def answer_best_bet(result: Result, found: Assessment, domain: Domain, task: Task) -> Result:
    """With several behaviours left and nothing more to ask, answer with the one the prior favours (`preference`).

    A domain that ranks its own answers (ARC's attempt selection) keeps its choice; so does a task whose
    favoured program fails on a test input.  The smallest fit stays on as an alternative.
    """
    if domain.ranks_answers or len(found.programs) < 2:
        return result
    pick = found.programs[preferred(found.programs, agreement(found), offset_types=domain.offset_types)]
    text = domain.show(pick)
    if text == result.program_text:
        return result
    predictions = result.predictions
    if task.tests:
        mine = predict(domain, task, pick)
        if None in mine:
            return result
        attempts = max(1, task.attempts)
        predictions = tuple((m, *[a for a in old if repr(a) != repr(m)])[:attempts]
                            for m, old in zip(mine, result.predictions or [()] * len(mine)))
    alternatives = tuple(a for a in (result.program_text, *result.alternatives) if a != text)
    why = f"answered with {text} rather than the smallest fit {result.program_text}: it leans less on fixed constants"
    if specificity(pick).ignores_inputs < specificity(found.programs[0]).ignores_inputs:  # no offsets needed here
        why = f"answered with {text} rather than the smallest fit {result.program_text}: it reads its inputs"
    return replace(result, program=pick, program_text=text, alternatives=alternatives, predictions=predictions,
                   stop_reason=f"{result.stop_reason}; {why}", stats={**result.stats, "preferred_over": result.program_text})


def agreement(found: Assessment) -> list[int]:
    """For each competitor, how many others give its output, summed over the inputs that split them."""
    votes = [0] * len(found.programs)
    for q in found.questions:
        outs = [repr(o) for _, o in q.outputs]
        for i, out in enumerate(outs):
            votes[i] += outs.count(out) - 1
    return votes


def best_question(found: Assessment) -> Distinction | None:
    """The input whose answer splits the competitors most (most distinct outputs), pool inputs first on ties."""
    best: Distinction | None = None
    for q in found.questions:
        if q.answers > 1 and (best is None or q.answers > best.answers):
            best = q
    return best


def ask(oracle: Oracle, question: Distinction, domain: Domain, task: Task) -> Asked:
    """Put one input to the oracle; a refusal, a crash or an answer of the wrong type is a stated reason."""
    inputs = question.inputs
    try:
        output = oracle(inputs)
    except OracleError as exc:
        return Asked(inputs, reason=str(exc), source=question.source)
    except Exception as exc:  # an oracle is user code: whatever it raises is its answer "cannot say", with the reason
        return Asked(inputs, reason=f"the oracle failed: {type(exc).__name__}: {exc}", source=question.source)
    if output is None:
        return Asked(inputs, reason="the oracle cannot answer this input", source=question.source)
    returns = task.signature.returns
    if not domain.value_type(returns).is_value(output):
        return Asked(inputs, reason=f"the oracle's answer {output!r} is not a {returns}", source=question.source)
    return Asked(inputs, output, True, source=question.source)


def _led(found: Assessment | None, result: Result) -> Any:
    """The ambiguity report with the program answered with first (it may be a competitor, `answer_best_bet`)."""
    if found is None:
        return result.ambiguity
    return found.ambiguity.led_by(result.program_text)


def _final(result: Result, asked: list[Asked], started: float, found: Assessment | None, why: str) -> Result:
    """The last round's result with the queries, the ambiguity report and a stop reason that says how it ended."""
    reason = result.stop_reason
    if asked:
        answered = sum(q.answered for q in asked)
        reason += f"; {len(asked)} quer{'y' if len(asked) == 1 else 'ies'} ({answered} answered)"
    if why:
        reason += f"; {why}"
    stats = {**result.stats, "queries": len(asked), "answered": sum(q.answered for q in asked)}
    return replace(result, stop_reason=reason, queries=tuple(asked), seconds=time.monotonic() - started,
                   ambiguity=_led(found, result), stats=stats)

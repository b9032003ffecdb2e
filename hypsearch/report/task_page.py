"""One task's page: the task (its picture, or its examples), then per run the answer and the model's rounds.

Each round reads left to right as the loop ran it: the rule in words → the programs its translation produced
(with each parse or type error) → the checker's verdict (failing examples with expected and produced values)
→ the feedback the next round was sent.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from hypsearch.batch.solve import plain_value
from hypsearch.report.html import Markup, el, fmt_num, page
from hypsearch.report.rounds import Hypothesis, Round, Session
from hypsearch.report.runs import number
from hypsearch.report.tasks import Loaded


def _value(v: Any) -> str:
    plain = plain_value(v)
    return repr(plain) if isinstance(plain, str) else str(plain)


def examples_table(loaded: Loaded) -> Markup | None:
    """The task's examples (inputs → output), for tasks whose format draws no picture."""
    task = loaded.task
    if task is None:
        return None
    params = [n for n, _ in task.signature.params]
    head = el("tr", [el("th", n) for n in params] + [el("th", "output")])
    rows = [el("tr", [el("td", el("code", _value(v))) for v in ex.inputs] + [el("td", el("code", _value(ex.output)))])
            for ex in task.examples]
    return el("section", el("h2", f"examples ({len(task.examples)})"),
              el("table", el("thead", head), el("tbody", rows), class_="examples") if rows else
              el("p", "no input/output examples (a logical specification)", class_="muted"), class_="task")


def _tests_table(loaded: Loaded, attempts: Sequence[Sequence[Any]]) -> Markup | None:
    """Each test input with its expected output (where known) and this run's attempts, right or wrong."""
    task = loaded.task
    if task is None or not task.tests:
        return None
    params = [n for n, _ in task.signature.params]
    thead = el("tr", [el("th", n) for n in params] + [el("th", "expected"), el("th", "attempts")])
    trows = []
    for i, q in enumerate(task.tests):
        expected = loaded.answers[i] if i < len(loaded.answers) else None
        tries = attempts[i] if i < len(attempts) else []
        marks = []
        for k, guess in enumerate(tries, 1):
            ok = None if expected is None else plain_value(expected) == guess
            marks.append(el("div", f"{k}: ", el("code", _value(guess)),
                            "" if ok is None else (" right" if ok else " wrong"),
                            class_="" if ok is None else ("right" if ok else "wrong")))
        trows.append(el("tr", [el("td", el("code", _value(v))) for v in q.inputs]
                        + [el("td", el("code", "hidden" if expected is None else _value(expected))),
                           el("td", marks or "none")]))
    return el("div", el("h3", f"test inputs ({len(task.tests)})"),
              el("table", el("thead", thead), el("tbody", trows), class_="examples"))


def _facts(rec: Mapping[str, Any]) -> Markup:
    secs = number(rec.get("seconds"))
    pairs = [("status", el("span", rec["status"], class_=f"badge st-{rec['status']}")),
             ("stop reason", rec.get("stop_reason") or ""),
             ("seconds", "" if secs is None else f"{secs:.2f}"),
             ("program size", fmt_num(rec.get("size"))),
             ("candidates checked", fmt_num(rec.get("attempts"))),
             ("LLM calls", fmt_num(rec.get("llm_calls"))), ("tokens", fmt_num(rec.get("llm_tokens"))),
             ("cost", "" if number(rec.get("llm_cost")) is None else f"{rec['llm_cost']:.4f}"),
             ("right on the tests", {True: "yes", False: "no"}.get(rec.get("test_correct"), ""))]
    return el("dl", [(el("dt", k), el("dd", v)) for k, v in pairs if v not in ("", None)], class_="facts")


def _verdict(v: Any) -> Markup:
    fit = "" if v.fit is None else f", fit {v.fit:.2f}"
    cls = "right" if v.status == "accepted" else "wrong"
    return el("div", el("div", el("span", v.status, class_=f"badge vd-{v.status}"), fit, class_=cls),
              el("pre", v.feedback, class_="feedback") if v.feedback and v.status != "accepted" else None,
              class_="verdict")


def _hypothesis(k: int, h: Hypothesis) -> Markup:
    tries = [el("li", el("code", a.program or "(nothing)"), el("pre", a.error, class_="error"))
             for a in h.attempts if a.error]
    program = (el("code", h.program) if h.program else
               el("span", f"no program ({h.outcome or 'not translated'})", class_="wrong"))
    how = " (after repair)" if h.outcome == "repaired" else ""
    return el("li", el("div", el("span", f"H{k}", class_="tag"), el("span", h.words, class_="words"),
                       class_="step hyp"),
              el("div", el("span", "program" + how, class_="tag"), program,
                 el("ul", tries, class_="tries") if tries else None, class_="step prog"),
              el("div", el("span", "verdict", class_="tag"), [_verdict(v) for v in h.verdicts] or
                 el("span", "not checked", class_="muted"), class_="step check"),
              class_="hypothesis")


def _round(r: Round) -> Markup:
    sent = (el("details", el("summary", "feedback sent with this request"), el("pre", r.feedback_sent, class_="feedback"),
               class_="sent", open=True) if r.feedback_sent else None)
    return el("section", el("h4", f"round {r.number}: {len(r.hypotheses)} hypothesis(es)"), sent,
              el("ol", [_hypothesis(k, h) for k, h in enumerate(r.hypotheses, 1)], class_="hypotheses"),
              [el("p", n, class_="note") for n in r.notes], class_="round")


def _sessions(sessions: Sequence[Session]) -> Markup | None:
    if not sessions:
        return None
    parts = []
    for s in sessions:
        h = s.header
        line = ", ".join(f"{k} {h[k]}" for k in ("model", "backend", "rounds", "hypotheses", "repairs") if k in h)
        parts.append(el("div", el("p", line, class_="muted") if line else None, [_round(r) for r in s.rounds],
                        class_="session"))
    return el("div", el("h3", "model rounds"), parts, class_="rounds")


def run_section(label: str, rec: Mapping[str, Any], *, picture: str | None, loaded: Loaded,
                attempts: Sequence[Sequence[Any]], sessions: Sequence[Session]) -> Markup:
    """One run's part of the page: facts, answer program, the task with this run's attempts, its rounds."""
    programs = [rec.get("program"), *(rec.get("alternatives") or [])]
    shown = [el("li", el("code", p)) for p in programs if p]
    body: list[Any] = [el("h2", label), _facts(rec)]
    if rec.get("hypothesis"):
        body.append(el("p", "rule in words: ", el("q", rec["hypothesis"])))
    body.append(el("h3", "answer program" + ("s (attempt 1, 2, …)" if len(shown) > 1 else "")))
    body.append(el("ol", shown, class_="programs") if shown else el("p", "no program", class_="muted"))
    if rec.get("error"):
        body.append(el("pre", rec["error"], class_="error"))
    if picture is not None:
        body.append(el("figure", el("img", src=picture, alt=f"task {rec['id']}: train pairs, test inputs, expected "
                                                           "outputs and attempts", class_="task-picture")))
    else:
        body.append(_tests_table(loaded, attempts))
    body.append(_sessions(sessions))
    return el("section", body, class_="run")


def task_html(task_id: str, sections: Sequence[Markup], *, loaded: Loaded, source: str, drawn: bool) -> str:
    """The whole task page (sections from `run_section`, one per run; the examples first unless `drawn`)."""
    note = el("p", f"task not shown: {loaded.error}", class_="error") if loaded.error else None
    body = [el("nav", el("a", "← all tasks", href="../index.html")), el("h1", f"task {task_id}"),
            el("p", source, class_="sources"), note, None if drawn else examples_table(loaded),
            el("div", sections, class_="runs")]
    return page(f"task {task_id}", body, assets="../assets")

"""The report's index: run summaries, the cactus plot and one sortable, filterable row per task.

Rows are written into the page (no data file to fetch, so it opens from disk); `report.js` sorts on each
cell's `data-v` and filters on the row's `data-*` attributes.  With several runs each row carries which runs
solved the task, and the "compare" filter picks tasks solved by one run and not another.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from hypsearch.batch.records import SOLVED, STATUSES
from hypsearch.report.html import Markup, el, fmt_num, page
from hypsearch.report.runs import Run, number, page_name, task_ids


def _secs(value: Any) -> str:
    v = number(value)
    return "" if v is None else f"{v:.2f}"


def _cost(value: Any) -> str:
    v = number(value)
    return "" if v is None else f"{v:.4f}"


def _cell(shown: Any, sort: Any = None, **attrs: Any) -> Markup:
    value = sort if sort is not None else shown
    return el("td", shown, data_v="" if value is None else value, **attrs)


def _status(status: str) -> Markup:
    return el("span", status, class_=f"badge st-{status}")


def _summary_table(runs: Sequence[Run]) -> Markup:
    head = ["run", "tasks", "solved", "rate", *STATUSES[1:], "median s", "total s", "LLM calls", "tokens", "cost"]
    rows = []
    for run in runs:
        s = run.summary
        tasks = f"{s['tasks']}" + (f" of {s['expected_tasks']}" if s.get("pending") else "")
        cells = [run.label, tasks, s["solved"], f"{100 * s['solve_rate']:.1f}%",
                 *(s["by_status"].get(st, 0) for st in STATUSES[1:]), _secs(s["seconds_median"]),
                 _secs(s["seconds_total"]), fmt_num(s["llm_calls"]), fmt_num(s["llm_tokens"]), _cost(s["llm_cost"])]
        rows.append(el("tr", [el("td", c) for c in cells]))
    return el("table", el("thead", el("tr", [el("th", h) for h in head])), el("tbody", rows), class_="summary")


def _comparison(runs: Sequence[Run]) -> Markup | None:
    if len(runs) < 2:
        return None
    solved = [{tid for tid, r in run.records.items() if r["status"] == SOLVED} for run in runs]
    every = set().union(*solved)
    items = [el("li", f"solved by some run: {len(every)}; by every run: {len(set.intersection(*solved))}")]
    for k, run in enumerate(runs):
        others = set().union(*(s for j, s in enumerate(solved) if j != k))
        items.append(el("li", f"solved only by {run.label}: {len(solved[k] - others)}"))
    return el("ul", items, class_="comparison")


def _controls(runs: Sequence[Run], statuses: Sequence[str]) -> Markup:
    status_opts = [el("option", "any status", value="")] + [el("option", s, value=s) for s in statuses]
    parts: list[Any] = [
        el("label", "search ", el("input", type="search", id="q", placeholder="task id, domain or program")),
        el("label", " status ", el("select", status_opts, id="status")),
    ]
    if len(runs) > 1:
        opts = [el("option", "all tasks", value=""), el("option", "solved by every run", value="all"),
                el("option", "solved by no run", value="none"), el("option", "runs disagree", value="differ")]
        for k, run in enumerate(runs):
            opts.append(el("option", f"solved only by {run.label}", value=f"only:{k}"))
            opts.append(el("option", f"not solved by {run.label}", value=f"not:{k}"))
        parts.append(el("label", " compare ", el("select", opts, id="compare")))
    parts.append(el("span", "", id="shown", class_="shown"))
    return el("div", parts, class_="controls")


def _row(tid: str, runs: Sequence[Run]) -> Markup:
    recs = [run.records.get(tid) for run in runs]
    first = next(r for r in recs if r is not None)
    solved = "".join("1" if r is not None and r["status"] == SOLVED else "0" for r in recs)
    statuses = " ".join(sorted({r["status"] for r in recs if r is not None}))
    link = el("a", tid, href=f"tasks/{page_name(tid)}.html")
    cells = [_cell(link, tid, class_="id"), _cell(first.get("domain") or "")]
    if len(runs) == 1:
        r = first
        cells += [_cell(_status(r["status"]), r["status"]), _cell(_secs(r.get("seconds")), r.get("seconds"), class_="n"),
                  _cell(fmt_num(r.get("size")), r.get("size"), class_="n"),
                  _cell(fmt_num(r.get("llm_calls")), r.get("llm_calls"), class_="n"),
                  _cell(fmt_num(r.get("llm_tokens")), r.get("llm_tokens"), class_="n"),
                  _cell(_cost(r.get("llm_cost")), r.get("llm_cost"), class_="n"),
                  _cell(el("code", _short(r.get("program") or r.get("error") or "")), r.get("program") or "")]
    else:
        for r in recs:
            if r is None:
                cells += [_cell("—", "~"), _cell("", None), _cell("", None)]
            else:
                cells += [_cell(_status(r["status"]), r["status"]),
                          _cell(_secs(r.get("seconds")), r.get("seconds"), class_="n"),
                          _cell(fmt_num(r.get("llm_calls")), r.get("llm_calls"), class_="n")]
    program = " ".join(str(r.get("program") or "") for r in recs if r is not None)
    search = f"{tid} {first.get('domain') or ''} {program}".lower()
    return el("tr", cells, data_status=statuses, data_solved=solved, data_search=search)


def _short(value: Any, limit: int = 90) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def index_html(runs: Sequence[Run], *, cactus: str, title: str = "hypsearch report") -> str:
    """The index page's HTML (assets in `assets/`, task pages in `tasks/`, the cactus plot at `cactus`)."""
    ids = task_ids(runs)
    statuses = sorted({r["status"] for run in runs for r in run.records.values()},
                      key=lambda s: (STATUSES.index(s) if s in STATUSES else len(STATUSES), s))
    if len(runs) == 1:
        head = ["task", "domain", "status", "seconds", "size", "LLM calls", "tokens", "cost", "program"]
        header = [el("tr", [el("th", h, scope="col") for h in head])]
    else:
        top = [el("th", "", colspan=2)] + [el("th", run.label, colspan=3, class_="run") for run in runs]
        sub = ["task", "domain"] + ["status", "seconds", "LLM calls"] * len(runs)
        header = [el("tr", top), el("tr", [el("th", h, scope="col") for h in sub])]
    body = [
        el("h1", title),
        el("p", ", ".join(f"{run.label}: {run.path}" for run in runs), class_="sources"),
        el("div", el("div", _summary_table(runs), _comparison(runs)),
           el("figure", el("img", src=cactus, alt="cactus plot: tasks solved within a time", class_="cactus")),
           class_="top"),
        _controls(runs, statuses),
        el("table", el("thead", header), el("tbody", [_row(tid, runs) for tid in ids]), id="tasks",
           class_="tasks sortable"),
    ]
    return page(title, body, assets="assets", script=True)

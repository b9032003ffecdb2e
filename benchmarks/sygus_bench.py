"""Side-by-side SyGuS benchmark: hypsearch vs cvc5 on the same `.sl` files, each answer checked by z3.

Every (arm, problem) runs in its own subprocess group with a hard wall-clock kill, N at a time.
Results go to DIR/results.jsonl (one line per run, flushed as it finishes) and DIR/table.md.

    python benchmarks/sygus_bench.py [FOLDER ...] --timeout 10 --jobs 2 --arms hypsearch,cvc5 \
        --out DIR [--holdout K --seed S] [--limit N] [--filter GLOB]
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import random
import signal
import statistics
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _sygus_check import answer_size, load_problem, reduce_text, verify_answer  # noqa: E402

from hypsearch.batch.killable import ProcessGroups  # noqa: E402  (one killable-child runner)
from hypsearch.batch.killable import run_command as run_killable_command  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FOLDER = REPO_ROOT.parent / "shared" / "benchmarks" / "sygus" / "pbe_slia"
GRACE_SECONDS = 1.0
STATUSES = ("solved", "infeasible", "fail", "unsupported", "error", "timeout")


# ---------------------------------------------------------------------------------------------
# problems
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    """One benchmark problem: its original file, its v2 twin, and (under --holdout) the reduced copies."""

    name: str  # path relative to the folder's parent, e.g. "pbe_slia/euphony/x.sl"
    original: Path  # the file as shipped (v1 for pbe_slia)
    v2: Path  # the SyGuS-IF v2 file cvc5 reads (== original for folders already in v2)
    hidden: tuple[int, ...] = ()  # held-out constraint indices (empty: no holdout)
    reduced: Path | None = None  # original minus hidden constraints
    reduced_v2: Path | None = None  # v2 minus hidden constraints

    def file_for(self, dialect: str) -> Path:
        """The file an arm reading `dialect` ("original" or "v2") must solve."""
        if dialect == "v2":
            return self.reduced_v2 or self.v2
        return self.reduced or self.original


def v2_twin(path: Path) -> Path:
    """The same-named file in the nearest `<ancestor>_v2` sibling folder, or the file itself."""
    path = path.resolve()
    for anc in path.parents:
        if anc.name.endswith("_v2"):
            return path  # already inside a v2 folder
        twin_root = anc.parent / (anc.name + "_v2")
        if anc.name and twin_root.is_dir():
            twin = twin_root / path.relative_to(anc)
            if twin.is_file():
                return twin
    return path


def discover(folders: Sequence[Path], pattern: str | None = None, limit: int | None = None) -> list[Task]:
    """All `.sl` files under the folders (sorted), filtered by a glob on name or relative path."""
    tasks: list[Task] = []
    for folder in folders:
        folder = folder.resolve()
        files = [folder] if folder.is_file() else sorted(folder.rglob("*.sl"))
        for f in files:
            name = str(f.relative_to(folder.parent))
            if pattern and not (fnmatch.fnmatch(name, pattern) or fnmatch.fnmatch(f.name, pattern)):
                continue
            tasks.append(Task(name=name, original=f, v2=v2_twin(f)))
    return tasks[:limit] if limit is not None else tasks


def choose_hidden(name: str, n_examples: int, k: int, seed: int) -> tuple[int, ...]:
    """Deterministic choice of k example positions to hide (stable across runs and Python processes)."""
    rng = random.Random(seed + zlib.crc32(name.encode("utf-8")))
    return tuple(sorted(rng.sample(range(n_examples), k)))


def apply_holdout(task: Task, k: int, seed: int, work_dir: Path) -> Task:
    """Write reduced copies hiding k PBE examples; tasks that are not PBE or have < k+1 examples are kept whole."""
    orig = load_problem(task.original)
    if k <= 0 or not orig.is_pbe() or orig.n_constraints < k + 1:
        return task
    twin = load_problem(task.v2) if task.v2 != task.original else orig
    if twin.n_constraints != orig.n_constraints:
        raise ValueError(f"{task.name}: v1 has {orig.n_constraints} constraints, v2 twin has {twin.n_constraints}")
    hidden = choose_hidden(task.name, orig.n_constraints, k, seed)
    reduced = work_dir / "holdout" / task.name
    reduced.parent.mkdir(parents=True, exist_ok=True)
    reduced.write_text(reduce_text(orig, hidden), encoding="utf-8")
    reduced_v2 = reduced
    if task.v2 != task.original:
        reduced_v2 = work_dir / "holdout_v2" / task.name
        reduced_v2.parent.mkdir(parents=True, exist_ok=True)
        reduced_v2.write_text(reduce_text(twin, hidden), encoding="utf-8")
    return Task(task.name, task.original, task.v2, hidden, reduced, reduced_v2)


# ---------------------------------------------------------------------------------------------
# arms
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Arm:
    """A solver under test: how to build its command line for a file and a time limit.

    The command must print one JSON object (last stdout line) with keys status, answer, seconds[, size].
    """

    name: str
    command: Callable[[Path, float], list[str]]
    dialect: str = "original"  # which file variant it reads: "original" or "v2"


def hypsearch_arm(ambiguity: float = 0.0) -> Arm:
    """Our engine through its CLI: `python -m hypsearch solve FILE --timeout T --json --ambiguity S`.

    S = 0 (the default) times an answer as cvc5 is timed, with no look for competitors; S > 0 lets the engine
    spend up to S of the same T seconds on competing programs and answer with the one it expects to generalise
    (`engine.preference`) — the setting for `--holdout` runs.
    """
    return Arm("hypsearch", lambda f, t: [sys.executable, "-m", "hypsearch", "solve", str(f), "--timeout", str(t),
                                          "--json", "--ambiguity", f"{ambiguity:g}"])


def cvc5_arm() -> Arm:
    """cvc5 (PyPI API) in a child process running this module's `cvc5-child` entry point on the v2 file."""
    here = str(Path(__file__).resolve())
    return Arm("cvc5", lambda f, t: [sys.executable, here, "cvc5-child", str(f), "--timeout", str(t)], dialect="v2")


ARMS: dict[str, Callable[..., Arm]] = {"hypsearch": hypsearch_arm, "cvc5": cvc5_arm}


def cvc5_solve(path: Path, timeout: float) -> dict[str, Any]:
    """Run cvc5's SyGuS solver in this process on a v2 file; returns the arm JSON object."""
    import cvc5  # imported here: only the child process needs it

    start = time.perf_counter()
    solver = cvc5.Solver()
    solver.setOption("sygus", "true")  # the API does not enable it from the input language
    # The API defaults to incremental mode, the cvc5 binary reading a file does not; incremental mode makes
    # cvc5's SyGuS much weaker (e.g. phone-3: 17 s instead of 0.1 s), so match the binary.
    solver.setOption("incremental", "false")
    solver.setOption("dag-thresh", "0")  # print answers as trees, without `let`
    ms = str(max(1, int(timeout * 1000)))
    solver.setOption("tlimit", ms)  # whole-run wall-clock limit
    solver.setOption("tlimit-per", ms)  # per-command limit, the one that reliably stops check-synth
    tm = solver.getTermManager() if hasattr(solver, "getTermManager") else solver
    sm = cvc5.SymbolManager(tm)
    parser = cvc5.InputParser(solver, sm)
    parser.setFileInput(cvc5.InputLanguage.SYGUS_2_1, str(path))
    out = ""
    while True:
        cmd = parser.nextCommand()
        if cmd.isNull():
            break
        result = cmd.invoke(solver, sm)
        if cmd.getCommandName() == "check-synth":
            out = result
            break
    seconds = time.perf_counter() - start
    text = out.strip()
    if "define-fun" in text:
        return {"status": "solved", "answer": text, "seconds": seconds, "size": answer_size(text)}
    if text == "infeasible":
        return {"status": "infeasible", "answer": None, "seconds": seconds, "size": None}
    status = "timeout" if seconds >= timeout * 0.98 else "fail"
    return {"status": status, "answer": None, "seconds": seconds, "size": None, "message": text}


def _cvc5_child_main(argv: Sequence[str]) -> int:
    ap = argparse.ArgumentParser(prog="sygus_bench.py cvc5-child")
    ap.add_argument("file", type=Path)
    ap.add_argument("--timeout", type=float, default=10.0)
    a = ap.parse_args(argv)
    try:
        res = cvc5_solve(a.file, a.timeout)
    except Exception as exc:  # process boundary: any cvc5 failure becomes an "error" result
        res = {"status": "error", "answer": None, "seconds": None, "size": None, "message": str(exc)}
    print(json.dumps(res), flush=True)
    return 0


# ---------------------------------------------------------------------------------------------
# running
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunResult:
    """One line of results.jsonl."""

    arm: str
    problem: str
    status: str
    seconds: float | None  # solver-reported time if given, else wall time
    wall: float
    size: int | None  # node count of the answer bodies (same measure for every arm)
    answer: str | None
    verified: str | None  # ok | wrong | unknown | unchecked | None (no answer)
    verify_detail: str = ""
    reported_size: int | None = None
    message: str = ""
    holdout_hidden: tuple[int, ...] = ()
    holdout_generalizes: bool | None = None
    holdout_detail: str = ""


_ProcessRegistry = ProcessGroups  # the runner is hypsearch.batch.killable's, shared with batch and the other benches


def run_command(argv: list[str], limit: float, registry: ProcessGroups | None = None
                ) -> tuple[str, dict[str, Any] | None, str, float]:
    """Run argv in a new process group (killed after `limit` seconds); parse the last JSON line it printed.

    Returns (outcome, parsed JSON or None, stderr tail, wall seconds); outcome is "done" or "timeout".
    """
    outcome, out, err, wall = run_killable_command(argv, limit, registry, cwd=str(REPO_ROOT))
    parsed: dict[str, Any] | None = None
    for line in reversed(out.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(obj, dict):
                parsed = obj
                break
    return outcome, parsed, err[-2000:], wall


def run_one(task: Task, arm: Arm, timeout: float, registry: _ProcessRegistry | None = None) -> RunResult:
    """Solve one problem with one arm and verify the answer."""
    argv = arm.command(task.file_for(arm.dialect), timeout)
    outcome, obj, err, wall = run_command(argv, timeout + GRACE_SECONDS, registry)
    if outcome == "timeout":
        return RunResult(arm.name, task.name, "timeout", None, wall, None, None, None,
                         holdout_hidden=task.hidden)
    if obj is None:
        return RunResult(arm.name, task.name, "error", None, wall, None, None, None,
                         message=("no JSON on stdout; stderr: " + err.strip())[-1000:], holdout_hidden=task.hidden)
    status = str(obj.get("status", "error"))
    if status == "unsolved":  # hypsearch's word for a search that ended without an answer
        status = "fail"
    if status not in STATUSES:
        status = "error"
    answer = obj.get("answer") if isinstance(obj.get("answer"), str) else None
    seconds = obj.get("seconds") if isinstance(obj.get("seconds"), (int, float)) else wall
    reported = obj.get("size") if isinstance(obj.get("size"), int) else None
    message = str(obj.get("message") or obj.get("stop_reason") or "")
    if status == "error" and err.strip() and not message:
        message = err.strip()[-1000:]
    verified: str | None = None
    detail = ""
    generalizes: bool | None = None
    hdetail = ""
    if status == "solved":
        if answer is None:
            verified, detail = "wrong", "status solved without an answer"
        else:
            v = verify_answer(task.reduced or task.original, answer)
            verified, detail = v.status, v.detail
            if task.hidden and v.status == "ok":
                h = verify_answer(task.original, answer, hidden_only=task.hidden)
                generalizes = h.status == "ok" if h.status != "unknown" else None
                hdetail = h.detail
    elif status == "infeasible":
        verified = "unchecked"
    return RunResult(arm.name, task.name, status, float(seconds), wall, answer_size(answer), answer, verified,
                     detail, reported, message, task.hidden, generalizes, hdetail)


def run_benchmark(tasks: Sequence[Task], arms: Sequence[Arm], *, timeout: float, jobs: int, out_dir: Path,
                  progress: Callable[[RunResult], None] | None = None) -> list[RunResult]:
    """Run every (task, arm) pair with `jobs` workers; append each result to out_dir/results.jsonl as it ends."""
    out_dir.mkdir(parents=True, exist_ok=True)
    results_path = out_dir / "results.jsonl"
    lock = threading.Lock()
    registry = _ProcessRegistry()
    results: list[RunResult] = []

    def work(task: Task, arm: Arm) -> RunResult:
        r = run_one(task, arm, timeout, registry)
        with lock:
            with results_path.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(asdict(r)) + "\n")
                fh.flush()
            results.append(r)
            if progress:
                progress(r)
        return r

    pairs = [(t, a) for t in tasks for a in arms]
    pool = ThreadPoolExecutor(max_workers=max(1, jobs))
    futures = []
    try:
        futures = [pool.submit(work, t, a) for t, a in pairs]
        for f in futures:
            f.result()
    except BaseException:
        for f in futures:
            f.cancel()
        registry.kill_all()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    order = {(t.name, a.name): i for i, (t, a) in enumerate(pairs)}
    return sorted(results, key=lambda r: order[(r.problem, r.arm)])


# ---------------------------------------------------------------------------------------------
# reporting
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArmSummary:
    """Per-arm counts and times for the side-by-side table."""

    arm: str
    problems: int
    solved: int  # status solved and verified ok
    infeasible: int
    wrong: int
    unverified: int  # solved but z3 could not decide
    fail: int
    unsupported: int
    timeout: int
    error: int
    median_s: float | None
    total_s: float
    median_size: float | None
    holdout_answered: int = 0
    holdout_generalizes: int = 0
    holdout_problems: int = 0


def summarize(results: Iterable[RunResult]) -> dict[str, ArmSummary]:
    """Aggregate results per arm."""
    by_arm: dict[str, list[RunResult]] = {}
    for r in results:
        by_arm.setdefault(r.arm, []).append(r)
    out: dict[str, ArmSummary] = {}
    for arm, rs in by_arm.items():
        ok = [r for r in rs if r.status == "solved" and r.verified == "ok"]
        secs = [r.seconds for r in ok if r.seconds is not None]
        sizes = [r.size for r in ok if r.size is not None]
        held = [r for r in rs if r.holdout_hidden]
        out[arm] = ArmSummary(
            arm=arm, problems=len(rs), solved=len(ok),
            infeasible=sum(r.status == "infeasible" for r in rs),
            wrong=sum(r.status == "solved" and r.verified == "wrong" for r in rs),
            unverified=sum(r.status == "solved" and r.verified == "unknown" for r in rs),
            fail=sum(r.status == "fail" for r in rs), unsupported=sum(r.status == "unsupported" for r in rs),
            timeout=sum(r.status == "timeout" for r in rs), error=sum(r.status == "error" for r in rs),
            median_s=statistics.median(secs) if secs else None, total_s=sum(secs),
            median_size=statistics.median(sizes) if sizes else None,
            holdout_problems=len(held),
            holdout_answered=sum(r.status == "solved" and r.verified == "ok" for r in held),
            holdout_generalizes=sum(r.holdout_generalizes is True for r in held),
        )
    return out


def _fmt(x: float | None, digits: int = 2) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def render_table(results: Sequence[RunResult], wall_seconds: float | None = None) -> str:
    """The side-by-side Markdown table (also printed to the terminal)."""
    summ = summarize(results)
    cols = ["arm", "problems", "solved", "infeasible", "wrong", "unverified", "fail", "unsupported", "timeout",
            "error", "median s", "total s", "median size"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for s in summ.values():
        row = [s.arm, s.problems, s.solved, s.infeasible, s.wrong, s.unverified, s.fail, s.unsupported, s.timeout,
               s.error, _fmt(s.median_s), _fmt(s.total_s, 1), _fmt(s.median_size, 1)]
        lines.append("| " + " | ".join(str(c) for c in row) + " |")
    if any(s.holdout_problems for s in summ.values()):
        lines += ["", "| arm | holdout problems | answered (visible ok) | generalizes on hidden |", "|---|---|---|---|"]
        for s in summ.values():
            lines.append(f"| {s.arm} | {s.holdout_problems} | {s.holdout_answered} | {s.holdout_generalizes} |")
    arms = list(summ)
    if len(arms) >= 2:
        solved = {a: {r.problem for r in results if r.arm == a and r.status == "solved" and r.verified == "ok"}
                  for a in arms}
        a, b = arms[0], arms[1]
        lines += ["", f"both solved: {len(solved[a] & solved[b])}; only {a}: {len(solved[a] - solved[b])}; "
                      f"only {b}: {len(solved[b] - solved[a])}"]
    lines += ["", "solved = answer verified by z3; seconds = solver-reported time over solved problems "
                  "(process start-up excluded); size = AST nodes of the answer bodies."]
    if wall_seconds is not None:
        lines += ["", f"total wall time: {wall_seconds:.1f} s"]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The command-line options."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folders", nargs="*", type=Path, help=f"folders of .sl files (default {DEFAULT_FOLDER})")
    ap.add_argument("--timeout", type=float, default=10.0, help="per-problem limit in seconds (default 10)")
    ap.add_argument("--jobs", type=int, default=2, help="parallel workers (default 2)")
    ap.add_argument("--arms", default="hypsearch,cvc5", help="comma-separated: " + ",".join(ARMS))
    ap.add_argument("--out", type=Path, default=None, help="results folder (default: fresh folder under /tmp)")
    ap.add_argument("--holdout", type=int, default=0, help="hide K PBE examples from both solvers")
    ap.add_argument("--seed", type=int, default=0, help="seed for choosing the hidden examples")
    ap.add_argument("--ambiguity", type=float, default=0.0, metavar="S",
                    help="hypsearch arm: seconds (within --timeout) looking for competing programs to answer with "
                         "the likeliest to generalise (default 0: time to the first answer)")
    ap.add_argument("--limit", type=int, default=None, help="only the first N problems")
    ap.add_argument("--filter", default=None, help="glob on problem name or relative path")
    ap.add_argument("--quiet", action="store_true", help="no per-problem progress lines")
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: run the benchmark and print the table (or act as the cvc5 child)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["cvc5-child"]:
        return _cvc5_child_main(argv[1:])
    a = build_parser().parse_args(argv)
    try:
        arms = [ARMS[n.strip()](a.ambiguity) if n.strip() == "hypsearch" else ARMS[n.strip()]()
                for n in a.arms.split(",") if n.strip()]
    except KeyError as exc:
        print(f"unknown arm {exc}; choose from {', '.join(ARMS)}", file=sys.stderr)
        return 2
    folders = a.folders or [DEFAULT_FOLDER]
    for f in folders:
        if not f.exists():
            print(f"no such folder: {f}", file=sys.stderr)
            return 2
    out_dir = a.out or Path(tempfile.mkdtemp(prefix="sygus-bench-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    tasks = discover(folders, a.filter, a.limit)
    if a.holdout > 0:
        tasks = [apply_holdout(t, a.holdout, a.seed, out_dir) for t in tasks]
    print(f"{len(tasks)} problems x {len(arms)} arms, timeout {a.timeout:g} s, {a.jobs} jobs -> {out_dir}",
          flush=True)

    def progress(r: RunResult) -> None:
        if not a.quiet:
            print(f"[{r.arm:9}] {r.status:11} {r.verified or '-':9} {_fmt(r.seconds):>6}s  {r.problem}", flush=True)

    def on_term(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # so run_benchmark kills the live child process groups

    signal.signal(signal.SIGTERM, on_term)
    start = time.perf_counter()
    results = run_benchmark(tasks, arms, timeout=a.timeout, jobs=a.jobs, out_dir=out_dir, progress=progress)
    table = render_table(results, time.perf_counter() - start)
    (out_dir / "table.md").write_text(table, encoding="utf-8")
    print()
    print(table, end="")
    print(f"results: {out_dir / 'results.jsonl'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

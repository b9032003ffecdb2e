"""Fuzz every task-format front-end with damaged copies of real task files.

Each format gets seed files (the small ones in `examples/` and `tests/data/`, plus a few
real ones from `../shared/benchmarks` when present); `hypothesis` damages them (delete,
insert, move or swap tokens and brackets, truncate, insert bytes or deep nesting, and for
JSON drop, rename or retype keys) and the format's `load` must either succeed or raise one
of the project's own input errors (InputSyntaxError, InvalidTaskError, UnsupportedError).
Anything else is a crash; the table counts them per format, with the first message of each.

    python benchmarks/fuzz_formats.py                      # 1500 mutations per format
    python benchmarks/fuzz_formats.py --examples 300 --cli 40 --format sygus

`tests/test_fuzz_formats.py` runs the same strategies with a few examples per format.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import re
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "benchmarks"
DATA = REPO / "tests" / "data"
FUZZ = DATA / "fuzz"


# --------------------------------------------------------------------------- seeds

@dataclass(frozen=True)
class Seed:
    """One real file to damage: the format that reads it, its text and how to lay it out.

    `layout` is "file" (written as `name`), "folder" (written as `name` inside a folder with
    `extra` good files beside it; the folder is loaded) or "split" (a 1D-ARC split file
    `name` in `split/` with the task files of `extra` under `dataset/<concept>/`).
    """

    format: str
    name: str
    text: str
    json: bool
    layout: str = "file"
    extra: tuple[tuple[str, str], ...] = ()


def _first_lines(path: Path, n: int) -> str:
    with path.open(encoding="utf-8") as fh:
        return "".join(next(fh) for _ in range(n))


def seeds(shared: Path | None = None) -> dict[str, list[Seed]]:
    """Seed files per format name (as registered in `hypsearch.core.formats`)."""
    out: dict[str, list[Seed]] = {}

    def add(seed: Seed) -> None:
        out.setdefault(seed.format, []).append(seed)

    sygus = [REPO / "examples" / "initials.sl", *sorted((DATA / "sygus").rglob("*.sl"))]
    arc = [p for p in sorted((DATA / "arc").glob("*.json")) if p.stem != "ragged"]
    if shared is not None and shared.is_dir():
        root = shared / "sygus"
        for rel in ("pbe_slia_v2/from_2018/phone-5_short.sl", "pbe_slia/from_2018/dr-name_small.sl",
                    "clia/from_2018/small.sl", "clia/from_2018/jmbl_fg_polynomial.sl", "inv/from_2018/ex1.sl",
                    "inv/from_2018/jmbl_dec-new.sl", "pbe_bv/from_2018/PRE_96_10.sl",
                    "pbe_slia_v2/euphony/get-first-word.sl"):
            if (root / rel).is_file():
                sygus.append(root / rel)
    for path in sygus:
        add(Seed("sygus", path.name, path.read_text(encoding="utf-8"), False))
    for path in arc:
        add(Seed("arc", path.name, path.read_text(encoding="utf-8"), True))
    good = (DATA / "arc" / "flip_lr.json").read_text(encoding="utf-8")
    add(Seed("arc", "recolour.json", (DATA / "arc" / "recolour.json").read_text(encoding="utf-8"), True,
             layout="folder", extra=(("flip_lr.json", good),)))
    add(Seed("list-functions", "list_function.jsonl", (FUZZ / "list_function.jsonl").read_text("utf-8"), True))
    add(Seed("list-functions", "c900_1.json", (FUZZ / "c900_1.json").read_text("utf-8"), True))
    one_d = FUZZ / "1d-arc" / "dataset" / "1d_flip" / "1d_flip_0.json"
    add(Seed("1d-arc", "1d_flip_0.json", one_d.read_text("utf-8"), True))
    add(Seed("1d-arc-split", "split.json", (FUZZ / "1d-arc" / "split" / "split.json").read_text("utf-8"), True,
             layout="split", extra=(("1d_flip/1d_flip_0.json", one_d.read_text("utf-8")),)))
    add(Seed("miniscan", "scan.jsonl", (FUZZ / "scan.jsonl").read_text("utf-8"), True))
    add(Seed("acre", "acre.jsonl", (FUZZ / "acre.jsonl").read_text("utf-8"), True))
    add(Seed("miniarc", "miniarc.jsonl", (FUZZ / "miniarc.jsonl").read_text("utf-8"), True))
    if shared is not None and shared.is_dir():
        real = [
            ("list-functions", "list-functions/qiu2024/list_function.jsonl", 2),
            ("list-functions", "list-functions/rule2020/json/c001_1.json", None),
            ("1d-arc", "1d-arc/dataset/1d_move_1p/1d_move_1p_0.json", None),
            ("miniscan", "miniscan/scan.jsonl", 1),
            ("acre", "acre/acre.jsonl", 1),
            ("miniarc", "miniarc/qiu2024/miniarc.jsonl", 1),
        ]
        for fmt, rel, lines in real:
            path = shared / rel
            if path.is_file():
                text = _first_lines(path, lines) if lines else path.read_text(encoding="utf-8")
                add(Seed(fmt, path.name, text, True))
    return out


# --------------------------------------------------------------------------- damage

TOKEN = re.compile(r'"(?:[^"\\]|\\.|"")*"|\|[^|]*\||[()\[\]{},:]|[^\s()\[\]{},:"|]+|\s+|.', re.S)
BRACKETS = "()[]{}"
PALETTE = (
    "(", ")", "[", "]", "{", "}", ",", ":", '"', "|", ";", "null", "true", "-1", "0", "1.5", "1e400",
    "9" * 5000, '"x"', "-", "_", "let", "Int", "String", "Bool", "(_ BitVec 0)", "(_ BitVec 99999999)",
    "#x", "#b2", "#xffff", "(Constant Int)", "(Variable Int)", "Start", "synth-fun", "constraint",
    "check-synth", "declare-var", "define-fun", "ite", "and", "not", "=", "+", "str.++", "str.len",
    '"train"', '"test"', '"input"', '"output"', '"data"', '"i"', '"o"', '"idx"', '"filename"',
    "[[", "]]", "[[1]]", "[[-1]]", "[[10]]", "\ufffd", "\u00e9", "\x00",
)


def _split(text: str) -> list[str]:
    return TOKEN.findall(text)


def _solid(tokens: list[str]) -> list[int]:
    return [i for i, t in enumerate(tokens) if not t.isspace()]


def _op_delete(draw: Any, text: str) -> str:
    tokens = _split(text)
    solid = _solid(tokens)
    if not solid:
        return text
    i = draw(st.sampled_from(solid))
    return "".join(tokens[:i] + tokens[i + 1:])


def _op_insert(draw: Any, text: str) -> str:
    tokens = _split(text)
    at = draw(st.integers(0, len(tokens)))
    own = [t for t in tokens if not t.isspace()]
    word = draw(st.sampled_from(PALETTE) | st.sampled_from(own or [" "]))
    sep = draw(st.sampled_from(("", " ")))
    return "".join(tokens[:at]) + sep + word + sep + "".join(tokens[at:])


def _op_move(draw: Any, text: str) -> str:
    tokens = _split(text)
    solid = _solid(tokens)
    if not solid:
        return text
    i = draw(st.sampled_from(solid))
    token = tokens.pop(i)
    at = draw(st.integers(0, len(tokens)))
    tokens.insert(at, " " + token + " ")
    return "".join(tokens)


def _op_swap(draw: Any, text: str) -> str:
    tokens = _split(text)
    solid = _solid(tokens)
    if len(solid) < 2:
        return text
    i, j = draw(st.sampled_from(solid)), draw(st.sampled_from(solid))
    tokens[i], tokens[j] = tokens[j], tokens[i]
    return "".join(tokens)


def _op_replace(draw: Any, text: str) -> str:
    tokens = _split(text)
    solid = _solid(tokens)
    if not solid:
        return text
    i = draw(st.sampled_from(solid))
    tokens[i] = draw(st.sampled_from(PALETTE) | st.sampled_from([tokens[k] for k in solid]))
    return "".join(tokens)


def _op_bracket(draw: Any, text: str) -> str:
    """Delete one bracket, or insert one where another stands."""
    tokens = _split(text)
    spots = [i for i, t in enumerate(tokens) if t in BRACKETS]
    if not spots:
        return text
    i = draw(st.sampled_from(spots))
    if draw(st.booleans()):
        return "".join(tokens[:i] + tokens[i + 1:])
    at = draw(st.sampled_from(spots))
    return "".join(tokens[:at] + [draw(st.sampled_from(BRACKETS))] + tokens[at:])


def _op_truncate(draw: Any, text: str) -> str:
    return text[:draw(st.integers(0, max(0, len(text) - 1)))]


def _op_nest(draw: Any, text: str) -> str:
    """Wrap a spot in very deep brackets (recursion) or insert a huge literal (memory)."""
    at = draw(st.integers(0, len(text)))
    depth = draw(st.sampled_from((50, 1000, 100_000)))
    opener, closer = draw(st.sampled_from((("(", ")"), ("[", "]"), ("{\"a\":", "}"), ("(f ", ")"))))
    middle = opener * depth + "1" + closer * draw(st.sampled_from((0, depth)))
    return text[:at] + middle + text[at:]


def _op_bytes(draw: Any, text: str) -> str:
    """Insert a character that is unusual in task files (control, non-BMP, lone surrogate)."""
    at = draw(st.integers(0, len(text)))
    char = draw(st.sampled_from(("\x00", "\x7f", "\ufeff", "\U0001f600", "\udcff", "\t", "\r", "\\", "\\u{110000}")))
    return text[:at] + char + text[at:]


_OPEN, _CLOSE = {"(": ")", "[": "]", "{": "}"}, {")", "]", "}"}


def _spans(tokens: list[str]) -> list[tuple[int, int]]:
    """Token ranges [start, end) of every balanced bracket group and every atom (not brackets, commas)."""
    spans: list[tuple[int, int]] = []
    stack: list[int] = []
    for i, t in enumerate(tokens):
        if t in _OPEN:
            stack.append(i)
        elif t in _CLOSE:
            if stack and _OPEN[tokens[stack[-1]]] == t:
                spans.append((stack.pop(), i + 1))
        elif not t.isspace() and t not in ",:":
            spans.append((i, i + 1))
    return spans


def _op_subterm(draw: Any, text: str) -> str:
    """Keep brackets balanced: delete, duplicate, replace or swap whole sub-expressions (arity, sorts)."""
    tokens = _split(text)
    spans = _spans(tokens)
    if len(spans) < 2:
        return text
    a, b = draw(st.sampled_from(spans)), draw(st.sampled_from(spans))
    what = draw(st.sampled_from(("delete", "duplicate", "replace", "replace", "swap")))
    piece_a, piece_b = "".join(tokens[a[0]:a[1]]), "".join(tokens[b[0]:b[1]])
    if what == "delete":
        return "".join(tokens[:a[0]] + tokens[a[1]:])
    if what == "duplicate":
        return "".join(tokens[:a[1]]) + " " + piece_a + "".join(tokens[a[1]:])
    if what == "replace" or a[0] < b[1] and b[0] < a[1]:  # overlapping spans: replace only
        return "".join(tokens[:a[0]]) + piece_b + "".join(tokens[a[1]:])
    first, second = sorted((a, b))
    p1, p2 = "".join(tokens[first[0]:first[1]]), "".join(tokens[second[0]:second[1]])
    return ("".join(tokens[:first[0]]) + p2 + "".join(tokens[first[1]:second[0]]) + p1
            + "".join(tokens[second[1]:]))


TEXT_OPS: tuple[Callable[[Any, str], str], ...] = (
    _op_delete, _op_insert, _op_move, _op_swap, _op_replace, _op_bracket, _op_bracket, _op_truncate, _op_nest,
    _op_bytes, _op_subterm, _op_subterm, _op_subterm, _op_subterm,
)

# ---- JSON-aware damage (works on every JSON document of a file: the whole file or each line)

ODD_VALUES: tuple[Any, ...] = (
    None, True, 0, -1, 7, 10, 10 ** 30, 1.5, float("nan"), "", "x", "[1, 2", "[1, 2]", "[[1]]", [], {}, [[]], [[1, 2], [3]],
    [[0] * 40] * 40, [[11]], [[-3]], [["1"]], [1, "2"], {"input": [[1]]}, list(range(3000)), "9" * 5000,
)


def _paths(value: Any, prefix: tuple[Any, ...] = (), out: list[tuple[Any, ...]] | None = None,
           depth: int = 0) -> list[tuple[Any, ...]]:
    out = [] if out is None else out
    out.append(prefix)
    if depth > 8 or len(out) > 400:
        return out
    if isinstance(value, dict):
        for key in value:
            _paths(value[key], prefix + (key,), out, depth + 1)
    elif isinstance(value, list):
        for k, item in enumerate(value[:12]):
            _paths(item, prefix + (k,), out, depth + 1)
    return out


def _get(value: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        value = value[key]
    return value


def _damage_json(draw: Any, doc: Any) -> Any:
    paths = _paths(doc)
    path = draw(st.sampled_from(paths))
    action = draw(st.sampled_from(("drop", "retype", "retype", "rename", "empty", "duplicate", "wrap")))
    if not path:
        return draw(st.sampled_from(ODD_VALUES)) if action == "retype" else [doc] if action == "wrap" else doc
    parent, key = _get(doc, path[:-1]), path[-1]
    if action == "drop":
        del parent[key]
    elif action == "retype":
        parent[key] = draw(st.sampled_from(ODD_VALUES))
    elif action == "rename" and isinstance(parent, dict):
        parent[draw(st.sampled_from(("Input", "outputs", "", "train ", "id", "idx")))] = parent.pop(key)
    elif action == "empty":
        parent[key] = type(parent[key])() if isinstance(parent[key], (list, dict, str)) else None
    elif action == "duplicate" and isinstance(parent, list):
        parent.insert(key, json.loads(json.dumps(parent[key])))
    elif action == "wrap":
        parent[key] = [parent[key]]
    return doc


def _op_json(draw: Any, text: str) -> str:
    """Drop, rename, empty, wrap, duplicate or retype one key or element of a JSON document."""
    try:
        docs = [(True, json.loads(text))]
        lines = None
    except (ValueError, RecursionError):
        lines = text.split("\n")
        docs = []
        for line in lines:
            try:
                docs.append((True, json.loads(line)))
            except (ValueError, RecursionError):
                docs.append((False, line))
    parsed = [k for k, (ok, _) in enumerate(docs) if ok]
    if not parsed:
        return text
    k = draw(st.sampled_from(parsed))
    docs[k] = (True, _damage_json(draw, docs[k][1]))
    try:
        parts = [json.dumps(doc) if ok else doc for ok, doc in docs]
    except (ValueError, RecursionError):
        return text
    return parts[0] if lines is None else "\n".join(parts)


JSON_OPS = (_op_json, _op_json, _op_json)


@st.composite
def damaged(draw: Any, text: str, is_json: bool) -> str:
    """`text` with one to three damages applied (token, bracket, truncation; JSON keys when `is_json`)."""
    # JSON: also keys and values; s-expressions: mostly whole sub-terms (arity, sorts), so more files parse
    ops = TEXT_OPS + (JSON_OPS if is_json else (_op_subterm,) * 8)
    for _ in range(draw(st.integers(1, 3))):
        text = draw(st.sampled_from(ops))(draw, text)
    return text


# --------------------------------------------------------------------------- loading

INPUT_ERRORS: tuple[type[BaseException], ...] = ()


def input_errors() -> tuple[type[BaseException], ...]:
    """The project's own errors a user may see for a bad file."""
    from hypsearch.core.errors import InputSyntaxError, InvalidTaskError, UnsupportedError

    return (InputSyntaxError, InvalidTaskError, UnsupportedError)


def write_mutant(seed: Seed, text: str, root: Path) -> Path:
    """Lay out the damaged text as its format expects; the path to load."""
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    data = text.encode("utf-8", errors="surrogateescape" if "\udcff" not in text else "surrogatepass")
    if seed.layout == "file":
        path = root / seed.name
        path.write_bytes(data)
        return path
    if seed.layout == "folder":
        folder = root / "tasks"
        folder.mkdir()
        (folder / seed.name).write_bytes(data)
        for name, good in seed.extra:
            (folder / name).write_text(good, encoding="utf-8")
        return folder
    if seed.layout == "split":
        (root / "split").mkdir()
        path = root / "split" / seed.name
        path.write_bytes(data)
        for name, good in seed.extra:
            target = root / "dataset" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(good, encoding="utf-8")
        return path
    raise ValueError(seed.layout)


def load_with(format_name: str, path: Path) -> Any:
    """Load `path` with the named registered format."""
    from hypsearch.core.formats import available_formats

    return list(available_formats()[format_name].load(path))


@dataclass
class Tally:
    """Outcomes of one format's fuzzing."""

    files: int = 0
    mutations: int = 0
    loaded: int = 0
    rejected: int = 0
    crashes: int = 0
    cli_runs: int = 0
    cli_crashes: int = 0
    slowest: float = 0.0
    kinds: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)


def crash_kind(exc: BaseException) -> str:
    """Exception type and innermost frame: one crash site, however many inputs reach it."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
    return f"{type(exc).__name__} at {where}"


def try_load(seed: Seed, text: str, root: Path) -> tuple[str, BaseException | None, float]:
    """("loaded" | "rejected" | "crash", the exception, seconds) for one damaged text."""
    path = write_mutant(seed, text, root)
    start = time.perf_counter()
    try:
        load_with(seed.format, path)
    except input_errors() as exc:
        return "rejected", exc, time.perf_counter() - start
    except Exception as exc:  # noqa: BLE001 - that is what we count
        return "crash", exc, time.perf_counter() - start
    return "loaded", None, time.perf_counter() - start


def try_cli(path: Path, timeout: float = 0.3) -> tuple[int | None, BaseException | None, str]:
    """`hypsearch solve PATH --timeout T` in-process: (exit status, escaped exception, stderr)."""
    from hypsearch.cli import main

    err = io.StringIO()
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            code = main(["solve", str(path), "--timeout", str(timeout)])
    except Exception as exc:  # noqa: BLE001
        return None, exc, err.getvalue()
    return code, None, err.getvalue()


def fuzz_format(name: str, format_seeds: list[Seed], examples: int, cli: int, root: Path) -> Tally:
    """Run `examples` damaged loads (and `cli` of them through `hypsearch solve`) per seed."""
    tally = Tally(files=len(format_seeds))
    for s_index, seed in enumerate(format_seeds):
        budget = {"cli": cli, "cli_rejected": -(-cli // 4)}  # mostly files that load: they reach the solver

        @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(damaged(seed.text, seed.json))
        def run(text: str) -> None:
            tally.mutations += 1
            outcome, exc, seconds = try_load(seed, text, root / f"{name}-{s_index}")
            tally.slowest = max(tally.slowest, seconds)
            if outcome == "loaded":
                tally.loaded += 1
            elif outcome == "rejected":
                tally.rejected += 1
            else:
                assert exc is not None
                tally.crashes += 1
                kind = crash_kind(exc)
                tally.kinds[kind] += 1
                tally.examples.setdefault(kind, f"{type(exc).__name__}: {str(exc)[:160]}")
            spend = "cli" if outcome == "loaded" else "cli_rejected"
            if budget[spend] > 0 and outcome != "crash":
                budget[spend] -= 1
                tally.cli_runs += 1
                path = write_mutant(seed, text, root / f"{name}-{s_index}-cli")
                code, escaped, stderr = try_cli(path)
                if escaped is not None or "Traceback" in stderr or (outcome == "rejected" and code not in (2, 3)):
                    tally.cli_crashes += 1
                    kind = "cli " + (crash_kind(escaped) if escaped else
                                     "traceback" if "Traceback" in stderr else f"exit {code} on a bad file")
                    tally.kinds[kind] += 1
                    tally.examples.setdefault(kind, f"{escaped!r:.160}" if escaped else stderr[-160:])

        run()
    return tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=1500, help="damaged files per format (spread over its seeds)")
    parser.add_argument("--cli", type=int, default=30, help="of them, run through `hypsearch solve` per format")
    parser.add_argument("--format", action="append", default=None, help="only these formats (repeatable)")
    parser.add_argument("--no-shared", action="store_true", help="only the repo's own seed files")
    args = parser.parse_args(argv)
    table = seeds(None if args.no_shared else SHARED)
    names = args.format or sorted(table)
    root = Path(tempfile.mkdtemp(prefix="hyps-fuzz-"))
    totals = Tally()
    rows = []
    start = time.perf_counter()
    try:
        for name in names:
            fs = table[name]
            per_seed = max(1, args.examples // len(fs))
            per_seed_cli = max(0, -(-args.cli // len(fs)))
            tally = fuzz_format(name, fs, per_seed, per_seed_cli, root)
            rows.append((name, tally))
            for attr in ("files", "mutations", "loaded", "rejected", "crashes", "cli_runs", "cli_crashes"):
                setattr(totals, attr, getattr(totals, attr) + getattr(tally, attr))
            totals.slowest = max(totals.slowest, tally.slowest)
            totals.kinds.update(tally.kinds)
            for k, v in tally.examples.items():
                totals.examples.setdefault(k, v)
            print(f"# {name}: {tally.mutations} mutations, {tally.crashes} crashes", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"| format | files | mutations | loaded | clean error | crashes | CLI runs | CLI crashes | slowest load |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, t in rows + [("**all**", totals)]:
        print(f"| {name} | {t.files} | {t.mutations} | {t.loaded} | {t.rejected} | {t.crashes} | {t.cli_runs} | "
              f"{t.cli_crashes} | {t.slowest:.2f} s |")
    print(f"\n{time.perf_counter() - start:.0f} s in all")
    for kind, n in totals.kinds.most_common():
        print(f"- {n} x {kind}: {totals.examples[kind]}")
    return 1 if totals.crashes or totals.cli_crashes else 0


if __name__ == "__main__":
    sys.exit(main())

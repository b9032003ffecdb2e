"""The `hypsearch` command: solve a task file, list domains, and (via sub-modules) batch and report.

Answers go to stdout, progress and statistics to stderr; bad input gets a located
message, never a Python traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from hypsearch.core.errors import HypsearchError, InputSyntaxError, InvalidTaskError, UnsupportedError
from hypsearch.core.settings import LLM_TIME_LIMIT, PROFILES, Settings, default_cache_path

DEFAULT_AMBIGUITY_SECONDS = 2.0
"""`hypsearch solve` looks this long for competing behaviours after a solve (the Python API: 0, not at all)."""
EXIT_UNSUPPORTED = 3
EXIT_BAD_INPUT = 2

Command = Callable[[argparse.Namespace], int]
_extra_commands: list[Callable[[argparse._SubParsersAction], None]] = []


def extra_command(register: Callable[[argparse._SubParsersAction], None]) -> Callable[[argparse._SubParsersAction], None]:
    """Decorator for modules that add a sub-command (batch, report, show, domain …)."""
    _extra_commands.append(register)
    return register


def process_age() -> float:
    """Seconds since this process started (interpreter start-up and imports included); 0 if unknown."""
    try:
        start_ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0.0
    return max(0.0, uptime - start_ticks / os.sysconf("SC_CLK_TCK"))


LLM_OPTIONS = ("rounds", "hypotheses", "repairs", "llm_max_calls", "llm_max_tokens", "llm_max_seconds",
               "llm_max_cost", "llm_grammar", "local_model", "local_engine_url", "llm_threads", "llm_slots",
               "cache_path", "cache_mode", "transcript_dir")
"""Settings fields that `add_llm_arguments` adds a flag for (None when the flag is not given)."""


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value


def add_llm_arguments(parser: argparse.ArgumentParser) -> None:
    """The LLM-loop flags shared by `solve` and `batch` (each sets the Settings field of the same name)."""
    g = parser.add_argument_group("language model (--proposer llm / hybrid)")
    g.add_argument("--llm-config", default=None, metavar="FILE", help="TOML file with an [llm] section")
    g.add_argument("--local-model", dest="local_model", default=None, metavar="FILE.gguf",
                   help="serve this GGUF model with a local llama.cpp engine for the run (needs hypsearch[local])")
    g.add_argument("--local-engine", dest="local_engine_url", default=None, metavar="URL",
                   help="use the engine `hypsearch llm serve` runs at URL for --local-model instead of starting one")
    g.add_argument("--llm-threads", dest="llm_threads", type=_positive_int, default=None, metavar="N",
                   help="threads of the local engine (default 1: fastest on 2 cores)")
    g.add_argument("--llm-slots", dest="llm_slots", type=_positive_int, default=None, metavar="N",
                   help="requests the local engine decodes at once (default 1)")
    g.add_argument("--rounds", type=_positive_int, default=None, metavar="T", help="refinement rounds (default 3)")
    g.add_argument("--hypotheses", type=_positive_int, default=None, metavar="N",
                   help="hypotheses asked for per round (default 5)")
    g.add_argument("--repairs", type=int, default=None, metavar="K",
                   help="repair attempts per failed translation (default 2)")
    g.add_argument("--llm-max-calls", dest="llm_max_calls", type=_positive_int, default=None, metavar="N",
                   help="LLM calls per task")
    g.add_argument("--llm-max-tokens", dest="llm_max_tokens", type=_positive_int, default=None, metavar="N",
                   help="LLM tokens (prompt + reply) per task")
    g.add_argument("--llm-max-seconds", dest="llm_max_seconds", type=_positive_float, default=None, metavar="S",
                   help="seconds in LLM calls per task (default: the task's time limit)")
    g.add_argument("--llm-max-cost", dest="llm_max_cost", type=_positive_float, default=None, metavar="USD",
                   help="estimated cost per task in USD (uses the config's prices)")
    g.add_argument("--grammar", dest="llm_grammar", choices=("auto", "on", "off"), default=None,
                   help="grammar-constrained translation: auto (default; where the endpoint supports it), on, off")
    g.add_argument("--cache", dest="cache_path", default=None, metavar="FILE",
                   help=f"SQLite file caching LLM completions (default {_home_relative(default_cache_path())})")
    g.add_argument("--cache-mode", choices=("use", "refresh", "off", "replay"), default=None,
                   help="use (default), refresh, off, or replay (cache only; a miss is an error)")
    g.add_argument("--transcripts", dest="transcript_dir", default=None, metavar="DIR",
                   help="directory for per-task LLM transcripts (see `hypsearch show`)")


def _home_relative(path: Path) -> str:
    """`path` with the home directory written as ~ (for help texts)."""
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except ValueError:
        return str(path)


def llm_overrides(args: argparse.Namespace, proposer: str | None) -> dict[str, Any]:
    """Settings overrides from the flags of `add_llm_arguments` that were given, plus, for an llm/hybrid
    `proposer`, the default completion cache (default_cache_path)."""
    overrides: dict[str, Any] = {name: getattr(args, name) for name in ("llm_config", *LLM_OPTIONS)
                                 if getattr(args, name, None) is not None}
    if proposer in ("llm", "hybrid") and "cache_path" not in overrides and overrides.get("cache_mode") != "off":
        overrides["cache_path"] = str(default_cache_path())
    return overrides


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {"proposer": args.proposer, **llm_overrides(args, args.proposer)}
    overrides["ambiguity_seconds"] = getattr(args, "ambiguity", 0.0)  # `show` and others have no such flags
    if getattr(args, "max_queries", None) is not None:
        overrides["max_queries"] = args.max_queries
    if args.timeout is not None:
        overrides["time_limit"] = args.timeout
    elif args.proposer in ("llm", "hybrid"):
        overrides["time_limit"] = LLM_TIME_LIMIT
    return Settings.profile(args.profile, **overrides)


@contextlib.contextmanager
def local_engine_for(settings: Settings, *, log: Callable[[str], None]) -> Iterator[Settings]:
    """Start the local engine `settings.local_model` asks for (LLM modes, no engine URL given) for the block,
    yielding the settings pointed at it; stops it on leaving, whatever happens.  Other settings pass through."""
    if not settings.local_model or settings.local_engine_url:
        yield settings
        return
    if settings.proposer == "symbolic":
        log("--local-model ignored: the symbolic proposer uses no model")
        yield settings
        return
    from hypsearch.llm.local_engine import LocalEngine, niceness_for

    with LocalEngine(settings.local_model, threads=settings.llm_threads, slots=settings.llm_slots,
                     niceness=niceness_for(settings.proposer)) as engine:
        log(f"local engine: {engine.describe()}, ready in {engine.startup_seconds:.1f} s")
        yield settings.with_(local_engine_url=engine.base_url)
    log("local engine stopped")


def _say(message: str) -> None:
    print(f"hypsearch: {message}", file=sys.stderr, flush=True)


def note_cache(args: argparse.Namespace, settings: Settings) -> None:
    """Say once where completions are cached when the default cache is in use."""
    if getattr(args, "cache_path", None) is None and settings.cache_path and settings.cache_mode != "off" \
            and settings.proposer in ("llm", "hybrid"):
        _say(f"caching LLM completions in {settings.cache_path} (--cache FILE elsewhere, --cache-mode off: none)")


def cmd_solve(args: argparse.Namespace) -> int:
    """Solve every task in FILE and print each answer in the file format's own form."""
    from hypsearch.core.formats import detect_format

    path = Path(args.file)
    if not path.exists() and ":" not in args.file:  # `arc:evaluation` names a dataset, not a file
        print(f"hypsearch: {path}: no such file", file=sys.stderr)
        return EXIT_BAD_INPUT
    fmt = detect_format(path)
    settings = _settings(args)
    try:
        tasks = fmt.load(path)
    except UnsupportedError as exc:
        if args.json:
            print(json.dumps({"task": path.stem, "status": "unsupported", "stop_reason": str(exc), "answer": None,
                              "seconds": 0.0, "size": None}))
        else:
            print("unsupported")
        print(f"hypsearch: {exc}", file=sys.stderr)
        return EXIT_UNSUPPORTED
    with local_engine_for(settings, log=_say) as settings:
        note_cache(args, settings)
        code, finished = _solve_all(args, fmt, tasks, settings)
    if args.out:
        if fmt.write_outputs is None:
            print(f"hypsearch: format {fmt.name} has no submission file; --out ignored", file=sys.stderr)
        else:
            print(f"hypsearch: {fmt.write_outputs(Path(args.out), finished)}", file=sys.stderr)
    return code


def _solve_all(args: argparse.Namespace, fmt: Any, tasks: Any, settings: Settings) -> tuple[int, list[Any]]:
    """Solve and print each task; the exit code and the (task, result) pairs."""
    from hypsearch.engine import solve

    code = 0
    finished = []
    for k, labelled in enumerate(tasks):
        task = labelled.task  # the solver sees the Task only; the answer key stays here to score it
        task_settings = settings
        if k == 0 and args.timeout is not None:
            # for the first task --timeout is the wall clock of the whole command: start-up,
            # imports and reading the file count against it
            task_settings = settings.with_(time_limit=max(0.1, args.timeout - process_age()))
        oracle = _oracle_for(args, task)
        result = solve(task, task_settings, oracle=oracle) if oracle is not None else solve(task, task_settings)
        answer = fmt.render(task, result)
        correct = labelled.correct(result.predictions)
        if args.json:
            record = result.to_json()
            record["answer"] = answer if result.status.value in ("solved", "infeasible") else None
            if correct is not None:
                record["test_correct"] = correct
            print(json.dumps(record))
        else:
            print(answer)
        scored = "" if correct is None else f"; test answers {'right' if correct else 'wrong'}"
        print(f"hypsearch: {task.id}: {result.status.value} ({result.stop_reason}) in {result.seconds:.2f} s; "
              f"{result.stats.get('distinct', 0)} distinct programs{scored}", file=sys.stderr)
        for line in _active_lines(result):
            print(f"hypsearch: {task.id}: {line}", file=sys.stderr)
        code = max(code, fmt.exit_code(result))
        finished.append((labelled, result))
    return code, finished


def _oracle_for(args: argparse.Namespace, task: Any) -> Any:
    """The oracle `--oracle CMD` or `--ask` asks for (None: neither given)."""
    if not getattr(args, "oracle", None) and not getattr(args, "ask", False):
        return None
    from hypsearch.cli.oracles import Codec, CommandOracle, TerminalOracle
    from hypsearch.core.registry import get_domain

    codec = Codec(get_domain(task.domain), task)
    if args.oracle:
        return CommandOracle(args.oracle, codec)
    return TerminalOracle(codec, sys.stdin, sys.stderr)


def _active_lines(result: Any) -> list[str]:
    """What a person should know beyond the answer: competing behaviours and the queries asked."""
    lines = [f"asked {json.dumps(q.inputs, default=repr)}: "
             + (f"answer {json.dumps(q.output, default=repr)}" if q.answered else f"no answer ({q.reason})")
             for q in result.queries]
    amb = result.ambiguity
    if amb is not None:
        lines.append(amb.summary())
        for d in amb.distinctions[1:]:
            lines.append(f"also on input {d.inputs!r} ({d.source}): "
                         + "; ".join(f"{text} gives {out!r}" for text, out in d.contrast()))
    return lines


def _non_negative_float(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be at least 0, got {text}")
    return value


def _non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be at least 0, got {value}")
    return value


def cmd_domains(args: argparse.Namespace) -> int:
    """List installed domains with their primitive counts."""
    from hypsearch.core.registry import available_domains

    for name, domain in sorted(available_domains().items()):
        print(f"{name:12} {len(domain.primitives):3} primitives  {domain.description}")
    return 0


def engine_config_toml(endpoint: Any) -> str:
    """An [llm] table pointing at a running engine (for --llm-config)."""
    text = (f'[llm]\nbase_url = "{endpoint.base_url}"\nbackend = "{endpoint.backend}"\nmodel = "{endpoint.model}"\n'
            f"max_concurrency = {endpoint.max_concurrency}\ntimeout_s = {endpoint.timeout_s:g}\n")
    if endpoint.cache_namespace:
        text += f'cache_namespace = "{endpoint.cache_namespace}"\n'
    return text


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def cmd_llm_serve(args: argparse.Namespace) -> int:
    """Serve a GGUF model in the foreground until Ctrl-C; print the URL and how to use it (stdout)."""
    from hypsearch.llm import local_engine as le

    engine = le.LocalEngine(args.model, port=args.port, threads=args.threads or le.DEFAULT_THREADS,
                            slots=args.slots or le.DEFAULT_SLOTS, context=args.context or le.DEFAULT_CONTEXT)
    with engine:
        ep = engine.endpoint
        slots = f" --llm-slots {engine.slots}" if engine.slots != le.DEFAULT_SLOTS else ""
        print(f"{ep.base_url}\n"
              f"# hypsearch, sharing this engine (concurrency = slots, model name, timeout set for you):\n"
              f"hypsearch batch PATH... --out RUN_DIR --proposer llm --local-model {engine.model_path} "
              f"--local-engine {ep.base_url}{slots}\n"
              f"# any OpenAI-compatible client:\n"
              f"OPENAI_BASE_URL={ep.base_url} HYPSEARCH_LLM_BACKEND={ep.backend} HYPSEARCH_LLM_MODEL={ep.model}",
              flush=True)
        if args.write_config:
            Path(args.write_config).write_text(engine_config_toml(ep), encoding="utf-8")
            print(f"# or: --llm-config {args.write_config}", flush=True)
        _say(f"serving {engine.describe()}; ready in {engine.startup_seconds:.1f} s; Ctrl-C stops it")
        previous = signal.signal(signal.SIGTERM, _interrupt)  # `kill PID` stops it in order too
        try:
            status = engine.wait()
        except KeyboardInterrupt:
            _say("stopping the local engine")
            return 0
        finally:
            signal.signal(signal.SIGTERM, previous)
        said = " | ".join(le.log_errors(engine.log_text())) or "nothing"
    _say(f"the local engine exited unexpectedly (status {status}); llama.cpp said: {said}")
    return 1


BUILT_IN_COMMANDS = ("solve", "domains", "llm")


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; with `argv` naming a built-in command, the other commands' modules are not imported
    (`hypsearch solve` starts without loading batch, show or domain check)."""
    parser = argparse.ArgumentParser(prog="hypsearch", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    solve_p = sub.add_parser("solve", help="solve a task file (SyGuS .sl, ARC .json, …)")
    solve_p.add_argument("file")
    solve_p.add_argument("--timeout", type=float, default=None,
                         help=f"seconds per task (default: the profile's; {LLM_TIME_LIMIT:g} with --proposer llm/hybrid)")
    solve_p.add_argument("--profile", choices=sorted(PROFILES), default="default")
    solve_p.add_argument("--proposer", choices=("symbolic", "llm", "hybrid"), default="symbolic")
    solve_p.add_argument("--json", action="store_true", help="print one JSON object per task")
    solve_p.add_argument("--out", default=None, help="write all answers to this file in the format's own "
                         "submission shape (ARC: submission.json)")
    act = solve_p.add_argument_group("ambiguity and queries (active induction)")
    act.add_argument("--ambiguity", type=_non_negative_float, default=DEFAULT_AMBIGUITY_SECONDS, metavar="S",
                     help=f"seconds after a solve spent looking for fitting programs that behave differently "
                          f"(default {DEFAULT_AMBIGUITY_SECONDS:g}; 0: do not look)")
    who = act.add_mutually_exclusive_group()
    who.add_argument("--oracle", default=None, metavar="CMD",
                     help="ask CMD about inputs that split the competing programs: it gets the inputs as a JSON array "
                          "on stdin and prints the output as JSON (null or a non-zero exit: cannot answer)")
    who.add_argument("--ask", action="store_true", help="ask the person at the terminal instead (answers as JSON)")
    act.add_argument("--max-queries", dest="max_queries", type=_non_negative_int, default=None, metavar="K",
                     help="queries per task at most (default 5)")
    add_llm_arguments(solve_p)
    solve_p.set_defaults(run=cmd_solve)
    dom_p = sub.add_parser("domains", help="list installed domains")
    dom_p.set_defaults(run=cmd_domains)
    llm_p = sub.add_parser("llm", help="local language model engine (llama.cpp)")
    llm_sub = llm_p.add_subparsers(dest="llm_command", required=True)
    serve_p = llm_sub.add_parser("serve", help="serve a GGUF model on 127.0.0.1 until Ctrl-C, for runs to share",
                                 description="Serve a GGUF model with llama.cpp's server (xllamacpp) on 127.0.0.1 "
                                             "and print how to point hypsearch at it; Ctrl-C stops it.")
    serve_p.add_argument("model", metavar="FILE.gguf")
    serve_p.add_argument("--port", type=_positive_int, default=None, help="TCP port (default: a free one)")
    serve_p.add_argument("--threads", type=_positive_int, default=None, help="threads (default 1: fastest on 2 cores)")
    serve_p.add_argument("--slots", type=_positive_int, default=None, help="requests decoded at once (default 1)")
    serve_p.add_argument("--context", type=_positive_int, default=None, help="context tokens per slot (default 8192)")
    serve_p.add_argument("--write-config", default=None, metavar="FILE",
                         help="also write an llm.toml pointing at the engine (for --llm-config)")
    serve_p.set_defaults(run=cmd_llm_serve)
    command = next((a for a in (argv or ()) if not a.startswith("-")), None) if argv is not None else None
    if command not in BUILT_IN_COMMANDS:
        _import_command_modules()
    for register in _extra_commands:
        register(sub)
    return parser


COMMAND_MODULES = ("hypsearch.batch.cli", "hypsearch.report.cli", "hypsearch.cli.show",
                   "hypsearch.cli.domain_check")
"""Modules that add sub-commands through `extra_command` (imported when the parser is built)."""


def _import_command_modules() -> None:
    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(name)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(argv).parse_args(argv)
    try:
        return args.run(args)
    except InputSyntaxError as exc:
        print(f"hypsearch: syntax error: {exc.render()}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except InvalidTaskError as exc:
        print(f"hypsearch: invalid task: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except UnsupportedError as exc:
        print(f"hypsearch: unsupported: {exc}", file=sys.stderr)
        return EXIT_UNSUPPORTED
    except HypsearchError as exc:
        print(f"hypsearch: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # unreadable files and folders: say which, without a traceback
        print(f"hypsearch: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


def run_and_exit() -> None:
    """Console entry point: exit without tearing down the search's large heap (that can take seconds)."""
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    run_and_exit()

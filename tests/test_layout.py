"""The folder tree is the architecture: imports point down the pipeline and never go round in a circle.

A small AST check over every module of the package (`hypsearch/`, and `solvers/`, which installs as
`hypsearch.solvers`).  Every `import` statement counts, at any depth: module level, inside functions
(lazy imports), under `try`, under `if TYPE_CHECKING:`.  Two rules:

1. **Layers.**  Each module belongs to one room (the first matching prefix in `ROOMS`); a room may
   import only the rooms `ALLOWED` lists for it.  Type-only imports count here too: a type named in a
   signature is still a dependency of the reader.
2. **No cycles** among modules, lazy imports included.  Only `if TYPE_CHECKING:` imports, which never
   run, are left out of this graph.

Importing a submodule runs its parents' `__init__` too; that implicit edge is Python's, not the
module's, and is not counted (keep sub-package `__init__` files free of upward imports instead).
Add a new package to `ROOMS` and `ALLOWED` when you create it: a module in no room fails the test.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ROOTS = {"hypsearch": REPO / "hypsearch", "hypsearch.solvers": REPO / "solvers"}

ROOMS: tuple[tuple[str, str], ...] = (
    ("hypsearch.core", "core"),
    ("hypsearch.check", "check"),
    ("hypsearch.search", "search"),
    ("hypsearch.llm", "llm"),
    ("hypsearch.domains", "domains"),
    ("hypsearch.proposers", "proposers"),
    ("hypsearch.engine", "engine"),
    ("hypsearch.solvers", "solvers"),
    ("hypsearch.batch", "batch"),
    ("hypsearch.cli", "cli"),
    ("hypsearch.report", "report"),
    ("hypsearch", "top"),  # hypsearch/__init__.py (the public API), __main__ and the few top-level modules
)
"""Module-name prefix → room; the first match wins (so `hypsearch` itself comes last)."""

ALLOWED: dict[str, frozenset[str]] = {
    "core": frozenset({"core"}),
    "check": frozenset({"core", "check"}),
    "search": frozenset({"core", "check", "search"}),
    "llm": frozenset({"core", "llm"}),  # prompts and feedback need tasks and candidates, never the checker
    "domains": frozenset({"core", "check", "search", "domains"}),  # check/search only for a domain's own search
    "proposers": frozenset({"core", "check", "search", "llm", "proposers"}),
    "engine": frozenset({"core", "check", "search", "proposers", "engine"}),  # the LLM only through proposers.factory
    "solvers": frozenset({"core", "check", "domains", "proposers", "engine", "solvers"}),
    "batch": frozenset({"core", "check", "search", "llm", "domains", "proposers", "engine", "solvers", "batch",
                        "cli"}),
    "cli": frozenset({"core", "check", "search", "llm", "domains", "proposers", "engine", "solvers", "batch",
                      "cli"}),
    "report": frozenset({"core", "llm", "batch", "cli", "report"}),  # the HTML site: reads what batch runs wrote
    "top": frozenset({"core", "check", "search", "llm", "domains", "proposers", "engine", "solvers", "batch", "cli",
                      "top"}),
}
"""Room → the rooms its modules may import, no wider than the code needs (widen it here, deliberately, when a
new import is right).  Edges (batch, cli) and the public API may import anything."""

MAX_TOP_LEVEL_MODULES = 3
"""`hypsearch/` itself keeps only `__init__`, `__main__` and at most one more module."""


def _modules() -> dict[str, Path]:
    out: dict[str, Path] = {}
    for prefix, folder in ROOTS.items():
        for path in folder.rglob("*.py"):
            parts = list(path.relative_to(folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            name = ".".join([prefix, *parts])
            if prefix == "hypsearch" and len(parts) > 0 and parts[0] == "solvers":
                continue
            out[name] = path
    return out


MODULES = _modules()


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _resolve(name: str) -> str | None:
    """The package module `name` refers to: itself, or the nearest enclosing module we know."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(module: str) -> list[tuple[str, bool]]:
    """(imported module, type-only?) for every import statement of `module`, at any depth."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, type_only: bool) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                visit(child, True)
            for child in node.orelse:
                visit(child, type_only)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("hypsearch"):
                    target = _resolve(alias.name)
                    if target:
                        found.append((target, type_only))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                if node.level > 1:
                    base = base[:-(node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            if source.startswith("hypsearch"):
                for alias in node.names:
                    target = _resolve(f"{source}.{alias.name}")  # `from pkg import submodule`
                    if target:
                        found.append((target, type_only))
        for child in ast.iter_child_nodes(node):
            visit(child, type_only)

    visit(tree, False)
    return [(t, ty) for t, ty in found if t != module]


def room_of(module: str) -> str | None:
    for prefix, room in ROOMS:
        if module == prefix or module.startswith(prefix + "."):
            return room
    return None


def test_every_module_is_in_a_room() -> None:
    homeless = sorted(m for m in MODULES if room_of(m) is None)
    assert not homeless, f"modules in no room of tests/test_layout.py: {homeless}"


def test_top_level_keeps_a_handful_of_modules() -> None:
    top = sorted(p.name for p in (REPO / "hypsearch").glob("*.py"))
    assert len(top) <= MAX_TOP_LEVEL_MODULES, top


def test_imports_point_down() -> None:
    upward = []
    for module in sorted(MODULES):
        room = room_of(module)
        allowed = ALLOWED[room]
        for target, _ in imports_of(module):
            target_room = room_of(target)
            if target_room not in allowed:
                upward.append(f"{module} ({room}) imports {target} ({target_room})")
    assert not upward, "imports against the layer table:\n  " + "\n  ".join(upward)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def strong(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return out


def test_no_import_cycles_lazy_imports_included() -> None:
    graph = {m: {t for t, type_only in imports_of(m) if not type_only} for m in MODULES}
    cycles = _cycles(graph)
    assert not cycles, "import cycles:\n  " + "\n  ".join(" <-> ".join(c) for c in cycles)


def test_the_check_sees_lazy_and_type_only_imports() -> None:
    """The checker itself: a function-level import and a TYPE_CHECKING import are both found."""
    found = dict(imports_of("hypsearch.engine"))
    assert "hypsearch.engine.cegis" in found  # imported inside solve(), lazily
    assert found["hypsearch.engine.cegis"] is False
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_plugins_and_stages_load_lazily() -> None:
    """`import hypsearch` and the core pull in no stage above them; `solve x.sl` imports no batch or show."""
    import subprocess
    import sys

    probe = (
        "import sys, hypsearch, hypsearch.core.domain, hypsearch.core.task\n"
        "above = sorted(m for m in sys.modules if m.startswith(('hypsearch.check', 'hypsearch.search', "
        "'hypsearch.engine', 'hypsearch.llm', 'hypsearch.proposers', 'hypsearch.domains', 'hypsearch.solvers')))\n"
        "assert not above, above\n"
        "import hypsearch.cli\n"
        "hypsearch.cli.build_parser(['solve', 'x.sl'])\n"
        "edges = sorted(m for m in sys.modules if m.startswith(('hypsearch.batch', 'hypsearch.cli.')))\n"
        "assert not edges, edges\n"
        "from hypsearch import get_domain\n"
        "get_domain('strings')\n"
        "others = sorted(m for m in sys.modules if m.startswith('hypsearch.domains.') and '.strings' not in m\n"
        "                and m != 'hypsearch.domains.logic_semantics')\n"
        "assert not others, others\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stderr

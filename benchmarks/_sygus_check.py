"""Independent z3 check of SyGuS answers, plus the small s-expression tools the bench runner shares.

Given the original `.sl` file (SyGuS-IF v1 or v2) and a solver's `(define-fun ...)` answer, build an
SMT-LIB script that defines the answer and asserts the negation of the spec; unsat means the answer is
correct.  PBE, logical (`declare-var`) and `synth-inv` specs are handled.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Union

import z3

from hypsearch.core.errors import InputSyntaxError, SourceLocation

# ---------------------------------------------------------------------------------------------
# s-expressions
# ---------------------------------------------------------------------------------------------

SExpr = Union[str, tuple["SExpr", ...]]
"""An atom is its raw text (string literals keep their quotes); a list is a tuple."""

_TOKEN = re.compile(
    r'\s+|;[^\n]*|(?P<lp>\()|(?P<rp>\))|(?P<str>"(?:[^"]|"")*")|(?P<qsym>\|[^|]*\|)'
    r'|(?P<atom>[^\s()";|]+)'
)


@dataclass(frozen=True)
class Form:
    """One top-level s-expression of a file with its character span [start, end)."""

    start: int
    end: int
    expr: SExpr

    @property
    def head(self) -> str:
        """The command name (`constraint`, `synth-fun`, ...) or '' for an atom/odd form."""
        if isinstance(self.expr, tuple) and self.expr and isinstance(self.expr[0], str):
            return self.expr[0]
        return ""


def _location(text: str, pos: int, file: str) -> SourceLocation:
    line = text.count("\n", 0, pos) + 1
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    line_text = text[line_start: len(text) if line_end < 0 else line_end]
    col = pos - line_start + 1
    return SourceLocation(file, line, col, line_text + "\n" + " " * (col - 1) + "^")


def parse_forms(text: str, file: str = "<string>") -> list[Form]:
    """Split a SyGuS/SMT-LIB text into top-level forms with spans; raise InputSyntaxError if unbalanced."""
    forms: list[Form] = []
    stack: list[tuple[int, list[SExpr]]] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise InputSyntaxError("unterminated string or symbol", _location(text, pos, file))
        kind = m.lastgroup
        if kind == "lp":
            stack.append((m.start(), []))
        elif kind == "rp":
            if not stack:
                raise InputSyntaxError("unbalanced ')'", _location(text, m.start(), file))
            start, items = stack.pop()
            expr: SExpr = tuple(items)
            if stack:
                stack[-1][1].append(expr)
            else:
                forms.append(Form(start, m.end(), expr))
        elif kind in ("str", "qsym", "atom"):
            if stack:
                stack[-1][1].append(m.group())
            else:
                forms.append(Form(m.start(), m.end(), m.group()))
        pos = m.end()
    if stack:
        raise InputSyntaxError("unbalanced '(': missing ')'", _location(text, stack[-1][0], file))
    return forms


def render(expr: SExpr) -> str:
    """Print an s-expression back as text (single line)."""
    if isinstance(expr, str):
        return expr
    return "(" + " ".join(render(e) for e in expr) + ")"


# v1 SyGuS / old SMT-LIB string names → SMT-LIB 2.6 names that z3 and cvc5 read.
_V1_RENAMES = {
    "int.to.str": "str.from_int",
    "str.to.int": "str.to_int",
    "str.in.re": "str.in_re",
    "str.to.re": "str.to_re",
    "str.replaceall": "str.replace_all",
}
_NEG_NUMERAL = re.compile(r"-(\d+(?:\.\d+)?)")


def to_smtlib(expr: SExpr) -> SExpr:
    """Translate v1 spellings to SMT-LIB 2.6: renamed string ops and `-1` → `(- 1)`."""
    if isinstance(expr, str):
        if expr in _V1_RENAMES:
            return _V1_RENAMES[expr]
        m = _NEG_NUMERAL.fullmatch(expr)
        if m:
            return ("-", m.group(1))
        return expr
    return tuple(to_smtlib(e) for e in expr)


def _is_numeral(expr: SExpr) -> bool:
    return isinstance(expr, str) and re.fullmatch(r"\d+(?:\.\d+)?", expr) is not None


def term_size(expr: SExpr) -> int:
    """AST node count of a term: each constant/variable and each operator application is one node.

    `-1` and `(- 1)` both count as one constant, `(_ bv5 32)` is one constant, `let`s are expanded; the
    same measure is used for every solver arm so sizes are comparable.
    """
    if isinstance(expr, str):
        return 1
    if not expr:
        return 0
    head = expr[0]
    if head == "_":
        return 1
    if head == "-" and len(expr) == 2 and _is_numeral(expr[1]):
        return 1
    if head == "let":
        return term_size(expand_lets(expr))
    return 1 + sum(term_size(a) for a in expr[1:])


def expand_lets(expr: SExpr, env: dict[str, SExpr] | None = None) -> SExpr:
    """Substitute every `(let ((v t) ...) body)` away, giving the tree a printed DAG stands for."""
    env = env or {}
    if isinstance(expr, str):
        return env.get(expr, expr)
    if len(expr) == 3 and expr[0] == "let" and isinstance(expr[1], tuple):
        inner = dict(env)
        for b in expr[1]:
            if isinstance(b, tuple) and len(b) == 2 and isinstance(b[0], str):
                inner[b[0]] = expand_lets(b[1], env)  # parallel let: bound terms see the outer scope
        return expand_lets(expr[2], inner)
    return tuple(expand_lets(e, env) for e in expr)


# ---------------------------------------------------------------------------------------------
# answers
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Definition:
    """One `(define-fun name ((x S) ...) R body)` of an answer."""

    name: str
    params: tuple[tuple[str, SExpr], ...]
    sort: SExpr
    body: SExpr

    def smtlib(self) -> str:
        """The definition as SMT-LIB 2.6 text."""
        params = " ".join(f"({p} {render(to_smtlib(s))})" for p, s in self.params)
        return f"(define-fun {self.name} ({params}) {render(to_smtlib(self.sort))} {render(to_smtlib(self.body))})"


def _collect_defs(expr: SExpr, out: list[Definition], depth: int) -> None:
    if not isinstance(expr, tuple) or not expr or depth > 2:
        return
    if expr[0] == "define-fun" and len(expr) == 5 and isinstance(expr[1], str) and isinstance(expr[2], tuple):
        params = tuple((p[0], p[1]) for p in expr[2] if isinstance(p, tuple) and len(p) == 2 and isinstance(p[0], str))
        if len(params) != len(expr[2]):
            raise InputSyntaxError(f"bad parameter list in answer for {expr[1]}")
        out.append(Definition(expr[1], params, expr[3], expr[4]))
        return
    for e in expr:
        _collect_defs(e, out, depth + 1)


def parse_answer(answer_text: str) -> list[Definition]:
    """All `define-fun`s of an answer; accepts bare forms or cvc5's `( (define-fun ...) ... )` wrapper."""
    defs: list[Definition] = []
    for form in parse_forms(answer_text, "<answer>"):
        _collect_defs(form.expr, defs, 0)
    return defs


def answer_size(answer_text: str | None) -> int | None:
    """Sum of body node counts over the answer's definitions (None if there is no parsable answer)."""
    if not answer_text:
        return None
    try:
        defs = parse_answer(answer_text)
    except InputSyntaxError:
        return None
    return sum(term_size(d.body) for d in defs) if defs else None


# ---------------------------------------------------------------------------------------------
# problems
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """The parts of a `.sl` file the checker and the holdout reduction need."""

    text: str
    forms: tuple[Form, ...]
    constraint_forms: tuple[int, ...]  # indices into `forms` of the `constraint` commands, in order
    declared_vars: frozenset[str]

    @property
    def n_constraints(self) -> int:
        """How many `constraint` commands the file has."""
        return len(self.constraint_forms)

    def constraint(self, i: int) -> SExpr:
        """The term of the i-th constraint (0-based, file order)."""
        expr = self.forms[self.constraint_forms[i]].expr
        assert isinstance(expr, tuple)
        return expr[1]

    def is_pbe(self) -> bool:
        """True when every constraint is ground (mentions no declared variable): a set of examples."""
        return self.n_constraints > 0 and all(
            not (_atoms(self.constraint(i)) & self.declared_vars) for i in range(self.n_constraints)
        )


def _atoms(expr: SExpr) -> set[str]:
    if isinstance(expr, str):
        return {expr}
    out: set[str] = set()
    for e in expr:
        out |= _atoms(e)
    return out


def load_problem(path: str | Path) -> Problem:
    """Read and split a `.sl` file."""
    p = Path(path)
    return parse_problem(p.read_text(encoding="utf-8"), str(p))


def parse_problem(text: str, file: str = "<string>") -> Problem:
    """Split `.sl` text into forms and find its constraints and declared variables."""
    forms = tuple(parse_forms(text, file))
    cons = tuple(i for i, f in enumerate(forms) if f.head == "constraint")
    for i in cons:
        e = forms[i].expr
        if not isinstance(e, tuple) or len(e) != 2:
            raise InputSyntaxError("constraint takes exactly one term", _location(text, forms[i].start, file))
    decl: set[str] = set()
    for f in forms:
        if f.head in ("declare-var", "declare-primed-var") and isinstance(f.expr, tuple) and len(f.expr) == 3:
            name = f.expr[1]
            if isinstance(name, str):
                decl.add(name)
                if f.head == "declare-primed-var":
                    decl.add(name + "!")
    return Problem(text, forms, cons, frozenset(decl))


def reduce_text(problem: Problem, drop: Collection[int]) -> str:
    """The file text with the constraints at the given indices removed; everything else kept verbatim."""
    dropped = sorted((problem.forms[problem.constraint_forms[i]] for i in set(drop)), key=lambda f: f.start)
    text = problem.text
    pieces: list[str] = []
    pos = 0
    for f in dropped:
        end = f.end
        # swallow the rest of the line when the constraint stood alone on it
        nl = text.find("\n", end)
        line_rest = text[end: len(text) if nl < 0 else nl]
        line_start = text.rfind("\n", 0, f.start) + 1
        if not line_rest.strip() and not text[line_start: f.start].strip():
            pieces.append(text[pos:line_start])
            pos = len(text) if nl < 0 else nl + 1
        else:
            pieces.append(text[pos: f.start])
            while end < len(text) and text[end] in " \t":
                end += 1
            pos = end
    pieces.append(text[pos:])
    return "".join(pieces)


# ---------------------------------------------------------------------------------------------
# verification
# ---------------------------------------------------------------------------------------------

VerdictStatus = Literal["ok", "wrong", "unknown"]


@dataclass(frozen=True)
class Verdict:
    """Outcome of checking one answer: ok (proved), wrong (z3 found a violation) or unknown (with why)."""

    status: VerdictStatus
    detail: str = ""
    failed: tuple[int, ...] = field(default=())  # indices of violated constraints (PBE), when known
    checked: int = 0  # how many constraints (or inv conditions) were checked


# cvc5 sometimes prints its internal total division operators in answers; give them cvc5's meaning
# (x div 0 = 0, x mod 0 = x, x / 0 = 0) so such answers can still be checked.
_TOTAL_OPS = {
    "div_total": "(define-fun div_total ((a Int) (b Int)) Int (ite (= b 0) 0 (div a b)))",
    "mod_total": "(define-fun mod_total ((a Int) (b Int)) Int (ite (= b 0) a (mod a b)))",
    "/_total": "(define-fun |/_total| ((a Real) (b Real)) Real (ite (= b 0.0) 0.0 (/ a b)))",
}

_SKIP = {"set-logic", "check-synth", "set-option", "set-info", "set-feature", "set-options"}
_COPY = {"define-fun", "define-sort", "declare-datatype", "declare-datatypes", "define-fun-rec", "declare-fun"}


def _check(script: str, goal: str, ctx: z3.Context, timeout_ms: int) -> z3.CheckSatResult:
    s = z3.Solver(ctx=ctx)
    s.set("timeout", timeout_ms)
    s.from_string(script + f"\n(assert (not {goal}))\n")
    return s.check()


def verify_answer(sl_path: str | Path, answer_text: str, *, hidden_only: Collection[int] | None = None,
                  timeout_ms: int = 10_000) -> Verdict:
    """Check `answer_text` against the spec of `sl_path` with z3.

    hidden_only: when given, only the constraints at these 0-based indices (file order of `constraint`
    commands) are checked — used to test held-out PBE examples.
    """
    try:
        problem = load_problem(sl_path)
    except (OSError, InputSyntaxError) as exc:
        return Verdict("unknown", f"cannot read problem: {exc}")
    return verify_problem(problem, answer_text, hidden_only=hidden_only, timeout_ms=timeout_ms)


def verify_problem(problem: Problem, answer_text: str, *, hidden_only: Collection[int] | None = None,
                   timeout_ms: int = 10_000) -> Verdict:
    """Like verify_answer, for an already parsed problem."""
    try:
        defs = {d.name: d for d in parse_answer(answer_text)}
    except InputSyntaxError as exc:
        return Verdict("wrong", f"answer does not parse: {exc}")
    if not defs:
        return Verdict("wrong", "answer has no define-fun")

    used = set().union(*(_atoms(d.body) for d in defs.values()))
    lines: list[str] = [text for op, text in _TOTAL_OPS.items() if op in used]
    notes = [f"answer uses cvc5's {op}" for op in _TOTAL_OPS if op in used]
    inv_constraints: list[tuple[str, str, str, str]] = []
    inv_params: dict[str, tuple[tuple[str, SExpr], ...]] = {}
    for form in problem.forms:
        head, e = form.head, form.expr
        if head in _SKIP or head == "constraint":
            continue
        assert isinstance(e, tuple)
        if head in _COPY:
            lines.append(render(to_smtlib(e)))
        elif head == "declare-var":
            lines.append(f"(declare-fun {e[1]} () {render(to_smtlib(e[2]))})")
        elif head == "declare-primed-var":
            lines.append(f"(declare-fun {e[1]} () {render(to_smtlib(e[2]))})")
            lines.append(f"(declare-fun {e[1]}! () {render(to_smtlib(e[2]))})")
        elif head in ("synth-fun", "synth-inv"):
            name = e[1]
            if not isinstance(name, str) or name not in defs:
                return Verdict("wrong", f"answer does not define {render(name)}")
            d = defs[name]
            if not isinstance(e[2], tuple) or len(e[2]) != len(d.params):
                return Verdict("wrong", f"answer for {name} has {len(d.params)} parameters, spec has "
                                        f"{len(e[2]) if isinstance(e[2], tuple) else '?'}")
            if head == "synth-inv":
                inv_params[name] = tuple((p[0], p[1]) for p in e[2] if isinstance(p, tuple))
            lines.append(d.smtlib())
        elif head == "inv-constraint":
            if len(e) != 5 or not all(isinstance(x, str) for x in e[1:]):
                return Verdict("unknown", "malformed inv-constraint")
            inv_constraints.append((str(e[1]), str(e[2]), str(e[3]), str(e[4])))
        else:
            return Verdict("unknown", f"unsupported command ({head} ...)")

    ctx = z3.Context()
    script = "\n".join(lines)
    goals: list[tuple[str, int | None]] = []
    if hidden_only is None:
        selected = list(range(problem.n_constraints))
    else:
        selected = sorted(i for i in set(hidden_only) if 0 <= i < problem.n_constraints)
    for i in selected:
        goals.append((render(to_smtlib(problem.constraint(i))), i))
    if hidden_only is None:
        for inv, _, _, _ in inv_constraints:
            if inv not in inv_params:
                return Verdict("unknown", f"inv-constraint names {inv}, which is not a synth-inv")
        for inv, pre, trans, post in inv_constraints:
            goals.extend((g, None) for g in _inv_goals(inv, pre, trans, post, inv_params, lines))
        script = "\n".join(lines)

    if not goals:
        return Verdict("ok", "nothing to check", checked=0)
    try:
        if len(goals) == 1 or not inv_constraints:
            conj = goals[0][0] if len(goals) == 1 else "(and " + " ".join(g for g, _ in goals) + ")"
            res = _check(script, conj, ctx, timeout_ms)
            if res == z3.unsat:
                return Verdict("ok", "; ".join(notes), checked=len(goals))
            if res == z3.unknown:
                return Verdict("unknown", "z3 returned unknown", checked=len(goals))
            failed = _failed_constraints(script, goals, ctx, timeout_ms) if len(goals) <= 2000 else ()
            return Verdict("wrong", "z3 found a violation", failed=failed, checked=len(goals))
        # several inv conditions: check one by one to name the failing one
        names = ["initiation", "consecution", "post"]
        for k, (g, _) in enumerate(goals):
            res = _check(script, g, ctx, timeout_ms)
            if res == z3.sat:
                return Verdict("wrong", f"{names[k % 3]} fails", checked=len(goals))
            if res == z3.unknown:
                return Verdict("unknown", f"z3 returned unknown on {names[k % 3]}", checked=len(goals))
        return Verdict("ok", "; ".join(notes), checked=len(goals))
    except z3.Z3Exception as exc:
        return Verdict("unknown", f"z3 rejected the script: {exc}", checked=len(goals))


def _inv_goals(inv: str, pre: str, trans: str, post: str,
               inv_params: dict[str, tuple[tuple[str, SExpr], ...]], lines: list[str]) -> Iterator[str]:
    """Declare fresh state/next-state constants and yield initiation, consecution and post goals."""
    params = inv_params[inv]
    cur: list[str] = []
    nxt: list[str] = []
    for k, (_, sort) in enumerate(params):
        c, n = f"inv__s{k}", f"inv__t{k}"
        lines.append(f"(declare-fun {c} () {render(to_smtlib(sort))})")
        lines.append(f"(declare-fun {n} () {render(to_smtlib(sort))})")
        cur.append(c)
        nxt.append(n)
    x, xp = " ".join(cur), " ".join(nxt)
    app = (lambda f, args: f"({f} {args})") if params else (lambda f, args: f)
    yield f"(=> {app(pre, x)} {app(inv, x)})"
    yield f"(=> (and {app(inv, x)} {app(trans, x + ' ' + xp)}) {app(inv, xp)})"
    yield f"(=> {app(inv, x)} {app(post, x)})"


def _failed_constraints(script: str, goals: Sequence[tuple[str, int | None]], ctx: z3.Context,
                        timeout_ms: int) -> tuple[int, ...]:
    """Indices of the individual constraints that z3 can violate (cheap for ground PBE examples)."""
    return tuple(idx for g, idx in goals if idx is not None and _check(script, g, ctx, timeout_ms) == z3.sat)

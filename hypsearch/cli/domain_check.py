"""`hypsearch domain check`: validate a domain plug-in before anyone searches with it.

`check_domain(domain)` runs every rule a plug-in must keep and returns CheckFailures that
say, in words, which plug-in and which rule or primitive is at fault, what went wrong and
how to fix it: the grammar loads (LALR, strict) and stays inside the subset that
grammar-constrained decoders accept; every grammar node and keyword has semantics; every
primitive has a one-line doc and an implementation; printing and parsing are inverse; the
z3 encoding and the batch fast paths agree with the interpreter; enumeration banks only
well-typed programs.  Property checks use hypothesis programmatically (no database).
"""

from __future__ import annotations

import argparse
import re
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from hypsearch.check.interpreter import evaluate
from hypsearch.cli import extra_command
from hypsearch.core.domain import TYPE_VARIABLES, Domain, Primitive
from hypsearch.core.errors import EvaluationError, HypsearchError, PluginError
from hypsearch.core.program import App, Term, Var

STRUCTURAL_KINDS = frozenset({"start", "term", "app", "symbol", "hole"})
"""Grammar node kinds the default s-expression elaborator understands without a literal rule."""
LOOKAROUND = re.compile(r"\(\?(=|!|<=|<!)")
TERMINAL_PRIORITY = re.compile(r"^\s*[A-Z_][A-Z0-9_]*\.-?\d+\s*:", re.M)
IMPORT_LINE = re.compile(r"^\s*%import\s+(\S+)", re.M)
KEYWORD = re.compile(r"^[A-Za-z_][A-Za-z0-9_.+\-*/<>=!?]*$")


@dataclass(frozen=True)
class CheckFailure:
    """One broken rule of a plug-in: who, where, what failed and how to fix it."""

    plugin: str
    rule: str
    """The grammar rule, terminal, primitive or type at fault ('' for the domain as a whole)."""
    problem: str
    fix: str

    def __str__(self) -> str:
        where = f" `{self.rule}`" if self.rule else ""
        return f"domain {self.plugin}{where}: {self.problem}\n    fix: {self.fix}"


@dataclass(frozen=True)
class CheckSettings:
    """How hard the property checks try (hypothesis examples, enumeration seconds)."""

    examples: int = 60
    enumeration_seconds: float = 1.0
    max_depth: int = 3


class _Checker:
    """Collects failures for one domain; each `check_*` method is one rule."""

    def __init__(self, domain: Domain, settings: CheckSettings) -> None:
        self.domain = domain
        self.settings = settings
        self.failures: list[CheckFailure] = []
        self.parser: Any = None
        self._pools: dict[str | None, list[Any]] = {}

    def fail(self, rule: str, problem: str, fix: str) -> None:
        self.failures.append(CheckFailure(self.domain.name, rule, problem, fix))

    # -- grammar ------------------------------------------------------------------
    def check_profile(self) -> None:
        """A published DomainProfile must say what the domain has, or front-ends skip it wrongly."""
        from hypsearch.core.domain import DomainProfile
        from hypsearch.core.registry import domain_profiles

        published = domain_profiles().get(self.domain.name)
        actual = DomainProfile.of(self.domain)
        if published is not None and published != actual:
            self.fail("profile", f"the published profile {sorted(published.types)} / {sorted(published.smt_logics)} "
                      f"differs from the domain's types and logics {sorted(actual.types)} / "
                      f"{sorted(actual.smt_logics)}", "update the hypsearch.domain_profiles entry point's object")

    def check_grammar(self) -> None:
        import lark

        try:
            text = self.domain.grammar_text()
        except (OSError, FileNotFoundError) as exc:
            self.fail(self.domain.grammar, f"the grammar file cannot be read ({exc})",
                      "set `grammar` to a .lark file shipped in hypsearch.grammars or an existing path")
            return
        for match in LOOKAROUND.finditer(text):
            self.fail(_line_of(text, match.start()), f"uses a regex lookaround `{match.group(0)}`",
                      "grammar-constrained decoders reject lookarounds: rewrite the terminal without it")
        for match in TERMINAL_PRIORITY.finditer(text):
            self.fail(match.group(0).strip().rstrip(":"), "gives a terminal a priority",
                      "drop the `.N` priority and make the terminals disjoint instead")
        for match in IMPORT_LINE.finditer(text):
            if not match.group(1).startswith("common."):
                self.fail(match.group(1), "imports from outside lark's `common` grammar",
                          "define the terminal in this grammar, or import it from `common`")
        try:
            self.parser = lark.Lark(text, parser="lalr", strict=True)
        except lark.exceptions.LarkError as exc:
            self.fail(self.domain.grammar, f"does not load as a strict LALR lark grammar: {_first_line(exc)}",
                      "fix the grammar (lark reports the rule and the conflict); keep it LALR(1)")
            return
        kinds = {r.alias for r in self.parser.rules if r.alias} | {
            r.origin.name for r in self.parser.rules if not r.options.expand1 and not str(r.origin.name).startswith("_")}
        for kind in sorted(kinds - STRUCTURAL_KINDS - set(self.domain.literal_rules)):
            self.fail(kind, "is a grammar node with no meaning: it is neither `app`, `symbol`, `hole` nor a literal rule",
                      f"add `literal_rules[{kind!r}] = (type, token -> value)` or remove the alias from the grammar")
        for name in sorted(set(self.domain.literal_rules) - kinds):
            self.fail(name, "is a literal rule the grammar never produces",
                      "add the alias to the grammar or remove it from `literal_rules`")
        known = set(self.domain.primitive_table) | set(self.domain.symbol_constants)
        for term_def in self.parser.terminals:
            for word in _keywords(term_def.pattern):
                if word not in known and KEYWORD.match(word) and word.isidentifier():
                    self.fail(word, f"is a keyword of terminal {term_def.name} that names no primitive",
                              f"add a Primitive named {word!r} (with impl and doc) or drop it from the grammar")

    # -- primitives ----------------------------------------------------------------
    def check_primitives(self) -> None:
        for prim in self.domain.primitives:
            if not prim.doc or not prim.doc.strip():
                self.fail(prim.name, "has no doc", "give the Primitive a one-line `doc` (prompts and `describe` show it)")
            elif "\n" in prim.doc.strip():
                self.fail(prim.name, "has a doc of several lines", "keep `doc` to one line")
            for t in (*prim.arg_types, prim.ret_type):
                if t not in self.domain.types and t not in TYPE_VARIABLES:
                    self.fail(prim.name, f"uses the unknown type {t!r}", f"add {t!r} to `types` or fix the signature")
            if not callable(prim.impl):
                self.fail(prim.name, "has no Python implementation", "set `impl` to a function of its arguments")
                continue
            if self.parser is not None:
                self._check_parses(prim)
        self._check_implemented()

    def _check_parses(self, prim: Primitive) -> None:
        variables, args = self._sample_args(prim)
        if args is None:
            return
        term = App(prim.name, tuple(args), self._ret(prim, args))
        try:
            text = self.domain.show(term)
            back = self.domain.parse(text, variables)
        except HypsearchError as exc:
            self.fail(prim.name, f"cannot be written in the grammar: {_first_line(exc)}",
                      "make the grammar's symbol terminal accept this name, or rename the primitive")
            return
        if back != term:
            self.fail(prim.name, f"prints as {text!r} but that parses to a different program",
                      "make `show` and `parse` inverse for this primitive")

    def _check_implemented(self) -> None:
        """A primitive whose impl raises NotImplementedError on every sample has no semantics."""
        for prim in self.domain.primitives:
            if not callable(prim.impl):
                continue
            samples = self._arg_samples(prim, 12)
            if not samples:
                continue
            missing = 0
            for args in samples:
                try:
                    prim.impl(*args)
                except NotImplementedError:
                    missing += 1
                except Exception:  # a runtime error on odd inputs is allowed  # noqa: BLE001
                    pass
            if missing == len(samples):
                self.fail(prim.name, "has no semantics: its implementation raises NotImplementedError",
                          "implement `impl` (raise ValueError for inputs where the operation is undefined)")

    # -- properties ------------------------------------------------------------------
    def check_round_trip(self) -> None:
        from hypsearch.search.generators import terms

        variables = self._variables()

        def prop(term: Term) -> None:
            text = self.domain.show(term)
            try:
                back = self.domain.parse(text, variables)
            except HypsearchError as exc:
                raise AssertionError(f"`{text}` does not parse back: {_first_line(exc)}") from None
            if back != term:
                raise AssertionError(f"`{text}` parses back to `{self.domain.show(back)}`, a different program")

        for typ in self._typed():
            self._property("print/parse", typ, lambda: terms(self.domain, variables, typ, self.settings.max_depth), prop,
                           "make `show` print every term so that `parse(show(t)) == t` (literals included)")

    def check_z3(self) -> None:
        if not self.domain.has_encoding:
            return
        from hypothesis import strategies as st

        from hypsearch.search.generators import terms, values, z3_value

        for prim in self.domain.primitives:
            self._check_primitive_encoding(prim)
        variables = self._variables()

        def prop(case: tuple[Term, dict[str, Any]]) -> None:
            term, env = case
            try:
                expected = evaluate(self.domain, term, env)
            except EvaluationError:
                return
            got = z3_value(self.domain, term, env)
            if got is not None and got != expected:
                raise AssertionError(f"`{self.domain.show(term)}` on {env!r}: interpreter {expected!r}, z3 {got!r}")

        for typ in self._typed():
            self._property("z3 encoding", typ, lambda: st.tuples(
                terms(self.domain, variables, typ, 2),
                st.fixed_dictionaries({n: values(self.domain, t) for n, t in variables.items()})), prop,
                "make the primitive's `encode` compute what `impl` computes (write both from one definition)")

    def _check_primitive_encoding(self, prim: Primitive) -> None:
        """The primitive alone, on sample arguments: z3's value must equal the interpreter's."""
        from hypsearch.search.generators import z3_value

        variables = {f"a{k}": t for k, t in enumerate(prim.arg_types)}
        for args in self._arg_samples(prim, 16):
            env = {f"a{k}": v for k, v in enumerate(args)}
            types = [self._type_of(v) for v in args]
            if None in types:
                return
            term = App(prim.name, tuple(Var(n, t) for n, t in zip(variables, types)),
                       self._ret(prim, [Var(n, t) for n, t in zip(variables, types)]))
            try:
                expected = evaluate(self.domain, term, env)
                got = z3_value(self.domain, term, env)
            except EvaluationError:
                continue
            except Exception as exc:  # noqa: BLE001
                self.fail(prim.name, f"z3 encoding crashed on {args!r}: {exc!r}", "make `encode` total on z3 terms")
                return
            if got is not None and got != expected:
                self.fail(prim.name, f"z3 encoding disagrees with the interpreter on {args!r}: "
                          f"interpreter {expected!r}, z3 {got!r}",
                          "make the primitive's `encode` compute what `impl` computes (write both from one definition)")
                return

    def _type_of(self, value: Any) -> str | None:
        for name, vt in self.domain.types.items():
            if vt.strategy is not None and vt.is_value(value):
                return name
        return None

    def check_batch(self) -> None:
        for prim in self.domain.primitives:
            if prim.batch is None:
                continue
            for args in self._arg_samples(prim, 30):
                try:
                    expected = prim.impl(*args)
                except Exception:  # impl refuses: the batch may do anything  # noqa: BLE001
                    continue
                try:
                    got = prim.batch(*((a,) for a in args))
                except Exception as exc:  # noqa: BLE001
                    self.fail(prim.name, f"batch fast path raises {exc!r} on {args!r} where impl gives {expected!r}",
                              "make `batch` agree with `impl` on every input impl accepts")
                    break
                if got != (expected,):
                    self.fail(prim.name, f"batch fast path gives {got[0] if got else got!r} on {args!r}, impl {expected!r}",
                              "make `batch` agree with `impl` on every input impl accepts")
                    break

    def check_enumeration(self) -> None:
        from hypsearch.search.enumeration import Enumerator
        from hypsearch.core.task import Example, Signature, Task

        variables = self._variables()
        if not variables:
            return
        for typ in self._typed()[:3]:
            try:
                envs = [{n: self._pool(t)[k] for n, t in variables.items()} for k in range(3)]
                outs = [self._pool(typ)[k + 3] for k in range(3)]
            except IndexError:
                continue
            sig = Signature(tuple(variables.items()), typ)
            task = Task("domain-check", self.domain.name, sig,
                        tuple(Example(tuple(e[n] for n in variables), o) for e, o in zip(envs, outs)))
            try:
                grammar = self.domain.search_grammar(task)
            except Exception as exc:  # noqa: BLE001
                self.fail("search_grammar", f"raises {exc!r} on a generated task", "make search_grammar total")
                return
            types = dict(grammar.nonterminals)
            banked: list[tuple[str, Term, tuple[Any, ...]]] = []
            enum = Enumerator(self.domain, grammar, envs, None, deadline=time.monotonic() + self.settings.enumeration_seconds,
                              max_cost=8)
            enum.listeners.append(lambda nt, t, v: banked.append((nt, t, v)) if len(banked) < 400 else None)
            for _ in enum.events():
                if len(banked) >= 400:
                    break
            for nt, term, vals in banked[::max(1, len(banked) // 100)]:
                if term.type != types[nt]:
                    self.fail(getattr(term, "op", nt), f"enumeration banked `{self.domain.show(term)}` of type "
                              f"{term.type} as a {types[nt]}", "fix the primitive's ret_type or the search grammar")
                    return
                try:
                    back = self.domain.parse(self.domain.show(term), variables)
                except HypsearchError as exc:
                    self.fail(getattr(term, "op", nt), f"enumerated `{self.domain.show(term)}` does not parse: "
                              f"{_first_line(exc)}", "make `show` print what the grammar reads")
                    return
                if back != term:
                    self.fail(getattr(term, "op", nt), f"enumerated `{self.domain.show(term)}` re-parses differently",
                              "make `parse(show(t)) == t`")
                    return
                try:
                    value = evaluate(self.domain, term, envs[0])
                except EvaluationError:
                    continue
                if value != vals[0]:
                    self.fail(getattr(term, "op", nt), f"enumeration computed {vals[0]!r} for `{self.domain.show(term)}` "
                              f"but the interpreter gives {value!r}", "make `batch` agree with `impl`")
                    return

    # -- helpers ---------------------------------------------------------------------
    def _typed(self) -> list[str]:
        return [t for t, vt in self.domain.types.items() if vt.strategy is not None]

    def _variables(self) -> dict[str, str]:
        return {f"v{k}": t for k, t in enumerate(self._typed())}

    def _ret(self, prim: Primitive, args: list[Term]) -> str:
        binding = {a: t.type for a, t in zip(prim.arg_types, args) if a in TYPE_VARIABLES}
        return binding.get(prim.ret_type, prim.ret_type if prim.ret_type not in TYPE_VARIABLES else self._typed()[0])

    def _sample_args(self, prim: Primitive) -> tuple[dict[str, str], list[Term] | None]:
        variables = self._variables()
        by_type = {t: n for n, t in variables.items()}
        fill = self._typed()[0] if self._typed() else None
        args: list[Term] = []
        for a in prim.arg_types:
            t = fill if a in TYPE_VARIABLES else a
            if t not in by_type:
                return variables, None
            args.append(Var(by_type[t], t))
        return variables, args

    def _arg_samples(self, prim: Primitive, count: int) -> list[tuple[Any, ...]]:
        """`count` argument tuples for `prim` drawn from per-type pools (type variables cycle over types)."""
        types = self._typed()
        out: list[tuple[Any, ...]] = []
        for k in range(count):
            inst = types[k % len(types)] if types else None
            row = []
            for j, a in enumerate(prim.arg_types):
                pool = self._pool(inst if a in TYPE_VARIABLES else a)
                if not pool:
                    return []
                row.append(pool[(k * 7 + j * 3) % len(pool)])
            out.append(tuple(row))
        return out

    def _pool(self, typ: str | None) -> list[Any]:
        """About 40 sample values of a type (one hypothesis draw, cached)."""
        from hypsearch.search.generators import values

        if typ not in self._pools:
            try:
                self._pools[typ] = _samples(values(self.domain, typ), 40)
            except (PluginError, KeyError):
                self._pools[typ] = []
        return self._pools[typ]

    def _property(self, what: str, typ: str, strategy: Callable[[], Any], prop: Callable[[Any], None], fix: str) -> None:
        from hypothesis import HealthCheck, Verbosity, given, settings

        try:
            strat = strategy()
        except PluginError as exc:
            self.fail(exc.rule or typ, f"programs of type {typ} cannot be generated: {exc}",
                      "give every type a `strategy` (typical values) so checks can build programs")
            return
        runner = settings(max_examples=self.settings.examples, database=None, deadline=None, derandomize=True,
                          verbosity=Verbosity.quiet, suppress_health_check=list(HealthCheck))(given(strat)(prop))
        try:
            runner()
        except AssertionError as exc:
            self.fail(_culprit(str(exc)), f"{what} check failed on a {typ} program: {exc}", fix)
        except Exception as exc:  # a crash inside the plug-in is a failure too  # noqa: BLE001
            self.fail(typ, f"{what} check crashed: {exc!r}", "the traceback names the plug-in function at fault")


def check_domain(domain: Domain, settings: CheckSettings | None = None) -> list[CheckFailure]:
    """Every rule `domain` breaks, explained in words (an empty list: the plug-in is sound)."""
    checker = _Checker(domain, settings or CheckSettings())
    checker.check_profile()
    checker.check_grammar()
    checker.check_primitives()
    if checker.parser is not None:
        checker.check_round_trip()
    checker.check_z3()
    checker.check_batch()
    if checker.parser is not None:
        checker.check_enumeration()
    return checker.failures


def _samples(strategy: Any, count: int) -> list[Any]:
    """Up to `count` distinct values of a strategy, the same ones every run (a derandomized hypothesis run:
    `strategy.example()` is random and may give a pool of one repeated value, which hides wrong encodings)."""
    from hypothesis import HealthCheck, given, settings

    found: dict[str, Any] = {}

    @settings(max_examples=count * 3, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(value: Any) -> None:
        if len(found) < count:
            found.setdefault(repr(value), value)

    collect()
    return list(found.values())


def _keywords(pattern: Any) -> Iterable[str]:
    """Literal words a terminal matches: a string terminal, or a regex alternation of plain words."""
    value = pattern.value
    if type(pattern).__name__ == "PatternStr":
        return [value]
    body = value[3:-1] if value.startswith("(?:") and value.endswith(")") else value
    parts = body.split("|")
    if len(parts) > 1 and all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", p) for p in parts):
        return parts
    return []


def _culprit(message: str) -> str:
    """The primitive named first in a failing program `(op …)`, for the failure's rule."""
    match = re.search(r"`\(([^\s()`]+)", message)
    return match.group(1) if match else ""


def _line_of(text: str, offset: int) -> str:
    line = text[:offset].count("\n") + 1
    return f"line {line}"


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [repr(exc)])[0]


@extra_command
def register_cli(subparsers: argparse._SubParsersAction) -> None:
    """`hypsearch domain check NAME` / `hypsearch domain check --file PLUGIN.py`."""
    domain_p = subparsers.add_parser("domain", help="work with domain plug-ins")
    sub = domain_p.add_subparsers(dest="domain_command", required=True)
    check_p = sub.add_parser("check", help="validate a domain plug-in (grammar, semantics, printer, z3, search)")
    check_p.add_argument("name", nargs="?", help="installed domain name")
    check_p.add_argument("--file", default=None, help="a plug-in module file defining DOMAIN")
    check_p.add_argument("--examples", type=int, default=CheckSettings.examples, help="hypothesis examples per check")
    check_p.set_defaults(run=cmd_domain_check)


def cmd_domain_check(args: argparse.Namespace) -> int:
    """Print each failure of the named (or file) plug-in; exit 1 when there is any."""
    import sys

    from hypsearch.core.registry import get_domain, register_domain_file

    if args.file:
        domain = register_domain_file(args.file)
    elif args.name:
        domain = get_domain(args.name)
    else:
        print("hypsearch: domain check needs a NAME or --file PATH", file=sys.stderr)
        return 2
    failures = check_domain(domain, CheckSettings(examples=args.examples))
    for failure in failures:
        print(failure)
    print(f"domain {domain.name}: {len(domain.primitives)} primitives, "
          f"{'no problems found' if not failures else f'{len(failures)} problem(s)'}",
          file=sys.stderr)
    return 1 if failures else 0


__all__ = ["CheckFailure", "CheckSettings", "check_domain", "register_cli"]

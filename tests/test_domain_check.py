"""`hypsearch domain check`: each kind of broken plug-in is caught and explained; sound ones pass."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import hypsearch.cli.domain_check  # noqa: F401  (registers the `domain` CLI command)
from hypsearch import Primitive, get_domain, register_domain_file
from hypsearch.cli import main
from hypsearch.cli.domain_check import CheckFailure, CheckSettings, check_domain

TUTORIAL = Path(__file__).resolve().parents[1] / "docs" / "tutorial_domain" / "arith.py"
FAST = CheckSettings(examples=30, enumeration_seconds=0.5)


@pytest.fixture(scope="module")
def arith():
    return register_domain_file(TUTORIAL)


def broken(domain, **changes):
    return dataclasses.replace(domain, **changes)


def with_primitive(domain, name: str, **changes) -> tuple[Primitive, ...]:
    return tuple(dataclasses.replace(p, **changes) if p.name == name else p for p in domain.primitives)


def grammar_file(tmp_path: Path, domain, old: str, new: str) -> str:
    text = domain.grammar_text()
    assert old in text
    path = tmp_path / "planted.lark"
    path.write_text(text.replace(old, new))
    return str(path)


def rules(failures: list[CheckFailure]) -> set[str]:
    return {f.rule for f in failures}


def test_sound_plugins_pass(arith) -> None:
    for domain in (arith, get_domain("strings")):  # lists: tests/test_lists_solve.py
        assert check_domain(domain, FAST) == [], domain.name


def test_unparsable_grammar(arith, tmp_path: Path) -> None:
    bad = broken(arith, grammar=grammar_file(tmp_path, arith, "?atom: SYMBOL -> symbol", "?atom: SYMBOL -> symbol\n     | SYMBOL -> int"))
    failures = check_domain(bad, FAST)
    assert failures and "strict LALR" in failures[0].problem
    assert failures[0].plugin == "arith" and "fix" not in failures[0].problem


def test_grammar_outside_the_decoder_subset(arith, tmp_path: Path) -> None:
    path = grammar_file(tmp_path, arith, "INT: /-?[0-9]+/", "INT.2: /-?(?![a-z])[0-9]+/")
    failures = check_domain(broken(arith, grammar=path), FAST)
    problems = " ".join(f.problem for f in failures)
    assert "lookaround" in problems and "priority" in problems


def test_grammar_keyword_without_primitive(arith, tmp_path: Path) -> None:
    path = grammar_file(tmp_path, arith, 'app: "(" SYMBOL term* ")"', 'app: "(" SYMBOL term* ")"\n   | "(" "pow" term term ")"')
    failures = check_domain(broken(arith, grammar=path), FAST)
    assert "pow" in rules(failures)
    assert "names no primitive" in next(f for f in failures if f.rule == "pow").problem


def test_grammar_alias_without_literal_rule(arith) -> None:
    failures = check_domain(broken(arith, literal_rules={}), FAST)
    assert "int" in rules(failures)


def test_primitive_without_semantics(arith) -> None:
    def missing(a, b):
        raise NotImplementedError

    failures = check_domain(broken(arith, primitives=with_primitive(arith, "mul", impl=missing)), FAST)
    assert any(f.rule == "mul" and "no semantics" in f.problem for f in failures)


def test_encoding_disagrees_with_interpreter(arith) -> None:
    wrong = with_primitive(arith, "sub", encode=lambda a, b: b - a)
    failures = check_domain(broken(arith, primitives=wrong), FAST)
    assert any("z3" in f.problem and f.rule == "sub" for f in failures), failures


def test_missing_doc(arith) -> None:
    failures = check_domain(broken(arith, primitives=with_primitive(arith, "lt", doc="")), FAST)
    assert [(f.rule, f.problem) for f in failures] == [("lt", "has no doc")]


def test_batch_disagrees_with_impl(arith) -> None:
    batch = lambda xs, ys: tuple(x + y + 1 for x, y in zip(xs, ys))  # noqa: E731
    failures = check_domain(broken(arith, primitives=with_primitive(arith, "add", batch=batch)), FAST)
    assert any(f.rule == "add" and "batch" in f.problem for f in failures)


def test_printer_that_does_not_round_trip(arith) -> None:
    types = {**arith.types, "Int": dataclasses.replace(arith.types["Int"], show=lambda n: f"{n}.0")}
    failures = check_domain(broken(arith, types=types), FAST)
    assert any("print/parse" in f.problem for f in failures)


def test_cli_domain_check(tmp_path: Path, capsys) -> None:
    assert main(["domain", "check", "--file", str(TUTORIAL), "--examples", "20"]) == 0
    plugin = tmp_path / "nodoc.py"
    plugin.write_text(
        "import dataclasses\n"
        "from hypsearch import register_domain_file\n"
        f"base = register_domain_file({str(TUTORIAL)!r})\n"
        "DOMAIN = dataclasses.replace(base, name='nodoc', primitives=tuple(\n"
        "    dataclasses.replace(p, doc='') if p.name == 'add' else p for p in base.primitives))\n")
    assert main(["domain", "check", "--file", str(plugin), "--examples", "20"]) == 1
    out = capsys.readouterr().out
    assert "domain nodoc `add`: has no doc" in out and "fix:" in out


@pytest.mark.parametrize("name", ["strings", "lists", "grid", "lia", "bv", "miniscan", "acre"])
def test_every_built_in_domain_passes_its_own_check(name: str) -> None:
    from hypsearch.core.registry import get_domain

    assert check_domain(get_domain(name), FAST) == []

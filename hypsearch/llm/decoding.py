"""Typed decoding grammars: the programs of one task signature, as a Lark grammar a decoder can enforce.

A domain's own grammar reads any s-expression and leaves names and types to elaboration, so a decoder
constrained by it can still emit prose ("Here") as a bare symbol.  The grammar built here is narrower:
one rule per value type, each primitive placed under its result type with its arguments' types, the
task's variables and the domain's constants and literals as the only leaves, one space between
arguments, no comments and no free whitespace, rooted at the task's result type and optionally wrapped
in the ``` fence the translation prompt asks for.  A reply that a decoder produced under it therefore
parses with the domain's parser and type-checks against the signature (`tests/test_llm_decoding.py`
checks this with hypothesis).  The Lark text goes to OpenAI grammar tools and vLLM as it is; the client
converts it to GBNF for llama.cpp (`hypsearch.llm.gbnf`).
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import lark

from hypsearch.core.domain import TYPE_VARIABLES, Domain, Primitive
from hypsearch.core.errors import ConfigError
from hypsearch.core.program import Type
from hypsearch.core.task import Signature

if TYPE_CHECKING:
    from hypsearch.core.grammar import SearchGrammar

FENCE_LANGUAGE = "FENCE_LANGUAGE"
FENCE_LANGUAGE_PATTERN = r"/[a-z]{1,12}/"
"""An optional language tag after the opening fence (```lisp, ```scheme …), as small models write one."""


@dataclass(frozen=True)
class _Literal:
    """A literal form of one value type: a terminal copied from the domain's grammar."""

    type: Type
    terminal: str
    pattern: str


@functools.lru_cache(maxsize=32)
def _literal_forms(grammar_text: str, literal_rules: tuple[tuple[str, Type], ...],
                   narrower: tuple[tuple[str, str | None], ...] = ()) -> tuple[_Literal, ...]:
    """The single-terminal literal rules of a domain grammar (`INT -> int`), with their terminal patterns.

    Multi-token literals (`(- 5)`) are left out: the decoder writes the single-token form instead.
    `narrower` replaces a rule's pattern (Domain.decoding_literals; None drops the rule).
    """
    override = dict(narrower)
    try:
        parsed = lark.Lark(grammar_text, parser="lalr")
    except lark.exceptions.LarkError as exc:
        raise ConfigError(f"the domain grammar does not compile: {exc}") from None
    terminals = {t.name: t.pattern for t in parsed.terminals}
    types = dict(literal_rules)
    out: list[_Literal] = []
    seen: set[str] = set()
    for rule in parsed.rules:
        name = rule.alias or rule.origin.name
        if name not in types or len(rule.expansion) != 1 or not rule.expansion[0].is_term:
            continue
        terminal = rule.expansion[0].name
        pattern = terminals[terminal]
        if terminal in seen or pattern.flags or (name in override and override[name] is None):
            continue
        seen.add(terminal)
        if override.get(name):
            text = str(override[name])
        elif isinstance(pattern, lark.lexer.PatternStr):
            text = _quote(pattern.value)
        else:
            text = "/" + re.sub(r"(?<!\\)/", r"\\/", pattern.value) + "/"
        out.append(_Literal(types[name], terminal, text))
    return tuple(out)


def _domain_literals(domain: Domain) -> tuple[_Literal, ...]:
    """The domain's literal forms for decoders (its literal rules, narrowed by `decoding_literals`)."""
    literal_rules = tuple((name, typ) for name, (typ, _) in domain.literal_rules.items())
    return _literal_forms(domain.grammar_text(), literal_rules, tuple(domain.decoding_literals.items()))


def _start(root: str, fence: bool) -> str:
    """The start rule: the root program, inside the ``` fence (optional language tag) when asked for."""
    return f'start: "```" {FENCE_LANGUAGE}? "\\n" {root} "\\n```"' if fence else f"start: {root}"


def _quote(text: str) -> str:
    """A Lark string literal for `text`."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _instances(prim: Primitive, types: list[Type]) -> list[tuple[tuple[Type, ...], Type]]:
    """Every monomorphic signature of a primitive, its type variables ranging over `types`."""
    variables = sorted({t for t in (*prim.arg_types, prim.ret_type) if t in TYPE_VARIABLES})
    if not variables:
        return [(prim.arg_types, prim.ret_type)]
    out = []
    for choice in itertools.product(types, repeat=len(variables)):
        bind = dict(zip(variables, choice))
        out.append((tuple(bind.get(t, t) for t in prim.arg_types), bind.get(prim.ret_type, prim.ret_type)))
    return out


def decoding_grammar(domain: Domain, signature: Signature, *, fence: bool = True, holes: bool = False) -> str:
    """Lark text of the well-typed programs for `signature` in `domain` (see the module docstring).

    `holes` adds `?` (a constant z3 fills in) as a leaf of every type.  Raises ConfigError when the
    result type has no program at all (e.g. a type no primitive, literal or variable produces).
    """
    literals = _domain_literals(domain)
    types = sorted({*domain.types, *(t for _, t in signature.params), signature.returns} - TYPE_VARIABLES)
    leaves: dict[Type, list[str]] = {t: [] for t in types}
    for name, typ in signature.params:
        leaves[typ].append(_quote(name))
    for name, (typ, _) in sorted(domain.symbol_constants.items()):
        if typ in leaves and name not in dict(signature.params):
            leaves[typ].append(_quote(name))
    for lit in literals:
        if lit.type in leaves:
            leaves[lit.type].append(lit.terminal)
    if holes:
        for typ in types:
            leaves[typ].append('"?"')
    apps: list[tuple[Primitive, tuple[Type, ...], Type]] = [
        (p, args, ret) for p in domain.primitives for args, ret in _instances(p, types)
        if ret in leaves and all(a in leaves for a in args)]
    producible = {t for t, ls in leaves.items() if ls}
    changed = True
    while changed:  # a type is producible once some production of it has only producible arguments
        changed = False
        for _, args, ret in apps:
            if ret not in producible and all(a in producible for a in args):
                producible.add(ret)
                changed = True
    if signature.returns not in producible:
        raise ConfigError(f"domain {domain.name!r} has no program of type {signature.returns}")
    apps = [(p, args, ret) for p, args, ret in apps if ret in producible and all(a in producible for a in args)]
    reachable = {signature.returns}
    changed = True
    while changed:
        changed = False
        for _, args, ret in apps:
            if ret in reachable and not reachable.issuperset(args):
                reachable.update(args)
                changed = True
    rule = {t: f"t{k}" for k, t in enumerate(t for t in types if t in reachable)}
    lines = [_start(rule[signature.returns], fence)]
    for typ, name in rule.items():
        alternatives = list(leaves[typ])
        for prim, args, ret in apps:
            if ret != typ:
                continue
            head = _quote(f"({prim.name}" + (" " if args else ""))
            body = ' " " '.join(rule[a] for a in args)
            if prim.variadic and args and len(set(args)) == 1:
                body += f' (" " {rule[args[0]]})*'
            alternatives.append(f'{head} {body} ")"' if args else f'{head} ")"')
        lines.append(f"{name}: " + "\n    | ".join(alternatives))
    terminals = sorted({(lit.terminal, lit.pattern) for lit in literals if lit.type in rule})
    lines.extend(f"{terminal}: {pattern}" for terminal, pattern in terminals)
    if fence:
        lines.append(f"{FENCE_LANGUAGE}: {FENCE_LANGUAGE_PATTERN}")
    return "\n".join(lines) + "\n"


def task_grammar_decoding(domain: Domain, grammar: "SearchGrammar", *, fence: bool = True,
                          holes: bool = False) -> str:
    """Lark text of the programs a task's own grammar derives (a SyGuS `synth-fun` grammar), for decoders.

    One rule per nonterminal, one alternative per production: a reply decoded under it lies in the task's
    grammar by construction, so no translation is lost to "outside the task's grammar".
    """
    literals = _domain_literals(domain)
    rule = {nt: f"g{k}" for k, (nt, _) in enumerate(grammar.nonterminals)}
    types = dict(grammar.nonterminals)
    used: set[tuple[str, str]] = set()
    lines = [_start(rule[grammar.start], fence)]
    for nt, name in rule.items():
        alternatives: list[str] = []
        for prod in grammar.productions_of(nt):
            if prod.leaf is not None:
                alternatives.append(_quote(domain.show(prod.leaf)))
            elif prod.op is None:
                alternatives.append(rule[prod.args[0]])
            else:
                body = ' " " '.join(rule[a] for a in prod.args)
                alternatives.append(f'{_quote("(" + prod.op + " ")} {body} ")"' if prod.args
                                    else _quote(f"({prod.op})"))
        if types[nt] in grammar.any_constant:
            for lit in literals:
                if lit.type == types[nt]:
                    alternatives.append(lit.terminal)
                    used.add((lit.terminal, lit.pattern))
        if holes:
            alternatives.append('"?"')
        lines.append(f"{name}: " + "\n    | ".join(dict.fromkeys(alternatives) or ['"?"']))
    lines.extend(f"{terminal}: {pattern}" for terminal, pattern in sorted(used))
    if fence:
        lines.append(f"{FENCE_LANGUAGE}: {FENCE_LANGUAGE_PATTERN}")
    return "\n".join(lines) + "\n"


HYPOTHESIS_CHARS = r'/"[^"\\\n]{8,100}([^"\\\n]{1,100})?([^"\\\n]{1,100})?"/'
"""One rule in words: a JSON string of 8 to 300 characters with no quote, backslash or line break inside."""


def hypotheses_grammar(count: int) -> str:
    """Lark text of a JSON list of 1 to `count` rules in words (the hypotheses prompt's answer shape).

    Bounded in length and count, so a small model cannot run on repeating itself to the token limit.
    """
    if count < 1:
        raise ConfigError(f"a hypotheses grammar needs a count of at least 1, got {count}")
    more = f' ("," " " HYPOTHESIS)~0..{count - 1}' if count > 1 else ""
    return f'start: "[" HYPOTHESIS{more} "]"\nHYPOTHESIS: {HYPOTHESIS_CHARS}\n'


__all__ = ["decoding_grammar", "hypotheses_grammar", "task_grammar_decoding"]

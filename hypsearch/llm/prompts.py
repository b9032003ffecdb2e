"""Prompts for the LLM loop, built from the domain itself: its grammar, primitives, worked examples, values.

Nothing here is written per domain.  Values are shown through an optional Domain hook
`prompt_value(value, type) -> str`; the generic default prints grids (values with `to_lists`, or
type "Grid") as rows of digits and everything else with the type's `ValueType.show` (strings quoted
and escaped in the domain's own literal syntax, lists as literals).
"""

from __future__ import annotations

import re
from typing import Any, Sequence

from hypsearch.core.domain import Domain
from hypsearch.core.program import Type
from hypsearch.core.task import Task

Message = dict[str, str]

SYSTEM = (
    "You are an expert at inductive reasoning. You look at input-output examples and state, in plain "
    "English, the general rule that maps every input to its output; asked to, you translate such a rule into "
    "one program of a small domain-specific language (DSL), using only its primitives and syntax.")
"""One system message for both requests: the model's server can then reuse the shared start of the prompts
(system, domain, examples) from its cache instead of reading it again for every translation."""
HYPOTHESES_SYSTEM = SYSTEM
TRANSLATE_SYSTEM = (
    "Translate the rule below into one program of the DSL. Use only the DSL's primitives and syntax, and "
    "reply with the program alone in a ``` block.")
"""Opens the translation part of a translation request (after the shared task description)."""
MAX_EXAMPLES_SHOWN = 10
PROMPT_PRIMITIVES = 30
"""Primitives a translation prompt lists when the domain has more: those whose names and meanings share the
most words with the rule (a small model reads 60-70 prompt tokens/s on one core, and the full reference of a
140-primitive DSL is 5k tokens).  The decoding grammar still admits every primitive."""
_STOP = frozenset("the and for with that this into then each every from are its their which when where than "
                  "same one two all any output input grid list value values rule".split())


def render_value(domain: Domain, value: Any, typ: Type) -> str:
    """One value as the model should see it (the domain's `prompt_value` hook when it has one)."""
    hook = getattr(domain, "prompt_value", None)
    if callable(hook):
        return str(hook(value, typ))
    rows = _grid_rows(value, typ)
    if rows is not None:
        sep = "" if all(0 <= v <= 9 for row in rows for v in row) else " "
        return "\n".join(sep.join(str(v) for v in row) for row in rows)
    vt = domain.types.get(typ)
    if vt is not None:
        try:
            return vt.show(value)
        except (TypeError, ValueError, AttributeError, KeyError):
            pass
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(render_value(domain, v, "") for v in value) + "]"
    return repr(value)


def _grid_rows(value: Any, typ: Type) -> list[list[int]] | None:
    """The rows of a 2-D integer grid value, or None when `value` is not one."""
    to_lists = getattr(value, "to_lists", None)
    if callable(to_lists):
        value = to_lists()
    elif typ != "Grid":
        return None
    if not isinstance(value, (list, tuple)) or not value:
        return None
    if not all(isinstance(r, (list, tuple)) and all(isinstance(v, int) for v in r) for r in value):
        return None
    return [[int(v) for v in r] for r in value]


def _field(name: str, text: str) -> str:
    """`name = value` on one line, or the value indented below `name =` when it spans lines."""
    if "\n" in text:
        return f"  {name} =\n" + "\n".join("    " + line for line in text.splitlines())
    return f"  {name} = {text}"


def signature_text(task: Task) -> str:
    """`f(x: String, n: Int) -> String`."""
    sig = task.signature
    params = ", ".join(f"{n}: {t}" for n, t in sig.params)
    return f"{sig.name}({params}) -> {sig.returns}"


def render_inputs(domain: Domain, task: Task, inputs: Sequence[Any]) -> list[str]:
    """One `name = value` field per parameter."""
    return [_field(name, render_value(domain, v, typ)) for (name, typ), v in zip(task.signature.params, inputs)]


def render_examples(domain: Domain, task: Task, limit: int = MAX_EXAMPLES_SHOWN) -> str:
    """The task's examples, numbered, with inputs and expected outputs."""
    blocks = []
    for k, ex in enumerate(task.examples[:limit], 1):
        lines = [f"Example {k}:", *render_inputs(domain, task, ex.inputs),
                 _field("output", render_value(domain, ex.output, task.signature.returns))]
        blocks.append("\n".join(lines))
    if len(task.examples) > limit:
        blocks.append(f"({len(task.examples) - limit} more examples not shown)")
    return "\n\n".join(blocks)


def describe_task(domain: Domain, task: Task) -> str:
    """The problem statement shared by both prompts: domain, signature and examples."""
    return (f"Domain: {domain.description}\n"
            f"Find the function {signature_text(task)} that explains these examples.\n\n"
            f"{render_examples(domain, task)}")


def hypotheses_messages(domain: Domain, task: Task, feedback: str = "", count: int = 1) -> list[Message]:
    """Ask for `count` rules in words; with `feedback` (earlier rules and how they failed) ask for better ones."""
    if count > 1:
        ask = (f"State {count} different candidate rules, each of which would map every input to its output, "
               "each in one or two precise English sentences that name positions, separators and cases. "
               'Answer with a JSON list of strings, e.g. ["The output is ...", "The output is ..."].')
    else:
        ask = ("State the rule that maps each input to its output in one or two precise English sentences. "
               'Answer with a JSON list of strings, e.g. ["The output is ..."].')
    parts = [describe_task(domain, task)]
    if feedback:
        parts.append("Earlier hypotheses were tested and failed:\n\n" + feedback)
        parts.append(f"Propose {'new, different rules that' if count > 1 else 'a new, different rule that'} also "
                     "explain the examples the earlier ones got wrong. " + ask)
    else:
        parts.append(ask)
    return [{"role": "system", "content": HYPOTHESES_SYSTEM}, {"role": "user", "content": "\n\n".join(parts)}]


def grammar_allows_holes(domain: Domain) -> bool:
    """True when the domain's grammar has a `hole` rule (`?` placeholders z3 fills in)."""
    return "-> hole" in domain.grammar_text() or "\nhole:" in domain.grammar_text()


def worked_examples(domain: Domain) -> str:
    """The domain's WorkedExamples as rule → program pairs."""
    blocks = []
    for ex in domain.examples:
        names = ", ".join(f"{n}: {t}" for n, t in ex.variables)
        head = f"Variables: {names}\n" if names else ""
        blocks.append(f"{head}Rule: {ex.hypothesis}\nProgram:\n```\n{ex.program}\n```")
    return "\n\n".join(blocks)


def _words(text: str) -> set[str]:
    """Content words of a text, lower-cased and crudely stemmed (`rotated`, `rotates` -> `rotat`)."""
    out = set()
    for w in re.findall(r"[a-z]+", text.lower().replace("_", " ")):
        if len(w) < 3 or w in _STOP:
            continue
        for suffix in ("ing", "ed", "es", "s"):
            if w.endswith(suffix) and len(w) - len(suffix) >= 3:
                w = w[: -len(suffix)]
                break
        out.add(w)
    return out


def relevant_primitives(domain: Domain, rule: str, most: int = PROMPT_PRIMITIVES) -> list[Any]:
    """The primitives whose name and meaning share most words with `rule` (name words count double), then
    those of the worked examples, in the domain's order; all of them when there are at most `most`."""
    if len(domain.primitives) <= most:
        return list(domain.primitives)
    wanted = _words(rule)
    in_examples = " ".join(ex.program for ex in domain.examples)

    def score(p: Any) -> int:
        return 2 * len(_words(p.name) & wanted) + len(_words(p.doc) & wanted) + (f"({p.name} " in in_examples)

    ranked = sorted(range(len(domain.primitives)), key=lambda i: (-score(domain.primitives[i]), i))
    keep = sorted(ranked[:most])
    return [domain.primitives[i] for i in keep]


def describe(primitives: Sequence[Any]) -> str:
    """One line per primitive, `name : T1 T2 -> R  -- doc` (as `Domain.describe_primitives`)."""
    return "\n".join(f"{p.name} : {' '.join(p.arg_types)} -> {p.ret_type}  -- {p.doc}" for p in primitives)


def primitives_section(domain: Domain, rule: str) -> str:
    """The primitive reference of one translation: every primitive, or the ones that match the rule."""
    chosen = relevant_primitives(domain, rule)
    head = "Its primitives (name : argument types -> result type  -- meaning)"
    if len(chosen) < len(domain.primitives):
        head = (f"The {len(chosen)} of its {len(domain.primitives)} primitives that best match the rule "
                "(name : argument types -> result type  -- meaning)")
    return head + ":\n" + describe(chosen)


def translation_system(domain: Domain) -> str:
    """The part of the DSL reference every translation of a domain shares: grammar, conventions, worked examples
    (the primitives follow the rule: see `primitives_section`)."""
    parts = [TRANSLATE_SYSTEM,
             f"The DSL ({domain.name}): {domain.description}",
             "Its grammar (Lark syntax):\n```\n" + _grammar_without_comments(domain) + "\n```"]
    if grammar_allows_holes(domain):
        parts.append("Where you are unsure of a constant, you may write a hole `?` in its place; "
                     "a solver will fill it in from the examples.")
    if domain.examples:
        parts.append("Worked examples:\n\n" + worked_examples(domain))
    return "\n\n".join(parts)


def _grammar_without_comments(domain: Domain) -> str:
    """The domain's lark grammar without its `//` comment lines (house-style notes cost prompt tokens)."""
    lines = [ln for ln in domain.grammar_text().strip().splitlines() if not ln.lstrip().startswith("//")]
    return "\n".join(lines).strip()


def translation_messages(domain: Domain, task: Task, hypothesis: str) -> list[Message]:
    """Ask for the program that implements `hypothesis` for this task's signature.

    Laid out as shared prefix first (system, task, grammar, worked examples, every primitive of a small DSL),
    then the rule (and, for a large DSL, the primitives that match it): consecutive translations of one task
    differ only from the rule on, so a serving engine's prompt cache covers the rest.
    """
    variables = ", ".join(f"{n}: {t}" for n, t in task.signature.params)
    section = primitives_section(domain, hypothesis)
    every = len(domain.primitives) <= PROMPT_PRIMITIVES  # the same list for every rule: part of the shared start
    user = (f"{describe_task(domain, task)}\n\n{translation_system(domain)}\n\n"
            + (f"{section}\n\n" if every else "")
            + f"Variables: {variables}\nResult type: {task.signature.returns}\nRule: {hypothesis}\n\n"
            + ("" if every else f"{section}\n\n")
            + "Write the program implementing this rule over these variables. Reply with the program only.")
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


def is_translation(messages: Sequence[Message]) -> bool:
    """True for a translation request (or its repair), False for a request for rules in words."""
    return any(m.get("role") == "user" and TRANSLATE_SYSTEM in str(m.get("content", "")) for m in messages[:2])


def repair_messages(messages: Sequence[Message], reply: str, problem: str) -> list[Message]:
    """Continue a translation conversation: the bad reply, then what is wrong with it."""
    return [*messages, {"role": "assistant", "content": reply or "(empty reply)"},
            {"role": "user", "content": "That program is not valid:\n\n" + problem
             + "\n\nReply with the corrected program only."}]

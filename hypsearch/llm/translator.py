"""Natural language → DSL: compile one hypothesis into a program with the model, repairing parse/type errors.

The model's output is never trusted or executed: it is re-parsed with the domain's own lark parser
(`domain.parse`) and type-checked against the task's signature.  A parse or type error goes back to
the model as named, located feedback (caret, "did you mean") for up to K repairs.  Where the endpoint
supports it, decoding is constrained by the domain's grammar (Lark for openai/vllm, GBNF for llama.cpp).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from hypsearch.core.domain import Domain
from hypsearch.core.errors import ConfigError, InputSyntaxError, ProgramError
from hypsearch.llm.feedback import program_error_feedback
from hypsearch.core.program import Term
from hypsearch.llm.prompts import repair_messages, translation_messages
from hypsearch.core.task import Task

if TYPE_CHECKING:
    from hypsearch.llm.client import Budget, GrammarSpec, LLMClient, UsageMeter
    from hypsearch.llm.config import EndpointConfig


TRANSLATION_MAX_TOKENS = 256
"""A program is short: a translation reply longer than this is a model that lost its way."""


@dataclass(frozen=True)
class Attempt:
    """One model reply during a translation: the program text found in it and what was wrong (or '')."""

    reply: str
    program: str
    error: str = ""


@dataclass(frozen=True)
class Translation:
    """The result of translating one hypothesis.

    `outcome` is "first_try" or "repaired" (a program was obtained), "failed" (no valid program after
    the repairs) or "call_failed" (the endpoint gave no reply).
    """

    hypothesis: str
    program: Term | None
    text: str
    attempts: tuple[Attempt, ...]
    outcome: str
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.program is not None


@dataclass
class TranslationCounts:
    """How translations went: total, parsed on the first try, parsed after repair, failed."""

    translations: int = 0
    parsed_first_try: int = 0
    parsed_after_repair: int = 0
    failed: int = 0
    repair_requests: int = 0

    def record(self, t: Translation, repairs_used: int) -> None:
        self.translations += 1
        self.repair_requests += repairs_used
        if t.outcome == "first_try":
            self.parsed_first_try += 1
        elif t.outcome == "repaired":
            self.parsed_after_repair += 1
        else:
            self.failed += 1

    @property
    def parse_successes(self) -> int:
        """Translations that ended with a valid program (first try or after repair)."""
        return self.parsed_first_try + self.parsed_after_repair

    def as_dict(self) -> dict[str, int]:
        return {**asdict(self), "parse_successes": self.parse_successes}


def compile_program(domain: Domain, task: Task, text: str) -> Term:
    """Parse and type-check `text` as a program for `task`; raises InputSyntaxError or ProgramError."""
    if not text.strip():
        raise ProgramError("the reply holds no program", "reply with one program of the DSL")
    program = domain.parse(text, dict(task.signature.params), source="<program>")
    if program.type != task.signature.returns:
        raise ProgramError(f"the program has type {program.type}, but the result must be {task.signature.returns}")
    return program


def grammar_for(config: "EndpointConfig", domain: Domain, task: Task, mode: str = "auto", *,
                holes: bool = False) -> "GrammarSpec | None":
    """The grammar constraint to send to this endpoint for `task`, or None.

    The grammar is the task's typed decoding grammar (`hypsearch.llm.decoding`): only well-typed programs
    over the task's variables, in the ``` fence the prompt asks for (no fence inside an OpenAI grammar
    tool, whose input is the program itself).  'off': never.  'on': for every backend that can take one
    (not 'generic').  'auto': vllm and llamacpp, and openai for the gpt-5 family (custom tools with a Lark
    grammar; older models reject them).  `holes` admits `?` constants (the hybrid proposer fills them).
    """
    from hypsearch.llm.client import GrammarSpec
    from hypsearch.llm.decoding import decoding_grammar, task_grammar_decoding
    from hypsearch.llm.gbnf import lark_to_gbnf

    if mode == "off" or config.backend == "generic":
        return None
    if config.backend == "openai" and mode == "auto" and not config.model.split("/")[-1].startswith("gpt-5"):
        return None
    try:
        fence = config.backend != "openai"
        if task.grammar is not None:  # the task bounds its programs (SyGuS): decode inside that grammar
            text = task_grammar_decoding(domain, task.grammar, fence=fence, holes=holes)
        else:
            text = decoding_grammar(domain, task.signature, fence=fence, holes=holes)
        if config.backend == "llamacpp":
            lark_to_gbnf(text)  # refused here rather than by the server
    except ConfigError:
        if mode == "on":
            raise
        return None
    return GrammarSpec(text)


@dataclass
class Translator:
    """Compiles hypotheses of one task into programs with one LLM endpoint."""

    client: "LLMClient"
    domain: Domain
    task: Task
    repairs: int = 2
    grammar: "GrammarSpec | None" = None
    meter: "UsageMeter | None" = None
    budget: "Budget | None" = None
    counts: TranslationCounts = field(default_factory=TranslationCounts)

    def _max_tokens(self) -> int | None:
        """The reply cap of a translation: short, unless the config says shorter or the model reasons first."""
        cfg = self.client.config
        if cfg.reject_temperature:  # reasoning models spend tokens before the program: the config's cap
            return None
        return min(TRANSLATION_MAX_TOKENS, cfg.max_tokens or TRANSLATION_MAX_TOKENS)

    def translate(self, hypothesis: str) -> Translation:
        """Ask for the program of `hypothesis`; repair parse/type errors up to `repairs` times.

        Raises BudgetExhausted and ConfigError (they end the task); a failed call gives outcome "call_failed".
        """
        from hypsearch.llm.client import LLMCallFailed
        from hypsearch.llm.replies import extract_program

        messages: list[dict[str, Any]] = translation_messages(self.domain, self.task, hypothesis)
        attempts: list[Attempt] = []
        result: Translation | None = None
        used = 0
        for k in range(self.repairs + 1):
            used = k
            try:
                replies = self.client.complete(messages, n=1, grammar=self.grammar, meter=self.meter,
                                               budget=self.budget, max_tokens=self._max_tokens())
            except LLMCallFailed as exc:
                result = Translation(hypothesis, None, attempts[-1].program if attempts else "", tuple(attempts),
                                     "call_failed", str(exc))
                break
            reply = replies[0].text if replies else ""
            text = extract_program(reply)
            try:
                program = compile_program(self.domain, self.task, text)
            except (InputSyntaxError, ProgramError) as exc:
                problem = program_error_feedback(text, exc) if text.strip() else "the reply was empty or held no program"
                attempts.append(Attempt(reply, text, problem))
                messages = repair_messages(messages, reply, problem)  # the conversation keeps every attempt
                continue
            attempts.append(Attempt(reply, text))
            result = Translation(hypothesis, program, text, tuple(attempts), "first_try" if k == 0 else "repaired")
            break
        if result is None:
            last = attempts[-1] if attempts else Attempt("", "", "no reply")
            result = Translation(hypothesis, None, last.program, tuple(attempts), "failed", last.error)
        self.counts.record(result, used)
        return result

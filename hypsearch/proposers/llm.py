"""The LLM proposer: hypotheses in words → programs → fit → feedback → better hypotheses (T rounds).

After Qiu et al. 2023 ("Phenomenal Yet Puzzling") and Wang et al. 2023 ("Hypothesis Search"): each
round asks the model for N distinct rules in natural language, the translator compiles each into
the DSL (re-parsed by the domain's own parser, repaired from located errors), and the engine checks
them.  The next round's request carries the failures: each rule, its program, failing examples with
input, expected output and what the program produced.  Model output is only ever parsed, never run
as Python.  Usage, cost and translation counts go to `ctx.stats["llm"]`; transcripts to
`settings.transcript_dir`.
"""

from __future__ import annotations

import math
import time
import weakref
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Iterator

from hypsearch.core.candidate import Candidate, Provenance
from hypsearch.check.checker import Proposal
from hypsearch.core.errors import BudgetExhausted
from hypsearch.llm.feedback import candidate_feedback, round_feedback
from hypsearch.core.program import Term
from hypsearch.llm.prompts import hypotheses_messages, signature_text
from hypsearch.proposers import ProposerContext
from hypsearch.core.settings import Settings
from hypsearch.llm.translator import TranslationCounts, Translator, grammar_for

if TYPE_CHECKING:
    from hypsearch.llm.client import Budget, GrammarSpec, LLMClient, UsageMeter
    from hypsearch.llm.transcript import TranscriptWriter


@dataclass
class _TaskState:
    """Everything the proposer keeps for one solve() of one task."""

    stats: dict[str, Any]
    meter: "UsageMeter"
    budget: "Budget"
    translator: Translator
    deadline_bound: bool
    transcript: "TranscriptWriter | None" = None
    hypotheses: int = 0
    requests: int = 0
    successful_requests: int = 0
    unusable_replies: int = 0
    failed_requests: int = 0
    programs: list[Term] = field(default_factory=list)
    """Every program the translator produced this task (sketches with holes included)."""
    checked: list[Candidate] = field(default_factory=list)
    """Every verdict the engine reported for this proposer's proposals."""
    tried: set[str] = field(default_factory=set)
    """Hypotheses already translated (normalised), so a repeated rule is not translated again."""
    repeated: int = 0
    fault: str = ""
    """The last stated reason an endpoint call gave nothing usable (failed, refused, cut off, …)."""
    grammar_note_logged: bool = False


def merge_hypotheses(replies: list[str], limit: int) -> list[str]:
    """Distinct hypotheses from several sampled replies, taken round-robin so each sample contributes."""
    from hypsearch.llm.replies import parse_hypotheses

    parsed = [parse_hypotheses(text, limit) for text in replies]
    out: list[str] = []
    seen: set[str] = set()
    for depth in range(max((len(p) for p in parsed), default=0)):
        for hyps in parsed:
            if depth < len(hyps):
                key = " ".join(hyps[depth].casefold().split()).rstrip(".")
                if key not in seen:
                    seen.add(key)
                    out.append(hyps[depth])
                    if len(out) >= limit:
                        return out
    return out


class LLMProposer:
    """Proposes programs by asking a model for rules and translating them; refines with feedback."""

    name = "llm"

    def __init__(self, settings: Settings, client: "LLMClient") -> None:
        self.settings = settings
        self.client = client
        self._state: _TaskState | None = None
        self._finalizer = weakref.finalize(self, client.close)

    @property
    def rounds(self) -> int:
        return self.settings.rounds

    def close(self) -> None:
        """Release the client's connections and threads."""
        self._finalizer()

    # -- per-task state -----------------------------------------------------------------------------
    def state(self, ctx: ProposerContext) -> _TaskState:
        """The state of the task `ctx` belongs to (a new solve() starts a fresh one)."""
        from hypsearch.llm.client import Budget, UsageMeter

        st = self._state
        if st is not None and st.stats is ctx.stats:
            return st
        s = self.settings
        left = max(ctx.deadline - time.monotonic(), 0.0)
        limit = s.llm_max_seconds if s.llm_max_seconds is not None else math.inf
        meter = UsageMeter()
        budget = Budget(max_calls=s.llm_max_calls, max_tokens=s.llm_max_tokens, max_seconds=min(limit, left),
                        max_cost_usd=s.llm_max_cost)
        translator = Translator(self.client, ctx.domain, ctx.task, repairs=s.repairs,
                                grammar=grammar_for(self.client.config, ctx.domain, ctx.task, s.llm_grammar,
                                                    holes=s.proposer == "hybrid"),
                                meter=meter, budget=budget, counts=TranslationCounts())
        st = _TaskState(ctx.stats, meter, budget, translator, deadline_bound=left <= limit)
        if s.transcript_dir:
            from hypsearch.llm.transcript import TranscriptWriter

            st.transcript = TranscriptWriter(s.transcript_dir, ctx.task.id)
            cfg = self.client.config
            st.transcript.write("start", domain=ctx.task.domain, signature=signature_text(ctx.task),
                                model=cfg.model, base_url=cfg.base_url, backend=cfg.backend, rounds=s.rounds,
                                hypotheses=s.hypotheses, repairs=s.repairs,
                                grammar_constrained=st.translator.grammar is not None)
        self._state = st
        return st

    def _log(self, st: _TaskState, event: str, **fields: Any) -> None:
        """Write one transcript event (no-op without a transcript directory)."""
        if st.transcript is not None:
            st.transcript.write(event, **fields)

    def _publish(self, st: _TaskState) -> None:
        """Copy usage, cost and translation counts into the task's stats (they reach Result.stats).

        `grammar_constrained` is True only while every constrained reply matched its grammar; once one did not,
        the endpoint ignored the grammar and `grammar_note` (and the transcript) say so.
        """
        from hypsearch.llm.client import GRAMMAR_IGNORED

        usage = st.meter.stats()
        ignored = usage.unconstrained_replies > 0  # translations or hypotheses asked under a grammar
        st.stats["llm"] = {
            **asdict(usage),
            "hypothesis_requests": st.requests,
            "failed_requests": st.failed_requests,
            "unusable_replies": st.unusable_replies,
            "hypotheses": st.hypotheses,
            "repeated_hypotheses": st.repeated,
            "translations": st.translator.counts.as_dict(),
            "grammar_constrained": st.translator.grammar is not None and not ignored,
        }
        if ignored:
            st.stats["llm"]["grammar_note"] = GRAMMAR_IGNORED
            if not st.grammar_note_logged:
                st.grammar_note_logged = True
                self._log(st, "grammar_ignored", note=GRAMMAR_IGNORED, replies=usage.unconstrained_replies)
        if st.fault:
            st.stats["llm"]["last_fault"] = st.fault

    def _seconds_left(self, st: _TaskState, ctx: ProposerContext) -> float:
        """Seconds this task still has for LLM calls (the smaller of its deadline and its time budget)."""
        left = ctx.deadline - time.monotonic()
        budget_left = st.budget.remaining_seconds()
        return left if budget_left is None else min(left, budget_left)

    def _quiet_stop(self, st: _TaskState, ctx: ProposerContext) -> bool:
        """True when a BudgetExhausted only means the task's own time limit is up (the engine says so)."""
        b = st.budget
        spent_calls = b.max_calls is not None and b.calls >= b.max_calls
        spent_tokens = b.max_tokens is not None and b.tokens >= b.max_tokens
        return st.deadline_bound and not spent_calls and not spent_tokens and \
            time.monotonic() >= ctx.deadline - 1.0

    # -- the engine's hooks ---------------------------------------------------------------------------
    def observe(self, candidate: Candidate) -> None:
        """The engine reports each verdict: kept for the transcript and for the hybrid's fragments."""
        st = self._state
        if st is None or not candidate.provenance.proposer.startswith(self.name):
            return
        st.checked.append(candidate)
        if st.transcript is not None:
            task = st.translator.task
            st.transcript.write("check", round=candidate.provenance.round, hypothesis=candidate.provenance.hypothesis,
                                program=candidate.text, status=candidate.status.value, fit=candidate.fit,
                                feedback=candidate_feedback(st.translator.domain, task, candidate))

    def propose(self, ctx: ProposerContext) -> Iterator[Proposal]:
        """One round: ask for hypotheses (with last round's failures), translate each, yield the programs."""
        st = self.state(ctx)
        try:
            yield from self._round(st, ctx)
        except BudgetExhausted:
            self._publish(st)
            if self._quiet_stop(st, ctx):
                return
            raise
        finally:
            self._publish(st)

    def _hypotheses_request(self) -> tuple[int, int, "GrammarSpec | None"]:
        """How to ask for N hypotheses: (samples, rules per reply, grammar of the reply).

        Endpoints that sample `n` replies in one call get N samples of one rule each; the others (llama.cpp)
        one call asking for N different rules, since N calls would be served one after another.  vLLM and
        llama.cpp decode the reply under a bounded JSON-list grammar, unless grammars are switched off.
        """
        from hypsearch.llm.client import GrammarSpec
        from hypsearch.llm.decoding import hypotheses_grammar

        s, cfg = self.settings, self.client.config
        samples, per_reply = (s.hypotheses, 1) if cfg.supports_n else (1, s.hypotheses)
        grammar = None
        if s.llm_grammar != "off" and cfg.backend in ("vllm", "llamacpp"):
            grammar = GrammarSpec(hypotheses_grammar(per_reply), tool_name="emit_hypotheses",
                                  description="A JSON list of rules in words.")
        return samples, per_reply, grammar

    def _round(self, st: _TaskState, ctx: ProposerContext) -> Iterator[Proposal]:
        from hypsearch.llm.client import LLMCallFailed, UnusableReply

        s, domain, task = self.settings, ctx.domain, ctx.task
        failures = [c for c in ctx.feedback if c.provenance.proposer.startswith(self.name)]
        feedback = round_feedback(domain, task, failures, max_items=s.hypotheses) if ctx.round > 0 else ""
        samples, per_reply, grammar = self._hypotheses_request()
        messages = hypotheses_messages(domain, task, feedback, count=per_reply)
        st.requests += 1
        # the endpoint's faults end the task with their reason (not "no proposal" or "time limit") when nothing
        # usable ever came back and no further round can try again
        last_chance = ctx.round >= self.rounds - 1 or self._seconds_left(st, ctx) < 1.0
        try:
            replies = self.client.complete(messages, n=samples, grammar=grammar, meter=st.meter, budget=st.budget)
        except UnusableReply as exc:  # answered, but refused / filtered / cut off before any text / no choices
            st.unusable_replies += 1
            st.fault = str(exc)
            self._log(st, "unusable_replies", round=ctx.round, error=str(exc))
            if st.hypotheses == 0 and (last_chance or self._seconds_left(st, ctx) < 1.0):
                raise
            return
        except LLMCallFailed as exc:
            st.failed_requests += 1
            st.fault = str(exc)
            self._log(st, "request_failed", round=ctx.round, error=str(exc))
            if st.hypotheses == 0 and (last_chance or self._seconds_left(st, ctx) < 1.0):
                raise  # the endpoint never answered usably: say so instead of "no proposal"
            return
        except BudgetExhausted as exc:
            cause = st.fault or getattr(exc, "last_error", "")
            if st.hypotheses == 0 and cause:  # the budget ran out on an endpoint that never answered usably
                self._log(st, "request_failed", round=ctx.round, error=f"{cause}; {exc}")
                raise LLMCallFailed(f"{cause}; {exc}", attempts=0) from None
            raise
        st.successful_requests += 1
        cut = sum(1 for r in replies if r.truncated)
        hypotheses = []
        for h in merge_hypotheses([r.text for r in replies], s.hypotheses):
            key = " ".join(h.casefold().split()).rstrip(".")
            if key in st.tried:
                st.repeated += 1
            else:
                st.tried.add(key)
                hypotheses.append(h)
        if not hypotheses:
            st.unusable_replies += 1
            self._log(st, "no_hypotheses", round=ctx.round, replies=len(replies), feedback=feedback,
                      texts=[r.text for r in replies], truncated=cut)
            if replies and cut == len(replies):
                limit = self.client.max_tokens_for()
                st.fault = f"every reply was cut off at max_tokens={limit} and held no hypothesis"
                if st.hypotheses == 0 and last_chance:
                    raise LLMCallFailed(f"LLM call to {self.client.config.base_url} (model "
                                        f"{self.client.config.model}) gave no usable reply: {st.fault}", attempts=1)
            return
        st.hypotheses += len(hypotheses)
        self._log(st, "hypotheses", round=ctx.round, replies=len(replies), feedback=feedback,
                  hypotheses=hypotheses, truncated=cut)
        for hypothesis in hypotheses:
            if time.monotonic() > ctx.deadline:
                return
            tr = st.translator.translate(hypothesis)
            self._log(st, "translation", round=ctx.round, hypothesis=hypothesis, outcome=tr.outcome,
                      program=domain.show(tr.program) if tr.program is not None else None,
                      attempts=[{"reply": a.reply, "program": a.program, "error": a.error} for a in tr.attempts])
            self._publish(st)
            provenance = Provenance(self.name, ctx.round, hypothesis)
            if tr.program is not None:
                st.programs.append(tr.program)
                yield Proposal(provenance, tr.program)
            elif tr.outcome == "failed":
                yield Proposal(provenance, None, tr.text)  # the checker records why; it feeds the next round


def make_client(settings: Settings) -> "LLMClient":
    """An LLMClient for the settings' endpoint (config file / environment) and completion cache."""
    from hypsearch.llm.cache import CompletionCache
    from hypsearch.llm.client import LLMClient
    from hypsearch.llm.config import load_config

    overrides = {}
    if settings.local_model:  # a local llama.cpp engine: its endpoint replaces the config's
        from hypsearch.llm.local_engine import endpoint_for

        overrides = endpoint_for(settings).overrides()
    config = load_config(settings.llm_config, **overrides)
    cache = None
    if settings.cache_path and settings.cache_mode != "off":
        cache = CompletionCache(settings.cache_path, settings.cache_mode)  # type: ignore[arg-type]
    return LLMClient(config, cache)


__all__ = ["LLMProposer", "make_client", "merge_hypotheses"]  # make_llm_proposer: hypsearch.proposers.factory

"""One exception tree for the whole engine, split by pipeline stage.

Each class says who should ever see it.  Errors carry structure (file, line, column,
expected tokens, caret context) so callers never need to match on message text.
"""

from __future__ import annotations

from dataclasses import dataclass


class HypsearchError(Exception):
    """Root of every error hypsearch raises on purpose."""


@dataclass(frozen=True)
class SourceLocation:
    """Where in a text something went wrong (1-based line and column)."""

    file: str
    line: int
    column: int
    context: str = ""  # the offending line with a caret under the column


class InputSyntaxError(HypsearchError):
    """A task file (SyGuS, ARC JSON, …) or a DSL program does not parse.

    Seen by users (CLI prints it without a traceback) and by the LLM repair loop
    (it becomes named feedback for the model).
    """

    def __init__(self, message: str, location: SourceLocation | None = None,
                 expected: tuple[str, ...] = ()) -> None:
        self.message = message
        self.location = location
        self.expected = tuple(sorted(set(expected)))
        super().__init__(self.render())

    def render(self) -> str:
        """Human-readable text: `file:line:col: message`, the caret context, what was expected."""
        if self.location is None:
            head = self.message
        else:
            loc = self.location
            head = f"{loc.file}:{loc.line}:{loc.column}: {self.message}"
        parts = [head]
        if self.location is not None and self.location.context:
            parts.append(self.location.context.rstrip("\n"))
        if self.expected:
            parts.append("expected one of: " + ", ".join(self.expected))
        return "\n".join(parts)


class InvalidTaskError(HypsearchError):
    """A task file parses but its content is unusable (ragged grid, bad example, …).

    Seen by users; names the task and the part at fault.
    """


class UnsupportedError(HypsearchError):
    """The input is well formed but asks for something this engine does not do.

    Seen by users: the CLI prints it and exits with status 3.
    """


class ProgramError(HypsearchError):
    """A DSL program is ill-formed: unknown primitive, wrong arity, type error.

    Seen by the translator's repair loop and by plug-in authors; `hint` holds a
    suggestion such as "did you mean `rot90`?".
    """

    def __init__(self, message: str, hint: str = "") -> None:
        self.message = message
        self.hint = hint
        super().__init__(message + (f"; {hint}" if hint else ""))


class EvaluationError(HypsearchError):
    """A program failed while running (a primitive raised, or a limit was hit).

    Seen by the checker only: it turns it into a `runtime error` candidate status.
    """


class LimitExceeded(EvaluationError):
    """The interpreter hit its step, size or time limit."""


class PluginError(HypsearchError):
    """A domain plug-in is broken; the message names the plug-in and the rule at fault.

    Seen by plug-in authors (`hypsearch domain check`) and by users loading one.
    """

    def __init__(self, plugin: str, message: str, rule: str = "") -> None:
        self.plugin = plugin
        self.rule = rule
        where = f"{plugin}" + (f" (rule `{rule}`)" if rule else "")
        super().__init__(f"domain {where}: {message}")


class ConfigError(HypsearchError):
    """Settings or endpoint configuration are invalid. Seen by users."""


class BudgetExhausted(HypsearchError):
    """A per-task budget (calls, tokens, seconds) ran out; ends the task with that reason."""


class OracleError(HypsearchError):
    """An oracle could not answer a query (crashed, refused, printed no usable value). Seen by users as the
    query's stated reason; the search goes on without that answer."""


def caret_context(text: str, line: int, column: int, span: int = 60) -> str:
    """Return the 1-based `line` of `text` with a caret under `column` (long lines are windowed)."""
    lines = text.splitlines() or [""]
    src = lines[min(max(line, 1), len(lines)) - 1]
    col = max(column, 1) - 1
    start = max(0, col - span)
    snippet = src[start:col + span]
    return f"{snippet}\n{' ' * (col - start)}^"

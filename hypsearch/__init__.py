"""hypsearch: neuro-symbolic hypothesis search.

Propose hypotheses (by enumeration or with an LLM), compile them into a domain's DSL,
check them with an interpreter and z3, refine with feedback.  The public API is small;
its names resolve on first use (PEP 562), so `import hypsearch.core.task` or the CLI pay
only for what they touch.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_HOMES = {
    "hypsearch.core.candidate": ("Candidate", "CandidateStatus", "Provenance"),
    "hypsearch.core.domain": ("Domain", "Limits", "Primitive", "ValueType", "WorkedExample"),
    "hypsearch.engine": ("solve",),
    "hypsearch.core.errors": ("ConfigError", "EvaluationError", "HypsearchError", "InputSyntaxError",
                              "InvalidTaskError", "PluginError", "ProgramError", "UnsupportedError"),
    "hypsearch.core.program": ("App", "Const", "Hole", "Term", "Var"),
    "hypsearch.core.registry": ("available_domains", "get_domain", "register_domain", "register_domain_file"),
    "hypsearch.core.result": ("Result", "Status"),
    "hypsearch.core.settings": ("Settings",),
    "hypsearch.core.task": ("Example", "LabelledTask", "Query", "Signature", "Task"),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}

__all__ = [
    "solve", "Settings", "Task", "Example", "Query", "LabelledTask", "Signature", "Result", "Status",
    "Candidate", "CandidateStatus", "Provenance",
    "Domain", "Primitive", "ValueType", "WorkedExample", "Limits",
    "register_domain", "register_domain_file", "get_domain", "available_domains",
    "Term", "Var", "Const", "App", "Hole",
    "HypsearchError", "InputSyntaxError", "InvalidTaskError", "ProgramError", "EvaluationError",
    "UnsupportedError", "PluginError", "ConfigError",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    module = _HOME_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'hypsearch' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:
    from hypsearch.core.candidate import Candidate, CandidateStatus, Provenance
    from hypsearch.core.domain import Domain, Limits, Primitive, ValueType, WorkedExample
    from hypsearch.core.errors import (
        ConfigError, EvaluationError, HypsearchError, InputSyntaxError, InvalidTaskError, PluginError, ProgramError,
        UnsupportedError,
    )
    from hypsearch.core.program import App, Const, Hole, Term, Var
    from hypsearch.core.registry import available_domains, get_domain, register_domain, register_domain_file
    from hypsearch.core.result import Result, Status
    from hypsearch.core.settings import Settings
    from hypsearch.core.task import Example, LabelledTask, Query, Signature, Task
    from hypsearch.engine import solve

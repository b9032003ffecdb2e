"""hypsearch: neuro-symbolic hypothesis search.

Propose hypotheses (by enumeration or with an LLM), compile them into a domain's DSL,
check them with an interpreter and z3, refine with feedback.  The public API is small:
"""

from hypsearch.core.candidate import Candidate, CandidateStatus, Provenance
from hypsearch.core.domain import Domain, Limits, Primitive, ValueType, WorkedExample
from hypsearch.engine import solve
from hypsearch.core.errors import (
    ConfigError,
    EvaluationError,
    HypsearchError,
    InputSyntaxError,
    InvalidTaskError,
    PluginError,
    ProgramError,
    UnsupportedError,
)
from hypsearch.core.program import App, Const, Hole, Term, Var
from hypsearch.core.registry import available_domains, get_domain, register_domain, register_domain_file
from hypsearch.core.result import Result, Status
from hypsearch.core.settings import Settings
from hypsearch.core.task import Example, Signature, Task

__all__ = [
    "solve", "Settings", "Task", "Example", "Signature", "Result", "Status",
    "Candidate", "CandidateStatus", "Provenance",
    "Domain", "Primitive", "ValueType", "WorkedExample", "Limits",
    "register_domain", "register_domain_file", "get_domain", "available_domains",
    "Term", "Var", "Const", "App", "Hole",
    "HypsearchError", "InputSyntaxError", "InvalidTaskError", "ProgramError", "EvaluationError",
    "UnsupportedError", "PluginError", "ConfigError",
]
__version__ = "0.1.0"

"""SyGuS problems as hypsearch Tasks, and answers back as verified `define-fun` text.

The synth-fun grammar becomes the task's SearchGrammar, so the search never leaves it;
the domain is whichever registered domain has every sort and operator the problem uses.
"""

from __future__ import annotations

from pathlib import Path

from hypsearch.core.errors import InvalidTaskError, UnsupportedError
from hypsearch.core.formats import TaskFormat
from hypsearch.core.result import Result, Status
from hypsearch.core.task import Example, LabelledTask, Signature, Task
from hypsearch.solvers.sygus.parse import parse_sygus_file
from hypsearch.solvers.sygus.problem import SygusProblem, format_define_fun, pbe_examples
from hypsearch.solvers.sygus.grammar import SygusMeta, choose_domain, search_grammar  # noqa: F401  (re-exported)


def problem_to_task(problem: SygusProblem) -> Task:
    """A PBE SyGuS problem as a Task; UnsupportedError for specs that are not examples."""
    if len(problem.synth_funs) != 1:
        from hypsearch.solvers.sygus.logical import multi_function_task  # constraints over several functions

        return multi_function_task(problem)
    fun = problem.synth_funs[0]
    examples = pbe_examples(problem)
    if examples is None:
        from hypsearch.solvers.sygus.logical import logical_task  # formulas and invariants: CEGIS

        return logical_task(problem)
    spec = None
    try:
        domain = choose_domain(problem)
    except UnsupportedError:
        from hypsearch.solvers.sygus.logical import (  # grammar calls define-funs: macros, spec, CEGIS
            domain_with_macros, logic_domain, pbe_spec, register_conditional_macros)

        if not problem.define_funs:
            raise
        domain = domain_with_macros(logic_domain(problem), problem.define_funs)
        spec = pbe_spec(domain, Signature(fun.params, fun.sort, fun.name),
                        tuple(Example(tuple(a.value for a in ins), out.value) for ins, out in examples))
        register_conditional_macros(domain, problem.define_funs)
    grammar = search_grammar(domain, fun, fun.grammar) if fun.grammar is not None else None
    return Task(
        id=Path(problem.path).stem,
        domain=domain.name,
        signature=Signature(fun.params, fun.sort, fun.name),
        examples=tuple(Example(tuple(a.value for a in ins), out.value) for ins, out in examples),
        grammar=grammar,
        spec=spec,
        source=problem.path,
        metadata={"sygus": SygusMeta(fun)},
    )


def load(path: Path) -> list[LabelledTask]:
    """Read one `.sl` file as one task (SyGuS files carry no test answers).

    The reader checks arities and sorts; a z3 sort error or an evaluation error while the spec
    is translated (e.g. through a plug-in's primitive) still becomes a one-line InvalidTaskError."""
    problem = parse_sygus_file(path)
    import z3

    try:
        return [LabelledTask(problem_to_task(problem))]
    except z3.Z3Exception as exc:
        message = exc.value.decode(errors="replace") if isinstance(exc.value, bytes) else str(exc.value)
        raise InvalidTaskError(f"{path}: the specification does not translate to z3: {message}") from None
    except RecursionError:
        raise InvalidTaskError(f"{path}: the specification is nested too deeply to translate") from None


def render(task: Task, result: Result) -> str:
    """`(define-fun …)` for a solution, `infeasible`, or `fail` as SyGuS solvers print."""
    if result.status is Status.SOLVED and result.definitions:  # several functions, in declaration order
        texts = dict(result.definitions)
        return "\n".join(format_define_fun(m.fun.name, m.fun.params, m.fun.sort, texts[m.fun.name])
                         for m in task.metadata["sygus_funs"])
    if result.status is Status.SOLVED:
        return format_define_fun(task.signature.name, task.signature.params, task.signature.returns,
                                 result.program_text)
    if result.status is Status.INFEASIBLE:
        return "infeasible"
    if result.status is Status.UNSUPPORTED:
        return "unsupported"
    return "fail"


def exit_code(result: Result) -> int:
    return {Status.SOLVED: 0, Status.INFEASIBLE: 0, Status.UNSUPPORTED: 3}.get(result.status, 1)


FORMAT = TaskFormat(
    name="sygus",
    detect=lambda p: p.suffix == ".sl",
    load=load,
    render=render,
    exit_code=exit_code,
)

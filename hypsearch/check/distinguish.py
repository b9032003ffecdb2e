"""Distinguishing inputs by z3: an input, shaped like the task's own, on which two programs differ.

z3 proposes; the interpreter decides.  A model is accepted only when the interpreter's outputs of the two
programs really differ on it and its values have the examples' shape; otherwise it is blocked and z3 is
asked again, a few times at most.  Three-valued throughout: `unknown` is reported, never taken as `unsat`.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any, Sequence

import z3

from hypsearch.check.interpreter import evaluate
from hypsearch.check.shape import ValueShape, admits
from hypsearch.check.smt import encode, fresh, to_z3
from hypsearch.core.domain import Domain
from hypsearch.core.errors import EvaluationError, UnsupportedError
from hypsearch.core.program import Term
from hypsearch.core.task import Signature

TRIES = 4
"""Example inputs used as templates per pair before giving up (each model is re-checked by the interpreter)."""


@dataclass(frozen=True)
class SmtSplit:
    """z3's answer to "where do these two differ?": 'found' (with inputs), 'same' (none under the shape) or 'unknown'."""

    result: str
    inputs: tuple[Any, ...] = ()
    reason: str = ""


def outputs_on(domain: Domain, signature: Signature, programs: Sequence[Term], inputs: tuple[Any, ...]) -> tuple[Any, ...]:
    """Each program's interpreter output on one input (None where it fails)."""
    env = signature.env(inputs)
    out = []
    for p in programs:
        try:
            out.append(evaluate(domain, p, env))
        except EvaluationError:
            out.append(None)
    return tuple(out)


def shaped_input(domain: Domain, name: str, typ: str, shape: ValueShape,
                 like: Any) -> tuple[z3.ExprRef, list[z3.BoolRef], list[z3.BoolRef]]:
    """A z3 input of the parameter's shape, modelled on an example value `like`: the term, its hard
    constraints, and soft ones (stay close to `like`, so the question reads like the examples).

    A string is built character by character at `like`'s length (z3 decides per-character classes in
    milliseconds where a regular-expression membership with a length bound times out)."""
    vt = domain.value_type(typ)
    if shape.kind == "str" and isinstance(like, str) and vt.z3_sort is not None and vt.z3_sort() == z3.StringSort():
        if not like:
            return z3.StringVal(""), [], []
        chars = [z3.Const(f"__in_{name}_{i}", z3.CharSort()) for i in range(len(like))]
        units = [z3.Unit(c) for c in chars]
        term = units[0] if len(units) == 1 else z3.Concat(*units)
        hard = [_char_in(c, shape) for c in chars]
        if not shape.padded:
            hard += [chars[0] != z3.CharVal(" "), chars[-1] != z3.CharVal(" ")]
        soft = [c == z3.CharVal(ch) for c, ch in zip(chars, like)]
        return term, hard, soft
    x = fresh(domain, f"__in_{name}", typ)
    hard: list[z3.BoolRef] = []
    if shape.kind == "int" and z3.is_int(x):
        hard = [x >= shape.low, x <= shape.high]
    elif shape.kind == "int" and z3.is_bv(x):
        width = x.size()
        hard = [z3.UGE(x, z3.BitVecVal(max(shape.low, 0), width)), z3.ULE(x, z3.BitVecVal(max(shape.high, 0), width))]
    try:
        soft = [x == to_z3(domain, like, typ)]
    except (UnsupportedError, z3.Z3Exception, TypeError, ValueError):
        soft = []
    return x, hard, soft


def _char_in(c: z3.ExprRef, shape: ValueShape) -> z3.BoolRef:
    """A z3 character inside the shape's classes."""
    options = [z3.And(z3.CharVal(lo) <= c, c <= z3.CharVal(hi)) for lo, hi in shape.ranges]
    options += [c == z3.CharVal(ch) for ch in sorted(shape.chars)]
    return z3.Or(*options) if options else z3.BoolVal(False)


def smt_split(domain: Domain, signature: Signature, a: Term, b: Term, shapes: Sequence[ValueShape],
              templates: Sequence[tuple[Any, ...]], avoid: Sequence[tuple[Any, ...]] = (),
              timeout_ms: int = 2000) -> SmtSplit:
    """An input shaped like `shapes`, as close as z3 finds to one of `templates` (the example inputs), on
    which programs `a` and `b` give different interpreter outputs; `timeout_ms` bounds all templates together."""
    params = signature.params
    blocked = list(avoid)
    unknown = ""
    end = time.monotonic() + timeout_ms / 1000
    for template in list(templates)[:TRIES]:
        left_ms = int(1000 * (end - time.monotonic()))
        if left_ms < MIN_TRY_MS:
            unknown = unknown or f"z3's {timeout_ms} ms were spent"
            break
        try:
            made = [shaped_input(domain, name, typ, shape, v) for (name, typ), shape, v in zip(params, shapes, template)]
            xs = [m[0] for m in made]
            env = {name: x for (name, _), x in zip(params, xs)}
            differ = encode(domain, a, env) != encode(domain, b, env)
            exclude = [_equals(domain, xs, params, inputs) for inputs in blocked]
        except (UnsupportedError, z3.Z3Exception) as exc:
            return SmtSplit("unknown", reason=f"no z3 encoding: {exc}")
        hard = [differ, *(h for m in made for h in m[1]), *(z3.Not(e) for e in exclude if e is not None)]
        answer, model = _closest(hard, [soft for m in made for soft in m[2]], left_ms)
        if answer == z3.unsat:
            continue
        if answer != z3.sat:
            unknown = model
            continue
        inputs = _read(domain, model, xs, params)
        if inputs is None:
            unknown = "z3's model has a value the domain cannot read back"
            continue
        left, right = outputs_on(domain, signature, (a, b), inputs)
        if left != right and admits(shapes, inputs):
            return SmtSplit("found", inputs)
        blocked.append(inputs)  # z3 and the interpreter disagree here: block it, try the next template
        unknown = "z3's input did not separate the programs under the interpreter"
    if unknown:
        return SmtSplit("unknown", reason=unknown)
    return SmtSplit("same", reason="no input of the examples' shape and lengths separates them")


WATCHDOG_GRACE = 0.25
"""Seconds past a call's timeout before z3 is interrupted wherever it is (asserting included)."""
MIN_TRY_MS = 50
"""A template is not tried with less than this much of the time left."""
RELAXATIONS = 6
"""Rounds of dropping the closeness wishes named in an unsat core before settling for any input of the shape."""


def _closest(hard: Sequence[z3.BoolRef], soft: Sequence[z3.BoolRef], timeout_ms: int) -> tuple[Any, Any]:
    """(z3.sat, model) of the hard constraints keeping as many `soft` wishes as a few unsat cores allow,
    (z3.unsat, None), or (z3.unknown, z3's reason).  Each wish is a tracked assumption; those in a core are
    dropped and z3 asked again (a cheap stand-in for MaxSAT, each call under the timeout)."""
    watchdog = threading.Timer(timeout_ms / 1000 + WATCHDOG_GRACE, z3.main_ctx().interrupt)  # z3's own timeout
    watchdog.daemon = True                                                                  # misses `add`'s simplifying
    watchdog.start()
    try:
        return _closest_within(hard, soft, timeout_ms)
    except z3.Z3Exception as exc:
        return z3.unknown, f"z3 stopped: {exc}"
    finally:
        watchdog.cancel()


def _closest_within(hard: Sequence[z3.BoolRef], soft: Sequence[z3.BoolRef], timeout_ms: int) -> tuple[Any, Any]:
    solver = z3.Solver()
    solver.set("timeout", int(timeout_ms))
    solver.add(*hard)
    flags = [z3.Bool(f"__close_{i}") for i in range(len(soft))]
    for flag, wish in zip(flags, soft):
        solver.add(z3.Implies(flag, wish))
    keep = list(flags)
    for round_no in range(RELAXATIONS + 1):
        answer = solver.check(*keep) if round_no < RELAXATIONS else solver.check()
        if answer == z3.sat:
            return z3.sat, solver.model()
        if answer == z3.unknown:
            return z3.unknown, solver.reason_unknown()
        core = {str(c) for c in solver.unsat_core()}
        if not core or round_no == RELAXATIONS:
            return z3.unsat, None
        keep = [f for f in keep if str(f) not in core]
    return z3.unsat, None


def _read(domain: Domain, model: z3.ModelRef, xs: Sequence[z3.ExprRef],
          params: Sequence[tuple[str, str]]) -> tuple[Any, ...] | None:
    values = []
    for x, (_, typ) in zip(xs, params):
        vt = domain.value_type(typ)
        if vt.from_z3 is None:
            return None
        try:
            values.append(vt.from_z3(model.eval(x, model_completion=True)))
        except (AttributeError, TypeError, ValueError, z3.Z3Exception):
            return None
    return tuple(values)


def _equals(domain: Domain, xs: Sequence[z3.ExprRef], params: Sequence[tuple[str, str]],
            inputs: tuple[Any, ...]) -> z3.BoolRef | None:
    try:
        return z3.And(*[x == to_z3(domain, v, typ) for x, (_, typ), v in zip(xs, params, inputs)])
    except (UnsupportedError, z3.Z3Exception, TypeError, ValueError):
        return None

"""Unlabelled inputs to tell programs apart: mutations of the given inputs, and hypothesis' search.

Probes are the inputs on which competing programs are run.  They are made by small edits of the examples'
own inputs (a character of the same class, a word dropped or repeated, a number nudged, a list element
changed), so that they look like the task's inputs; every edit goes through the value type's JSON form,
so any domain whose values have one (strings, lists, grids, …) gets probes.  Where a pair of programs is
not separated by any probe, `hypothesis.find` searches the domain's value strategies and the probes for
an input that separates them and shrinks it to a small one.
"""

from __future__ import annotations

import random
import string
from typing import Any, Callable, Sequence

from hypsearch.check.shape import ValueShape, admits
from hypsearch.core.domain import Domain
from hypsearch.core.json_values import from_json, to_json
from hypsearch.core.task import Signature

MAX_TRIES_PER_PROBE = 20
"""Edits tried per probe wanted before giving up (most edits that leave the shape are refused)."""


def mutation_probes(domain: Domain, signature: Signature, inputs: Sequence[tuple[Any, ...]],
                    shapes: Sequence[ValueShape], count: int, seed: int = 0,
                    avoid: Sequence[tuple[Any, ...]] = ()) -> list[tuple[Any, ...]]:
    """Up to `count` new input tuples, each an example's inputs with one or two values edited, in their shape."""
    rng = random.Random(seed)
    seen = {_key(x) for x in (*inputs, *avoid)}
    out: list[tuple[Any, ...]] = []
    if not inputs:
        return out
    types = [t for _, t in signature.params]
    for _ in range(count * MAX_TRIES_PER_PROBE):
        if len(out) >= count:
            break
        base = list(rng.choice(inputs))
        for k in rng.sample(range(len(base)), k=min(len(base), rng.choice((1, 1, 2)))):
            donor = rng.choice(inputs)[k] if rng.random() < 0.15 else None  # another example's value
            base[k] = donor if donor is not None else _edit_value(domain, types[k], base[k], shapes[k], rng)
        probe = tuple(base)
        key = _key(probe)
        if key in seen or None in probe or not admits(shapes, probe):
            continue
        seen.add(key)
        out.append(probe)
    return out


def _key(inputs: tuple[Any, ...]) -> str:
    return repr(inputs)


def _edit_value(domain: Domain, typ: str, value: Any, shape: ValueShape, rng: random.Random) -> Any:
    """One random edit of a value through its JSON form; None when the edit is not a value of the type."""
    try:
        data = to_json(value, domain, typ)
        return from_json(_edit(data, shape, rng), domain, typ)
    except ValueError:
        return None


def _edit(data: Any, shape: ValueShape, rng: random.Random) -> Any:
    if isinstance(data, bool):
        return not data
    if isinstance(data, int):
        return _edit_int(data, shape, rng)
    if isinstance(data, str):
        return _edit_str(data, shape, rng)
    if isinstance(data, list):
        return _edit_list(data, shape, rng)
    return data


def _edit_int(n: int, shape: ValueShape, rng: random.Random) -> int:
    if shape.kind == "int" and shape.low < shape.high and rng.random() < 0.4:
        return rng.randint(shape.low, shape.high)
    return n + rng.choice((-2, -1, 1, 2))


def _class_of(c: str) -> str:
    for pool in (string.ascii_lowercase, string.ascii_uppercase, string.digits):
        if c in pool:
            return pool
    return c


def _edit_str(s: str, shape: ValueShape, rng: random.Random) -> str:
    """Replace a character by one of its class, insert or drop one, or drop, repeat or swap a word."""
    words = s.split(" ")
    op = rng.choice(("replace", "replace", "replace", "insert", "delete", "word"))
    if op == "word" and len(words) > 1:
        i, j = rng.randrange(len(words)), rng.randrange(len(words))
        kind = rng.choice(("drop", "repeat", "swap"))
        if kind == "drop":
            words.pop(i)
        elif kind == "repeat":
            words.insert(i, words[j])
        else:
            words[i], words[j] = words[j], words[i]
        return " ".join(words)
    if op == "delete" and s:
        i = rng.randrange(len(s))
        return s[:i] + s[i + 1:]
    if op == "insert" or not s:
        i = rng.randint(0, len(s))
        return s[:i] + _char_like(s[i - 1] if i and s else "", shape, rng) + s[i:]
    i = rng.randrange(len(s))
    return s[:i] + _char_like(s[i], shape, rng) + s[i + 1:]


def _char_like(c: str, shape: ValueShape, rng: random.Random) -> str:
    """A character of `c`'s class (any admitted character when `c` is empty or a one-off)."""
    pool = _class_of(c) if c else ""
    if len(pool) <= 1:
        options = [ch for lo, hi in shape.ranges for ch in map(chr, range(ord(lo), ord(hi) + 1))] + sorted(shape.chars)
        return rng.choice(options) if options else (c or "a")
    return rng.choice(pool)


def _edit_list(xs: list[Any], shape: ValueShape, rng: random.Random) -> list[Any]:
    """Edit one element, drop one, repeat one or swap two (top level: rows of a grid stay rectangular)."""
    xs = list(xs)
    if not xs:
        return [0]
    element = shape.element or ValueShape("other")
    op = rng.choice(("edit", "edit", "drop", "repeat", "swap"))
    i = rng.randrange(len(xs))
    if op == "edit":
        xs[i] = _edit(xs[i], element, rng)
    elif op == "drop" and len(xs) > 1:
        xs.pop(i)
    elif op == "repeat":
        xs.insert(i, xs[rng.randrange(len(xs))])
    else:
        j = rng.randrange(len(xs))
        xs[i], xs[j] = xs[j], xs[i]
    return xs


def find_separating(domain: Domain, signature: Signature, differ: Callable[[tuple[Any, ...]], bool],
                    probes: Sequence[tuple[Any, ...]], shapes: Sequence[ValueShape], *, seed: int = 0,
                    max_examples: int = 200) -> tuple[Any, ...] | None:
    """A small input on which `differ` holds, searched by `hypothesis.find` over the probes and the
    domain's value strategies (inputs outside the examples' shape are not considered); None if none."""
    from hypothesis import HealthCheck, Phase, find, settings
    from hypothesis import strategies as st
    from hypothesis.errors import HypothesisException, NoSuchExample

    from hypsearch.core.errors import PluginError
    from hypsearch.search.generators import values

    options = []
    if probes:
        options.append(st.sampled_from(list(probes)))
    try:
        options.append(st.tuples(*(values(domain, t) for _, t in signature.params)))
    except PluginError:  # a type without a value strategy: the probes are all there is
        pass
    if not options:
        return None
    space = st.one_of(*options).filter(lambda x: admits(shapes, x))
    config = settings(database=None, max_examples=max_examples, deadline=None, derandomize=False,
                      phases=(Phase.generate, Phase.shrink), suppress_health_check=list(HealthCheck))
    try:
        return find(space, differ, settings=config, random=random.Random(seed))
    except (NoSuchExample, HypothesisException):
        return None

"""Printing s-expressions with right-nested chains of a variadic primitive flattened.

`(or a (or b c))` prints as `(or a b c)`, which the default parser reads back to the same
right-nested term, so `parse(show(t)) == t` still holds while long rules stay readable.
"""

from __future__ import annotations

from hypsearch.core.domain import Domain
from hypsearch.core.program import App, Hole, Term, Var


def show_flat(domain: Domain, term: Term) -> str:
    """The s-expression of `term`, flattening right-nested chains of variadic primitives."""
    if isinstance(term, App):
        prim = domain.primitive(term.op)
        args = list(term.args)
        if prim is not None and prim.variadic and len(args) == 2:
            while isinstance(args[-1], App) and args[-1].op == term.op and len(args[-1].args) == 2:
                args[-1:] = list(args[-1].args)
        if not args:
            return f"({term.op})"
        return "(" + term.op + " " + " ".join(show_flat(domain, a) for a in args) + ")"
    if isinstance(term, Var):
        return term.name
    if isinstance(term, Hole):
        return "?" + term.name
    return domain.value_type(term.type).show(term.value)

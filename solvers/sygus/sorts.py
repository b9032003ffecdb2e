"""Sorts and arities of SyGuS terms against SMT-LIB's theories and the file's own declarations.

`SortChecker.sort_of(term)` returns the sort of a term or raises `SortError` naming the node
at fault (the parser turns it into a located `InputSyntaxError`): an unknown operator, an
operator applied to the wrong number of arguments, an argument of the wrong sort.  Sorts the
checker does not model (Real, arrays, user sorts) are not checked, so a well-formed file in
another theory still reaches the front-end's "unsupported" answer instead of an error here.
The theory table covers Core, Ints, Strings (SMT-LIB 2.6 names and the SyGuS v1 aliases),
regular expressions and fixed-size bit-vectors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

from hypsearch.solvers.sygus.sexpr import App, Let, Lit, Sym, Term, bv_sort, bv_width, split_indexed

__all__ = ["SortError", "SortChecker", "Signature", "THEORY_OPERATORS", "known_operator", "MAX_TERM_DEPTH",
           "MAX_EXPANSION", "modelled", "expansion"]

MAX_TERM_DEPTH = 200
"""Deepest term (define-fun macros expanded) the reader accepts; the benchmark files reach 62."""

MAX_EXPANSION = 1_000_000
"""Most term nodes a constraint or define-fun may stand for once its macros are expanded."""

Sort = str | None  # None: a sort this checker does not model, or not known; never an error
INT, BOOL, STRING, REGLAN = "Int", "Bool", "String", "RegLan"


class SortError(Exception):
    """A term is ill-formed: `node` is the term at fault (an application or an argument of one)."""

    def __init__(self, message: str, node: Term) -> None:
        super().__init__(message)
        self.message = message
        self.node = node


@dataclass(frozen=True)
class Signature:
    """A declared function: parameter sorts and result sort."""

    params: tuple[str, ...]
    returns: str


def modelled(sort: Sort) -> Sort:
    """`sort` when the checker models it (Int, Bool, String, RegLan, bit-vectors), else None."""
    if sort in (INT, BOOL, STRING, REGLAN) or (sort is not None and bv_width(sort) is not None):
        return sort
    return None


def _arguments(n: int) -> str:
    return f"{n} argument" + ("" if n == 1 else "s")


# A rule takes (operator text, argument sorts) and returns the result sort, or raises _Bad.
class _Bad(Exception):
    def __init__(self, message: str, index: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.index = index  # the argument at fault (0-based); None: the application itself


Rule = Callable[[str, Sequence[Sort]], Sort]


def _count(op: str, args: Sequence[Sort], least: int, most: int | None) -> None:
    n = len(args)
    if n < least or (most is not None and n > most):
        if most == least:
            wanted = _arguments(least)
        elif most is None:
            wanted = f"at least {_arguments(least)}"
        else:
            wanted = f"{least} to {most} arguments"
        raise _Bad(f"`{op}` takes {wanted}, not {n}")


def _expect(op: str, args: Sequence[Sort], index: int, sort: Sort) -> None:
    got = args[index]
    if got is not None and sort is not None and got != sort:
        raise _Bad(f"argument {index + 1} of `{op}` has sort {got}, expected {sort}", index)


def fixed(params: Sequence[Sort], returns: Sort) -> Rule:
    """Exactly these argument sorts."""
    def rule(op: str, args: Sequence[Sort]) -> Sort:
        _count(op, args, len(params), len(params))
        for i, sort in enumerate(params):
            _expect(op, args, i, sort)
        return returns
    return rule


def many(sort: str, returns: str, least: int = 2) -> Rule:
    """`least` or more arguments, all of `sort` (left/right-associative or chainable operators)."""
    def rule(op: str, args: Sequence[Sort]) -> Sort:
        _count(op, args, least, None)
        for i in range(len(args)):
            _expect(op, args, i, sort)
        return returns
    return rule


def _same(op: str, args: Sequence[Sort], first: int = 0) -> Sort:
    """The common sort of args[first:] (None when unknown); _Bad at the first that differs."""
    common: Sort = None
    for i in range(first, len(args)):
        if args[i] is None:
            continue
        if common is None:
            common = args[i]
        elif args[i] != common:
            raise _Bad(f"argument {i + 1} of `{op}` has sort {args[i]}, expected {common} like the others", i)
    return common


def _equality(op: str, args: Sequence[Sort]) -> Sort:
    _count(op, args, 2, None)
    _same(op, args)
    return BOOL


def _ite(op: str, args: Sequence[Sort]) -> Sort:
    _count(op, args, 3, 3)
    _expect(op, args, 0, BOOL)
    return _same(op, args, 1)


def _bv(op: str, args: Sequence[Sort], index: int) -> int | None:
    sort = args[index]
    if sort is None:
        return None
    width = bv_width(sort)
    if width is None:
        raise _Bad(f"argument {index + 1} of `{op}` has sort {sort}, expected a bit-vector", index)
    return width


def bv_many(returns: str | None, least: int, most: int | None) -> Rule:
    """Bit-vectors of one width; the result is that width (returns None) or `returns`."""
    def rule(op: str, args: Sequence[Sort]) -> Sort:
        _count(op, args, least, most)
        for i in range(len(args)):
            _bv(op, args, i)
        common = _same(op, args)
        return common if returns is None else returns
    return rule


def _concat(op: str, args: Sequence[Sort]) -> Sort:
    _count(op, args, 2, None)
    widths = [_bv(op, args, i) for i in range(len(args))]
    return None if any(w is None for w in widths) else bv_sort(sum(w for w in widths if w is not None))


THEORY_OPERATORS: dict[str, Rule] = {
    # Core
    "not": fixed((BOOL,), BOOL), "and": many(BOOL, BOOL), "or": many(BOOL, BOOL), "xor": many(BOOL, BOOL),
    "=>": many(BOOL, BOOL), "=": _equality, "distinct": _equality, "ite": _ite,
    # Ints
    "+": many(INT, INT), "-": many(INT, INT, least=1), "*": many(INT, INT), "div": fixed((INT, INT), INT),
    "mod": fixed((INT, INT), INT), "abs": fixed((INT,), INT),
    "<": many(INT, BOOL), "<=": many(INT, BOOL), ">": many(INT, BOOL), ">=": many(INT, BOOL),
    # Strings (2.6 names and v1 aliases)
    "str.++": many(STRING, STRING), "str.len": fixed((STRING,), INT), "str.at": fixed((STRING, INT), STRING),
    "str.substr": fixed((STRING, INT, INT), STRING), "str.prefixof": fixed((STRING, STRING), BOOL),
    "str.suffixof": fixed((STRING, STRING), BOOL), "str.contains": fixed((STRING, STRING), BOOL),
    "str.indexof": fixed((STRING, STRING, INT), INT), "str.replace": fixed((STRING, STRING, STRING), STRING),
    "str.replace_all": fixed((STRING, STRING, STRING), STRING), "str.<": many(STRING, BOOL),
    "str.<=": many(STRING, BOOL), "str.is_digit": fixed((STRING,), BOOL), "str.to_code": fixed((STRING,), INT),
    "str.from_code": fixed((INT,), STRING), "str.to_int": fixed((STRING,), INT), "str.to.int": fixed((STRING,), INT),
    "str.from_int": fixed((INT,), STRING), "int.to.str": fixed((INT,), STRING),
    "str.to_re": fixed((STRING,), REGLAN), "str.to.re": fixed((STRING,), REGLAN),
    "str.in_re": fixed((STRING, REGLAN), BOOL), "str.in.re": fixed((STRING, REGLAN), BOOL),
    "str.replace_re": fixed((STRING, REGLAN, STRING), STRING),
    "str.replace_re_all": fixed((STRING, REGLAN, STRING), STRING),
    "re.*": fixed((REGLAN,), REGLAN), "re.+": fixed((REGLAN,), REGLAN), "re.opt": fixed((REGLAN,), REGLAN),
    "re.comp": fixed((REGLAN,), REGLAN), "re.++": many(REGLAN, REGLAN), "re.union": many(REGLAN, REGLAN),
    "re.inter": many(REGLAN, REGLAN), "re.diff": fixed((REGLAN, REGLAN), REGLAN),
    "re.range": fixed((STRING, STRING), REGLAN),
    # Bit-vectors
    "bvnot": bv_many(None, 1, 1), "bvneg": bv_many(None, 1, 1),
    **{op: bv_many(None, 2, None) for op in ("bvand", "bvor", "bvxor", "bvadd", "bvmul")},
    **{op: bv_many(None, 2, 2) for op in ("bvsub", "bvudiv", "bvurem", "bvsdiv", "bvsrem", "bvsmod", "bvshl",
                                          "bvlshr", "bvashr", "bvnand", "bvnor", "bvxnor")},
    **{op: bv_many(BOOL, 2, 2) for op in ("bvult", "bvule", "bvugt", "bvuge", "bvslt", "bvsle", "bvsgt",
                                          "bvsge")},
    "bvcomp": bv_many(bv_sort(1), 2, 2), "concat": _concat,
    # Arrays: arity only (array sorts are not modelled)
    "select": lambda op, args: (_count(op, args, 2, 2), None)[1],
    "store": lambda op, args: (_count(op, args, 3, 3), None)[1],
}

THEORY_SYMBOLS: dict[str, str] = {
    "re.none": REGLAN, "re.all": REGLAN, "re.allchar": REGLAN, "re.nostr": REGLAN, "re.empty": REGLAN,
}


def _indexed_rule(head: str) -> Rule | None:
    """The rule of an indexed operator such as `(_ extract 7 0)`; None when not one we know."""
    parts = split_indexed(head)
    if parts is None:
        return None
    name, indices = parts
    numbers = [i for i in indices if isinstance(i, int)]
    if len(numbers) != len(indices):
        return None

    def one_bv(op: str, args: Sequence[Sort]) -> int | None:
        _count(op, args, 1, 1)
        return _bv(op, args, 0)

    if name == "extract" and len(numbers) == 2:
        high, low = numbers

        def extract(op: str, args: Sequence[Sort]) -> Sort:
            width = one_bv(op, args)
            if high < low or (width is not None and high >= width):
                raise _Bad(f"`{op}` needs {width if width is not None else 'w'} > {high} >= {low}", 0)
            return bv_sort(high - low + 1)
        return extract
    if name in ("zero_extend", "sign_extend", "rotate_left", "rotate_right", "repeat") and len(numbers) == 1:
        (k,) = numbers

        def unary(op: str, args: Sequence[Sort]) -> Sort:
            width = one_bv(op, args)
            if width is None:
                return None
            if name == "repeat":
                return bv_sort(width * k) if k > 0 else None
            return bv_sort(width + k) if name.endswith("extend") else bv_sort(width)
        return unary
    if name in ("re.loop", "re.^") and len(numbers) in (1, 2):
        return fixed((REGLAN,), REGLAN)
    return None


def known_operator(head: str) -> bool:
    """True when `head` is an operator of the theories this checker knows."""
    return head in THEORY_OPERATORS or _indexed_rule(head) is not None


class SortChecker:
    """Sorts of terms in one file: declared functions, variables, and an `accept` hook for operators
    outside the table (plug-in domains' primitives), whose applications are not checked further."""

    def __init__(self, functions: Mapping[str, Signature], accept: Callable[[str], bool] = lambda op: False):
        self.functions = functions
        self.accept = accept
        self._rules: dict[tuple[str, Signature], Rule] = {}

    def sort_of(self, term: Term, env: Mapping[str, Sort], depth: int = 1) -> Sort:
        """The sort of `term` under `env` (variables, parameters, nonterminals by name); terms nested
        more than MAX_TERM_DEPTH deep are refused here, before anything recursive sees them."""
        if type(term) is Lit:
            return term.sort  # Int, String, Bool or a bit-vector: all modelled
        if depth > MAX_TERM_DEPTH:
            raise SortError(f"term nested more than {MAX_TERM_DEPTH} deep (this reader's limit)", term)
        if type(term) is App:
            return self._apply(term, [self.sort_of(arg, env, depth + 1) for arg in term.args])
        if isinstance(term, Sym):
            return self._symbol(term, env)
        if isinstance(term, Let):
            inner = dict(env)
            for name, value in term.bindings:
                inner[name] = self.sort_of(value, env, depth + 1)
            return self.sort_of(term.body, inner, depth + 1)
        return None

    def _symbol(self, term: Sym, env: Mapping[str, Sort]) -> Sort:
        name = term.name
        if name in env:
            return modelled(env[name])
        signature = self.functions.get(name)
        if signature is not None:
            if signature.params:
                raise SortError(f"`{name}` takes {_arguments(len(signature.params))}; it is used here "
                                "without any", term)
            return modelled(signature.returns)
        if name in THEORY_SYMBOLS:
            return THEORY_SYMBOLS[name]
        parts = split_indexed(name)
        if parts is not None and parts[0].startswith("bv") and parts[0][2:].isdigit() and len(parts[1]) == 1 \
                and isinstance(parts[1][0], int) and parts[1][0] > 0:
            return bv_sort(parts[1][0])
        return None

    def _apply(self, term: App, args: list[Sort]) -> Sort:
        head = term.head
        signature = self.functions.get(head)
        if signature is not None:
            rule = self._rules.get((head, signature))
            if rule is None:
                rule = self._rules[head, signature] = fixed(tuple(modelled(s) for s in signature.params),
                                                            modelled(signature.returns))
        else:
            rule = THEORY_OPERATORS.get(head) or _indexed_rule(head)
        if rule is None:
            if self.accept(head):
                return None
            raise SortError(f"unknown operator `{head}`", term)
        try:
            return modelled(rule(head, args))
        except _Bad as bad:
            node = term if bad.index is None else term.args[bad.index]
            raise SortError(bad.message, node) from None


def expansion(term: Term, macro_cost: Mapping[str, int], macro_depth: Mapping[str, int]) -> tuple[int, int]:
    """(nodes visited, depth reached) when `term` is translated with every macro call expanded."""
    cost = 0
    deepest = 0
    stack: list[tuple[Term, int]] = [(term, 1)]
    while stack:
        node, depth = stack.pop()
        cost += 1
        deepest = max(deepest, depth)
        name = node.head if isinstance(node, App) else node.name if isinstance(node, Sym) else None
        if name is not None and name in macro_cost:
            cost += macro_cost[name]
            deepest = max(deepest, depth + macro_depth[name])
        if isinstance(node, App):
            stack.extend((arg, depth + 1) for arg in node.args)
        elif isinstance(node, Let):
            stack.extend((value, depth + 1) for _, value in node.bindings)
            stack.append((node.body, depth + 1))
        if cost > MAX_EXPANSION:
            break
    return cost, deepest

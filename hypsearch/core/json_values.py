"""Domain values to and from JSON: what `--json`, batch records and oracle commands exchange."""

from __future__ import annotations

from typing import Any

from hypsearch.core.domain import Domain
from hypsearch.core.program import Type


def to_json(value: Any, domain: Domain | None = None, typ: Type | None = None) -> Any:
    """Plain JSON data for a value: the type's own `to_json`, else tuples and sets as arrays, other objects by repr."""
    if domain is not None and typ is not None and typ in domain.types and domain.types[typ].to_json is not None:
        return domain.types[typ].to_json(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (tuple, list)):
        return [to_json(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((to_json(v) for v in value), key=repr)
    to_lists = getattr(value, "to_lists", None)
    return to_lists() if callable(to_lists) else repr(value)


def from_json(data: Any, domain: Domain, typ: Type) -> Any:
    """A value of `typ` read from JSON data; raises ValueError saying why when the data is no such value."""
    vt = domain.value_type(typ)
    try:
        value = vt.from_json(data) if vt.from_json is not None else _tuples(data)
    except (ValueError, TypeError, KeyError, ArithmeticError) as exc:  # OverflowError: -1 as a uint8 cell
        raise ValueError(f"{_short(data)} is not a {typ}: {exc}") from None
    if not vt.is_value(value):
        raise ValueError(f"{_short(data)} is not a {typ}")
    return value


def _tuples(data: Any) -> Any:
    """JSON arrays as tuples (the generic form of sequence values), everything else as is."""
    if isinstance(data, list):
        return tuple(_tuples(d) for d in data)
    return data


def _short(data: Any, width: int = 60) -> str:
    text = repr(data)
    return text if len(text) <= width else text[:width - 3] + "..."

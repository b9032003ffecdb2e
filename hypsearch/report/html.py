"""A few HTML helpers: every text is escaped here, so pages build markup from these and never by hand."""

from __future__ import annotations

from html import escape
from typing import Any, Iterable

VOID = frozenset({"img", "input", "meta", "link", "br"})


class Markup(str):
    """Text that is already HTML (built by `el`), so it is not escaped again."""


def text(value: Any) -> Markup:
    """`value` as escaped text (Markup passes through)."""
    if isinstance(value, Markup):
        return value
    return Markup(escape("" if value is None else str(value)))


def el(tag: str, *children: Any, **attrs: Any) -> Markup:
    """`<tag attrs>children</tag>`; attribute names take `_` for `-` and a trailing `_` (`class_`); None and
    False attributes are left out, True ones written bare; children may be strings, Markup or iterables."""
    parts = [tag]
    for name, value in attrs.items():
        if value is None or value is False:
            continue
        key = name.rstrip("_").replace("_", "-")
        parts.append(key if value is True else f'{key}="{escape(str(value), quote=True)}"')
    head = "<" + " ".join(parts) + ">"
    if tag in VOID:
        return Markup(head)
    return Markup(head + join(children) + f"</{tag}>")


def join(children: Iterable[Any]) -> Markup:
    """Children concatenated (nested iterables flattened, None skipped)."""
    out: list[str] = []
    for child in children:
        if child is None:
            continue
        if isinstance(child, (list, tuple)) or (not isinstance(child, str) and hasattr(child, "__iter__")):
            out.append(join(child))
        else:
            out.append(text(child))
    return Markup("".join(out))


def page(title: str, body: Any, *, assets: str, script: bool = False) -> str:
    """A whole HTML document with the report's stylesheet (and script) from the `assets` folder."""
    head = el("head", Markup('<meta charset="utf-8">'),
              el("meta", name="viewport", content="width=device-width, initial-scale=1"),
              el("title", title), el("link", rel="stylesheet", href=f"{assets}/report.css"))
    tail = el("script", src=f"{assets}/report.js") if script else None
    return "<!DOCTYPE html>\n" + el("html", head, el("body", body, tail), lang="en") + "\n"


def fmt_num(value: Any, digits: int = 2) -> str:
    """A number for a table cell ("" when unknown); integers without decimals."""
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return ""
    if float(value).is_integer() and digits <= 2:
        return f"{int(value)}"
    return f"{value:.{digits}f}"

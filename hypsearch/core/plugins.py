"""Loading an entry-point group without letting one broken plug-in break the others."""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Callable, TypeVar

from hypsearch.core.errors import PluginError

T = TypeVar("T")


def load_group(group: str, check: Callable[[str, object], T], skip: set[str],
               only: str | None = None) -> tuple[dict[str, T], dict[str, PluginError]]:
    """Load every entry point of `group` not named in `skip` (with `only`: just the one of that name).

    `check(name, obj)` returns the loaded object as the registry wants it or raises
    PluginError; failures are returned by name instead of raised.
    """
    loaded: dict[str, T] = {}
    broken: dict[str, PluginError] = {}
    for ep in entry_points(group=group):
        if ep.name in skip or (only is not None and ep.name != only):
            continue
        try:
            obj = ep.load()
        except Exception as exc:  # a plug-in's import error must name the plug-in, not crash the host
            broken[ep.name] = PluginError(ep.name, f"entry point {ep.value!r} failed to load: {exc!r}")
            continue
        try:
            loaded[ep.name] = check(ep.name, obj)
        except PluginError as exc:
            broken[ep.name] = exc
    return loaded, broken

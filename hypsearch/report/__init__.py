"""The HTML run report (`hypsearch report RUN_DIR... --html OUT_DIR`): an edge above batch, like the writers.

It reads what batch runs leave on disk (records, run.json, LLM transcripts) and writes a static site; nothing
below imports it.  `site.write_site` is the entry point; `cli` mounts the `report` sub-command.
"""

from __future__ import annotations

__all__ = ["write_site"]


def write_site(run_dirs, out):  # type: ignore[no-untyped-def]
    """The static report of `run_dirs` in `out` (see `hypsearch.report.site.write_site`)."""
    from hypsearch.report.site import write_site as write

    return write(run_dirs, out)

"""`hypsearch report RUN_DIR... [--out DIR] [--html OUT_DIR]`: the Markdown/CSV/SVG reports, or the HTML site.

Registered with the main CLI through `extra_command`; the Markdown side is batch's (`batch.cli.main_report`).
"""

from __future__ import annotations

import argparse
from typing import Any

from hypsearch.batch.cli import configure_report_parser, main_report
from hypsearch.cli import extra_command


def main(args: argparse.Namespace) -> int:
    """With --html write the static site (and, with --out too, the Markdown reports); else batch's reports."""
    if args.html is None:
        return main_report(args)
    if args.out is not None:
        main_report(args)
    from hypsearch.report.site import write_site

    done = write_site(args.run_dirs, args.html)
    print(f"report of {len(done['runs'])} run(s), {done['tasks']} tasks: open {done['index']}")
    return 0


@extra_command
def register_report(sub: Any) -> None:
    """Add the `report` sub-command."""
    parser = sub.add_parser("report", help="summarise and compare batch runs (Markdown, CSV, SVG or an HTML site)",
                            description="Write summary.json, table.md/csv and cactus.svg, or with --html a static "
                                        "site: the task table, one page per task, the model's rounds.")
    configure_report_parser(parser)
    parser.add_argument("--html", default=None, metavar="OUT_DIR",
                        help="write a static HTML report here (opens from disk, offline)")
    parser.set_defaults(func=main, run=main)

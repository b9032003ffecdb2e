"""`python -m hypsearch.batch batch|report ...`: the batch CLI without the main `hypsearch` command."""

from __future__ import annotations

import argparse
import sys

from hypsearch.batch.cli import add_batch_arguments
from hypsearch.core.errors import HypsearchError


def main(argv: list[str] | None = None) -> int:
    """Parse and dispatch; HypsearchError is printed without a traceback (exit status 2)."""
    parser = argparse.ArgumentParser(prog="python -m hypsearch.batch")
    add_batch_arguments(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except HypsearchError as exc:
        print(f"hypsearch: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

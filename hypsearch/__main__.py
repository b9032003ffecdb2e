"""`python -m hypsearch` is the `hypsearch` command."""

from hypsearch.cli import run_and_exit

run_and_exit()

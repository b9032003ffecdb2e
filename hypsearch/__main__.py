"""`python -m hypsearch` is the `hypsearch` command."""

import sys

from hypsearch.cli import main

sys.exit(main())

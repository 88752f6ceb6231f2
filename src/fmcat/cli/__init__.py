"""The `fmcat` command line: `fmcat.cli.main.main(argv)` is its one entry point.

`main` itself is not re-exported here: the name would hide the module
`fmcat.cli.main` that the `fmcat` script (pyproject.toml) points at.
"""

from fmcat.cli.common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError
from fmcat.cli.main import build_parser

__all__ = ["EXIT_FINDINGS", "EXIT_OK", "EXIT_USAGE", "UsageError", "build_parser"]

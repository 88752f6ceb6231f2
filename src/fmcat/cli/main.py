"""The `fmcat` command line: the parser, and `main(argv)`, the one entry point.

`main(argv)` returns an exit code instead of exiting, so tests drive it
in-process; `fmcat.cli.common.run_command` says how every way a command can
end becomes 0, 1 or 2. Each command group lives in its own module and
registers its sub-parser here, in the order `fmcat --help` lists them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from fmcat import __version__
from fmcat.cli import (
    assess,
    codeowners,
    drill,
    export,
    importing,
    init,
    link,
    new,
    recommend,
    review,
    validate,
)
from fmcat.cli.common import Parser, run_command

REGISTRARS = (validate.register, init.register, new.register, review.register, codeowners.register,
              importing.register, export.register, recommend.register, assess.register,
              drill.register, link.register, validate.register_rules)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="fmcat", description="Tools for catalogs of failure modes.")
    parser.add_argument("--version", action="version", version=f"fmcat {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for register in REGISTRARS:
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return run_command(build_parser(), argv)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""`fmcat init DIR [--starter]`: a new catalog folder, content and config only."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from fmcat.authoring.init import InitError, init_catalog
from fmcat.cli.common import EXIT_OK, Subparsers, UsageError
from fmcat.core.inert import escape_text


def cmd_init(args: argparse.Namespace) -> int:
    dest = Path(args.dir)
    try:
        written = init_catalog(dest, name=args.name, starter=args.starter)
    except InitError as exc:
        raise UsageError(escape_text(str(exc))) from None
    print(f"{len(written)} files written to {escape_text(dest.as_posix())}; next: "
          f"cd {escape_text(dest.as_posix())} && fmcat validate --strict && "
          "mkdocs build --strict", file=sys.stderr)
    return EXIT_OK


def register(subparsers: Subparsers[Any]) -> None:
    init = subparsers.add_parser(
        "init", help="write a new catalog folder that validates and builds with no records")
    init.add_argument("dir", help="the new catalog's folder (absent or empty)")
    init.add_argument("--name", help="the catalog's name (default: from the folder's name)")
    init.add_argument("--starter", action="store_true",
                      help="also copy this package's starter records, incident log and "
                           "taxonomy (marked as example data)")
    init.set_defaults(func=cmd_init)

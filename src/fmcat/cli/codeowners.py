"""`fmcat codeowners`: write CODEOWNERS from the stewards, or check it is up to date."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from fmcat.analysis.governance import (
    CODEOWNERS_FILE,
    CodeownersError,
    check_codeowners,
    write_codeowners,
)
from fmcat.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    ROOT_HELP,
    Subparsers,
    UsageError,
    catalog_root,
)
from fmcat.core.findings import format_text
from fmcat.core.inert import escape_text
from fmcat.core.load import load_catalog


def cmd_codeowners(args: argparse.Namespace) -> int:
    root = catalog_root(args.root)
    catalog = load_catalog(root)
    target = Path(args.output) if args.output else root / CODEOWNERS_FILE
    name = escape_text(target.name)
    try:
        if not args.check:
            print(escape_text(write_codeowners(root, catalog, target).as_posix()))
            return EXIT_OK
        problems = check_codeowners(root, catalog, target)
    except CodeownersError as exc:
        if not exc.findings:
            raise UsageError(escape_text(str(exc))) from None
        print(format_text(exc.findings))
        print(f"error: {escape_text(str(exc))}", file=sys.stderr)
        return EXIT_FINDINGS
    except OSError as exc:
        raise UsageError(f"{escape_text(str(target))}: {exc.strerror or exc}") from None
    for problem in problems:
        print(problem)
    if problems:
        print(f"{name} is out of date: run `fmcat codeowners`", file=sys.stderr)
        return EXIT_FINDINGS
    print(f"{name} is up to date ({len(catalog.entries)} records)", file=sys.stderr)
    return EXIT_OK


def register(subparsers: Subparsers[Any]) -> None:
    owners = subparsers.add_parser("codeowners",
                                   help="write or check CODEOWNERS from the stewards")
    owners.add_argument("--root", help=ROOT_HELP)
    owners.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    owners.add_argument("--output", help=f"file to write (default: {CODEOWNERS_FILE})")
    owners.set_defaults(func=cmd_codeowners)

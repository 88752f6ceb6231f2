"""`fmcat new`: a template record with the next free ID, and CODEOWNERS updated for it."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from fmcat.analysis import governance
from fmcat.analysis.governance import CODEOWNERS_FILE, CodeownersError
from fmcat.authoring.scaffold import NEW_KINDS, ScaffoldError, create_record
from fmcat.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    ROOT_HELP,
    Subparsers,
    UsageError,
    catalog_root,
)
from fmcat.core.load import load_catalog


def cmd_new(args: argparse.Namespace) -> int:
    """Write the template, then CODEOWNERS, so the new file has owners from the start
    and `fmcat codeowners --check` (part of `make test`) passes right after."""
    root = catalog_root(args.root)
    try:
        path = create_record(root, args.kind, args.title, steward=args.steward)
    except ScaffoldError as exc:
        raise UsageError(str(exc)) from None
    relative = path.relative_to(root).as_posix()
    print(relative)
    try:
        # Looked up on the module so a test can make it fail after the record is written.
        target = governance.write_codeowners(root, load_catalog(root))
    except (OSError, CodeownersError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        print(f"{relative} written, but {CODEOWNERS_FILE} was not updated ({reason}); run "
              f"`fmcat codeowners --root {root}`", file=sys.stderr)
        return EXIT_FINDINGS
    print(f"{target.name} updated for {relative}", file=sys.stderr)
    return EXIT_OK


def register(subparsers: Subparsers[Any]) -> None:
    new = subparsers.add_parser("new", help="write a template record with the next free ID")
    new.add_argument("kind", choices=NEW_KINDS)
    new.add_argument("title")
    new.add_argument("--root", help=ROOT_HELP)
    new.add_argument("--steward", default="", help="steward handle from taxonomy.yml")
    new.set_defaults(func=cmd_new)

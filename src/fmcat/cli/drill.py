"""`fmcat drill FM-nnnn`: a game-day script for one failure mode."""

from __future__ import annotations

import argparse
from typing import Any

from fmcat.cli.common import (
    BASE_URL_HELP,
    EXIT_FINDINGS,
    EXIT_OK,
    ROOT_HELP,
    Subparsers,
    UsageError,
    base_url,
    catalog_root,
    emit,
    require_valid,
)
from fmcat.core.ids import ANY_RECORD_ID
from fmcat.exports import drill


def cmd_drill(args: argparse.Namespace) -> int:
    url = base_url(args.base_url)
    fm_id = args.id.upper()
    if not (ANY_RECORD_ID.match(fm_id) and fm_id.startswith("FM-")):
        raise UsageError(f"{args.id!r} is not a failure-mode ID (FM- and four digits)")
    catalog = require_valid(catalog_root(args.root))
    if catalog is None:
        return EXIT_FINDINGS
    try:
        text = drill.drill_script(catalog, fm_id, url)
    except drill.DrillError as exc:
        raise UsageError(str(exc)) from None
    emit(text, args.output)
    return EXIT_OK


def register(subparsers: Subparsers[Any]) -> None:
    game = subparsers.add_parser("drill", help="a game-day script for one failure mode")
    game.add_argument("id", metavar="FM-nnnn")
    game.add_argument("--root", help=ROOT_HELP)
    game.add_argument("--base-url", help=BASE_URL_HELP)
    game.add_argument("-o", "--output", metavar="FILE", help="write here, not to stdout")
    game.set_defaults(func=cmd_drill)

"""`fmcat recommend`: observed signal values → matching failure modes and playbooks.

Exit codes: 0 something matched, 1 nothing matched, 2 usage error. 1 is
taken, so a catalog that cannot be evaluated (errors, unreadable) is a 2: a
deploy gate must treat anything but 0 and 1 as "could not decide".
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from fmcat.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    ROOT_HELP,
    Subparsers,
    UsageError,
    catalog_root,
    published_catalog,
    require_valid,
)
from fmcat.exports import documents as export
from fmcat.exports import recommend


def _knowledge(args: argparse.Namespace) -> recommend.Knowledge:
    if not args.catalog:
        return _knowledge_from_root(catalog_root(args.root))
    path = published_catalog(args.catalog)
    if path.is_dir():
        return _knowledge_from_root(path)
    source = f"--catalog {path}"
    try:
        return recommend.knowledge_from_document(read_json(path, source))
    except recommend.DocumentError as exc:
        raise UsageError(f"{source}: {exc}") from None


def _knowledge_from_root(root: Path) -> recommend.Knowledge:
    catalog = require_valid(root)
    if catalog is None:
        # Matching against part of a catalog could miss the one that matters.
        raise UsageError(f"{root}: cannot recommend from a catalog with errors")
    try:
        return recommend.knowledge_from_catalog(catalog)
    except (recommend.DocumentError, export.ExportError) as exc:
        raise UsageError(f"{root}: cannot recommend from this catalog: {exc}") from None


def read_json(path: Path | None, source: str) -> Any:
    """The JSON document in `path` (None: stdin), or a UsageError naming `source`.

    Every way the text can fail to be a usable document (unreadable, not
    UTF-8, not JSON, a literal recommend cannot compare) ends here as a
    one-line usage error, so recommend exits 2 and a gate fails closed.
    """
    # A text-only stdin (tests, some embedders) has no bytes to give.
    stdin = getattr(sys.stdin, "buffer", None)
    try:
        if path is not None:
            raw = path.read_bytes()
        elif stdin is not None:
            raw = stdin.read()
        else:
            raw = sys.stdin.read().encode("utf-8", "surrogateescape")
    except OSError as exc:
        raise UsageError(f"{source}: cannot read ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{source}: not UTF-8 text (byte {exc.start + 1}); "
                         "save it as UTF-8") from None
    try:
        return recommend.parse_json(text, source)
    except recommend.InputError as exc:
        raise UsageError(str(exc)) from None


def _observations(args: argparse.Namespace) -> list[recommend.Observation]:
    found: list[recommend.Observation] = []
    try:
        if args.input:
            source = "stdin" if args.input == "-" else args.input
            data = read_json(None if args.input == "-" else Path(args.input),
                             f"--input {source}")
            found.extend(recommend.parse_observations(data, source))
        found.extend(recommend.parse_signal_option(item) for item in args.signal)
    except recommend.InputError as exc:
        raise UsageError(str(exc)) from None
    if not found:
        raise UsageError("no observed signals: pass --signal name=value or --input FILE.json")
    return found


def cmd_recommend(args: argparse.Namespace) -> int:
    observations = _observations(args)
    result = recommend.recommend(_knowledge(args), observations)
    if args.format == "json":
        sys.stdout.write(recommend.render_json(result))
    else:
        sys.stdout.write(recommend.render_text(result))
    return EXIT_OK if result.matched else EXIT_FINDINGS


DESCRIPTION = """\
Evaluate every detector of every failure mode that is not withdrawn against
observed signal values, and list the matches (most severe first) with their
playbooks: owner, time to remediate, first steps, fallback.
"""

EPILOG = """\
observed signals:
  --signal psi=0.31 (repeatable), and/or --input FILE.json (or - for stdin)
  holding [{"signal": "psi", "value": 0.31, "labels": {"feature": "age"}}, ...]
  or {"signals": [...]}. Signal names are those of taxonomy.yml. Give each
  value as the detector reads it over its window: a gauge's average over the
  window, a counter's increase over it (the signal's kind is in taxonomy.yml),
  as the exported alert rules do.

exit codes:
  0  at least one failure mode matched
  1  nothing matched
  2  usage error, unreadable input, or a catalog that cannot be evaluated
  a deploy gate must treat any other code (killed, not installed) as 2
"""


def register(subparsers: Subparsers[Any]) -> None:
    rec = subparsers.add_parser(
        "recommend", help="observed signal values → matching failure modes and playbooks",
        description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    source = rec.add_mutually_exclusive_group()
    source.add_argument("--root", help=ROOT_HELP)
    source.add_argument("--catalog", metavar="PATH",
                        help="a catalog folder, a built site, or a published catalog.json")
    rec.add_argument("--signal", action="append", default=[], metavar="NAME=VALUE",
                     help="an observed value, e.g. psi=0.31 (repeatable)")
    rec.add_argument("--input", metavar="FILE.json", help="observed values as JSON (- = stdin)")
    rec.add_argument("--format", choices=("text", "json"), default="text")
    rec.set_defaults(func=cmd_recommend)

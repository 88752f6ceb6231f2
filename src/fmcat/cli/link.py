"""`fmcat link ID`: the stable URL of a record or one of its sections."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from fmcat.cli.common import (
    BASE_URL_HELP,
    EXIT_FINDINGS,
    EXIT_OK,
    Subparsers,
    UsageError,
    base_url,
    catalog_root,
)
from fmcat.core.catalog import kind_of
from fmcat.core.findings import did_you_mean
from fmcat.core.ids import ANY_RECORD_ID
from fmcat.core.load import load_catalog
from fmcat.core.urls import anchors
from fmcat.exports.documents import stable_url


def cmd_link(args: argparse.Namespace) -> int:
    url = base_url(args.base_url)
    record_id = args.id.upper()
    if not ANY_RECORD_ID.match(record_id):
        hint = "; incidents have no page of their own" if record_id.startswith("INC-") else ""
        raise UsageError(f"{args.id!r} is not a record ID (FM-, MP- or CS- and four "
                         f"digits){hint}")
    kind = kind_of(record_id)
    assert kind is not None
    root = Path(args.root) if args.root else Path.cwd()
    sections: tuple[str, ...] | None = None  # the engine's, outside a catalog
    if args.root or (root / "taxonomy.yml").is_file():
        catalog = load_catalog(catalog_root(str(root)))
        entry = catalog.resolve(record_id)
        if entry is None:
            print(f"error: {record_id} is not in the catalog at {root}; "
                  f"{did_you_mean(record_id, catalog.entries)}", file=sys.stderr)
            return EXIT_FINDINGS
        if entry.id != record_id:
            print(f"note: {record_id} was merged into {entry.id}", file=sys.stderr)
        if not entry.record.is_listed:
            successor = entry.record.superseded_by
            print(f"note: {entry.id} is withdrawn"
                  f"{f'; link {successor} instead' if successor else ''}", file=sys.stderr)
        record_id, kind = entry.id, entry.kind
        if catalog.taxonomy is not None:
            sections = catalog.taxonomy.section_anchors(kind.name)
    section = (args.section or "").lstrip("#")
    allowed = anchors(kind, sections)
    if section and section not in allowed:
        raise UsageError(f"--section {section!r}: a {kind.label.lower()} page has no such "
                         f"section; {did_you_mean(section, allowed)} "
                         f"(sections: {', '.join(allowed)})")
    print(stable_url(kind, record_id, section, url))
    return EXIT_OK


def register(subparsers: Subparsers[Any]) -> None:
    link = subparsers.add_parser(
        "link", help="print the stable URL of a record or one of its sections",
        description="Print the canonical URL of a record. With --root, or when run in a "
        "catalog folder, the ID is checked (exit 1 if unknown) and aliases resolve.")
    link.add_argument("id", metavar="ID", help="FM-nnnn, MP-nnnn or CS-nnnn")
    link.add_argument("--section", help="a fixed section anchor, e.g. detection")
    link.add_argument("--base-url", help=BASE_URL_HELP)
    link.add_argument("--root", help="catalog folder to check the ID against")
    link.set_defaults(func=cmd_link)

"""`fmcat export catalog|schema|alerts`: what the site publishes, for machines.

A catalog with errors is not exported (exit 1): a record that failed
validation would be missing from the output without anyone noticing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from fmcat.cli.common import (
    BASE_URL_HELP,
    EXIT_FINDINGS,
    EXIT_OK,
    ROOT_HELP,
    SITE_URL_ENV,
    Parser,
    Subparsers,
    UsageError,
    base_url,
    catalog_root,
    emit,
    require_valid,
)
from fmcat.core.findings import format_text, has_errors
from fmcat.core.inert import escape_json
from fmcat.core.settings import load_settings
from fmcat.exports import alerts
from fmcat.exports import documents as export
from fmcat.exports.schema import json_schemas


def cmd_export_catalog(args: argparse.Namespace) -> int:
    url = base_url(args.base_url)
    catalog = require_valid(catalog_root(args.root))
    if catalog is None:
        return EXIT_FINDINGS
    try:
        text = export.dumps(export.catalog_document(catalog, url))
    except export.ExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FINDINGS
    emit(text, args.output, printable=escape_json)
    return EXIT_OK


def cmd_export_schema(args: argparse.Namespace) -> int:
    """The schemas need no records, only the catalog's name from its `fmcat.yml`
    (the defaults where there is none, so this runs in any folder)."""
    root = Path(args.root) if args.root else Path.cwd()
    if not root.is_dir():
        raise UsageError(f"--root {root}: not a directory")
    settings, problems = load_settings(root)
    if has_errors(problems):
        print(format_text(problems), file=sys.stderr)
        return EXIT_FINDINGS
    schemas = json_schemas(settings.name)
    if not args.output:
        sys.stdout.write(escape_json(export.dumps(schemas["catalog.json"])))
        return EXIT_OK
    folder = Path(args.output)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"-o {folder}: not a directory")
    for name, schema in schemas.items():
        emit(export.dumps(schema), str(folder / name))
    return EXIT_OK


def cmd_export_alerts(args: argparse.Namespace) -> int:
    url = base_url(args.base_url)
    catalog = require_valid(catalog_root(args.root))
    if catalog is None:
        return EXIT_FINDINGS
    if url is None:
        print(f"note: runbook_url values are site-relative; pass --base-url or set "
              f"{SITE_URL_ENV} so alerts link to the published site", file=sys.stderr)
    try:
        text = alerts.render_prometheus(catalog, url, include_log=args.include_log)
    except export.ExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FINDINGS
    emit(text, args.output)
    return EXIT_OK


def register(subparsers: Subparsers[Any]) -> None:
    exporter = subparsers.add_parser("export", help="catalog.json, JSON Schemas, alert rules")
    export_sub = exporter.add_subparsers(dest="export_command", required=True,
                                         parser_class=Parser)
    catalog = export_sub.add_parser(
        "catalog", help="every record as one JSON document (what the site serves at "
        "api/catalog.json); exit 1 if the catalog has errors")
    catalog.add_argument("--root", help=ROOT_HELP)
    catalog.add_argument("-o", "--output", metavar="FILE", help="write here, not to stdout")
    catalog.add_argument("--base-url", help=BASE_URL_HELP)
    catalog.set_defaults(func=cmd_export_catalog)

    schema = export_sub.add_parser(
        "schema", help="JSON Schemas of the exported records and of the source files")
    schema.add_argument("--root", help="catalog folder whose fmcat.yml names the catalog "
                        "(default: the current folder)")
    schema.add_argument("-o", "--output", metavar="DIR",
                        help="write every schema here (default: print the catalog schema)")
    schema.set_defaults(func=cmd_export_schema)

    alert = export_sub.add_parser(
        "alerts", help="alerting rules, one per detector, runbook_url at #detection")
    alert.add_argument("--format", choices=("prometheus",), default="prometheus")
    alert.add_argument("--root", help=ROOT_HELP)
    alert.add_argument("--base-url", help=BASE_URL_HELP)
    alert.add_argument("-o", "--output", metavar="FILE", help="write here, not to stdout")
    alert.add_argument("--include-log", action="store_true",
                       help="also export log-action detectors (label action=log)")
    alert.set_defaults(func=cmd_export_alerts)

"""`fmcat import incidents`: an incident-tool export turned into incident records."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from fmcat.authoring.importer import MAPPING_EXPLAINED, format_report, import_incidents
from fmcat.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    ROOT_HELP,
    Parser,
    Subparsers,
    UsageError,
    catalog_root,
)


def cmd_import_incidents(args: argparse.Namespace) -> int:
    root = catalog_root(args.root)
    export = Path(args.file)
    if not export.is_file():
        raise UsageError(f"{export}: no such file")
    if not Path(args.mapping).is_file():
        raise UsageError(f"--mapping {args.mapping}: no such file ({MAPPING_EXPLAINED})")
    report = import_incidents(root, export, args.format, Path(args.mapping),
                              dry_run=args.dry_run)
    print(format_report(report))
    return EXIT_OK if report.ok else EXIT_FINDINGS


def register(subparsers: Subparsers[Any]) -> None:
    importer = subparsers.add_parser("import", help="turn an incident-tool export into records")
    import_sub = importer.add_subparsers(dest="import_command", required=True,
                                         parser_class=Parser)
    incidents = import_sub.add_parser(
        "incidents", help="CSV or JSON export to incidents/YYYY/INC-YYYY-nnnn.yml; "
        "exit 1 when a row is rejected", explain={"--mapping": MAPPING_EXPLAINED})
    incidents.add_argument("file", help="the export (.csv or .json)")
    incidents.add_argument("--format", choices=("csv", "json"),
                           help="default: from the file's suffix")
    incidents.add_argument("--mapping", required=True, metavar="MAPPING.yml",
                           help=f"required: {MAPPING_EXPLAINED}")
    incidents.add_argument("--dry-run", action="store_true", help="write nothing")
    incidents.add_argument("--root", help=ROOT_HELP)
    incidents.set_defaults(func=cmd_import_incidents)

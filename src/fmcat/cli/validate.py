"""`fmcat validate` (check every record) and `fmcat rules` (the codes it can report)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from fmcat.cli.common import EXIT_FINDINGS, EXIT_OK, ROOT_HELP, Subparsers, catalog_root
from fmcat.core.findings import (
    RULES,
    format_github,
    format_json,
    format_text,
    has_errors,
    summarize,
)
from fmcat.core.load import load_checked


def cmd_validate(args: argparse.Namespace) -> int:
    catalog = load_checked(catalog_root(args.root))
    findings = catalog.findings
    if args.format == "json":
        print(format_json(findings))
    elif args.format == "github":
        if findings:
            print(format_github(findings))
    elif findings:
        print(format_text(findings))
    failed = has_errors(findings, strict=args.strict)
    if args.format == "text":
        records = len(catalog.entries) + len(catalog.incidents)
        verdict = "FAILED" if failed else "ok"
        print(f"{verdict}: {catalog.files_read} files, {records} records, "
              f"{summarize(findings)}{' (strict)' if args.strict else ''}",
              file=sys.stderr)
    return EXIT_FINDINGS if failed else EXIT_OK


def cmd_rules(args: argparse.Namespace) -> int:
    for rule in RULES.values():
        print(f"{rule.code}  {rule.severity.value:<7}  {rule.title}")
    return EXIT_OK


def register(subparsers: Subparsers[Any]) -> None:
    validate = subparsers.add_parser("validate", help="check every record; exit 1 on findings")
    validate.add_argument("--root", help=ROOT_HELP)
    validate.add_argument("--strict", action="store_true", help="warnings fail too")
    validate.add_argument("--format", choices=("text", "json", "github"), default="text")
    validate.set_defaults(func=cmd_validate)


def register_rules(subparsers: Subparsers[Any]) -> None:
    rules = subparsers.add_parser("rules", help="list every finding code")
    rules.set_defaults(func=cmd_rules)

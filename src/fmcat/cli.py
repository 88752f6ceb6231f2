"""The `fmcat` command line.

`main(argv)` returns an exit code instead of exiting, so tests drive it
in-process. Exit codes: 0 clean, 1 findings (or nothing matched), 2 usage
error. A user mistake never produces a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from . import __version__
from .catalog import load_catalog
from .findings import RULES, format_github, format_json, format_text, has_errors, summarize
from .scaffold import NEW_KINDS, ScaffoldError, create_record

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad arguments: reported in one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


def _root(value: str | None) -> Path:
    root = Path(value) if value else Path.cwd()
    if not root.is_dir():
        raise UsageError(f"--root {root}: not a directory")
    if not (root / "taxonomy.yml").is_file():
        raise UsageError(f"{root.resolve()} has no taxonomy.yml: run fmcat from a catalog "
                         "folder or pass --root DIR")
    return root


def cmd_validate(args: argparse.Namespace) -> int:
    catalog = load_catalog(_root(args.root))
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


def cmd_new(args: argparse.Namespace) -> int:
    root = _root(args.root)
    try:
        path = create_record(root, args.kind, args.title, steward=args.steward)
    except ScaffoldError as exc:
        raise UsageError(str(exc)) from None
    print(path.relative_to(root).as_posix())
    return EXIT_OK


def cmd_rules(args: argparse.Namespace) -> int:
    for rule in RULES.values():
        print(f"{rule.code}  {rule.severity.value:<7}  {rule.title}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="fmcat", description="Failure Mode Catalog tools.")
    parser.add_argument("--version", action="version", version=f"fmcat {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    validate = sub.add_parser("validate", help="check every record; exit 1 on findings")
    validate.add_argument("--root", help="catalog folder (default: current directory)")
    validate.add_argument("--strict", action="store_true", help="warnings fail too")
    validate.add_argument("--format", choices=("text", "json", "github"), default="text")
    validate.set_defaults(func=cmd_validate)

    new = sub.add_parser("new", help="write a template record with the next free ID")
    new.add_argument("kind", choices=NEW_KINDS)
    new.add_argument("title")
    new.add_argument("--root", help="catalog folder (default: current directory)")
    new.add_argument("--steward", default="", help="steward handle from taxonomy.yml")
    new.set_defaults(func=cmd_new)

    rules = sub.add_parser("rules", help="list every finding code")
    rules.set_defaults(func=cmd_rules)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        func: Callable[[argparse.Namespace], int] = args.func
        return func(args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SystemExit as exc:  # --help and --version
        return int(exc.code or 0)
    except BrokenPipeError:  # pragma: no cover - `fmcat ... | head`
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

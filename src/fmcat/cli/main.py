"""The `fmcat` command line.

`main(argv)` returns an exit code instead of exiting, so tests drive it
in-process. Exit codes: 0 clean, 1 findings (or nothing matched), 2 usage
error or anything else that kept the command from finishing. A user
mistake never produces a traceback, and neither does a bug: Python exits 1
on an uncaught exception, which CI reads as "findings" and a deploy gate as
"nothing matched". Set FMCAT_DEBUG=1 to see the traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from fmcat import __version__
from fmcat.analysis import governance
from fmcat.analysis.governance import (
    CODEOWNERS_FILE,
    DUE_SOON_DAYS,
    CodeownersError,
    by_steward,
    check_codeowners,
    review_queue,
    sample_for_review,
    write_codeowners,
)
from fmcat.authoring.importer import MAPPING_EXPLAINED, format_report, import_incidents
from fmcat.authoring.scaffold import NEW_KINDS, ScaffoldError, create_record
from fmcat.cli import integration as cli_integration
from fmcat.core.clock import build_date
from fmcat.core.findings import (
    RULES,
    format_github,
    format_json,
    format_text,
    has_errors,
    summarize,
)
from fmcat.core.inert import escape_text
from fmcat.core.load import load_catalog, load_checked

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2

DEBUG_ENV = "FMCAT_DEBUG"
"""Set (to anything) to let an unexpected exception through with its traceback."""


class UsageError(Exception):
    """Bad arguments: reported in one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, explain: dict[str, str] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # What a required option is for, added to argparse's "the following arguments
        # are required" so that the one-line error also says how to get one.
        self.explain = explain or {}

    def error(self, message: str) -> NoReturn:
        if message.startswith("the following arguments are required"):
            named = [why for option, why in self.explain.items() if option in message]
            message += "".join(f" ({why})" for why in named)
        raise UsageError(f"{self.prog}: {message}")


def _root(value: str | None) -> Path:
    root = Path(value) if value else Path.cwd()
    if not root.is_dir():
        raise UsageError(f"--root {root}: not a directory")
    if not (root / "taxonomy.yml").is_file():
        raise UsageError(f"{root.resolve()} has no taxonomy.yml: run fmcat from a catalog "
                         "folder or pass --root DIR")
    return root


def write_output(path: Path, text: str, option: str = "") -> None:
    """Write a command's output file, or raise a UsageError saying why it cannot.

    Missing folders are created. `option` names the flag the path came from.
    """
    named = f"{option} {path}" if option else str(path)
    try:
        if path.is_dir():
            raise UsageError(f"{named}: is a folder; give a file name")
        blocking = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
        if blocking is not None:
            raise UsageError(f"{named}: {blocking} is a file, not a folder")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{named}: cannot write ({exc.strerror or exc})") from None


def cmd_validate(args: argparse.Namespace) -> int:
    catalog = load_checked(_root(args.root))
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
    """Write the template, then CODEOWNERS, so the new file has owners from the start
    and `fmcat codeowners --check` (part of `make test`) passes right after."""
    root = _root(args.root)
    try:
        path = create_record(root, args.kind, args.title, steward=args.steward)
    except ScaffoldError as exc:
        raise UsageError(str(exc)) from None
    relative = path.relative_to(root).as_posix()
    print(relative)
    try:
        target = governance.write_codeowners(root, load_catalog(root))
    except (OSError, governance.CodeownersError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        print(f"{relative} written, but {CODEOWNERS_FILE} was not updated ({reason}); run "
              f"`fmcat codeowners --root {root}`", file=sys.stderr)
        return EXIT_FINDINGS
    print(f"{target.name} updated for {relative}", file=sys.stderr)
    return EXIT_OK


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def cmd_review_due(args: argparse.Namespace) -> int:
    catalog = load_catalog(_root(args.root), today=args.today)
    items = review_queue(catalog, args.today)
    grouped = by_steward(items)
    if args.steward:
        if catalog.taxonomy and args.steward not in catalog.taxonomy.stewards:
            raise UsageError(f"unknown steward {args.steward!r}")
        grouped = {args.steward: grouped.get(args.steward, [])}
    for steward, steward_items in grouped.items():
        print(f"{escape_text(steward)} ({len(steward_items)})")
        for item in steward_items:
            print(f"  {item.id}  {item.state:<8}  due {item.due}  {escape_text(item.title)}")
            for reason in item.reasons:
                print(f"      - {escape_text(reason)}")
    if not any(grouped.values()):
        print(f"nothing due on {args.today} or in the next {DUE_SOON_DAYS} days")
    overdue = [item for item in items if item.state == "overdue"
               and (not args.steward or args.steward in item.stewards)]
    if args.check and overdue:
        print(f"{len(overdue)} record(s) overdue for review on {args.today}: review them "
              "and update last_reviewed", file=sys.stderr)
        return EXIT_FINDINGS
    return EXIT_OK


def cmd_review_sample(args: argparse.Namespace) -> int:
    if args.n < 1:
        raise UsageError("--n must be at least 1")
    catalog = load_catalog(_root(args.root), today=args.today)
    for item in sample_for_review(catalog, args.n, seed=args.seed, today=args.today):
        print(f"{item.id}  weight {item.weight:5.2f}  reviewed {item.days_since_review:>4} "
              f"days ago  completeness {item.completeness:4.0%}  {escape_text(item.title)}")
    return EXIT_OK


def cmd_codeowners(args: argparse.Namespace) -> int:
    root = _root(args.root)
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


def cmd_import_incidents(args: argparse.Namespace) -> int:
    root = _root(args.root)
    export = Path(args.file)
    if not export.is_file():
        raise UsageError(f"{export}: no such file")
    if not Path(args.mapping).is_file():
        raise UsageError(f"--mapping {args.mapping}: no such file ({MAPPING_EXPLAINED})")
    report = import_incidents(root, export, args.format, Path(args.mapping),
                              dry_run=args.dry_run)
    print(format_report(report))
    return EXIT_OK if report.ok else EXIT_FINDINGS


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

    review = sub.add_parser("review", help="review cadence: what is due, what to sample")
    review_sub = review.add_subparsers(dest="review_command", required=True,
                                       parser_class=_Parser)
    due = review_sub.add_parser("due", help="overdue, soon-due and revisit-prompted records")
    due.add_argument("--steward", help="only this steward's records")
    due.add_argument("--check", action="store_true",
                     help="exit 1 if any record is overdue (for a scheduled CI job)")
    sample = review_sub.add_parser("sample", help="weighted, reproducible peer-review sample")
    sample.add_argument("--n", type=int, required=True, help="how many records")
    sample.add_argument("--seed", type=int, default=0, help="same seed, same sample")
    for command, func in ((due, cmd_review_due), (sample, cmd_review_sample)):
        command.add_argument("--root", help="catalog folder (default: current directory)")
        command.add_argument("--today", type=_date, default=build_date(),
                             help="the date to review against (default: today)")
        command.set_defaults(func=func)

    owners = sub.add_parser("codeowners", help="write or check CODEOWNERS from the stewards")
    owners.add_argument("--root", help="catalog folder (default: current directory)")
    owners.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    owners.add_argument("--output", help=f"file to write (default: {CODEOWNERS_FILE})")
    owners.set_defaults(func=cmd_codeowners)

    importer = sub.add_parser("import", help="turn an incident-tool export into records")
    import_sub = importer.add_subparsers(dest="import_command", required=True,
                                         parser_class=_Parser)
    incidents = import_sub.add_parser(
        "incidents", help="CSV or JSON export to incidents/YYYY/INC-YYYY-nnnn.yml; "
        "exit 1 when a row is rejected", explain={"--mapping": MAPPING_EXPLAINED})
    incidents.add_argument("file", help="the export (.csv or .json)")
    incidents.add_argument("--format", choices=("csv", "json"),
                           help="default: from the file's suffix")
    incidents.add_argument("--mapping", required=True, metavar="MAPPING.yml",
                           help=f"required: {MAPPING_EXPLAINED}")
    incidents.add_argument("--dry-run", action="store_true", help="write nothing")
    incidents.add_argument("--root", help="catalog folder (default: current directory)")
    incidents.set_defaults(func=cmd_import_incidents)

    cli_integration.add_commands(sub)

    rules = sub.add_parser("rules", help="list every finding code")
    rules.set_defaults(func=cmd_rules)
    return parser


def run_command(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> int:
    """Parse `argv`, run its command and turn every way it can end into an exit code.

    The catch-all applies to every command, not only the gate-facing ones:
    each command gives 1 a meaning (findings, a stale CODEOWNERS, a rejected
    row, nothing matched) and a crash is none of them.
    """
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
    except Exception as exc:
        if os.environ.get(DEBUG_ENV):
            raise
        print(f"error: {_failure_text(exc)}", file=sys.stderr)
        return EXIT_USAGE


def _failure_text(exc: Exception) -> str:
    """One line for an exception no command turned into a message."""
    if isinstance(exc, OSError) and exc.filename:
        # Usually the environment (permissions, a full disk), not a bug.
        return f"{exc.filename}: {exc.strerror or exc}"
    detail = str(exc).strip().splitlines()
    summary = f"{type(exc).__name__}: {detail[0][:150]}" if detail else type(exc).__name__
    return (f"fmcat stopped unexpectedly ({summary}); nothing was decided. "
            f"Set {DEBUG_ENV}=1 for the traceback and report it")


def main(argv: Sequence[str] | None = None) -> int:
    return run_command(build_parser(), argv)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

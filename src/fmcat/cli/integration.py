"""The integration commands: export, recommend, drill, link.

They are registered on the main parser by `add_commands(subparsers)`, so
`cli.py` needs one line and this module owns everything about them.
`main_integration(argv)` runs just these commands with the same error
handling as `fmcat.cli.main`, for tests and for embedding.

Exit codes follow the CLI's: 0 ok, 1 findings (the catalog has errors) or,
for `recommend`, nothing matched, 2 usage error. `recommend` cannot use 1
for a broken catalog, so there a catalog that cannot be evaluated is a 2: a
deploy gate must treat anything but 0 and 1 as "could not decide".
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from fmcat.cli import main as cli
from fmcat.core.catalog import Catalog, kind_of
from fmcat.core.findings import Severity, did_you_mean, format_text, summarize
from fmcat.core.ids import ANY_RECORD_ID
from fmcat.core.inert import escape_json
from fmcat.core.load import load_catalog, load_checked
from fmcat.core.urls import anchors

# `cli` is imported as a module and its names are looked up when a command
# runs, so `cli.py` can import this module at its top without a cycle.
from fmcat.exports import alerts, drill, recommend
from fmcat.exports import documents as export

SITE_URL_ENV = "FMCAT_SITE_URL"
"""The variable the site build reads for `site_url`; URLs default to the same base."""

Subparsers = argparse._SubParsersAction  # argparse has no public name for it

_RECORD_ID = ANY_RECORD_ID


# --- helpers ------------------------------------------------------------------


def _base_url(value: str | None) -> str | None:
    """`--base-url`, else $FMCAT_SITE_URL, else None (URLs stay site-relative)."""
    chosen = value if value is not None else os.environ.get(SITE_URL_ENV, "")
    if not chosen:
        return None
    if not re.match(r"^https?://[^\s/]+", chosen):
        origin = "--base-url" if value is not None else f"${SITE_URL_ENV}"
        raise cli.UsageError(f"{origin} {chosen!r}: expected an absolute http(s) URL, "
                         "e.g. https://catalog.example.com/")
    return chosen if chosen.endswith("/") else chosen + "/"


def _valid_catalog(root: Path) -> Catalog | None:
    """The catalog, or None after printing why it cannot be exported.

    Exports are published and consumed by machines; a record that failed
    validation would be missing from them without anyone noticing. The
    files checked are those `validate` and the build check (`load_checked`).
    """
    catalog = load_checked(root)
    errors = [f for f in catalog.findings if f.severity is Severity.ERROR]
    if errors:
        print(format_text(errors), file=sys.stderr)
        print(f"FAILED: the catalog has {summarize(catalog.findings)}; fix them first "
              "(`fmcat validate`)", file=sys.stderr)
        return None
    return catalog


def _emit(text: str, output: str | None, *,
          printable: Callable[[str], str] = lambda text: text) -> None:
    """Write to `-o FILE` (printing its path) or to stdout.

    `printable` makes the text inert for a CI log when it goes to stdout
    (e.g. `escape_json`); a file keeps the exact bytes the site publishes.
    """
    if not output:
        sys.stdout.write(printable(text))
        return
    path = Path(output)
    cli.write_output(path, text, "-o")
    print(path.as_posix())


# --- export ---------------------------------------------------------------------


def cmd_export_catalog(args: argparse.Namespace) -> int:
    base_url = _base_url(args.base_url)
    catalog = _valid_catalog(cli._root(args.root))
    if catalog is None:
        return cli.EXIT_FINDINGS
    try:
        text = export.dumps(export.catalog_document(catalog, base_url))
    except export.ExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return cli.EXIT_FINDINGS
    _emit(text, args.output, printable=escape_json)
    return cli.EXIT_OK


def cmd_export_schema(args: argparse.Namespace) -> int:
    schemas = export.json_schemas()
    if not args.output:
        sys.stdout.write(export.dumps(schemas["catalog.json"]))
        return cli.EXIT_OK
    folder = Path(args.output)
    if folder.exists() and not folder.is_dir():
        raise cli.UsageError(f"-o {folder}: not a directory")
    for name, schema in schemas.items():
        _emit(export.dumps(schema), str(folder / name))
    return cli.EXIT_OK


def cmd_export_alerts(args: argparse.Namespace) -> int:
    base_url = _base_url(args.base_url)
    catalog = _valid_catalog(cli._root(args.root))
    if catalog is None:
        return cli.EXIT_FINDINGS
    if base_url is None:
        print(f"note: runbook_url values are site-relative; pass --base-url or set "
              f"{SITE_URL_ENV} so alerts link to the published site", file=sys.stderr)
    try:
        text = alerts.render_prometheus(catalog, base_url, include_log=args.include_log)
    except export.ExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return cli.EXIT_FINDINGS
    _emit(text, args.output)
    return cli.EXIT_OK


# --- recommend ------------------------------------------------------------------


def _knowledge(args: argparse.Namespace) -> recommend.Knowledge:
    if args.catalog:
        path = Path(args.catalog)
        if path.is_dir():
            if (path / "taxonomy.yml").is_file():
                return _knowledge_from_root(path)
            found = [p for p in (path / "api" / "catalog.json", path / "catalog.json")
                     if p.is_file()]
            if not found:
                raise cli.UsageError(f"--catalog {path}: neither a catalog folder (taxonomy.yml) "
                                 "nor a site (api/catalog.json)")
            path = found[0]
        elif not path.is_file():
            raise cli.UsageError(f"--catalog {path}: no such file or folder")
        source = f"--catalog {path}"
        try:
            return recommend.knowledge_from_document(_read_json(path, source))
        except recommend.DocumentError as exc:
            raise cli.UsageError(f"{source}: {exc}") from None
    return _knowledge_from_root(cli._root(args.root))


def _knowledge_from_root(root: Path) -> recommend.Knowledge:
    catalog = _valid_catalog(root)
    if catalog is None:
        # Matching against part of a catalog could miss the one that matters.
        raise cli.UsageError(f"{root}: cannot recommend from a catalog with errors")
    try:
        return recommend.knowledge_from_catalog(catalog)
    except (recommend.DocumentError, export.ExportError) as exc:
        raise cli.UsageError(f"{root}: cannot recommend from this catalog: {exc}") from None


def _read_json(path: Path | None, source: str) -> Any:
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
        raise cli.UsageError(f"{source}: cannot read ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise cli.UsageError(f"{source}: not UTF-8 text (byte {exc.start + 1}); "
                             "save it as UTF-8") from None
    try:
        return recommend.parse_json(text, source)
    except recommend.InputError as exc:
        raise cli.UsageError(str(exc)) from None


def _observations(args: argparse.Namespace) -> list[recommend.Observation]:
    found: list[recommend.Observation] = []
    try:
        if args.input:
            source = "stdin" if args.input == "-" else args.input
            data = _read_json(None if args.input == "-" else Path(args.input),
                              f"--input {source}")
            found.extend(recommend.parse_observations(data, source))
        found.extend(recommend.parse_signal_option(item) for item in args.signal)
    except recommend.InputError as exc:
        raise cli.UsageError(str(exc)) from None
    if not found:
        raise cli.UsageError("no observed signals: pass --signal name=value or --input FILE.json")
    return found


def cmd_recommend(args: argparse.Namespace) -> int:
    observations = _observations(args)
    result = recommend.recommend(_knowledge(args), observations)
    if args.format == "json":
        sys.stdout.write(recommend.render_json(result))
    else:
        sys.stdout.write(recommend.render_text(result))
    return cli.EXIT_OK if result.matched else cli.EXIT_FINDINGS


# --- drill and link ---------------------------------------------------------------


def cmd_drill(args: argparse.Namespace) -> int:
    base_url = _base_url(args.base_url)
    fm_id = args.id.upper()
    if not (ANY_RECORD_ID.match(fm_id) and fm_id.startswith("FM-")):
        raise cli.UsageError(f"{args.id!r} is not a failure-mode ID (FM- and four digits)")
    catalog = _valid_catalog(cli._root(args.root))
    if catalog is None:
        return cli.EXIT_FINDINGS
    try:
        text = drill.drill_script(catalog, fm_id, base_url)
    except drill.DrillError as exc:
        raise cli.UsageError(str(exc)) from None
    _emit(text, args.output)
    return cli.EXIT_OK


def cmd_link(args: argparse.Namespace) -> int:
    base_url = _base_url(args.base_url)
    record_id = args.id.upper()
    if not _RECORD_ID.match(record_id):
        hint = "; incidents have no page of their own" if record_id.startswith("INC-") else ""
        raise cli.UsageError(f"{args.id!r} is not a record ID (FM-, MP- or CS- and four "
                         f"digits){hint}")
    kind = kind_of(record_id)
    assert kind is not None
    root = Path(args.root) if args.root else Path.cwd()
    if args.root or (root / "taxonomy.yml").is_file():
        catalog = load_catalog(cli._root(str(root)))
        entry = catalog.resolve(record_id)
        if entry is None:
            print(f"error: {record_id} is not in the catalog at {root}; "
                  f"{did_you_mean(record_id, catalog.entries)}", file=sys.stderr)
            return cli.EXIT_FINDINGS
        if entry.id != record_id:
            print(f"note: {record_id} was merged into {entry.id}", file=sys.stderr)
        if entry.record.status == "withdrawn":
            successor = entry.record.superseded_by
            print(f"note: {entry.id} is withdrawn"
                  f"{f'; link {successor} instead' if successor else ''}", file=sys.stderr)
        record_id, kind = entry.id, entry.kind
    section = (args.section or "").lstrip("#")
    allowed = anchors(kind)
    if section and section not in allowed:
        raise cli.UsageError(f"--section {section!r}: a {kind.label.lower()} page has no such "
                         f"section; {did_you_mean(section, allowed)} "
                         f"(sections: {', '.join(allowed)})")
    print(export.stable_url(kind, record_id, section, base_url))
    return cli.EXIT_OK


# --- wiring ----------------------------------------------------------------------------


_RECOMMEND_DESCRIPTION = """\
Evaluate every detector of every failure mode that is not withdrawn against
observed signal values, and list the matches (most severe first) with their
playbooks: owner, time to remediate, first steps, fallback.
"""

_RECOMMEND_EPILOG = """\
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


def add_commands(subparsers: Subparsers[Any]) -> None:
    """Register export, recommend, drill and link on the main `fmcat` parser."""
    root_help = "catalog folder (default: current directory)"
    base_help = (f"site URL to make links absolute (default: ${SITE_URL_ENV}; "
                 "without either, links are site-relative)")

    exporter = subparsers.add_parser("export", help="catalog.json, JSON Schemas, alert rules")
    export_sub = exporter.add_subparsers(dest="export_command", required=True,
                                         parser_class=cli._Parser)
    catalog = export_sub.add_parser(
        "catalog", help="every record as one JSON document (what the site serves at "
        "api/catalog.json); exit 1 if the catalog has errors")
    catalog.add_argument("--root", help=root_help)
    catalog.add_argument("-o", "--output", metavar="FILE", help="write here, not to stdout")
    catalog.add_argument("--base-url", help=base_help)
    catalog.set_defaults(func=cmd_export_catalog)

    schema = export_sub.add_parser(
        "schema", help="JSON Schemas of the exported records and of the source files")
    schema.add_argument("-o", "--output", metavar="DIR",
                        help="write every schema here (default: print the catalog schema)")
    schema.set_defaults(func=cmd_export_schema)

    alert = export_sub.add_parser(
        "alerts", help="alerting rules, one per detector, runbook_url at #detection")
    alert.add_argument("--format", choices=("prometheus",), default="prometheus")
    alert.add_argument("--root", help=root_help)
    alert.add_argument("--base-url", help=base_help)
    alert.add_argument("-o", "--output", metavar="FILE", help="write here, not to stdout")
    alert.add_argument("--include-log", action="store_true",
                       help="also export log-action detectors (label action=log)")
    alert.set_defaults(func=cmd_export_alerts)

    rec = subparsers.add_parser(
        "recommend", help="observed signal values → matching failure modes and playbooks",
        description=_RECOMMEND_DESCRIPTION, epilog=_RECOMMEND_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    source = rec.add_mutually_exclusive_group()
    source.add_argument("--root", help=root_help)
    source.add_argument("--catalog", metavar="PATH",
                        help="a catalog folder, a built site, or a published catalog.json")
    rec.add_argument("--signal", action="append", default=[], metavar="NAME=VALUE",
                     help="an observed value, e.g. psi=0.31 (repeatable)")
    rec.add_argument("--input", metavar="FILE.json", help="observed values as JSON (- = stdin)")
    rec.add_argument("--format", choices=("text", "json"), default="text")
    rec.set_defaults(func=cmd_recommend)

    game = subparsers.add_parser("drill", help="a game-day script for one failure mode")
    game.add_argument("id", metavar="FM-nnnn")
    game.add_argument("--root", help=root_help)
    game.add_argument("--base-url", help=base_help)
    game.add_argument("-o", "--output", metavar="FILE", help="write here, not to stdout")
    game.set_defaults(func=cmd_drill)

    link = subparsers.add_parser(
        "link", help="print the stable URL of a record or one of its sections",
        description="Print the canonical URL of a record. With --root, or when run in a "
        "catalog folder, the ID is checked (exit 1 if unknown) and aliases resolve.")
    link.add_argument("id", metavar="ID", help="FM-nnnn, MP-nnnn or CS-nnnn")
    link.add_argument("--section", help="a fixed section anchor, e.g. detection")
    link.add_argument("--base-url", help=base_help)
    link.add_argument("--root", help="catalog folder to check the ID against")
    link.set_defaults(func=cmd_link)


def build_parser() -> argparse.ArgumentParser:
    """A parser with only the integration commands (the main one adds them too)."""
    parser = cli._Parser(prog="fmcat", description="Failure Mode Catalog integration tools.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=cli._Parser)
    add_commands(sub)
    return parser


def main_integration(argv: Sequence[str] | None = None) -> int:
    """Run one integration command in-process, with `fmcat.cli.main`'s error handling."""
    return cli.run_command(build_parser(), argv)

"""What every `fmcat` command shares: exit codes, the parser, `--root`, output, the gate.

Exit codes: 0 clean, 1 findings (or nothing matched), 2 usage error or
anything else that kept the command from finishing. A user mistake never
produces a traceback, and neither does a bug: Python exits 1 on an uncaught
exception, which CI reads as "findings" and a deploy gate as "nothing
matched". Set FMCAT_DEBUG=1 to see the traceback.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from fmcat.core.catalog import Catalog
from fmcat.core.load import InvalidCatalogError, load_checked, require_no_errors

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2

DEBUG_ENV = "FMCAT_DEBUG"
"""Set (to anything) to let an unexpected exception through with its traceback."""

SITE_URL_ENV = "FMCAT_SITE_URL"
"""The variable the site build reads for `site_url`; URLs default to the same base."""

ROOT_HELP = "catalog folder (default: current directory)"
BASE_URL_HELP = (f"site URL to make links absolute (default: ${SITE_URL_ENV}; "
                 "without either, links are site-relative)")

Subparsers = argparse._SubParsersAction  # argparse has no public name for it


class UsageError(Exception):
    """Bad arguments: reported in one line, exit code 2."""


class Parser(argparse.ArgumentParser):
    """An argument parser that raises `UsageError` instead of exiting."""

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


def catalog_root(value: str | None) -> Path:
    """The folder `--root` names (default: the current one), if it holds a catalog."""
    root = Path(value) if value else Path.cwd()
    if not root.is_dir():
        raise UsageError(f"--root {root}: not a directory")
    if not (root / "taxonomy.yml").is_file():
        raise UsageError(f"{root.resolve()} has no taxonomy.yml: run fmcat from a catalog "
                         "folder or pass --root DIR")
    return root


def published_catalog(value: str) -> Path:
    """What `--catalog` names: a catalog folder (it has a taxonomy.yml, and is
    returned as is), or the published `catalog.json` of a built site or a file.

    `recommend` and `assess` both work from either, like a team that has only
    the published site."""
    path = Path(value)
    if path.is_dir():
        if (path / "taxonomy.yml").is_file():
            return path
        found = [p for p in (path / "api" / "catalog.json", path / "catalog.json")
                 if p.is_file()]
        if not found:
            raise UsageError(f"--catalog {path}: neither a catalog folder (taxonomy.yml) "
                             "nor a site (api/catalog.json)")
        return found[0]
    if not path.is_file():
        raise UsageError(f"--catalog {path}: no such file or folder")
    return path


def base_url(value: str | None) -> str | None:
    """`--base-url`, else $FMCAT_SITE_URL, else None (URLs stay site-relative)."""
    chosen = value if value is not None else os.environ.get(SITE_URL_ENV, "")
    if not chosen:
        return None
    if not re.match(r"^https?://[^\s/]+", chosen):
        origin = "--base-url" if value is not None else f"${SITE_URL_ENV}"
        raise UsageError(f"{origin} {chosen!r}: expected an absolute http(s) URL, "
                         "e.g. https://catalog.example.com/")
    return chosen if chosen.endswith("/") else chosen + "/"


def require_valid(root: Path) -> Catalog | None:
    """The catalog, or None after printing why it cannot be exported.

    Exports are published and consumed by machines; a record that failed
    validation would be missing from them without anyone noticing. The
    files checked are those `validate` and the build check (`load_checked`).
    """
    try:
        return require_no_errors(load_checked(root))
    except InvalidCatalogError as exc:
        print(exc, file=sys.stderr)
        print(f"FAILED: the catalog has {exc.summary}; fix them first (`fmcat validate`)",
              file=sys.stderr)
        return None


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


def emit(text: str, output: str | None, *,
         printable: Callable[[str], str] = lambda text: text) -> None:
    """Write to `-o FILE` (printing its path) or to stdout.

    `printable` makes the text inert for a CI log when it goes to stdout
    (e.g. `escape_json`); a file keeps the exact bytes the site publishes.
    """
    if not output:
        sys.stdout.write(printable(text))
        return
    path = Path(output)
    write_output(path, text, "-o")
    print(path.as_posix())


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
        print(f"error: {failure_text(exc)}", file=sys.stderr)
        return EXIT_USAGE


def failure_text(exc: Exception) -> str:
    """One line for an exception no command turned into a message."""
    if isinstance(exc, OSError) and exc.filename:
        # Usually the environment (permissions, a full disk), not a bug.
        return f"{exc.filename}: {exc.strerror or exc}"
    detail = str(exc).strip().splitlines()
    summary = f"{type(exc).__name__}: {detail[0][:150]}" if detail else type(exc).__name__
    return (f"fmcat stopped unexpectedly ({summary}); nothing was decided. "
            f"Set {DEBUG_ENV}=1 for the traceback and report it")

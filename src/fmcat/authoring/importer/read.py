"""Reading what an import starts from: the export's rows, and the log's records as raw files.

Nothing here raises past the importer: a file that cannot be read as a whole
is a `ReadError` whose message names it, and the import reports it; a row
that is wrong on its own carries its `problem` and is rejected later.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from fmcat.authoring.importer.mapping import ImportMapping
from fmcat.core.findings import did_you_mean
from fmcat.core.frontmatter import MAX_FILE_BYTES, parse_yaml
from fmcat.core.model import INCIDENTS_FOLDER

Format = Literal["csv", "json"]
Cell = str | list[str]
"""One value of a row: text, or a list of texts (from a JSON list)."""


class ReadError(Exception):
    """A file the import needs cannot be read as a whole; nothing is written."""


@dataclass
class Row:
    """One row of the export; `line` is the CSV line it starts on (None in JSON)."""

    number: int
    line: int | None
    cells: dict[str, Cell]
    problem: str = ""


def format_of(path: Path) -> Format | None:
    """The export's format from its suffix, or None when the suffix does not say."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix == ".json":
        return "json"
    return None


def read_export(path: Path, fmt: Format, mapping: ImportMapping) -> list[Row]:
    """Every non-empty row of the export, numbered from 1."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"{path}: cannot read the export: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReadError(f"{path}: byte {exc.start} is not UTF-8; export as UTF-8") from None
    if fmt == "csv":
        return list(read_csv(text, path, mapping))
    return list(read_json(text, path))


def read_csv(text: str, path: Path, mapping: ImportMapping) -> Iterator[Row]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [name.strip() for name in next(reader, [])]
        if not header:
            raise ReadError(f"{path}: the export is empty")
        duplicates = sorted({n for n in header if header.count(n) > 1})
        if duplicates:
            raise ReadError(f"{path}: columns named twice in the header: "
                            + ", ".join(duplicates))
        # A JSON row may leave a key out, but a CSV without a named column is
        # a wrong mapping or a wrong export, and every row would be rejected.
        missing = [c for c in mapping.named_columns() if c not in header]
        if missing:
            hints = "; ".join(f"'{c}' ({did_you_mean(c, header)})" for c in missing)
            raise ReadError(f"{path}: the mapping names columns the export does not "
                            f"have: {hints}")
        number = 0
        start = reader.line_num + 1
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            number += 1
            row = Row(number, line, dict(zip(header, cells, strict=False)))
            if len(cells) > len(header):
                row.problem = f"{len(cells)} cells but the header has {len(header)} columns"
            yield row
    except csv.Error as exc:
        raise ReadError(f"{path}:{reader.line_num}: not valid CSV: {exc}") from None


def read_json(text: str, path: Path) -> Iterator[Row]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReadError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    if not isinstance(data, list):
        raise ReadError(f"{path}: the export must be a JSON list of incident objects")
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            yield Row(number, None, {}, "the row is not a JSON object")
            continue
        cells: dict[str, Cell] = {}
        problem = ""
        for key, value in item.items():
            cell = json_cell(value)
            if cell is None:
                problem = problem or f"'{key}' holds a nested object, not a value or a list"
                continue
            cells[str(key)] = cell
        yield Row(number, None, cells, problem)


def json_cell(value: Any) -> Cell | None:
    """A JSON value as a cell; None for what is not a value or a flat list."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    if isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
        return [str(v) for v in value if v is not None]
    return None


# --- the log --------------------------------------------------------------------------

@dataclass(frozen=True)
class Logged:
    """One file of the incident log as the importer reads it: raw, not validated."""

    path: str
    raw: bytes
    text: str
    data: dict[str, Any] | None
    unreadable_as: str = ""  # why its source cannot be read, when it cannot

    @property
    def incident_id(self) -> str:
        value = self.data.get("id") if self.data is not None else None
        return value if isinstance(value, str) else self.path.rsplit("/", 1)[-1]


@dataclass
class Log:
    """The log's imported records by `(system, source id)`, and the files whose source
    cannot be read (`opaque`)."""

    by_source: dict[tuple[str, str], list[Logged]] = field(default_factory=dict)
    opaque: list[Logged] = field(default_factory=list)


def read_log(root: Path) -> Log:
    """Every record's `source`, read from the files rather than the validated catalog.

    A record that fails validation (a human edited it badly) still names its
    source and must still stop a second import. A file that does not parse,
    or whose `source` is not `{system, id}`, is kept as text so that a row
    whose ID it contains is refused rather than guessed; a file that cannot
    be read at all could hold any row, so it stops the import.
    """
    log = Log()
    folder = root / INCIDENTS_FOLDER
    if not folder.is_dir():
        return log
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() not in (".yml", ".yaml") or path.is_dir():
            continue
        relative = path.relative_to(root).as_posix()
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise ReadError(f"{relative}: larger than {MAX_FILE_BYTES:,} bytes, so not "
                                "read; the import cannot tell which source it holds, "
                                "nothing was written")
            raw = path.read_bytes()
        except OSError as exc:
            raise ReadError(f"{relative}: cannot read it ({exc.strerror or exc}); the "
                            "import cannot tell whether it holds a row of this export, "
                            "so nothing was written") from None
        doc = parse_yaml(relative, raw)
        text = raw.decode("utf-8", "replace")
        data = doc.data if isinstance(doc.data, dict) else None
        if data is None:
            problem = doc.findings[0].message if doc.findings else "is not a YAML mapping"
            log.opaque.append(Logged(relative, raw, text, None, f"does not parse ({problem})"))
            continue
        if "source" not in data:
            continue  # written by hand, not imported
        source = data["source"]
        system = source.get("system") if isinstance(source, dict) else None
        source_id = source.get("id") if isinstance(source, dict) else None
        if isinstance(system, str) and isinstance(source_id, str | int) and \
                not isinstance(source_id, bool):
            log.by_source.setdefault((system, str(source_id)), []).append(
                Logged(relative, raw, text, data))
        else:
            log.opaque.append(Logged(relative, raw, text, data,
                                     "has a `source` that is not {system, id}"))
    return log

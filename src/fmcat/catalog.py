"""Loading a catalog folder into records, indexes and findings.

`load_catalog` is the single entry point used by the CLI, the site build and
the tests. It never raises for a user mistake: whatever is wrong becomes a
finding, and a record that cannot be read is still listed (as a finding naming
its file), so nothing is ever dropped silently.
"""

from __future__ import annotations

import re
import typing
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from . import checks
from .clock import build_date
from .findings import Finding, did_you_mean, finding
from .frontmatter import Document, Loc, parse_markdown, parse_yaml
from .model import (
    INCIDENTS_FOLDER,
    KIND_BY_PREFIX,
    KINDS,
    CaseStudy,
    FailureMode,
    Incident,
    Kind,
    Playbook,
    Record,
)
from .taxonomy import Taxonomy, load_taxonomy


@dataclass(frozen=True)
class Entry:
    """A record with where it came from."""

    kind: Kind
    record: Record
    doc: Document

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def path(self) -> str:
        return self.doc.path


@dataclass(frozen=True)
class IncidentEntry:
    record: Incident
    doc: Document


@dataclass
class Catalog:
    root: Path
    taxonomy: Taxonomy | None
    today: date
    entries: dict[str, Entry] = field(default_factory=dict)
    incidents: dict[str, IncidentEntry] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    files_read: int = 0
    # IDs of files that exist but could not be read, taken from their file
    # names, so one broken file gives one finding and not one per reference.
    unreadable: dict[str, str] = field(default_factory=dict)
    # Derived indexes, each built in one pass over the records.
    aliases: dict[str, str] = field(default_factory=dict)
    related: dict[str, list[str]] = field(default_factory=dict)
    used_by: dict[str, list[str]] = field(default_factory=dict)
    cited_by_cases: dict[str, list[str]] = field(default_factory=dict)
    cited_by_incidents: dict[str, list[str]] = field(default_factory=dict)

    def of_kind(self, kind: Kind) -> list[Entry]:
        return [e for e in self.entries.values() if e.kind is kind]

    @property
    def failure_modes(self) -> list[Entry]:
        return [e for e in self.entries.values() if isinstance(e.record, FailureMode)]

    @property
    def playbooks(self) -> list[Entry]:
        return [e for e in self.entries.values() if isinstance(e.record, Playbook)]

    @property
    def case_studies(self) -> list[Entry]:
        return [e for e in self.entries.values() if isinstance(e.record, CaseStudy)]

    def resolve(self, record_id: str) -> Entry | None:
        """The entry for an ID, following aliases of merged records."""
        entry = self.entries.get(record_id)
        if entry is None and record_id in self.aliases:
            entry = self.entries.get(self.aliases[record_id])
        return entry

    def knows(self, record_id: str) -> bool:
        return (record_id in self.entries or record_id in self.aliases
                or record_id in self.unreadable)

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)


def load_catalog(root: Path, *, today: date | None = None) -> Catalog:
    """Read every record under `root`, validate it and build the indexes."""
    root = Path(root)
    taxonomy, findings = load_taxonomy(root)
    catalog = Catalog(root=root, taxonomy=taxonomy, today=today or build_date())
    catalog.findings.extend(findings)
    seen: dict[str, str] = {}
    for kind in KINDS:
        for path in _files(root / kind.folder, ("*.md",)):
            catalog.files_read += 1
            rel = path.relative_to(root).as_posix()
            doc = parse_markdown(rel, path.read_bytes())
            record = _validate(doc, kind.model)
            catalog.findings.extend(doc.findings)
            if record is None:
                named = _FILE_ID.match(path.name)
                if named:
                    catalog.unreadable.setdefault(named.group(1), rel)
                continue
            if _is_duplicate(record.id, doc, seen, catalog.findings):
                continue
            catalog.entries[record.id] = Entry(kind, record, doc)
    for path in _files(root / INCIDENTS_FOLDER, ("*.yml", "*.yaml")):
        catalog.files_read += 1
        rel = path.relative_to(root).as_posix()
        doc = parse_yaml(rel, path.read_bytes())
        incident = _validate(doc, Incident)
        catalog.findings.extend(doc.findings)
        if incident is None:
            named = _FILE_ID.match(path.name)
            if named:
                catalog.unreadable.setdefault(named.group(1), rel)
            continue
        if _is_duplicate(incident.id, doc, seen, catalog.findings):
            continue
        catalog.incidents[incident.id] = IncidentEntry(incident, doc)
    catalog.entries = dict(sorted(catalog.entries.items()))
    catalog.incidents = dict(sorted(catalog.incidents.items()))
    _index(catalog)
    if taxonomy is not None:
        catalog.findings.extend(checks.find_issues(catalog, taxonomy))
    catalog.findings.sort()
    return catalog


_FILE_ID = re.compile(r"^((?:FM|MP|CS)-\d{4}|INC-\d{4}-\d{4})\b")


def _files(folder: Path, patterns: Iterable[str]) -> list[Path]:
    if not folder.is_dir():
        return []
    found = {p for pattern in patterns for p in folder.rglob(pattern) if p.is_file()}
    return sorted(found)


def _is_duplicate(record_id: str, doc: Document, seen: dict[str, str],
                  findings: list[Finding]) -> bool:
    if record_id in seen:
        findings.append(finding(
            "FMC021", doc.path, doc.line_of(("id",)), "id",
            f"{record_id} is already used by {seen[record_id]}",
            "IDs are permanent and unique: take the next free one with `fmcat new`",
        ))
        return True
    seen[record_id] = f"{doc.path}:{doc.line_of(('id',))}"
    return False


def _index(catalog: Catalog) -> None:
    """Aliases, symmetric related links and backlinks, in one pass each."""
    for entry in catalog.entries.values():
        for alias in entry.record.aliases:
            catalog.aliases.setdefault(alias, entry.id)
    related: dict[str, set[str]] = defaultdict(set)
    used_by: dict[str, set[str]] = defaultdict(set)
    cited_by_cases: dict[str, set[str]] = defaultdict(set)
    cited_by_incidents: dict[str, set[str]] = defaultdict(set)

    def canonical(record_id: str) -> str:
        return catalog.aliases.get(record_id, record_id) if record_id not in catalog.entries \
            else record_id

    for entry in catalog.entries.values():
        record = entry.record
        if isinstance(record, FailureMode):
            for other in map(canonical, record.related):
                if other != entry.id and other in catalog.entries:
                    related[entry.id].add(other)
                    related[other].add(entry.id)
            for mitigation in record.mitigations:
                used_by[canonical(mitigation.playbook)].add(entry.id)
        elif isinstance(record, CaseStudy):
            for cited in map(canonical, [*record.failure_modes, *record.playbooks]):
                cited_by_cases[cited].add(entry.id)
    for incident in catalog.incidents.values():
        for cited in map(canonical, [*incident.record.failure_modes,
                                     *incident.record.playbooks_used]):
            cited_by_incidents[cited].add(incident.record.id)
    catalog.related = {k: sorted(v) for k, v in sorted(related.items())}
    catalog.used_by = {k: sorted(v) for k, v in sorted(used_by.items())}
    catalog.cited_by_cases = {k: sorted(v) for k, v in sorted(cited_by_cases.items())}
    catalog.cited_by_incidents = {k: sorted(v) for k, v in sorted(cited_by_incidents.items())}


# --- turning pydantic errors into findings ---------------------------------

_ID_HINTS = {
    "FM": "failure modes are FM- and four digits, e.g. FM-0007",
    "MP": "playbooks are MP- and four digits, e.g. MP-0003",
    "CS": "case studies are CS- and four digits, e.g. CS-0002",
    "INC": "incidents are INC-, the year and four digits, e.g. INC-2026-0001",
}

_M = typing.TypeVar("_M", bound=BaseModel)


def _validate(doc: Document, model: type[_M]) -> _M | None:
    if doc.data is None:
        return None
    data = doc.data
    if "render_macros" in data:
        doc.findings.append(finding(
            "FMC052", doc.path, doc.line_of(("render_macros",)), "render_macros",
            "records are contributed text and are never rendered as templates",
            "remove render_macros; {{ }} in a record is shown literally",
        ))
        data = {k: v for k, v in data.items() if k != "render_macros"}
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            doc.findings.append(_error_to_finding(doc, model, error))
        return None


def _error_to_finding(doc: Document, model: type[BaseModel], error: Any) -> Finding:
    loc: Loc = tuple(p for p in error["loc"] if not _is_pydantic_tag(p))
    dotted = ".".join(str(p) for p in loc)
    kind = error["type"]
    value = error.get("input")
    line = doc.line_of(loc)
    if kind == "extra_forbidden":
        allowed = _fields_at(model, loc[:-1])
        return finding("FMC010", doc.path, line, dotted,
                       f"unknown field '{loc[-1]}'", did_you_mean(str(loc[-1]), allowed))
    if kind == "missing":
        return finding("FMC011", doc.path, line, dotted,
                       f"required field '{loc[-1]}' is missing",
                       f"add '{loc[-1]}:'; see docs/contributing.md for what it holds")
    if loc and loc[-1] == "id" and kind == "string_pattern_mismatch":
        prefix = (str(value).split("-")[0] if isinstance(value, str) else "")
        hint = _ID_HINTS.get(prefix, "; ".join(_ID_HINTS.values()))
        return finding("FMC020", doc.path, line, dotted, f"{value!r} is not a valid ID", hint)
    return finding("FMC012", doc.path, line, dotted, _message(error, value),
                   _type_hint(error, value))


def _is_pydantic_tag(part: Any) -> bool:
    # Unions and tagged models add synthetic location parts such as 'str' or
    # 'function-after[...]'; they name no field of the file.
    return isinstance(part, str) and ("[" in part or part in {"str", "int", "float", "bool"})


def _message(error: Any, value: Any) -> str:
    kind = error["type"]
    if kind == "literal_error":
        expected = re.findall(r"'([^']*)'", error["ctx"]["expected"])
        return f"{value!r} is not one of {', '.join(expected)}"
    if kind == "string_pattern_mismatch":
        return f"{value!r} does not have the expected form ({error['ctx']['pattern']})"
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return f"{error['msg'][0].lower()}{error['msg'][1:]} (got {shown})"


def _type_hint(error: Any, value: Any) -> str:
    kind = error["type"]
    if kind == "literal_error":
        expected = re.findall(r"'([^']*)'", error["ctx"]["expected"])
        return did_you_mean(str(value), expected)
    if isinstance(value, bool):
        return "YAML reads yes/no/on/off/true/false as a boolean: quote the value"
    if isinstance(value, int | float) and "string" in error["msg"]:
        return f"YAML reads this as a number: quote it, e.g. \"{value}\""
    if isinstance(value, date) and "string" in error["msg"]:
        return "YAML reads this as a date: quote it"
    if kind == "string_pattern_mismatch" and "[mhdw]" in str(error["ctx"]["pattern"]):
        return "durations are a number and a unit: 30m, 6h, 1d, 2w"
    if kind == "string_pattern_mismatch" and "FM-" in str(error["ctx"]["pattern"]):
        return _ID_HINTS["FM"]
    if kind == "string_pattern_mismatch" and "MP-" in str(error["ctx"]["pattern"]):
        return _ID_HINTS["MP"]
    if kind == "timezone_aware":
        return "add a time zone, e.g. 2026-03-01T10:00:00Z"
    if kind.startswith("too_short"):
        return "add at least one item"
    if "date" in kind:
        return "write dates as YYYY-MM-DD"
    return "see docs/contributing.md for this field"


def _fields_at(model: type[BaseModel], loc: Loc) -> list[str]:
    """The field names allowed at a location, for 'did you mean' hints."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        field_info = current.model_fields.get(part) if _is_model(current) else None
        if field_info is None:
            return []
        current = _inner_model(field_info.annotation)
    return list(current.model_fields) if _is_model(current) else []


def _is_model(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)


def _inner_model(annotation: Any) -> Any:
    if _is_model(annotation):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def kind_of(record_id: str) -> Kind | None:
    return KIND_BY_PREFIX.get(record_id.split("-", 1)[0])

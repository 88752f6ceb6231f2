"""Loading a catalog folder into records, indexes and findings.

`load_catalog` is the single entry point used by the CLI, the site build and
the tests. It never raises for a user mistake: whatever is wrong becomes a
finding, and a record that cannot be read is still listed (as a finding naming
its file), so nothing is ever dropped silently.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from . import checks
from .clock import build_date
from .findings import Finding, finding
from .folders import RECORD_FOLDERS, RecordFolder, walk_record_folder
from .frontmatter import Document, parse_markdown, parse_yaml, read_file
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
from .validation import validate_document


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
    _by_file: dict[str, list[Finding]] | None = field(default=None, repr=False)
    _indexed: int = field(default=0, repr=False)

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

    def findings_for(self, path: str) -> list[Finding]:
        """The findings of one file, through an index built once (not a scan per file)."""
        if self._by_file is None or self._indexed != len(self.findings):
            self._by_file = {}
            for item in self.findings:
                self._by_file.setdefault(item.file, []).append(item)
            self._indexed = len(self.findings)
        return self._by_file.get(path, [])

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
    seen: dict[str, Document] = {}
    real_root = root.resolve()
    for kind in KINDS:
        for rel, path in _record_files(real_root, RECORD_FOLDERS[kind.folder], catalog):
            doc = _read(rel, path, parse_markdown, catalog)
            record = validate_document(doc, kind.model)
            doc.data = None  # now in the record; only the line map may still be needed
            catalog.findings.extend(doc.findings)
            if record is None:
                _mark_unreadable(rel, catalog)
                continue
            if _is_duplicate(record.id, doc, seen, catalog.findings):
                continue
            catalog.entries[record.id] = Entry(kind, record, doc)
    for rel, path in _record_files(real_root, RECORD_FOLDERS[INCIDENTS_FOLDER], catalog):
        doc = _read(rel, path, parse_yaml, catalog)
        incident = validate_document(doc, Incident)
        doc.data = None
        catalog.findings.extend(doc.findings)
        if incident is None:
            _mark_unreadable(rel, catalog)
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
    for entry in catalog.entries.values():
        entry.doc.release()
    for item in catalog.incidents.values():
        item.doc.release()
    return catalog


# The ID a file name starts with; ASCII digits only, as in the ID patterns.
_FILE_ID = re.compile(
    r"^((?:FM|MP|CS)-(?:[0-9]{4}|[1-9][0-9]{4,5})|INC-[0-9]{4}-[0-9]{4})(?!\w)")


def _read(rel: str, path: Path, parse: Callable[[str, bytes], Document],
          catalog: Catalog) -> Document:
    """Parse one record file; a file that cannot be read is a document with findings."""
    catalog.files_read += 1
    raw, problems = read_file(path, rel)
    if raw is None:
        return Document(path=rel, findings=problems)
    return parse(rel, raw)


def _mark_unreadable(rel: str, catalog: Catalog) -> None:
    """Keep the ID a refused file is named after: reported once, never handed out again."""
    named = _FILE_ID.match(rel.rsplit("/", 1)[-1])
    if named:
        catalog.unreadable.setdefault(named.group(1), rel)


def _record_files(root: Path, folder: RecordFolder, catalog: Catalog) -> list[tuple[str, Path]]:
    """The record files of a folder; the IDs of files it refuses stay known."""
    before = len(catalog.findings)
    found = walk_record_folder(root, folder, catalog.findings)
    for problem in catalog.findings[before:]:
        _mark_unreadable(problem.file, catalog)
    return found


def _is_duplicate(record_id: str, doc: Document, seen: dict[str, Document],
                  findings: list[Finding]) -> bool:
    if record_id in seen:
        first = seen[record_id]
        findings.append(finding(
            "FMC021", doc.path, doc.line_of(("id",)), "id",
            f"{record_id} is already used by {first.path}:{first.line_of(('id',))}",
            "IDs are permanent and unique: take the next free one with `fmcat new`",
        ))
        return True
    seen[record_id] = doc
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


def kind_of(record_id: str) -> Kind | None:
    return KIND_BY_PREFIX.get(record_id.split("-", 1)[0])

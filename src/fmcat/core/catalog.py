"""A loaded catalog: records with where they came from, their findings and indexes.

`fmcat.core.load` builds it; everything else only reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from fmcat.core.findings import Finding
from fmcat.core.frontmatter import Document
from fmcat.core.model import (
    KIND_BY_PREFIX,
    CaseStudy,
    FailureMode,
    Incident,
    Kind,
    Playbook,
    Record,
)
from fmcat.core.settings import CatalogSettings
from fmcat.core.taxonomy import Taxonomy


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
    settings: CatalogSettings = field(default_factory=CatalogSettings)
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


def kind_of(record_id: str) -> Kind | None:
    return KIND_BY_PREFIX.get(record_id.split("-", 1)[0])

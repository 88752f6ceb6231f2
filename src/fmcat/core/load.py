"""Loading a catalog folder: every file it holds read, checked and indexed.

`load_catalog` is the single entry point used by the CLI, the site build and
the tests. It never raises for a user mistake: whatever is wrong becomes a
finding, and a record that cannot be read is still listed (as a finding naming
its file), so nothing is ever dropped silently. `load_checked` adds the
findings of `metrics.yml`: the CLI and the site build must report the same
findings, and this is the one place that says which files those are.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from fmcat.core import checks
from fmcat.core.catalog import Catalog, Entry, IncidentEntry
from fmcat.core.clock import build_date
from fmcat.core.dimensions import lift_dimensions
from fmcat.core.findings import Finding, Severity, finding, format_text, summarize
from fmcat.core.folders import RECORD_FOLDERS, RecordFolder, walk_record_folder
from fmcat.core.frontmatter import Document, parse_markdown, parse_yaml, read_file
from fmcat.core.ids import FILE_ID
from fmcat.core.memo import active_memo
from fmcat.core.model import (
    INCIDENTS_FOLDER,
    KINDS,
    CaseStudy,
    FailureMode,
    Incident,
)
from fmcat.core.settings import load_settings
from fmcat.core.targets import load_targets
from fmcat.core.taxonomy import load_taxonomy
from fmcat.core.validation import validate_document

M = TypeVar("M", bound=BaseModel)


def load_checked(root: Path, *, today: date | None = None) -> Catalog:
    """The catalog, with the findings of `metrics.yml` added to its own."""
    catalog = load_catalog(root, today=today)
    catalog.findings.extend(load_targets(root)[1])
    catalog.findings.sort()
    return catalog


class InvalidCatalogError(Exception):
    """Nothing is built or exported from a catalog with errors: a record that
    failed validation would be missing without anyone noticing. `str()` lists
    the errors; `summary` counts every finding."""

    def __init__(self, catalog: Catalog) -> None:
        self.errors, self.summary = errors_of(catalog), summarize(catalog.findings)
        super().__init__(format_text(self.errors))


def errors_of(catalog: Catalog) -> list[Finding]:
    return [f for f in catalog.findings if f.severity is Severity.ERROR]


def require_no_errors(catalog: Catalog) -> Catalog:
    """The catalog itself; `InvalidCatalogError` if any finding is an error."""
    if errors_of(catalog):
        raise InvalidCatalogError(catalog)
    return catalog


def load_catalog(root: Path, *, today: date | None = None) -> Catalog:
    """Read every record under `root`, validate it and build the indexes."""
    root = Path(root)
    taxonomy, findings = load_taxonomy(root)
    settings, problems = load_settings(root)
    catalog = Catalog(root=root, taxonomy=taxonomy, today=today or build_date(),
                      settings=settings)
    catalog.findings.extend([*findings, *problems])
    seen: dict[str, Document] = {}
    real_root = root.resolve()
    for kind in KINDS:
        for rel, path in _record_files(real_root, RECORD_FOLDERS[kind.folder], catalog):
            record, doc = _read_record(rel, path, kind.name, kind.model,
                                       parse=parse_markdown, catalog=catalog)
            catalog.findings.extend(doc.findings)
            if record is None:
                _mark_unreadable(rel, catalog)
                continue
            if _is_duplicate(record.id, doc, seen, catalog.findings):
                continue
            catalog.entries[record.id] = Entry(kind, record, doc)
    for rel, path in _record_files(real_root, RECORD_FOLDERS[INCIDENTS_FOLDER], catalog):
        incident, doc = _read_record(rel, path, "incident", Incident, parse=parse_yaml,
                                      catalog=catalog)
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


def _read_record(rel: str, path: Path, kind: str, model: type[M], *,
                 parse: Callable[[str, bytes], Document],
                 catalog: Catalog) -> tuple[M | None, Document]:
    """One record file, parsed and validated: the record (None if it is refused)
    and its document, whose findings say why.

    A file that cannot be read is a document with findings. In a preview
    the work is looked up by the file's bytes (`fmcat.core.memo`): a save
    re-reads every file but parses only the one that changed. The document
    handed out is a copy, since the catalog releases it after the checks.
    """
    catalog.files_read += 1
    raw, problems = read_file(path, rel)
    if raw is None:
        return None, Document(path=rel, findings=problems)
    taxonomy = catalog.taxonomy

    def validate() -> tuple[M | None, Document]:
        doc = parse(rel, raw)
        doc.digest = hashlib.blake2b(raw, digest_size=16).hexdigest()
        lift_dimensions(doc, kind, model, taxonomy)
        record = validate_document(doc, model)
        doc.data = None  # now in the record; only the line map may still be needed
        return record, doc

    memo = active_memo()
    if memo is None:
        return validate()
    record, doc = memo.get(("record file", kind, rel, raw), validate)
    return record, replace(doc, findings=list(doc.findings))


def _mark_unreadable(rel: str, catalog: Catalog) -> None:
    """Keep the ID a refused file is named after: reported once, never handed out again."""
    named = FILE_ID.match(rel.rsplit("/", 1)[-1])
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

"""Loading a catalog folder into records, indexes and findings.

`load_catalog` is the single entry point used by the CLI, the site build and
the tests. It never raises for a user mistake: whatever is wrong becomes a
finding, and a record that cannot be read is still listed (as a finding naming
its file), so nothing is ever dropped silently.
"""

from __future__ import annotations

import errno
import fnmatch
import os
import re
import stat
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from . import checks
from .clock import build_date
from .findings import Finding, finding
from .frontmatter import Document, parse_markdown, parse_yaml, read_file, unreadable
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


_MARKDOWN_LIKE = frozenset({".md", ".markdown", ".mdown", ".mkd", ".mkdn", ".mdwn", ".mdtxt"})
_YAML_LIKE = frozenset({".yml", ".yaml"})
_RECORD_SUFFIXES = _MARKDOWN_LIKE | _YAML_LIKE


@dataclass(frozen=True)
class RecordFolder:
    """What one record folder may hold: files with these suffixes, spelt exactly so."""

    name: str
    suffixes: tuple[str, ...]
    look_alikes: frozenset[str]
    """Suffixes (lower case) of files meant as records of this folder but misnamed."""
    described: str

    def takes(self, name: str) -> bool:
        return name.endswith(self.suffixes)

    def hint_for(self, name: str) -> str:
        """How to fix a file this folder does not take, from its suffix."""
        stem, dot, suffix = name.rpartition(".")
        wanted = self.suffixes[0]
        if dot and stem and f".{suffix.lower()}" in self.look_alikes:
            return f"rename it to {stem}{wanted}"
        if dot and stem and f".{suffix.lower()}" in _RECORD_SUFFIXES:
            return (f"{self.name}/ holds {self.described}: write the record as "
                    f"{stem}{wanted}, or move the file out of {self.name}/")
        return f"{self.name}/ holds only {self.described}; move this file out of it"


RECORD_FOLDERS: dict[str, RecordFolder] = {
    **{kind.folder: RecordFolder(kind.folder, (".md",), _MARKDOWN_LIKE,
                                 "Markdown records named *.md")
       for kind in KINDS},
    # `.yaml` has always been read; `.yml` is what `fmcat import` writes.
    INCIDENTS_FOLDER: RecordFolder(INCIDENTS_FOLDER, (".yml", ".yaml"), _YAML_LIKE,
                                   "incidents named *.yml or *.yaml"),
}

# Never records, and made by tools while someone works: version-control
# placeholders, file-manager state, and the swap, lock and backup files of
# editors (Emacs' lock file is a dangling link). Reporting them would fail a
# preview build while a record is open in an editor. No name a record could
# have (*.md, *.yml, *.yaml) matches one of these patterns.
_HOUSEKEEPING = re.compile("|".join(fnmatch.translate(pattern) for pattern in (
    ".gitkeep", ".gitignore", ".gitattributes", ".keep", ".DS_Store", "Thumbs.db",
    "desktop.ini", "*~", ".#*", "#*#", ".*.sw[a-p]")))


def _record_files(root: Path, folder: RecordFolder, catalog: Catalog) -> list[tuple[str, Path]]:
    """(path shown, real path) of every record file in a folder, in file order.

    `root` is resolved. Everything else the folder holds is a finding: a file
    of another suffix, a link that is broken, loops or leaves the root, a
    FIFO or device, a file or folder that cannot be read. Links inside the
    root are followed; findings name the link, as the contributor sees it.
    """
    findings = catalog.findings
    before = len(findings)
    found = _walk(root, folder, findings)
    for problem in findings[before:]:
        _mark_unreadable(problem.file, catalog)
    return sorted(found, key=lambda pair: pair[0].split("/"))


def _walk(root: Path, folder: RecordFolder, findings: list[Finding]) -> list[tuple[str, Path]]:
    top = root / folder.name
    try:
        top.lstat()
    except FileNotFoundError:
        return []  # a catalog need not have every kind of record
    except OSError as exc:
        findings.append(unreadable(folder.name, exc, folder=True))
        return []
    real_top = _real_path(root, top, folder.name, findings)
    if real_top is None:
        return []
    if not real_top.is_dir():
        findings.append(finding("FMC071", folder.name, 0, "", "is a file, not a folder",
                                f"{folder.name}/ must be a folder of records"))
        return []
    found: list[tuple[str, Path]] = []
    visited = {real_top}
    pending = [(folder.name, real_top)]
    while pending:
        shown_dir, real_dir = pending.pop()
        try:
            with os.scandir(real_dir) as listing:
                items = sorted(listing, key=lambda item: item.name)
        except OSError as exc:
            findings.append(unreadable(shown_dir, exc, folder=True))
            continue
        for item in items:
            if _HOUSEKEEPING.match(item.name):
                continue
            shown = f"{shown_dir}/{item.name}"
            real = _follow(root, item, shown, findings)
            if real is None:
                continue
            try:
                mode = real.stat().st_mode
            except OSError as exc:
                findings.append(unreadable(shown, exc))
                continue
            if stat.S_ISDIR(mode):
                if real in visited or (item.is_symlink() and real.is_relative_to(real_top)):
                    findings.append(finding(
                        "FMC072", shown, 0, "",
                        f"is a link to a folder of {folder.name}/ that is read anyway "
                        "(a loop, or every record in it twice)", "remove the link"))
                    continue
                if _has_record_suffix(item.name):
                    findings.append(finding(
                        "FMC071", shown, 0, "", "is a folder, named like a record file",
                        "a record is one file: rename the folder, or put the record "
                        "itself in its place"))
                visited.add(real)
                pending.append((shown, real))
            elif not stat.S_ISREG(mode):
                findings.append(finding("FMC071", shown, 0, "",
                                        f"is a {_file_type(mode)}, not a regular file",
                                        "records are plain files; remove it"))
            elif folder.takes(item.name):
                found.append((shown, real))
            else:
                findings.append(finding(
                    "FMC070", shown, 0, "",
                    f"is not read: {folder.name}/ takes only {folder.described}",
                    folder.hint_for(item.name)))
    return found


def _has_record_suffix(name: str) -> bool:
    return f".{name.rpartition('.')[2].lower()}" in _RECORD_SUFFIXES


def _follow(root: Path, item: os.DirEntry[str], shown: str,
            findings: list[Finding]) -> Path | None:
    """The real path behind a folder item, or None (with a finding) if it may not be read."""
    try:
        is_link = item.is_symlink()
    except OSError as exc:
        findings.append(unreadable(shown, exc))
        return None
    if not is_link:
        return Path(item.path)
    return _real_path(root, Path(item.path), shown, findings)


def _real_path(root: Path, path: Path, shown: str, findings: list[Finding]) -> Path | None:
    """Where a path leads, if that is inside the catalog root; else None and a finding.

    Nothing outside the root is ever opened: its content would be published
    and its values quoted in findings.
    """
    loop = finding("FMC072", shown, 0, "", "is a symbolic link that loops back to itself",
                   "replace the link with the file it was meant to point to")
    try:
        real = path.resolve(strict=True)
    except FileNotFoundError:
        findings.append(finding(
            "FMC072", shown, 0, "", "is a symbolic link to a file that does not exist",
            "point the link at an existing record, or delete it"))
        return None
    except RuntimeError:  # how Python before 3.13 reports a loop
        findings.append(loop)
        return None
    except OSError as exc:
        findings.append(loop if exc.errno == errno.ELOOP else unreadable(shown, exc))
        return None
    if not real.is_relative_to(root):
        findings.append(finding(
            "FMC073", shown, 0, "", "is a symbolic link that leads outside the catalog",
            "copy the record into the catalog: files outside it are never read, "
            "so nothing outside the repository is published"))
        return None
    return real


def _file_type(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "special file"


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

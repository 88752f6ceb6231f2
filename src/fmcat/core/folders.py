"""The record folders: which files the loader reads, and a finding for every other one.

A record folder holds record files and nothing else. Whatever else is there
(another suffix or case, a folder named like a record, a FIFO, a link that
is broken, loops or leaves the catalog root, a file or folder that cannot
be read) is reported by name with a hint, so that no record is ever left out
without a word and nothing outside the repository is ever read.
"""

from __future__ import annotations

import errno
import fnmatch
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from fmcat.core.findings import Finding, finding
from fmcat.core.frontmatter import unreadable
from fmcat.core.model import INCIDENTS_FOLDER, KINDS

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


def walk_record_folder(root: Path, folder: RecordFolder,
                       findings: list[Finding]) -> list[tuple[str, Path]]:
    """(path shown, real path) of every record file in a folder, in file order.

    `root` is resolved. Everything else the folder holds becomes a finding
    in `findings`. Links inside the root are followed; findings name the
    link, as the contributor sees it, never where it leads.
    """
    return sorted(_walk(root, folder, findings), key=lambda pair: pair[0].split("/"))


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

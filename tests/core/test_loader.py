"""What the loader walks: every file in a record folder is read or reported.

A catalog folder can hold things the loader does not take: a wrong suffix, a
link that leads nowhere or out of the repository, a FIFO, a file or folder it
may not read, a file far too large. Each must be a finding naming the file,
never silence and never a traceback, and `fmcat validate` and the build must
both fail on it. Files are real (symlinks, FIFOs, sparse files); permissions
are real too, by running the CLI as `nobody` (root may read anything), or,
in-process, by making `os.scandir` raise for one folder.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from mkdocs.exceptions import Abort

from fmcat.cli.main import main
from fmcat.core.catalog import Catalog
from fmcat.core.findings import Finding, has_errors
from fmcat.core.frontmatter import MAX_FILE_BYTES
from fmcat.core.load import InvalidCatalogError, errors_of, load_catalog, require_no_errors
from tests.conftest import FIXTURE, build_site

TODAY = date(2026, 11, 25)
FM1 = "entries/FM-0001-covariate-shift.md"
INC1 = "incidents/2026/INC-2026-0001.yml"


def _load(root: Path) -> Catalog:
    return load_catalog(root, today=TODAY)


def _findings(catalog: Catalog, code: str) -> list[Finding]:
    return [f for f in catalog.findings if f.code == code]


def _record_text(root: Path, rel: str, record_id: str) -> str:
    """A valid record of the fixture with another ID, so only its name is wrong."""
    source = FM1 if rel.startswith("entries") else INC1
    old_id = "FM-0001" if rel.startswith("entries") else "INC-2026-0001"
    return (root / source).read_text(encoding="utf-8").replace(f"id: {old_id}",
                                                               f"id: {record_id}", 1)


@pytest.mark.parametrize(
    ("rel", "record_id", "suggested"),
    [
        ("entries/FM-0091-extra.MD", "FM-0091", "FM-0091-extra.md"),
        ("entries/FM-0091-extra.Md", "FM-0091", "FM-0091-extra.md"),
        ("entries/FM-0091-extra.markdown", "FM-0091", "FM-0091-extra.md"),
        ("incidents/2026/INC-2026-0099.YML", "INC-2026-0099", "INC-2026-0099.yml"),
        ("incidents/2026/INC-2026-0099.YAML", "INC-2026-0099", "INC-2026-0099.yml"),
        ("incidents/2026/INC-2026-0099.Yaml", "INC-2026-0099", "INC-2026-0099.yml"),
        ("incidents/2026/INC-2026-0099.md", "INC-2026-0099", ".yml"),
        ("entries/FM-0091-extra.yml", "FM-0091", ".md"),
        ("entries/FM-0091-extra.md.txt", "FM-0091", "entries/"),
    ],
)
def test_a_file_with_a_suffix_the_loader_does_not_take_is_a_finding(
        root: Path, rel: str, record_id: str, suggested: str) -> None:
    (root / rel).write_text(_record_text(root, rel, record_id), encoding="utf-8")
    catalog = _load(root)
    [found] = _findings(catalog, "FMC070")
    assert (found.file, found.severity) == (rel, "error")
    assert suggested in found.hint
    assert record_id not in catalog.entries and record_id not in catalog.incidents
    # The ID is still taken: nothing else cites it as unknown, and no new record gets it.
    assert catalog.knows(record_id)
    assert has_errors(catalog.findings)


def test_a_stray_file_in_a_record_folder_is_a_finding(root: Path) -> None:
    (root / "playbooks" / "notes.txt").write_text("todo\n", encoding="utf-8")
    [found] = _findings(_load(root), "FMC070")
    assert found.file == "playbooks/notes.txt"
    assert "playbooks/" in found.hint


@pytest.mark.parametrize("name", [".gitkeep", ".FM-0001-covariate-shift.md.swp",
                                  "FM-0001-covariate-shift.md~", ".DS_Store"])
def test_housekeeping_files_are_not_records(root: Path, name: str) -> None:
    (root / "entries" / name).write_bytes(b"\x00binary editor state\n")
    assert _load(root).findings == []


def test_an_emacs_lock_link_is_not_followed(root: Path) -> None:
    # Emacs marks a file being edited with a dangling link `.#name`.
    (root / "entries" / ".#FM-0001-covariate-shift.md").symlink_to("root@host.1234:17")
    assert _load(root).findings == []


def test_a_dangling_symlink_is_a_finding(root: Path) -> None:
    (root / "entries" / "FM-0091-gone.md").symlink_to("FM-0091-was-renamed.md")
    [found] = _findings(_load(root), "FMC072")
    assert found.file == "entries/FM-0091-gone.md"
    assert "does not exist" in found.message


@pytest.mark.parametrize("links", [
    {"FM-0091-self.md": "FM-0091-self.md"},
    {"FM-0092-a.md": "FM-0091-b.md", "FM-0091-b.md": "FM-0092-a.md"},
])
def test_a_looping_symlink_is_a_finding(root: Path, links: dict[str, str]) -> None:
    for name, target in links.items():
        (root / "entries" / name).symlink_to(target)
    found = _findings(_load(root), "FMC072")
    assert sorted(f.file for f in found) == sorted(f"entries/{name}" for name in links)
    assert all("loop" in f.message for f in found)


def test_a_folder_link_back_into_its_folder_is_a_finding_not_a_hang(root: Path) -> None:
    (root / "incidents" / "2026" / "again").symlink_to("..", target_is_directory=True)
    catalog = _load(root)
    [found] = _findings(catalog, "FMC072")
    assert found.file == "incidents/2026/again"
    assert len(catalog.incidents) == 2


def test_a_fifo_is_a_finding_and_never_opened(root: Path) -> None:
    os.mkfifo(root / "entries" / "FM-0091-pipe.md")
    [found] = _findings(_load(root), "FMC071")  # a blocking open would hang here
    assert found.file == "entries/FM-0091-pipe.md"
    assert "FIFO" in found.message


def test_a_folder_named_like_a_record_is_a_finding(root: Path) -> None:
    (root / "entries" / "FM-0091-extra.md").mkdir()
    [found] = _findings(_load(root), "FMC071")
    assert found.file == "entries/FM-0091-extra.md"
    assert "folder" in found.message


def test_a_record_folder_that_is_a_file_is_a_finding(root: Path) -> None:
    shutil.rmtree(root / "case-studies")
    (root / "case-studies").write_text("oops\n", encoding="utf-8")
    assert [f.file for f in _findings(_load(root), "FMC071")] == ["case-studies"]


SECRET = "s3cr3t-value-from-outside"


def _outside_record(tmp_path: Path, root: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    text = _record_text(root, "entries/x.md", "FM-0091").replace(
        "title: Covariate shift in input features", f"title: {SECRET}")
    (outside / "FM-0091-outside.md").write_text(text.replace("severity: high",
                                                             f"severity: {SECRET}"))
    return outside


def _assert_nothing_from_outside(catalog: Catalog, outside: Path) -> None:
    assert "FM-0091" not in catalog.entries
    shown = json.dumps([f.as_dict() for f in catalog.findings])
    assert SECRET not in shown
    assert str(outside) not in shown


def test_a_file_symlink_out_of_the_root_is_refused(root: Path, tmp_path: Path) -> None:
    outside = _outside_record(tmp_path, root)
    (root / "entries" / "FM-0091-outside.md").symlink_to(outside / "FM-0091-outside.md")
    catalog = _load(root)
    [found] = _findings(catalog, "FMC073")
    assert found.file == "entries/FM-0091-outside.md"
    _assert_nothing_from_outside(catalog, outside)


def test_a_folder_symlink_out_of_the_root_is_refused(root: Path, tmp_path: Path) -> None:
    outside = _outside_record(tmp_path, root)
    (root / "entries" / "more").symlink_to(outside, target_is_directory=True)
    catalog = _load(root)
    assert [f.file for f in _findings(catalog, "FMC073")] == ["entries/more"]
    _assert_nothing_from_outside(catalog, outside)


def test_a_record_folder_linked_out_of_the_root_is_refused(root: Path, tmp_path: Path) -> None:
    outside = _outside_record(tmp_path, root)
    shutil.rmtree(root / "entries")
    (root / "entries").symlink_to(outside, target_is_directory=True)
    catalog = _load(root)
    assert [f.file for f in _findings(catalog, "FMC073")] == ["entries"]
    _assert_nothing_from_outside(catalog, outside)


def test_symlinks_inside_the_root_are_read(root: Path, tmp_path: Path) -> None:
    shared = root / "shared"
    shared.mkdir()
    (root / FM1).rename(shared / "FM-0001.md")
    (root / FM1).symlink_to("../shared/FM-0001.md")
    linked_root = tmp_path / "linked-catalog"
    linked_root.symlink_to(root, target_is_directory=True)
    catalog = _load(linked_root)
    assert catalog.findings == []
    assert catalog.entries["FM-0001"].path == FM1


def _raise_on_scandir(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Make one folder unreadable in-process (root reads folders whatever their mode)."""
    real_scandir = os.scandir
    denied = os.path.realpath(folder)

    def scandir(path: Any = ".") -> Any:
        if not isinstance(path, int) and os.path.realpath(path) == denied:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_an_unreadable_folder_is_a_finding(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _raise_on_scandir(monkeypatch, root / "incidents" / "2026")
    catalog = _load(root)
    [found] = _findings(catalog, "FMC074")
    assert found.file == "incidents/2026"
    assert "permission denied" in found.message.lower()
    assert has_errors(catalog.findings)


def test_an_unreadable_file_is_a_finding(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_open = os.open
    denied = os.path.realpath(root / FM1)

    def refuse(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if os.path.realpath(path) == denied:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    catalog = _load(root)
    [found] = _findings(catalog, "FMC074")
    assert found.file == FM1
    assert "FM-0001" not in catalog.entries
    # The ID is known: records citing FM-0001 get no second, misleading finding.
    assert catalog.knows("FM-0001")
    assert not _findings(catalog, "FMC022")


def test_a_huge_file_is_refused_without_reading_it(root: Path) -> None:
    huge = root / "entries" / "FM-0091-huge.md"
    with huge.open("wb") as handle:  # sparse: no disk, no memory
        handle.truncate(3_000_000_000)
    tracemalloc.start()
    try:
        catalog = _load(root)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    [found] = _findings(catalog, "FMC009")
    assert found.file == "entries/FM-0091-huge.md"
    assert "3,000,000,000 bytes" in found.message
    assert peak < 50_000_000


def test_a_file_at_the_limit_is_read_and_one_past_it_is_not(root: Path) -> None:
    path = root / FM1
    text = path.read_bytes()
    path.write_bytes(text + b"x" * (MAX_FILE_BYTES - len(text)))
    assert not _findings(_load(root), "FMC009")
    path.write_bytes(text + b"x" * (MAX_FILE_BYTES + 1 - len(text)))
    assert [f.file for f in _findings(_load(root), "FMC009")] == [FM1]


def test_validate_reports_what_the_loader_does_not_take(
        root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (root / "entries" / "FM-0091-extra.MD").write_text(
        _record_text(root, "entries/x.md", "FM-0091"), encoding="utf-8")
    (root / "entries" / "FM-0092-gone.md").symlink_to("nowhere.md")
    outside = _outside_record(tmp_path, root)
    (root / "entries" / "FM-0093-outside.md").symlink_to(outside / "FM-0091-outside.md")
    assert main(["validate", "--root", str(root), "--format", "json"]) == 1
    shown = json.loads(capsys.readouterr().out)
    assert {(f["code"], f["file"]) for f in shown} == {
        ("FMC070", "entries/FM-0091-extra.MD"),
        ("FMC072", "entries/FM-0092-gone.md"),
        ("FMC073", "entries/FM-0093-outside.md"),
    }
    assert all(f["hint"] for f in shown)
    assert SECRET not in json.dumps(shown)


def test_validate_fails_on_an_unreadable_folder(
        root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _raise_on_scandir(monkeypatch, root / "incidents" / "2026")
    assert main(["validate", "--root", str(root)]) == 1
    captured = capsys.readouterr()
    assert re.search(r"^incidents/2026: error: .*\(FMC074\)$", captured.out, re.MULTILINE)
    assert captured.err.startswith("FAILED:")


@pytest.mark.slow
def test_the_build_fails_on_what_the_loader_does_not_take(
        catalog_dir: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    (catalog_dir / "entries" / "FM-0091-extra.markdown").write_text(
        _record_text(catalog_dir, "entries/x.md", "FM-0091"), encoding="utf-8")
    _raise_on_scandir(monkeypatch, catalog_dir / "incidents" / "2026")
    with pytest.raises(Abort):
        build_site(catalog_dir)
    message = "\n".join(r.getMessage() for r in caplog.records if r.levelname == "ERROR")
    assert "entries/FM-0091-extra.markdown: error:" in message
    assert "incidents/2026: error:" in message
    assert not (catalog_dir / "site" / "failure-modes" / "FM-0091").exists()


SETPRIV = shutil.which("setpriv")
needs_nobody = pytest.mark.skipif(
    SETPRIV is None or os.geteuid() != 0,
    reason="runs the CLI as nobody, which needs root and setpriv")


@pytest.fixture
def world_readable_catalog() -> Iterator[Path]:
    """A copy of the fixture catalog that `nobody` can reach (pytest's tmp is 0700)."""
    base = Path(tempfile.mkdtemp(prefix="fmcat-loader-"))
    try:
        base.chmod(0o755)
        dest = base / "catalog"
        shutil.copytree(FIXTURE, dest)
        yield dest
    finally:
        shutil.rmtree(base)


def _validate_as_nobody(root: Path) -> subprocess.CompletedProcess[str]:
    fmcat = Path(sys.executable).parent / "fmcat"
    assert SETPRIV is not None
    return subprocess.run(
        [SETPRIV, "--reuid=nobody", "--regid=nogroup", "--clear-groups",
         str(fmcat), "validate", "--root", str(root), "--format", "json"],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )


@needs_nobody
@pytest.mark.parametrize(("make_unreadable", "shown"), [
    (lambda root: (root / FM1).chmod(0), FM1),
    (lambda root: (root / "incidents" / "2026").chmod(0), "incidents/2026"),
])
def test_really_unreadable_files_and_folders_fail_validate(
        world_readable_catalog: Path, make_unreadable: Callable[[Path], None],
        shown: str) -> None:
    make_unreadable(world_readable_catalog)
    result = _validate_as_nobody(world_readable_catalog)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)
    assert [(f["code"], f["file"]) for f in findings] == [("FMC074", shown)]
    assert "permission denied" in findings[0]["message"].lower()


def _edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


FULLWIDTH_13 = "FM-\uff10\uff10\uff11\uff13"  # FM-００１３


@pytest.mark.parametrize(("rel", "old", "new", "code", "field"), [
    (FM1, "id: FM-0001", "id: FM-\uff10\uff10\uff10\uff11", "FMC020", "id"),
    (FM1, "related: [FM-0002]", f"related: [{FULLWIDTH_13}]", "FMC012", "related.0"),
    (FM1, "  - playbook: MP-0013", "  - playbook: MP-\u0660\u0660\u0661\u0663", "FMC012",
     "mitigations.0.playbook"),
    ("entries/FM-0002-prior-shift.md", "aliases: [FM-0099,", f"aliases: [{FULLWIDTH_13},",
     "FMC023", "aliases.0"),
    (INC1, "id: INC-2026-0001", "id: INC-2026-\u0660\u0660\u0660\u0661", "FMC020", "id"),
    (INC1, "failure_modes: [FM-0001]", f"failure_modes: [{FULLWIDTH_13}]", "FMC012",
     "failure_modes.0"),
])
def test_ids_with_non_ascii_digits_are_findings(root: Path, rel: str, old: str, new: str,
                                                code: str, field: str) -> None:
    _edit(root, rel, old, new)
    catalog = _load(root)
    found = [(f.code, f.file, f.field) for f in catalog.findings if f.severity == "error"]
    assert (code, rel, field) in found
    if code != "FMC023":
        [shown] = [f for f in catalog.findings if (f.code, f.field) == (code, field)]
        assert "0-9" in shown.hint
    assert FULLWIDTH_13 not in catalog.entries


@pytest.mark.parametrize(("rel", "old"), [
    (FM1, "title: Covariate shift in input features"),
    (INC1, "title: Approval rate jump after a partner launch"),
])
@pytest.mark.parametrize(("title", "says"), [
    ("\u200b\u2060\u200b\u2060", "no visible characters"),
    ("\u202e\u2066\u2069\u202c", "no visible characters"),
    ("Covariate \u202eshift\u202c in input features", "direction control U+202E"),
])
def test_unreadable_titles_are_findings(root: Path, rel: str, old: str, title: str,
                                        says: str) -> None:
    _edit(root, rel, old, f"title: {title}")
    [found] = [f for f in _load(root).findings if f.field == "title"]
    assert (found.code, found.file, found.severity) == ("FMC012", rel, "error")
    assert says in found.message
    assert found.line == 3
    # The message quotes the value escaped, so the controls do not act on the terminal.
    assert not {char for char in title if not char.isprintable()} & set(found.message)
    assert "title" in found.hint


@needs_nobody
@pytest.mark.parametrize("name", ["taxonomy.yml", "metrics.yml"])
def test_an_unreadable_catalog_file_fails_validate_without_a_traceback(
        world_readable_catalog: Path, name: str) -> None:
    if name == "metrics.yml":
        shutil.copy(FIXTURE.parent / "metrics" / name, world_readable_catalog / name)
    (world_readable_catalog / name).chmod(0)
    result = _validate_as_nobody(world_readable_catalog)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1, result.stderr
    assert ("FMC074", name) in {(f["code"], f["file"]) for f in json.loads(result.stdout)}


def test_the_error_gate_lists_errors_and_counts_every_finding(root: Path) -> None:
    assert require_no_errors(load_catalog(root)).entries
    path = root / "entries" / "FM-0002-prior-shift.md"
    path.write_text(path.read_text().replace("severity: medium", "severity: [medium"))
    catalog = load_catalog(root)
    assert [f.code for f in errors_of(catalog)] == ["FMC005"]
    with pytest.raises(InvalidCatalogError) as raised:
        require_no_errors(catalog)
    assert raised.value.errors == errors_of(catalog)
    assert raised.value.summary.startswith("1 error(s)")
    assert str(raised.value).startswith("entries/FM-0002-prior-shift.md:19: error")

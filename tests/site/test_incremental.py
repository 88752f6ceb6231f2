"""Incremental preview rebuilds (`mkdocs serve --dirty`) give the same site as a
clean build, after every kind of edit, driven in-process as the server does."""

from __future__ import annotations

import filecmp
import gc
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from fmcat.core.catalog import Entry
from fmcat.site import close_session, find_session, plan, settle_session

SERVE_URL = "http://127.0.0.1:8000/"
OLD_TITLE = "Prior shift changes base rates"

pytestmark = pytest.mark.slow


class Server:
    """Builds like `mkdocs serve --dirty`: one site folder, a fresh config (and
    hook module) per rebuild, `on_startup` only on the first."""

    def __init__(self, root: Path, site: Path) -> None:
        self.root, self.site = root, site
        self.first = True
        self.rendered: list[str] = []

    def rebuild(self, *, settle: bool = True) -> None:
        config = load_config(str(self.root / "mkdocs.yml"), site_dir=str(self.site))
        if self.first:
            config.plugins.on_startup(command="serve", dirty=True)
            self.first = False
        config.site_url = SERVE_URL
        logging.getLogger("mkdocs").setLevel(logging.ERROR)
        build(config, serve_url=SERVE_URL, dirty=True)
        # The API files and the search index are written after the build
        # returns; the site is complete once they are.
        if settle:
            settle_session(self.site)

    def close(self) -> None:
        close_session(self.site)


def clean_build(root: Path, site: Path) -> Path:
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(site))
    config.plugins.on_startup(command="build", dirty=False)
    config.site_url = SERVE_URL
    build(config, serve_url=SERVE_URL)
    return site


def differences(left: Path, right: Path) -> list[str]:
    """Files that differ, or exist on one side only, under two folders."""
    found: list[str] = []

    def walk(cmp: filecmp.dircmp[str], prefix: str) -> None:
        found.extend(f"only in {'served' if side is cmp.left_only else 'clean'}: {prefix}{n}"
                     for side in (cmp.left_only, cmp.right_only) for n in side)
        _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files,
                                               shallow=False)
        found.extend(f"differs: {prefix}{n}" for n in [*mismatch, *errors])
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(left, right), "")
    return sorted(found)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def edits(root: Path) -> list[tuple[str, Callable[[], None]]]:
    entries, playbooks = root / "entries", root / "playbooks"
    incident = root / "incidents" / "2026" / "INC-2026-0001.yml"
    fm2 = entries / "FM-0002-prior-shift.md"
    added = entries / "FM-0042-new.md"
    new_text = fm2.read_text(encoding="utf-8").replace("id: FM-0002", "id: FM-0042").replace(
        "aliases: [FM-0099, \"old/prior-shift/\"]\n", "").replace(
        "Prior shift changes base rates", "A brand new failure")
    return [
        ("title", lambda: edit(fm2, "Prior shift changes base rates", "Prior shift moves rates")),
        ("severity", lambda: edit(fm2, "severity: medium\nfrequency", "severity: high\nfrequency")),
        ("tag", lambda: edit(fm2, "data_domain: [text]", "data_domain: [tabular]")),
        # Shown by the Assess index, read from the body.
        ("checklist", lambda: edit(fm2, "- [ ] The positive rate is tracked daily.",
                                   "- [ ] The positive rate is tracked hourly.")),
        ("add", lambda: added.write_text(new_text, encoding="utf-8")),
        ("rename", lambda: added.rename(entries / "FM-0042-renamed.md")),
        ("delete", (entries / "FM-0042-renamed.md").unlink),
        # What a failure-mode page shows of other files: a playbook's brief
        # under Mitigation, an incident in its Incidents list.
        ("playbook brief", lambda: edit(playbooks / "MP-0013-drift-monitoring-against-per-f.md",
                                        "fallback: Page the owner.",
                                        "fallback: Page the data owner.")),
        ("incident title", lambda: edit(incident, "title: Approval rate jump",
                                        "title: Approval rate leap")),
        # Shown only by drills, API files and listings of other records.
        ("playbook fallback", lambda: edit(playbooks / "MP-0009-circuit-breaker-with-fallback.md",
                                           "fallback: Page the owner.",
                                           "fallback: Page the owner now.")),
        ("incident time", lambda: edit(incident, "detected: 2026-03-11T09:20:00Z",
                                       "detected: 2026-03-11T08:20:00Z")),
        ("taxonomy", lambda: edit(root / "taxonomy.yml", "  medium:", "  medium:  ")),
    ]


def test_dirty_rebuilds_equal_a_clean_build_after_each_edit(catalog_dir: Path,
                                                             tmp_path: Path) -> None:
    server = Server(catalog_dir, tmp_path / "served")
    try:
        server.rebuild()
        for step, (name, change) in enumerate(edits(catalog_dir)):
            change()
            server.rebuild()
            clean = clean_build(catalog_dir, tmp_path / f"clean-{step}")
            assert differences(server.site, clean) == [], f"after the {name} edit"
    finally:
        server.close()


def test_saves_in_quick_succession_equal_a_clean_build(catalog_dir: Path,
                                                        tmp_path: Path) -> None:
    """Each save comes before the last one's API files and search index are
    written (they are written after the page is served)."""
    server = Server(catalog_dir, tmp_path / "served")
    try:
        server.rebuild(settle=False)
        for _, change in edits(catalog_dir)[:4]:  # title, severity, tag, add
            change()
            server.rebuild(settle=False)
        settle_session(server.site)
        clean = clean_build(catalog_dir, tmp_path / "clean")
        assert differences(server.site, clean) == []
    finally:
        server.close()


def test_a_broken_entry_fails_the_rebuild_and_the_fix_restores_the_site(
        catalog_dir: Path, tmp_path: Path) -> None:
    server = Server(catalog_dir, tmp_path / "served")
    fm2 = catalog_dir / "entries" / "FM-0002-prior-shift.md"
    try:
        server.rebuild()
        edit(fm2, "severity: medium\nfrequency", "severity: enormous\nfrequency")
        with pytest.raises(Abort):
            server.rebuild()
        edit(fm2, "severity: enormous\nfrequency", "severity: low\nfrequency")
        server.rebuild()
        clean = clean_build(catalog_dir, tmp_path / "clean")
        assert differences(server.site, clean) == []
    finally:
        server.close()


def test_an_untouched_page_is_not_rendered_again(catalog_dir: Path, tmp_path: Path) -> None:
    server = Server(catalog_dir, tmp_path / "served")
    try:
        server.rebuild()
        # Hand-written pages may show the home summary, which shows titles:
        # they are rendered again whenever it changes (they are few).
        hand_written = {server.site / ("" if p.stem == "index" else p.stem) / "index.html"
                        for p in (catalog_dir / "docs").glob("*.md")}
        pages = [p for p in server.site.rglob("index.html") if p not in hand_written]
        untouched = {page: page.stat().st_mtime_ns for page in pages
                     if OLD_TITLE not in page.read_text(encoding="utf-8")
                     and 'http-equiv="refresh"' not in page.read_text(encoding="utf-8")}
        edited = server.site / "failure-modes" / "FM-0002" / "index.html"
        edited_before = edited.stat().st_mtime_ns
        assert len(untouched) > 10
        edit(catalog_dir / "entries" / "FM-0002-prior-shift.md", OLD_TITLE,
             "Prior shift moves rates")
        server.rebuild()
        assert [p for p, mtime in untouched.items() if p.stat().st_mtime_ns != mtime] == []
        assert edited.stat().st_mtime_ns > edited_before
        assert "Prior shift moves rates" in edited.read_text(encoding="utf-8")
    finally:
        server.close()


def test_a_save_makes_again_only_the_record_pages_that_show_what_changed(
        catalog_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A preview looks record pages up by what they show (fmcat.core.memo): after
    a title edit only the pages that showed the old title are made again."""
    made: list[str] = []
    record_markdown = plan.record_markdown

    def counting(entry: Entry, *args: Any) -> str:
        made.append(entry.id)
        return record_markdown(entry, *args)

    monkeypatch.setattr(plan, "record_markdown", counting)
    server = Server(catalog_dir, tmp_path / "served")
    try:
        server.rebuild()
        records = set(made)
        showing = {path.parent.name for path in server.site.glob("*/*/index.html")
                   if OLD_TITLE in path.read_text(encoding="utf-8")} & records
        made.clear()
        edit(catalog_dir / "entries" / "FM-0002-prior-shift.md", OLD_TITLE,
             "Prior shift moves rates")
        server.rebuild()
        assert "FM-0002" in made
        assert set(made) <= showing
        assert len(records - set(made)) >= 3, "pages that do not show the title were made again"
    finally:
        server.close()


def test_a_save_rewrites_only_the_api_files_drills_and_redirects_it_changes(
        catalog_dir: Path, tmp_path: Path) -> None:
    server = Server(catalog_dir, tmp_path / "served")
    try:
        server.rebuild()
        ours = [p for top in ("api", "drills") for p in (server.site / top).rglob("*")
                if p.is_file()]
        ours += [p for p in server.site.rglob("index.html")
                 if 'http-equiv="refresh"' in p.read_text(encoding="utf-8")]
        before = {path: path.stat().st_mtime_ns for path in ours}
        edit(catalog_dir / "entries" / "FM-0002-prior-shift.md", OLD_TITLE,
             "Prior shift moves rates")
        server.rebuild()
        changed = sorted(p.relative_to(server.site).as_posix() for p, mtime in before.items()
                         if p.stat().st_mtime_ns != mtime)
        # The entry's own file and drill (and their copies under its retired
        # ID), catalog.json and the Assess index, which show its title.
        assert changed == ["api/assess.json", "api/catalog.json", "api/failure-modes/FM-0002.json",
                           "api/failure-modes/FM-0099.json", "drills/FM-0002.txt",
                           "drills/FM-0099.txt"]
    finally:
        server.close()


def test_a_plain_build_after_a_serve_session_in_the_same_process_is_complete(
        catalog_dir: Path, tmp_path: Path) -> None:
    """MkDocs caches the hook module per path for the whole process, so what
    `on_startup` said for a serve session must not make a later plain build
    (one with no `on_startup`, as tests run them) a preview that writes its
    API files after it returns."""
    server = Server(catalog_dir, tmp_path / "served")
    try:
        server.rebuild()
    finally:
        server.close()
    plain = tmp_path / "plain"
    build(load_config(str(catalog_dir / "mkdocs.yml"), site_dir=str(plain)))
    assert find_session(plain) is None
    assert (plain / "FM-0001" / "index.html").exists()
    assert (plain / "pagefind").is_dir()


def test_what_survives_a_save_is_frozen_and_collected_again_after_the_next(
        catalog_dir: Path, tmp_path: Path) -> None:
    """The collector skips what outlives a save (the memo's catalog) while the next
    one builds; each save ends with one full collection; closing unfreezes."""
    server = Server(catalog_dir, tmp_path / "served")
    try:
        server.rebuild()
        frozen = gc.get_freeze_count()
        assert frozen > 1000
        edit(catalog_dir / "entries" / "FM-0002-prior-shift.md", OLD_TITLE,
             "Prior shift moves rates")
        server.rebuild()
        assert gc.get_freeze_count() > 1000
        assert gc.isenabled()
        edit(catalog_dir / "entries" / "FM-0002-prior-shift.md", "severity: medium\nfrequency",
             "severity: enormous\nfrequency")
        with pytest.raises(Abort):
            server.rebuild()
        assert gc.isenabled()
    finally:
        server.close()
    assert gc.get_freeze_count() == 0

"""One site build: its state and every decision the generator adapter used to make.

`hooks/fmcat_hooks.py` makes one `SiteBuild` per build (in `on_config`) and
forwards events to it, as Material's plugins keep their state on `self`.
Everything here takes and returns plain data (paths, strings, lists), so the
adapter only translates MkDocs objects and errors. A new object per build
matters: `mkdocs serve` keeps the hook module alive across rebuilds, and
state must be rebuilt each time, never accumulated.
"""

from __future__ import annotations

import logging
import posixpath
import shutil
import tempfile
from collections.abc import Container, Iterable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from fmcat.core.clock import build_date
from fmcat.core.findings import Finding, Severity, format_text
from fmcat.core.load import InvalidCatalogError, load_checked, require_no_errors
from fmcat.core.settings import SETTINGS_FILE
from fmcat.site.compact import compact_html
from fmcat.site.home import home_summary
from fmcat.site.incremental import Incremental, page_state
from fmcat.site.outputs import OutputError, OutputWriter
from fmcat.site.plan import GeneratedFile, plan_site
from fmcat.site.render import RenderOnce, Slots
from fmcat.site.search import SearchIndex, SearchIndexError
from fmcat.site.theming import CSS_ICONS

WATCHED = ("entries", "playbooks", "case-studies", "incidents", "taxonomy.yml", "metrics.yml",
           "fmcat.yml")
"""What a build reads besides docs_dir and the config, which MkDocs watches itself."""


class BuildError(Exception):
    """The build cannot go on; the message says why, and `findings` are the
    catalog's when they are the reason (the preview lists them)."""

    def __init__(self, message: str, findings: Sequence[Finding] = ()) -> None:
        super().__init__(message)
        self.findings = list(findings)


@dataclass(frozen=True)
class SourceFile:
    """A generated file as the generator takes it: read from `path` if set, else
    held as `content` (empty when `path` is set); `edit_uri` is its edit link
    relative to docs_dir."""

    src_uri: str
    path: Path | None
    content: str
    edit_uri: str | None


def catalog_root(config_file_path: str | None) -> Path:
    """The catalog lives beside mkdocs.yml (docs_dir cannot contain it)."""
    return Path(config_file_path).resolve().parent if config_file_path else Path.cwd()


def watched_paths(root: Path) -> list[Path]:
    """The catalog files and folders a rebuild depends on, those that exist."""
    return [root / name for name in WATCHED if (root / name).exists()]


def edit_uri(source_path: str, root: Path, docs_dir: Path) -> str:
    """The edit link of a record page, as MkDocs wants it: relative to docs_dir.

    Records live outside docs_dir (in `entries/`, …), so the link climbs out
    of docs_dir to the catalog root, however deep docs_dir sits below it.
    """
    return edit_uris([source_path], root, docs_dir)[source_path]


def edit_uris(source_paths: Iterable[str], root: Path, docs_dir: Path) -> dict[str, str]:
    """`edit_uri` of many records, resolving the two folders once (not per record)."""
    top, docs = root.resolve(), docs_dir.resolve()
    return {path: posixpath.relpath((top / path).as_posix(), docs.as_posix())
            for path in source_paths}


def check_collisions(generated: Iterable[str], existing: Container[str]) -> None:
    """Fail if a hand-written file in docs_dir has the path of a generated page."""
    for src_uri in generated:
        if src_uri in existing:
            raise BuildError(f"docs/{src_uri} collides with a generated page; move or "
                             "rename the hand-written file")


def check_clashes(clashes: list[str]) -> None:
    """Fail if the generator writes files where the build writes its own outputs."""
    if clashes:
        raise BuildError(f"docs/ has files where the build writes {clashes[0]} "
                         f"(and {len(clashes) - 1} more); move or rename them")


def log_lines(findings: Iterable[Finding]) -> list[tuple[int, str]]:
    """(logging level, text) of each finding of a buildable catalog.

    The generator's strict mode fails on any logged warning; a notice (an
    overdue review) must not, so it is logged at INFO and still shown.
    """
    return [(logging.INFO if item.severity is Severity.NOTICE else logging.WARNING,
             format_text([item])) for item in findings]


class SiteBuild:
    """The state of one build, from the loaded catalog to the written site.

    Made when the generator's config is ready; `close` (called by `finish`,
    or by the adapter when the build fails) removes its scratch folder and
    stops a background writer.
    """

    def __init__(self, root: Path, docs_dir: Path, *, site_name: str,
                 site_url: str | None, directory_urls: bool, serving: bool,
                 incremental: Incremental | None = None) -> None:
        if not directory_urls:
            raise BuildError("use_directory_urls must stay true; entry URLs depend on it")
        today = build_date()
        # A preview's scratch folder outlives the build (see incremental.py).
        self.incremental = incremental
        self.scratch = incremental.scratch if incremental else \
            Path(tempfile.mkdtemp(prefix="fmcat-build-"))  # removed by close()
        try:
            with ExitStack() as memoised:
                if incremental is not None:
                    # A preview looks up what the last save computed (see incremental.py).
                    memoised.enter_context(incremental.open_build(today.isoformat()).active())
                # A preview compares each page with its last save before writing it.
                self._plan(root, today, site_name=site_name, site_url=site_url,
                           spool=self.scratch if incremental is None else None)
        except BaseException:
            if incremental is None:
                shutil.rmtree(self.scratch, ignore_errors=True)
            else:
                incremental.collect_garbage()  # no deferred work will
            raise
        self.root, self.docs_dir, self.serving = root, docs_dir, serving
        self.search = SearchIndex(self.scratch / "search")
        self.finished = False
        self.writer: OutputWriter | None = None
        self.nav_cache = RenderOnce()  # overrides/partials/nav.html
        self._parked: dict[str, Path] = {}  # src_uri -> its rendered HTML, on disk

    def _plan(self, root: Path, today: date, *, site_name: str, site_url: str | None,
              spool: Path | None) -> None:
        """Load and check the catalog, then plan the site and the home summary."""
        catalog = load_checked(root, today=today)
        try:
            require_no_errors(catalog)
        except InvalidCatalogError as exc:
            raise BuildError(f"the catalog has {exc.summary}; fix them to build:\n"
                             f"{exc}", catalog.findings) from None
        self.messages = log_lines(catalog.findings)  # for the adapter to log
        settings = catalog.settings
        if settings.names_itself and settings.name != site_name:
            # Feeds, schemas and alerts say one name, the site's header another.
            self.messages.append((logging.WARNING, (
                f"mkdocs.yml: site_name {site_name!r} differs from name {settings.name!r} in "
                f"{SETTINGS_FILE}; set both to the same name")))
        self.plan = plan_site(catalog, site_name=site_name, site_url=site_url, spool=spool)
        self.home = home_summary(catalog, self.plan.derived)

    def source_files(self, existing: Container[str]) -> list[SourceFile]:
        """The generated files, once; `existing` holds the src_uris of docs_dir's files.

        Markdown pages are backed by a scratch file, not held in memory:
        the generator reads each page once.
        """
        files = self.plan.take_files()
        check_collisions((file.src_uri for file in files), existing)
        if self.incremental is not None:
            self.incremental.begin()
        self.search.add_incidents(self.plan.outputs.catalog)
        sources = []
        # Edit links point at the record's real source, outside docs_dir.
        links = edit_uris((f.source_path for f in files if f.source_path), self.root,
                          self.docs_dir)
        for file in files:
            path = None
            link = links[file.source_path] if file.source_path else None
            if file.src_uri.endswith(".md"):
                path = self.scratch / "pages" / file.src_uri
                if self.incremental is None:
                    if not file.spooled:
                        path.parent.mkdir(parents=True, exist_ok=True)
                        path.write_text(file.content, encoding="utf-8")
                    if file.slots is not None:
                        # A preview's memo holds the blocks anyway.
                        file.slots.park(self.scratch / "slots" / f"{file.src_uri}.slots")
                else:
                    self.incremental.write_page(file.src_uri, path, file.content,
                                                self._page_state(file.src_uri, file, link))
            sources.append(SourceFile(file.src_uri, path, "" if path else file.content, link))
        return sources

    def _page_state(self, src_uri: str, file: GeneratedFile, link: str | None) -> str:
        """Everything a generated page shows, for the preview to compare across saves.

        Looked up by those same inputs: an unchanged record page comes from the
        memo as the same strings, whose hashes Python keeps, so its state costs
        a look-up instead of a digest of the whole page.
        """
        assert self.incremental is not None
        slots = file.slots or Slots()
        view, indexed = self.plan.view_for(src_uri), self.plan.indexed(src_uri)
        blocks = tuple(slots.blocks.values())
        return self.incremental.memo.get(
            ("page state", file.content, slots.nonce, blocks, view, indexed, link),
            lambda: page_state(file.content, slots.nonce, blocks, repr(view), str(indexed),
                               link or ""))

    def start_outputs(self, pages: Iterable[tuple[str, str]], site_dir: Path) -> None:
        """Check the generator's files (src_uri, dest_uri) against ours, then start
        writing ours.

        The site folder is clean by now, or, in a preview, holds the last
        build (see incremental.py). A one-off build writes the API files,
        drills and redirects in a second process while the generator renders
        pages.
        """
        pages = list(pages)
        dest_uris = [dest for _, dest in pages]
        outputs = self.plan.outputs
        check_clashes(outputs.clashes(dest_uris))
        if self.incremental is not None:
            self.incremental.prepare(
                written={*dest_uris, *outputs.paths()},
                hand_written=[dest for src, dest in pages
                              if src.endswith(".md") and src not in self.plan.generated],
                home=repr(self.home))
        self.writer = OutputWriter(outputs, site_dir, background=not self.serving,
                                   files=self.incremental.files if self.incremental else None)

    def is_generated(self, src_uri: str) -> bool:
        return src_uri in self.plan.generated

    def finish_html(self, src_uri: str, html: str) -> str:
        return self.plan.finish_html(src_uri, html)

    def park_content(self, src_uri: str, html: str) -> None:
        """Keep a page's rendered HTML on disk until the page is written.

        The generator renders every page's Markdown before it writes any page
        and holds all that HTML until the build ends: at 20,000 entries over
        half a gigabyte. Parked, a page's HTML is in memory only while its
        template renders (`take_content`).
        """
        path = self.scratch / "content" / f"{len(self._parked)}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, encoding="utf-8")
        self._parked[src_uri] = path

    def take_content(self, src_uri: str) -> str | None:
        """A parked page's HTML, once; None if the page was not parked."""
        path = self._parked.pop(src_uri, None)
        if path is None:
            return None
        html = path.read_text(encoding="utf-8")
        path.unlink()
        return html

    def page_context(self, src_uri: str, url: str) -> dict[str, object]:
        """What the theme overrides read from a page's template context."""
        return {
            "fmcat_nav_cache": self.nav_cache,
            "fmcat_nav_key": self.plan.nav_key(src_uri, url),
            "fmcat_page": self.plan.view_for(src_uri),
            "fmcat_indexed": self.plan.indexed(src_uri),
            "fmcat_scripts": self.plan.scripts.get(src_uri, ()),
            "fmcat_css_icons": CSS_ICONS,
        }

    def finish_page(self, src_uri: str, dest_uri: str, html: str) -> str:
        """A rendered page as it is written: compacted, and handed to the search index."""
        html = compact_html(html)
        try:
            self.search.add(dest_uri, html)
        except SearchIndexError as exc:
            raise BuildError(f"{src_uri}: {exc}") from None
        return html

    def finish(self, site_dir: Path) -> None:
        """Wait for our outputs and write the search index; always `close`.

        A preview does both after the build returns (`Incremental.defer`):
        the saved page does not need them, and they are the slowest part of
        a save.
        """
        try:
            if self.incremental is not None:
                self.incremental.defer(lambda: self._write_rest(site_dir))
            else:
                self._write_rest(site_dir)
            self.finished = True
        finally:
            self.close()

    def _write_rest(self, site_dir: Path) -> None:
        """The API files, drills and redirects, then the search index."""
        assert self.writer is not None, "start_outputs was not called"
        try:
            self.writer.finish()
            self.search.write(site_dir)
        except OutputError as exc:
            raise BuildError(f"writing the API files, drills and redirects failed: "
                             f"{exc}") from None
        except SearchIndexError as exc:
            raise BuildError(f"building the search index failed: {exc}") from None

    def close(self) -> None:
        if self.writer is not None:
            self.writer.cancel()
        if self.incremental is None:
            shutil.rmtree(self.scratch, ignore_errors=True)
        elif not self.finished:
            self.incremental.invalidate()

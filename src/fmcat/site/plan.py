"""What the site shows: which pages exist, the files the build adds, and nav keys.

Nothing here imports MkDocs: the hook adapter asks for a `SitePlan` and turns
its files and views into MkDocs objects. Every URL is derived from an ID,
never from a file name or a title, so runbooks that link here never break.
All URLs are site-root-relative directory URLs (`failure-modes/FM-0007/`).
The record pages themselves are built in `records/`, the listings in
`listings.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fmcat.analysis.discovery import listed
from fmcat.analysis.governance import changes
from fmcat.core import body
from fmcat.core.catalog import Catalog, Entry
from fmcat.core.memo import Memo, active_memo
from fmcat.core.model import CASE_STUDY, FAILURE_MODE, KIND_BY_PREFIX, PLAYBOOK
from fmcat.exports import feeds
from fmcat.site import governance_pages, trends_pages
from fmcat.site.assess_page import ASSESS_URL, assess_page
from fmcat.site.charts import chart_css
from fmcat.site.derived import Derived, derive
from fmcat.site.external_pages import external_pages
from fmcat.site.listings import browse_pages, catalog_page, index_page, matrix_page
from fmcat.site.outputs import SiteOutputs
from fmcat.site.records import (
    RecordView,
    page_inputs,
    record_markdown,
    record_view,
    view_inputs,
)
from fmcat.site.render import Slots
from fmcat.site.sanitize import sanitize_html
from fmcat.site.tasklist import label_task_lists
from fmcat.site.theming import ASSESS_SCRIPT, CATALOG_SCRIPT
from fmcat.site.views import severity_css


@dataclass(frozen=True)
class GeneratedFile:
    """A file the build adds: a Markdown page or a static HTML file."""

    src_uri: str
    content: str
    source_path: str | None = None
    slots: Slots | None = None
    spooled: bool = False
    """Its text already waits in the plan's spool folder (`content` is empty)."""


@dataclass
class SitePlan:
    """Everything the build adds to the site, computed once per build."""

    derived: Derived
    outputs: SiteOutputs
    catalog: Catalog
    files: list[GeneratedFile] = field(default_factory=list)
    record_pages: dict[str, Entry] = field(default_factory=dict)
    generated: set[str] = field(default_factory=set)
    slots: dict[str, Slots] = field(default_factory=dict)
    scripts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """A page's own scripts, after those every page loads (`theming.SCRIPTS`)."""
    _last: tuple[str, RecordView] | None = field(default=None, repr=False)
    memo: Memo | None = field(default=None, repr=False)
    """A preview's memo (`fmcat.core.memo`): cards are looked up in it while pages
    are written, after planning."""
    spool: Path | None = None
    """Where record pages wait for the generator, if they are not held in memory."""

    def add_record_page(self, file: GeneratedFile) -> None:
        """Add a record page: with a spool, its Markdown and held HTML go to disk at once.

        Every record page is planned before the generator reads any; held in
        memory until then, their text and generated tables were the largest
        share of a big build's peak. The Markdown is written at
        `spool/pages/<src_uri>`, where `SiteBuild.source_files` looks for it.
        """
        if self.spool is None or not file.src_uri.endswith(".md"):
            self.files.append(file)
            return
        path = self.spool / "pages" / file.src_uri
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(file.content, encoding="utf-8")
        if file.slots is not None:
            file.slots.park(self.spool / "slots" / f"{file.src_uri}.slots")
        self.files.append(GeneratedFile(file.src_uri, "", file.source_path, file.slots,
                                        spooled=True))

    def take_files(self) -> list[GeneratedFile]:
        """Hand the generated files over once; the plan keeps no copy of their text."""
        files, self.files = self.files, []
        return files

    def view_for(self, src_uri: str) -> RecordView | None:
        """The summary card of a record page, made when its page is written.

        Made on demand, not kept for every record: the theme asks for one page
        at a time (twice: for the card and whether search indexes it), and
        views held for the whole build were a per-record share of its memory.
        """
        entry = self.record_pages.get(src_uri)
        if entry is None:
            return None
        if self._last is None or self._last[0] != src_uri:
            taxonomy = self.catalog.taxonomy
            assert taxonomy is not None

            def make() -> RecordView:
                return record_view(entry, self.catalog, taxonomy, self.derived)

            view = make() if self.memo is None else self.memo.get(
                ("record view", *view_inputs(entry, self.catalog, self.derived)), make)
            self._last = (src_uri, view)
        return self._last[1]

    def nav_key(self, src_uri: str, url: str) -> str:
        """What the nav of a page depends on, or "" if it must be rendered for it.

        Records are never in the nav, so nothing in it is active on a record
        page and its relative links depend only on the page's folder.
        """
        return url.rstrip("/").rpartition("/")[0] if src_uri in self.record_pages else ""

    def indexed(self, src_uri: str) -> bool:
        """Whether search indexes a page: current records and hand-written pages."""
        view = self.view_for(src_uri)
        if view is not None:
            return not view.noindex
        return src_uri not in self.generated

    def finish(self) -> SitePlan:
        """Index the files; hold the HTML of generated Markdown pages out of Markdown."""
        self.generated = {f.src_uri for f in self.files}
        for index, file in enumerate(self.files):
            if file.slots is not None:
                self.slots[file.src_uri] = file.slots
            elif file.src_uri.endswith(".md") and file.src_uri not in self.record_pages:
                slots = Slots()
                self.files[index] = GeneratedFile(file.src_uri, slots.hold(file.content),
                                                  file.source_path, slots)
                self.slots[file.src_uri] = slots
        return self

    def finish_html(self, src_uri: str, page_html: str) -> str:
        """Sanitise contributed pages, put back the generated HTML held out of
        Markdown, and name task-list checkboxes (after the sanitiser, which
        would drop the `aria-label`)."""
        if src_uri in self.record_pages:
            page_html = sanitize_html(page_html)
        slots = self.slots.get(src_uri)
        return label_task_lists(slots.fill(page_html) if slots else page_html)


def plan_site(catalog: Catalog, *, site_name: str | None = None,
              site_url: str | None = None, spool: Path | None = None) -> SitePlan:
    """Record pages, listings, governance pages and feeds; API files, drills and
    redirects are `outputs`, written by the build without the generator.
    `site_name` names the feeds (default: the name in the catalog's `fmcat.yml`);
    with `spool`, record pages wait there (`SitePlan.add_record_page`)."""
    site_name = site_name or catalog.settings.name
    example_data = catalog.settings.example_data
    taxonomy = catalog.taxonomy
    assert taxonomy is not None, "plan_site needs a catalog whose taxonomy loaded"
    derived = derive(catalog)
    plan = SitePlan(derived, SiteOutputs(
        catalog, dict(sorted(redirect_targets(catalog).items())), site_url), catalog,
        spool=spool)
    memo = plan.memo = active_memo()
    for entry in catalog.entries.values():
        src_uri = entry.kind.src_uri(entry.id)
        if memo is None:
            slots = Slots()
            content = record_markdown(entry, catalog, taxonomy, derived, slots)
        else:
            content, slots = _record_page(memo, entry, catalog, derived)
        plan.add_record_page(GeneratedFile(src_uri, content, entry.path, slots))
        plan.record_pages[src_uri] = entry
    plan.files.append(GeneratedFile(f"{FAILURE_MODE.url_dir}/index.md", catalog_page(
        listed(catalog), taxonomy, derived.observed)))
    plan.scripts[f"{FAILURE_MODE.url_dir}/index.md"] = (CATALOG_SCRIPT,)
    plan.files.append(GeneratedFile("matrix/index.md", matrix_page(listed(catalog), taxonomy)))
    adoptable = tuple((e.id, e.record.title)
                      for e in sorted(catalog.playbooks, key=lambda e: e.id) if e.record.is_listed)
    plan.files.append(GeneratedFile(f"{ASSESS_URL}index.md", assess_page(taxonomy, adoptable)))
    plan.scripts[f"{ASSESS_URL}index.md"] = (ASSESS_SCRIPT,)
    for src_uri, content in browse_pages(catalog, taxonomy, derived.tags).items():
        plan.files.append(GeneratedFile(src_uri, content))
    listed_records = [e for e in catalog.entries.values() if e.record.is_listed]
    for src_uri, content in external_pages(listed_records, taxonomy).items():
        plan.files.append(GeneratedFile(src_uri, content))
    for kind in (PLAYBOOK, CASE_STUDY):
        plan.files.append(GeneratedFile(f"{kind.url_dir}/index.md",
                                        index_page(kind, catalog)))
    recent = changes(catalog)  # the what's-new page and both feeds
    plan.files += [
        GeneratedFile(f"{governance_pages.REVIEW_URL}index.md",
                      governance_pages.review_page(catalog, catalog.today)),
        GeneratedFile(f"{governance_pages.QUALITY_URL}index.md",
                      governance_pages.quality_page(catalog)),
        GeneratedFile(f"{governance_pages.STEWARDS_URL}index.md",
                      governance_pages.stewards_page(catalog)),
        GeneratedFile(f"{governance_pages.WHATS_NEW_URL}index.md",
                      governance_pages.whats_new_page(catalog, recent)),
        GeneratedFile(f"{trends_pages.TRENDS_URL}index.md",
                      trends_pages.trends_page(
                          derived.metrics, example_data=example_data,
                          axis=taxonomy.axes.category)),
        GeneratedFile(f"{trends_pages.METRICS_URL}index.md",
                      trends_pages.metrics_page(derived.metrics,
                                                  example_data=example_data)),
        # One generated stylesheet, one request: the charts' styles and the
        # taxonomy's severity colours.
        GeneratedFile("assets/fmcat-charts.css", chart_css() + "\n" + severity_css(taxonomy)),
        GeneratedFile("feed.xml", feeds.atom_feed(recent, site_name=site_name,
                                                  site_url=site_url)),
        GeneratedFile("feed.json", feeds.json_feed(recent, site_name=site_name,
                                                   site_url=site_url)),
    ]
    return plan.finish()


def _record_page(memo: Memo, entry: Entry, catalog: Catalog,
                 derived: Derived) -> tuple[str, Slots]:
    """A record's page in a preview: made again only if something it shows changed.

    Its slots are handed out as a copy, since filling a page uses them up.
    """
    def make() -> tuple[str, str, dict[str, str]]:
        assert catalog.taxonomy is not None
        slots = Slots()
        content = record_markdown(entry, catalog, catalog.taxonomy, derived, slots)
        return content, slots.nonce, dict(slots.blocks)

    content, nonce, blocks = memo.get(("record page", *page_inputs(entry, catalog, derived)),
                                      make)
    return content, Slots(nonce, blocks)


def redirect_targets(catalog: Catalog) -> dict[str, str]:
    """Every short permalink and alias path, mapped to its canonical URL."""
    targets: dict[str, str] = {}
    for entry in catalog.entries.values():
        canonical = entry.kind.url(entry.id)
        targets[f"{entry.id}/"] = canonical
        targets[f"{entry.id.lower()}/"] = canonical
        for alias in entry.record.aliases:
            if body.id_target(alias):
                retired_kind = KIND_BY_PREFIX[alias[:2]]
                targets[f"{alias}/"] = canonical
                targets[f"{alias.lower()}/"] = canonical
                targets[retired_kind.url(alias)] = canonical
            else:
                targets[alias.rstrip("/") + "/"] = canonical
    return targets

"""What the site shows, as pure functions from a catalog to pages and views.

Nothing here imports MkDocs: the hook adapter asks for a `SitePlan` and turns
its files and views into MkDocs objects. Every URL is derived from an ID,
never from a file name or a title, so runbooks that link here never break.
All URLs are site-root-relative directory URLs (`failure-modes/FM-0007/`).
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from fmcat.analysis.discovery import (
    DIMENSIONS,
    NEVER_OBSERVED,
    Observed,
    listed,
    observed_frequency,
    similar_entries,
    tag_index,
    values_of,
)
from fmcat.analysis.governance import changes
from fmcat.analysis.metrics import MetricsReport, PlaybookUsage, Series, compute_metrics
from fmcat.core import body
from fmcat.core.catalog import Catalog, Entry
from fmcat.core.checks import completeness
from fmcat.core.model import (
    CASE_STUDY,
    FAILURE_MODE,
    KIND_BY_PREFIX,
    PLAYBOOK,
    CaseStudy,
    FailureMode,
    Kind,
    Playbook,
    Record,
)
from fmcat.core.targets import load_targets
from fmcat.core.taxonomy import Taxonomy
from fmcat.core.text import duration_text, plural
from fmcat.core.urls import Link, record_url, relative_url
from fmcat.exports import feeds
from fmcat.site import governance_pages as govpages
from fmcat.site import trends_pages as trendpages
from fmcat.site.charts import CHART_CSS
from fmcat.site.listings import browse_pages, catalog_page, matrix_page
from fmcat.site.listings import page as listing_page
from fmcat.site.outputs import SiteOutputs, drill_path
from fmcat.site.render import Slots, render, render_block
from fmcat.site.sanitize import sanitize_html

INDEX_TITLES = {
    FAILURE_MODE.name: "Catalog",
    PLAYBOOK.name: "Mitigation playbooks",
    CASE_STUDY.name: "Case studies",
}


@dataclass(frozen=True)
class ChipGroup:
    label: str
    chips: tuple[Link, ...]


@dataclass(frozen=True)
class RecordView:
    """The summary card of a record page: finished values, sorted, with URLs."""

    kind: str
    kind_label: str
    id: str
    title: str
    summary: str
    status: str
    status_reason: str
    successor: Link | None
    url: str
    permalink: str
    index: Link
    severity: str
    severity_definition: str
    frequency: str
    frequency_definition: str
    business_impact: str
    kpis: tuple[str, ...]
    stewards: tuple[str, ...]
    owner: str
    time_to_remediate: str
    created: str
    last_reviewed: str
    review_due: str
    overdue: bool
    chips: tuple[ChipGroup, ...]
    observed: Observed
    observed_text: str
    sparkline: str
    usage: str
    drill: str
    search_terms: str
    completeness: int
    noindex: bool
    source_path: str


@dataclass(frozen=True)
class GeneratedFile:
    """A file the build adds: a Markdown page or a static HTML file."""

    src_uri: str
    content: str
    source_path: str | None = None
    slots: Slots | None = None


@dataclass(frozen=True)
class Derived:
    """Indexes computed once per build and shared by every page."""

    observed: dict[str, Observed]
    similar: dict[str, list[str]]
    tags: dict[str, dict[str, list[str]]]
    metrics: MetricsReport
    sparklines: dict[str, Series]
    usage: dict[str, PlaybookUsage]


@dataclass
class SitePlan:
    """Everything the build adds to the site, computed once per build."""

    derived: Derived
    outputs: SiteOutputs
    files: list[GeneratedFile] = field(default_factory=list)
    views: dict[str, RecordView] = field(default_factory=dict)
    record_pages: set[str] = field(default_factory=set)
    generated: set[str] = field(default_factory=set)
    slots: dict[str, Slots] = field(default_factory=dict)

    def take_files(self) -> list[GeneratedFile]:
        """Hand the generated files over once; the plan keeps no copy of their text."""
        files, self.files = self.files, []
        return files

    def view_for(self, src_uri: str) -> RecordView | None:
        return self.views.get(src_uri)

    def nav_key(self, src_uri: str, url: str) -> str:
        """What the nav of a page depends on, or "" if it must be rendered for it.

        Records are never in the nav, so nothing in it is active on a record
        page and its relative links depend only on the page's folder.
        """
        return url.rstrip("/").rpartition("/")[0] if src_uri in self.record_pages else ""

    def indexed(self, src_uri: str) -> bool:
        """Whether search indexes a page: current records and hand-written pages."""
        view = self.views.get(src_uri)
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
        """Sanitise contributed pages, then put back the generated HTML held out of Markdown."""
        if src_uri in self.record_pages:
            page_html = sanitize_html(page_html)
        slots = self.slots.get(src_uri)
        return slots.fill(page_html) if slots else page_html


def derive(catalog: Catalog) -> Derived:
    targets, _ = load_targets(catalog.root)  # its findings are reported by validation
    report = compute_metrics(catalog, catalog.today, targets)
    return Derived(observed_frequency(catalog), similar_entries(catalog), tag_index(catalog),
                   report, report.sparklines.by_key(),
                   {item.playbook: item for item in report.playbook_usage})


def plan_site(catalog: Catalog, *, site_name: str = "Failure Mode Catalog",
              site_url: str | None = None) -> SitePlan:
    """Record pages, listings, governance pages and feeds; API files, drills and
    redirects are `outputs`, written by the build without the generator."""
    taxonomy = catalog.taxonomy
    assert taxonomy is not None, "plan_site needs a catalog whose taxonomy loaded"
    derived = derive(catalog)
    plan = SitePlan(derived, SiteOutputs(
        catalog, dict(sorted(redirect_targets(catalog).items())), site_url))
    for entry in catalog.entries.values():
        src_uri = entry.kind.src_uri(entry.id)
        slots = Slots()
        plan.files.append(GeneratedFile(
            src_uri, record_markdown(entry, catalog, taxonomy, derived, slots), entry.path,
            slots))
        plan.views[src_uri] = record_view(entry, catalog, taxonomy, derived)
        plan.record_pages.add(src_uri)
    plan.files.append(GeneratedFile(f"{FAILURE_MODE.url_dir}/index.md", catalog_page(
        listed(catalog), taxonomy, derived.observed)))
    plan.files.append(GeneratedFile("matrix/index.md", matrix_page(listed(catalog), taxonomy)))
    for src_uri, content in browse_pages(catalog, taxonomy, derived.tags).items():
        plan.files.append(GeneratedFile(src_uri, content))
    for kind in (PLAYBOOK, CASE_STUDY):
        plan.files.append(GeneratedFile(f"{kind.url_dir}/index.md",
                                        index_markdown(kind, catalog, taxonomy)))
    plan.files += [
        GeneratedFile(f"{govpages.REVIEW_URL}index.md",
                      govpages.review_page(catalog, catalog.today)),
        GeneratedFile(f"{govpages.QUALITY_URL}index.md", govpages.quality_page(catalog)),
        GeneratedFile(f"{govpages.STEWARDS_URL}index.md", govpages.stewards_page(catalog)),
        GeneratedFile(f"{govpages.WHATS_NEW_URL}index.md", govpages.whats_new_page(catalog)),
        GeneratedFile(f"{trendpages.TRENDS_URL}index.md",
                      trendpages.trends_page(derived.metrics)),
        GeneratedFile(f"{trendpages.METRICS_URL}index.md",
                      trendpages.metrics_page(derived.metrics)),
        GeneratedFile("assets/fmcat-charts.css", CHART_CSS),
        GeneratedFile("feed.xml", feeds.atom_feed(changes(catalog), site_name=site_name,
                                                  site_url=site_url)),
        GeneratedFile("feed.json", feeds.json_feed(changes(catalog), site_name=site_name,
                                                   site_url=site_url)),
    ]
    return plan.finish()


# --- record pages ------------------------------------------------------------


def record_view(entry: Entry, catalog: Catalog, taxonomy: Taxonomy,
                derived: Derived) -> RecordView:
    record = entry.record
    score, _ = completeness(entry, catalog.findings_for(entry.path))
    due = record.review_due(taxonomy.review_every_days)
    successor = None
    if record.superseded_by:
        target = catalog.resolve(record.superseded_by)
        label = f"{record.superseded_by}: {target.record.title}" if target else \
            record.superseded_by
        successor = Link(label, record_url(target.id if target else record.superseded_by))
    chips: list[ChipGroup] = []
    severity = frequency = impact = owner = ttr = ""
    kpis: tuple[str, ...] = ()
    if isinstance(record, FailureMode):
        severity, frequency = record.severity, record.frequency
        impact, kpis = record.business_impact.description, tuple(record.business_impact.kpis)
        for dimension in DIMENSIONS:
            chips.append(ChipGroup(dimension.title, tuple(
                Link(taxonomy.title_of(dimension.vocabulary, value),
                     dimension.value_url(value))
                for value in values_of(record, dimension))))
    elif isinstance(record, Playbook):
        owner, ttr = record.owner, duration_text(record.time_to_remediate)
        chips.append(ChipGroup("Kinds", tuple(Link(kind, "") for kind in record.kinds)))
    elif isinstance(record, CaseStudy):
        chips.append(ChipGroup("Scenario", (Link("illustrative" if record.illustrative
                                                 else "real event", ""),)))
    return RecordView(
        kind=entry.kind.name,
        kind_label=entry.kind.label,
        id=record.id,
        title=record.title,
        summary=record.summary,
        status=record.status,
        status_reason=record.status_reason or "",
        successor=successor,
        url=entry.kind.url(record.id),
        permalink=f"{record.id}/",
        index=Link(INDEX_TITLES[entry.kind.name], f"{entry.kind.url_dir}/"),
        severity=severity,
        severity_definition=taxonomy.severities[severity].definition
        if severity in taxonomy.severities else "",
        frequency=frequency,
        frequency_definition=taxonomy.frequencies[frequency].definition
        if frequency in taxonomy.frequencies else "",
        business_impact=impact,
        kpis=kpis,
        stewards=tuple(record.stewards),
        owner=owner,
        time_to_remediate=ttr,
        created=record.created.isoformat(),
        last_reviewed=record.last_reviewed.isoformat(),
        review_due=due.isoformat(),
        overdue=due < catalog.today,
        chips=tuple(chips),
        observed=derived.observed.get(record.id, NEVER_OBSERVED),
        observed_text=_observed_text(derived.observed.get(record.id, NEVER_OBSERVED)),
        sparkline=trendpages.render_sparkline(derived.metrics, derived.sparklines, record.id)
        if isinstance(record, FailureMode) else "",
        usage=_usage_text(derived.usage.get(record.id)) if isinstance(record, Playbook) else "",
        drill=drill_path(record.id) if isinstance(record, FailureMode)
        and record.status != "withdrawn" else "",
        search_terms=" ".join(search_terms(record)),
        completeness=round(score * 100),
        noindex=record.status == "withdrawn",
        source_path=entry.path,
    )


def _observed_text(observed: Observed) -> str:
    if not observed.count or observed.last_seen is None:
        return "none recorded"
    return (f"{plural(observed.count, 'incident')}, last {observed.last_seen.isoformat()}, "
            f"{plural(len(observed.teams), 'team')}")


def _usage_text(item: PlaybookUsage | None) -> str:
    if item is None or not item.uses:
        return "not used in the incident log"
    stats = item.time_to_mitigate
    suffix = (f", median time to mitigate {stats.median:.1f} h over the whole log "
              f"(n = {stats.count})" if stats.median is not None else "")
    return f"used in {plural(item.uses, 'incident')}{suffix}"


def search_terms(record: Record) -> list[str]:
    """What readers look a record up by besides its title: ID, tags, signals.

    Indexed with a high weight (see fmcat-record.html), which also ranks a
    record above anything that merely mentions it.
    """
    terms = [record.id]
    if isinstance(record, FailureMode):
        for dimension in DIMENSIONS:
            terms.extend(values_of(record, dimension))
        terms.extend(detector.signal for detector in record.detectors)
    elif isinstance(record, Playbook):
        terms.extend(record.kinds)
    elif isinstance(record, CaseStudy):
        terms.extend([*record.failure_modes, *record.playbooks])
    return list(dict.fromkeys(terms))


def record_markdown(entry: Entry, catalog: Catalog, taxonomy: Taxonomy,
                    derived: Derived, slots: Slots) -> str:
    """The Markdown MkDocs renders for a record: fixed anchors, resolved links,
    generated sections, and front matter that we write ourselves."""
    record = entry.record
    src_uri = entry.kind.src_uri(record.id)
    page_url = entry.kind.url(record.id)

    def resolve(record_id: str, anchor: str) -> str | None:
        target = catalog.resolve(record_id)
        if target is None:
            return None
        return body.relative_md_path(src_uri, target.kind.src_uri(target.id), anchor)

    anchors = {s.title.lower(): s.anchor for s in entry.kind.sections}
    text = body.rewrite_for_site(entry.doc.body, anchors, resolve)
    inserts: dict[str, str] = {}
    tail: list[str] = []
    context = {"page_url": page_url, "rel": lambda target: relative_url(page_url, target)}
    if isinstance(record, FailureMode):
        inserts["detection"] = render_block(
            "fragments/detectors.html", detectors=_detector_rows(record, taxonomy), **context)
        inserts["mitigation"] = render_block(
            "fragments/mitigations.html", rows=_mitigation_rows(record, catalog), **context)
        tail.append(render("fragments/links.html", groups=_failure_mode_links(
            entry, catalog, derived), **context))
    elif isinstance(record, Playbook):
        inserts["when-to-use"] = render("fragments/playbook.html", playbook=record,
                                              ttr=duration_text(record.time_to_remediate),
                                              after=duration_text(record.escalation.after),
                                              **context)
        tail.append(render("fragments/links.html", groups=_playbook_links(
            entry, catalog), **context))
    elif isinstance(record, CaseStudy):
        tail.append(render("fragments/case-study.html", case=record, **context))
        tail.append(render("fragments/links.html", groups=_case_study_links(
            record, catalog), **context))
    last_changed = record.revisions[0].date if record.revisions else record.created
    tail.append(render("fragments/history.html", revisions=record.revisions,
                       created=record.created, last_changed=last_changed,
                       last_reviewed=record.last_reviewed))
    # Only the generated parts are held out of Markdown; the contributed body
    # goes through Markdown and then the sanitiser.
    inserts = {anchor: slots.hold(block) for anchor, block in inserts.items()}
    tail = [slots.hold(block) for block in tail]
    text = _insert_at_section_ends(text, inserts)
    meta: dict[str, object] = {"title": html.escape(f"{record.id}: {record.title}")}
    parts = ["---", json.dumps(meta, ensure_ascii=False), "---", "", text.strip(), ""]
    parts.extend(block + "\n" for block in tail if block)
    return "\n".join(parts)


def _insert_at_section_ends(markdown: str, inserts: dict[str, str]) -> str:
    """Place generated blocks at the end of the sections with these anchors."""
    if not inserts:
        return markdown
    out: list[str] = []
    pending: str | None = None
    code = body.code_lines(markdown)  # the renderer's fences, not a guess at them
    for index, line in enumerate(markdown.split("\n")):
        if index not in code and line.startswith("## "):
            if pending:
                out.extend(["", pending, ""])
                pending = None
            for anchor, block in inserts.items():
                if line.endswith(f"{{#{anchor}}}"):
                    pending = block
        out.append(line)
    if pending:
        out.extend(["", pending, ""])
    return "\n".join(out)


@dataclass(frozen=True)
class DetectorRow:
    signal: str
    signal_title: str
    condition: str
    window: str
    severity: str
    action: str
    scope: str


def _detector_rows(record: FailureMode, taxonomy: Taxonomy) -> list[DetectorRow]:
    rows = []
    for detector in record.detectors:
        signal = taxonomy.signals.get(detector.signal)
        unit = signal.unit if signal else ""
        value = f"{detector.threshold:g}"
        suffix = f" {unit}" if unit in ("ms", "minutes", "hours") else ""
        rows.append(DetectorRow(
            signal=detector.signal,
            signal_title=signal.title if signal else detector.signal,
            condition=f"{detector.op} {value}{suffix}",
            window=duration_text(detector.window),
            severity=detector.severity,
            action=detector.action,
            scope=detector.scope,
        ))
    return rows


@dataclass(frozen=True)
class MitigationRow:
    kind: str
    playbook: Link
    use: str
    owner: str
    time_to_remediate: str


def _mitigation_rows(record: FailureMode, catalog: Catalog) -> list[MitigationRow]:
    rows = []
    for mitigation in record.mitigations:
        target = catalog.resolve(mitigation.playbook)
        owner = ttr = ""
        label = mitigation.playbook
        if target is not None and isinstance(target.record, Playbook):
            owner = target.record.owner
            ttr = duration_text(target.record.time_to_remediate)
            label = f"{target.id}: {target.record.title}"
        rows.append(MitigationRow(mitigation.kind, Link(label, record_url(
            target.id if target else mitigation.playbook)), mitigation.use, owner, ttr))
    return rows


@dataclass(frozen=True)
class LinkGroup:
    anchor: str
    title: str
    links: tuple[Link, ...]
    empty: str


def _entry_links(ids: Iterable[str], catalog: Catalog) -> tuple[Link, ...]:
    links = []
    for record_id in ids:
        target = catalog.resolve(record_id)
        if target is not None:
            links.append(Link(f"{target.id}: {target.record.title}", record_url(target.id)))
    return tuple(links)


def _incident_links(ids: Iterable[str], catalog: Catalog) -> tuple[Link, ...]:
    links = []
    for incident_id in ids:
        item = catalog.incidents[incident_id].record
        note = f"{item.detected:%Y-%m-%d}, {item.team}, {item.severity}"
        links.append(Link(f"{item.id}: {item.title}", "", note))
    return tuple(links)


def _failure_mode_links(entry: Entry, catalog: Catalog, derived: Derived) -> list[LinkGroup]:
    return [
        LinkGroup("related", "Related failure modes",
                  _entry_links(catalog.related.get(entry.id, []), catalog),
                  "No related failure modes yet."),
        LinkGroup("similar", "Similar failure modes",
                  _entry_links(derived.similar.get(entry.id, []), catalog),
                  "No other entry shares enough causes and tags."),
        LinkGroup("case-studies", "Case studies",
                  _entry_links(catalog.cited_by_cases.get(entry.id, []), catalog),
                  "No case study cites this failure mode yet."),
        LinkGroup("incidents", "Incidents",
                  _incident_links(catalog.cited_by_incidents.get(entry.id, []), catalog),
                  "No incident in the log cites this failure mode."),
    ]


def _playbook_links(entry: Entry, catalog: Catalog) -> list[LinkGroup]:
    return [
        LinkGroup("used-by", "Failure modes it mitigates",
                  _entry_links(catalog.used_by.get(entry.id, []), catalog),
                  "No failure mode links this playbook yet."),
        LinkGroup("case-studies", "Case studies",
                  _entry_links(catalog.cited_by_cases.get(entry.id, []), catalog),
                  "No case study cites this playbook yet."),
        LinkGroup("incidents", "Incidents",
                  _incident_links(catalog.cited_by_incidents.get(entry.id, []), catalog),
                  "No incident in the log used this playbook."),
    ]


def _case_study_links(record: CaseStudy, catalog: Catalog) -> list[LinkGroup]:
    return [
        LinkGroup("failure-modes", "Failure modes",
                  _entry_links(record.failure_modes, catalog), ""),
        LinkGroup("playbooks", "Playbooks used", _entry_links(record.playbooks, catalog), ""),
    ]


# --- index pages and redirects ----------------------------------------------


@dataclass(frozen=True)
class IndexRow:
    link: Link
    summary: str
    facts: tuple[str, ...]
    status: str


def index_markdown(kind: Kind, catalog: Catalog, taxonomy: Taxonomy) -> str:
    page_url = f"{kind.url_dir}/"
    rows = []
    for entry in catalog.of_kind(kind):
        record = entry.record
        if record.status == "withdrawn":
            continue
        facts: tuple[str, ...] = ()
        if isinstance(record, Playbook):
            facts = (record.owner, duration_text(record.time_to_remediate))
        elif isinstance(record, CaseStudy):
            facts = (", ".join(record.failure_modes),)
        rows.append(IndexRow(Link(f"{record.id}: {record.title}", kind.url(record.id)),
                             record.summary, facts, record.status))
    table = render_block("fragments/index.html", rows=rows, kind=kind.name,
                         rel=lambda target: relative_url(page_url, target))
    return listing_page(INDEX_TITLES[kind.name], table)


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



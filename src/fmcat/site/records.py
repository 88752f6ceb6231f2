"""Record pages: the summary card, the generated sections and the record Markdown.

Every view here is finished (formatted, sorted, with URLs and CSS classes
decided); the card template and the fragments only loop and branch.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from dataclasses import dataclass

from fmcat.analysis.discovery import DIMENSIONS, NEVER_OBSERVED, Observed, values_of
from fmcat.analysis.metrics import PlaybookUsage
from fmcat.core import body
from fmcat.core.catalog import Catalog, Entry
from fmcat.core.checks import completeness
from fmcat.core.model import CaseStudy, FailureMode, Playbook, Record
from fmcat.core.taxonomy import Taxonomy
from fmcat.core.text import duration_text, plural
from fmcat.core.urls import Link, record_url, rel_from
from fmcat.site import trends_pages
from fmcat.site.derived import Derived
from fmcat.site.listings import INDEX_TITLES
from fmcat.site.outputs import drill_path
from fmcat.site.render import Slots, render, render_block
from fmcat.site.views import severity_class

DRAFT_NOTE = "This entry is a draft: it has not been reviewed yet."


@dataclass(frozen=True)
class ChipGroup:
    label: str
    chips: tuple[Link, ...]


@dataclass(frozen=True)
class StatusBanner:
    """The admonition above a record that is not active."""

    css_class: str
    title: str
    note: str


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
    banner: StatusBanner | None
    successor: Link | None
    url: str
    permalink: str
    runbook_permalink: str
    index: Link
    severity: str
    severity_class: str
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


def status_banner(record: Record, kind_label: str) -> StatusBanner | None:
    """What the card says above a draft, deprecated or withdrawn record."""
    if record.is_active:
        return None
    css_class = "warning" if record.is_listed else "danger"
    note = DRAFT_NOTE if record.is_current else ""  # current but not active: a draft
    return StatusBanner(css_class, f"{kind_label} is {record.status}", note)


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
    observed = derived.observed.get(record.id, NEVER_OBSERVED)
    permalink = f"{record.id}/"
    return RecordView(
        kind=entry.kind.name,
        kind_label=entry.kind.label,
        id=record.id,
        title=record.title,
        summary=record.summary,
        status=record.status,
        status_reason=record.status_reason or "",
        banner=status_banner(record, entry.kind.label),
        successor=successor,
        url=entry.kind.url(record.id),
        permalink=permalink,
        # Runbooks link to the Detection section of a failure mode.
        runbook_permalink=f"{permalink}#detection" if isinstance(record, FailureMode) else "",
        index=Link(INDEX_TITLES[entry.kind.name], f"{entry.kind.url_dir}/"),
        severity=severity,
        severity_class=severity_class(severity) if severity else "",
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
        observed=observed,
        observed_text=observed_text(observed),
        sparkline=trends_pages.render_sparkline(derived.metrics, derived.sparklines, record.id)
        if isinstance(record, FailureMode) else "",
        usage=usage_text(derived.usage.get(record.id)) if isinstance(record, Playbook) else "",
        drill=drill_path(record.id) if isinstance(record, FailureMode)
        and record.is_listed else "",
        search_terms=" ".join(search_terms(record)),
        completeness=round(score * 100),
        noindex=not record.is_listed,
        source_path=entry.path,
    )


def observed_text(observed: Observed) -> str:
    """What the card says the incident log knows about a failure mode."""
    if not observed.count or observed.last_seen is None:
        return "none recorded"
    return (f"{plural(observed.count, 'incident')}, last {observed.last_seen.isoformat()}, "
            f"{plural(len(observed.teams), 'team')}")


def usage_text(item: PlaybookUsage | None) -> str:
    """What the card says the incident log knows about a playbook."""
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
    rel = rel_from(page_url)
    if isinstance(record, FailureMode):
        inserts["detection"] = render_block(
            "fragments/detectors.html", detectors=detector_rows(record, taxonomy))
        inserts["mitigation"] = render_block(
            "fragments/mitigations.html", rows=mitigation_rows(record, catalog), rel=rel)
        tail.append(render("fragments/links.html", groups=failure_mode_links(
            entry, catalog, derived), rel=rel))
    elif isinstance(record, Playbook):
        inserts["when-to-use"] = render("fragments/playbook.html",
                                        playbook=playbook_view(record))
        tail.append(render("fragments/links.html", groups=playbook_links(entry, catalog),
                           rel=rel))
    elif isinstance(record, CaseStudy):
        tail.append(render("fragments/case-study.html", case=case_study_view(record)))
        tail.append(render("fragments/links.html", groups=case_study_links(record, catalog),
                           rel=rel))
    tail.append(render("fragments/history.html", history=history_view(record)))
    # Only the generated parts are held out of Markdown; the contributed body
    # goes through Markdown and then the sanitiser.
    inserts = {anchor: slots.hold(block) for anchor, block in inserts.items()}
    tail = [slots.hold(block) for block in tail]
    text = insert_at_section_ends(text, inserts)
    meta: dict[str, object] = {"title": html.escape(f"{record.id}: {record.title}")}
    parts = ["---", json.dumps(meta, ensure_ascii=False), "---", "", text.strip(), ""]
    parts.extend(block + "\n" for block in tail if block)
    return "\n".join(parts)


def insert_at_section_ends(markdown: str, inserts: dict[str, str]) -> str:
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


# --- generated sections ---------------------------------------------------------


@dataclass(frozen=True)
class DetectorRow:
    signal: str
    signal_title: str
    condition: str
    window: str
    severity: str
    severity_class: str
    action: str
    scope: str


def detector_rows(record: FailureMode, taxonomy: Taxonomy) -> list[DetectorRow]:
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
            severity_class=severity_class(detector.severity),
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


def mitigation_rows(record: FailureMode, catalog: Catalog) -> list[MitigationRow]:
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
class ControlRow:
    """A control outside the site: its URL is used as written."""

    type: str
    title: str
    url: str


@dataclass(frozen=True)
class PlaybookView:
    """The generated sections of a playbook page, as text."""

    owner: str
    time_to_remediate: str
    steps: tuple[str, ...]
    fallback: str
    rollback: str
    escalate_to: str
    escalate_after: str
    escalate_when: str
    tradeoffs: tuple[str, ...]
    controls: tuple[ControlRow, ...]


def playbook_view(record: Playbook) -> PlaybookView:
    return PlaybookView(
        owner=record.owner,
        time_to_remediate=duration_text(record.time_to_remediate),
        steps=tuple(record.steps),
        fallback=record.fallback,
        rollback=record.rollback,
        escalate_to=record.escalation.to,
        escalate_after=duration_text(record.escalation.after),
        escalate_when=record.escalation.when,
        tradeoffs=tuple(record.tradeoffs),
        controls=tuple(ControlRow(c.type, c.title, c.url) for c in record.controls),
    )


@dataclass(frozen=True)
class ContextRow:
    label: str
    team: str
    data_domain: str
    model_family: str


@dataclass(frozen=True)
class Dated:
    date: str
    text: str


@dataclass(frozen=True)
class MetricRow:
    name: str
    before: str
    after: str
    unit: str


@dataclass(frozen=True)
class CaseStudyView:
    """The generated sections of a case study page, as text."""

    contexts: tuple[ContextRow, ...]
    timeline: tuple[Dated, ...]
    metrics: tuple[MetricRow, ...]
    responsibilities: tuple[tuple[str, str], ...]


def case_study_view(record: CaseStudy) -> CaseStudyView:
    contexts = [ContextRow("Origin", record.origin.team, record.origin.data_domain,
                           record.origin.model_family)]
    contexts.extend(ContextRow("Reused in", c.team, c.data_domain, c.model_family)
                    for c in record.reused_in)
    return CaseStudyView(
        contexts=tuple(contexts),
        timeline=tuple(Dated(e.date.isoformat(), e.event) for e in record.timeline),
        metrics=tuple(MetricRow(m.name, "%g" % m.before, "%g" % m.after, m.unit)  # noqa: UP031 - as Jinja's format filter printed it
                      for m in record.metrics),
        responsibilities=tuple((r.who, r.did) for r in record.responsibilities),
    )


@dataclass(frozen=True)
class HistoryView:
    created: str
    last_changed: str
    last_reviewed: str
    revisions: tuple[Dated, ...]


def history_view(record: Record) -> HistoryView:
    """The History section: revisions newest first, dates as text."""
    last_changed = record.revisions[0].date if record.revisions else record.created
    return HistoryView(record.created.isoformat(), last_changed.isoformat(),
                       record.last_reviewed.isoformat(),
                       tuple(Dated(r.date.isoformat(), r.note) for r in record.revisions))


# --- backlinks --------------------------------------------------------------------


@dataclass(frozen=True)
class LinkGroup:
    anchor: str
    title: str
    links: tuple[Link, ...]
    empty: str


def entry_links(ids: Iterable[str], catalog: Catalog) -> tuple[Link, ...]:
    """Links to the records with these IDs; unknown IDs are left out."""
    links = []
    for record_id in ids:
        target = catalog.resolve(record_id)
        if target is not None:
            links.append(Link(f"{target.id}: {target.record.title}", record_url(target.id)))
    return tuple(links)


def incident_links(ids: Iterable[str], catalog: Catalog) -> tuple[Link, ...]:
    """Incidents have no page: a label and a note, no URL."""
    links = []
    for incident_id in ids:
        item = catalog.incidents[incident_id].record
        note = f"{item.detected:%Y-%m-%d}, {item.team}, {item.severity}"
        links.append(Link(f"{item.id}: {item.title}", "", note))
    return tuple(links)


def failure_mode_links(entry: Entry, catalog: Catalog, derived: Derived) -> list[LinkGroup]:
    return [
        LinkGroup("related", "Related failure modes",
                  entry_links(catalog.related.get(entry.id, []), catalog),
                  "No related failure modes yet."),
        LinkGroup("similar", "Similar failure modes",
                  entry_links(derived.similar.get(entry.id, []), catalog),
                  "No other entry shares enough causes and tags."),
        LinkGroup("case-studies", "Case studies",
                  entry_links(catalog.cited_by_cases.get(entry.id, []), catalog),
                  "No case study cites this failure mode yet."),
        LinkGroup("incidents", "Incidents",
                  incident_links(catalog.cited_by_incidents.get(entry.id, []), catalog),
                  "No incident in the log cites this failure mode."),
    ]


def playbook_links(entry: Entry, catalog: Catalog) -> list[LinkGroup]:
    return [
        LinkGroup("used-by", "Failure modes it mitigates",
                  entry_links(catalog.used_by.get(entry.id, []), catalog),
                  "No failure mode links this playbook yet."),
        LinkGroup("case-studies", "Case studies",
                  entry_links(catalog.cited_by_cases.get(entry.id, []), catalog),
                  "No case study cites this playbook yet."),
        LinkGroup("incidents", "Incidents",
                  incident_links(catalog.cited_by_incidents.get(entry.id, []), catalog),
                  "No incident in the log used this playbook."),
    ]


def case_study_links(record: CaseStudy, catalog: Catalog) -> list[LinkGroup]:
    return [
        LinkGroup("failure-modes", "Failure modes",
                  entry_links(record.failure_modes, catalog), ""),
        LinkGroup("playbooks", "Playbooks used", entry_links(record.playbooks, catalog), ""),
    ]

"""The summary card of a record page and the terms search looks it up by."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from fmcat.analysis.discovery import NEVER_OBSERVED, Observed, dimensions_of, values_of
from fmcat.analysis.metrics import PlaybookUsage
from fmcat.core.catalog import Catalog, Entry
from fmcat.core.checks import completeness
from fmcat.core.dimensions import tags_of
from fmcat.core.model import CaseStudy, FailureMode, Playbook, Record
from fmcat.core.taxonomy import Taxonomy
from fmcat.core.text import duration_text, fact_text, plural
from fmcat.core.urls import Link, record_url
from fmcat.site import trends_pages
from fmcat.site.derived import Derived
from fmcat.site.external_pages import ExternalGroup, external_groups, search_ids
from fmcat.site.listings import INDEX_TITLES
from fmcat.site.outputs import drill_path
from fmcat.site.records.evidence import evidence_text, evidence_view
from fmcat.site.search import title_keywords
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
    external: tuple[ExternalGroup, ...]
    observed: Observed
    observed_text: str
    sparkline: str
    usage: str
    drill: str
    search_keys: str
    search_signals: str
    search_terms: str
    evidence: str
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
    score, _ = completeness(entry, catalog.findings_for(entry.path), taxonomy)
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
        for dimension in dimensions_of(taxonomy):
            chips.append(ChipGroup(dimension.title, tuple(
                Link(taxonomy.title_of(dimension.vocabulary, value),
                     dimension.value_url(value))
                for value in values_of(record, dimension))))
    elif isinstance(record, Playbook):
        owner, ttr = fact_text(record.owner), duration_text(record.time_to_remediate)
        chips.append(ChipGroup("Kinds", tuple(Link(kind, "") for kind in record.kinds)))
        chips.extend(playbook_chips(record, taxonomy))
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
        severity=fact_text(severity),
        severity_class=severity_class(severity) if severity else "",
        severity_definition=taxonomy.severities[severity].definition
        if severity in taxonomy.severities else "",
        frequency=fact_text(frequency),
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
        external=external_groups(record, taxonomy),
        observed=observed,
        observed_text=observed_text(observed),
        sparkline=trends_pages.render_sparkline(derived.metrics, derived.sparklines, record.id)
        if isinstance(record, FailureMode) else "",
        usage=usage_text(derived.usage.get(record.id)) if isinstance(record, Playbook) else "",
        drill=drill_path(record.id) if isinstance(record, FailureMode)
        and record.is_listed else "",
        search_keys=" ".join(search_keys(record, search_ids(record, taxonomy))),
        search_signals=" ".join(dict.fromkeys(d.signal for d in record.detectors))
        if isinstance(record, FailureMode) else "",
        search_terms=" ".join(search_terms(record, taxonomy)),
        evidence=evidence_text(evidence_view(record)),
        completeness=round(score * 100),
        noindex=not record.is_listed,
        source_path=entry.path,
    )


def view_inputs(entry: Entry, catalog: Catalog, derived: Derived) -> tuple[Hashable, ...]:
    """What `record_view` reads, as a key a preview looks the card up by.

    The record's file and findings, its successor's file, and what the
    incident log says of it (observed, sparkline over the log's quarters,
    playbook usage). The taxonomy and the day are not in it: the preview
    session forgets every card when either changes. Keep it in step with
    `record_view`.
    """
    record = entry.record
    successor = catalog.resolve(record.superseded_by) if record.superseded_by else None
    metrics = derived.metrics
    return (entry.kind.name, entry.path, entry.doc.digest,
            tuple(catalog.findings_for(entry.path)),
            (record.superseded_by, successor.id, successor.doc.digest) if successor else
            record.superseded_by,
            derived.observed.get(record.id),
            repr((metrics.quarters, metrics.sparklines.quarters,
                  derived.sparklines.get(record.id), derived.usage.get(record.id))))


def playbook_chips(record: Playbook, taxonomy: Taxonomy) -> list[ChipGroup]:
    """A playbook's own tags; a value links to its browse page where failure
    modes carry the dimension too (browse pages list failure modes)."""
    browsable = taxonomy.dimensions_of("failure-mode")
    groups = []
    for key, dimension in taxonomy.dimensions_of("playbook").items():
        values = tags_of(record, key)
        if values:
            groups.append(ChipGroup(dimension.title, tuple(
                Link(taxonomy.title_of(key, value),
                     f"browse/{key.replace('_', '-')}/{value}/" if key in browsable else "")
                for value in values)))
    return groups


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


def search_keys(record: Record, external_ids: list[str] | None = None) -> list[str]:
    """What names a record: its ID, its IDs in other taxonomies and the forms
    of its title readers type.

    Indexed at the top weight, above signal names and then tags (see
    fmcat-record.html): `null_rate` finds the null-rate entry before the
    entries that merely watch that signal, and `AML.T0051` finds the entries
    that carry that ATLAS ID before those that mention it.
    """
    return [record.id, *(external_ids or ()), *title_keywords(record.title)]


def search_terms(record: Record, taxonomy: Taxonomy) -> list[str]:
    """What else readers look a record up by: tags, playbook kinds, cited IDs."""
    terms: list[str] = []
    if isinstance(record, FailureMode):
        for dimension in dimensions_of(taxonomy):
            terms.extend(values_of(record, dimension))
    elif isinstance(record, Playbook):
        terms.extend(record.kinds)
        for key in record.dimensions:
            terms.extend(tags_of(record, key))
    elif isinstance(record, CaseStudy):
        terms.extend([*record.failure_modes, *record.playbooks])
    return list(dict.fromkeys(terms))

"""The generated sections of record pages: detectors, mitigations, playbook steps,
case study tables and history, as view objects of finished text."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from fmcat.core.catalog import Catalog
from fmcat.core.model import CaseStudy, FailureMode, Playbook, Record
from fmcat.core.taxonomy import Taxonomy
from fmcat.core.text import duration_text
from fmcat.core.urls import Link, record_url
from fmcat.site.views import breakable, severity_class


@dataclass(frozen=True)
class DetectorRow:
    signal: str
    signal_html: Markup
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
            signal_html=breakable(detector.signal),
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

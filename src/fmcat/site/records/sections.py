"""The generated sections of record pages: detectors, mitigations, playbook steps,
case study tables and history, as view objects of finished text."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from fmcat.core.catalog import Catalog
from fmcat.core.model import CaseStudy, FailureMode, Playbook, Record
from fmcat.core.taxonomy import Taxonomy
from fmcat.core.text import duration_text, first_sentence
from fmcat.core.urls import Link, record_url
from fmcat.exports.alerts import AGGREGATIONS
from fmcat.site.views import breakable, severity_class


@dataclass(frozen=True)
class DetectorRow:
    signal: str
    signal_html: Markup
    signal_title: str
    threshold: str
    evaluated: str
    severity: str
    severity_class: str
    action: str
    scope: str


def detector_rows(record: FailureMode, taxonomy: Taxonomy) -> list[DetectorRow]:
    """The detectors as the exported alert rules evaluate them: a gauge by its
    average over the window, a counter by its increase (exports.alerts)."""
    rows = []
    for detector in record.detectors:
        signal = taxonomy.signals.get(detector.signal)
        unit = signal.unit if signal else ""
        value = f"{detector.threshold:g}"
        # A share or a count reads without a unit; a duration or a divergence needs one.
        suffix = f" {unit}" if unit in ("ms", "minutes", "hours", "nats", "bits") else ""
        window = duration_text(detector.window)
        word = AGGREGATIONS[signal.kind][1] if signal else ""
        rows.append(DetectorRow(
            signal=detector.signal,
            signal_html=breakable(detector.signal),
            signal_title=signal.title if signal else detector.signal,
            threshold=f"{detector.op} {value}{suffix}",
            evaluated=f"{word} over {window}".lstrip(),
            severity=detector.severity,
            severity_class=severity_class(detector.severity),
            action=detector.action,
            scope=detector.scope,
        ))
    return rows


FIRST_STEPS = 3
"""How many of a playbook's steps a failure-mode page shows: enough to start.
Each by its first sentence: the playbook page, one link away, has them in
full, and repeating them on every failure mode that cites the playbook made
Mitigation the largest part of an entry page."""


@dataclass(frozen=True)
class PlaybookBrief:
    """What on-call needs from a playbook without leaving the failure-mode page."""

    owner: str
    time_to_remediate: str
    first_steps: tuple[str, ...]
    more_steps: Link | None
    fallback: str
    escalation: str


def playbook_brief(record: Playbook) -> PlaybookBrief:
    first_steps = tuple(first_sentence(step) for step in record.steps[:FIRST_STEPS])
    more = None
    if len(record.steps) > FIRST_STEPS or first_steps != tuple(record.steps):
        more = Link(f"All {len(record.steps)} steps in full", f"{record_url(record.id)}#steps")
    return PlaybookBrief(
        owner=record.owner,
        time_to_remediate=duration_text(record.time_to_remediate),
        first_steps=first_steps,
        more_steps=more,
        fallback=record.fallback,
        escalation=(f"{record.escalation.to} after {duration_text(record.escalation.after)}: "
                    f"{record.escalation.when}"),
    )


NO_BRIEF = PlaybookBrief("", "", (), None, "", "")


@dataclass(frozen=True)
class MitigationRow:
    kind: str
    playbook: Link
    use: str
    brief: PlaybookBrief


def mitigation_rows(record: FailureMode, catalog: Catalog) -> list[MitigationRow]:
    """Each mitigation with its playbook's brief, in the entry's order."""
    rows = []
    for mitigation in record.mitigations:
        target = catalog.resolve(mitigation.playbook)
        brief = NO_BRIEF
        label = mitigation.playbook
        if target is not None and isinstance(target.record, Playbook):
            brief = playbook_brief(target.record)
            label = f"{target.id}: {target.record.title}"
        rows.append(MitigationRow(mitigation.kind, Link(label, record_url(
            target.id if target else mitigation.playbook)), mitigation.use, brief))
    return rows


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

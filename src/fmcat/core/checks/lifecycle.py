"""Rules on a record's life: retirement and succession (FMC060, FMC064), dates
in order and not in the future (FMC061, FMC062), reviews falling due (FMC063)."""

from __future__ import annotations

import itertools
from datetime import date

from fmcat.core.catalog import Catalog
from fmcat.core.checks.reporter import Reporter
from fmcat.core.model import CaseStudy, Incident, Record


def check_record_lifecycle(record: Record, r: Reporter, catalog: Catalog,
                           review_every_days: int) -> None:
    _check_status(record, r, catalog)
    _check_dates(record, r, catalog.today, review_every_days)
    if isinstance(record, CaseStudy):
        _check_timeline(record, r, catalog.today)


def _check_status(record: Record, r: Reporter, catalog: Catalog) -> None:
    if record.is_retired and not record.status_reason:
        r.add("FMC060", ("status",), f"a {record.status} record needs status_reason",
              "say why, so readers know whether the advice still applies")
    if record.is_deprecated and not record.superseded_by:
        r.add("FMC060", ("status",), "a deprecated record needs superseded_by",
              "name the record that replaces it")
    if not record.superseded_by:
        return
    if record.superseded_by == record.id:
        r.add("FMC025", ("superseded_by",), "a record cannot supersede itself")
        return
    r.ref(("superseded_by",), record.superseded_by, catalog, record.id[:2])
    successor = catalog.resolve(record.superseded_by)
    if successor and successor.record.is_retired:
        r.add("FMC064", ("superseded_by",),
              f"{record.superseded_by} is {successor.record.status} itself",
              "point at the record that is current")


def _check_dates(record: Record, r: Reporter, today: date, review_every_days: int) -> None:
    if record.last_reviewed < record.created:
        r.add("FMC061", ("last_reviewed",),
              f"last_reviewed {record.last_reviewed} is before created {record.created}")
    for name in ("created", "last_reviewed"):
        if getattr(record, name) > today:
            r.add("FMC062", (name,), f"{name} {getattr(record, name)} is in the future")
    previous: date | None = None
    for index, revision in enumerate(record.revisions):
        if revision.date > today:
            r.add("FMC062", ("revisions", index, "date"), f"revision {revision.date} is in "
                  "the future")
        if previous is not None and revision.date > previous:
            r.add("FMC061", ("revisions", index, "date"), "revisions must be newest first",
                  "put the most recent amendment at the top")
        previous = revision.date
    if record.is_current:
        due = record.review_due(review_every_days)
        if due < today:
            r.add("FMC063", ("last_reviewed",),
                  f"review was due on {due} ({(today - due).days} days ago)",
                  "review the entry and update last_reviewed")


def _check_timeline(record: CaseStudy, r: Reporter, today: date) -> None:
    previous: date | None = None
    for index, event in enumerate(record.timeline):
        if previous is not None and event.date < previous:
            r.add("FMC061", ("timeline", index, "date"), "timeline events must be in date order")
        if event.date > today:
            r.add("FMC062", ("timeline", index, "date"), f"{event.date} is in the future")
        previous = event.date


def check_incident_times(incident: Incident, r: Reporter, today: date) -> None:
    order = [("started", incident.started), ("detected", incident.detected),
             ("mitigated", incident.mitigated), ("resolved", incident.resolved)]
    present = [(name, value) for name, value in order if value is not None]
    for (first, a), (second, b) in itertools.pairwise(present):
        if b < a:
            r.add("FMC061", (second,), f"{second} ({b:%Y-%m-%d %H:%M}) is before {first} "
                  f"({a:%Y-%m-%d %H:%M})", "durations would be negative: fix the timestamps")
    for name, stamp in present:
        if stamp.date() > today:
            r.add("FMC062", (name,), f"{name} {stamp:%Y-%m-%d} is in the future")

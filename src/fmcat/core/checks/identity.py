"""Rules on what a record is called and who owns it: its file name and path,
its title and summary, its stewards' handles, an incident's year."""

from __future__ import annotations

import re

from fmcat.core.catalog import Entry, IncidentEntry
from fmcat.core.checks.codeowners import codeowners_path_problem, is_codeowner
from fmcat.core.checks.reporter import Reporter

_HTML_IN_TEXT = re.compile(r"<[a-zA-Z/!?]")


def check_record_identity(entry: Entry, r: Reporter) -> None:
    record = entry.record
    filename = entry.path.rsplit("/", 1)[-1]
    if not filename.startswith(record.id):
        r.add("FMC024", ("id",), f"file name '{filename}' does not start with {record.id}",
              f"rename it to {record.id}-short-title.md; the URL does not change")
    problem = codeowners_path_problem(entry.path)
    if problem:
        r.add("FMC026", ("id",), problem,
              f"rename it to {record.id}-short-title.md (letters, digits, '.', '_', '-')")
    for field_name in ("title", "summary"):
        if _HTML_IN_TEXT.search(getattr(record, field_name)):
            r.add("FMC050", (field_name,), f"{field_name} contains markup",
                  "titles and summaries are plain text")
    for index, steward in enumerate(record.stewards):
        if not is_codeowner(steward):
            r.add("FMC027", ("stewards", index), f"{steward!r} cannot be a CODEOWNERS owner",
                  "use @user, @org/team or an e-mail address")


def check_incident_identity(item: IncidentEntry, r: Reporter) -> None:
    incident = item.record
    filename = item.doc.path.rsplit("/", 1)[-1]
    if not filename.startswith(incident.id):
        r.add("FMC024", ("id",), f"file name '{filename}' does not start with {incident.id}",
              f"rename it to {incident.id}.yml")
    year = incident.id.split("-")[1]
    if str(incident.detected.year) != year:
        r.add("FMC020", ("id",), f"{incident.id} is numbered in {year} but detected in "
              f"{incident.detected.year}", "incident IDs carry the year of detection")

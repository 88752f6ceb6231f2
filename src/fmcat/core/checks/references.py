"""Rules on what a record points at: other records by ID (FMC022, FMC025) and
URLs in the front matter (FMC051). Supersession is a lifecycle rule."""

from __future__ import annotations

from fmcat.core.catalog import Catalog
from fmcat.core.checks.reporter import Reporter
from fmcat.core.model import CaseStudy, FailureMode, Incident, Playbook, Record


def check_record_references(record: Record, r: Reporter, catalog: Catalog) -> None:
    for index, reference in enumerate(record.references):
        r.url(("references", index, "url"), reference.url)
    if isinstance(record, FailureMode):
        for index, mitigation in enumerate(record.mitigations):
            r.ref(("mitigations", index, "playbook"), mitigation.playbook, catalog, "MP")
        for index, other in enumerate(record.related):
            if other == record.id:
                r.add("FMC025", ("related", index), "an entry cannot be related to itself")
            else:
                r.ref(("related", index), other, catalog, "FM")
        for index, artifact in enumerate(record.artifacts):
            r.url(("artifacts", index, "url"), artifact.url)
    elif isinstance(record, Playbook):
        for index, control in enumerate(record.controls):
            r.url(("controls", index, "url"), control.url)
    elif isinstance(record, CaseStudy):
        for index, value in enumerate(record.failure_modes):
            r.ref(("failure_modes", index), value, catalog, "FM")
        for index, value in enumerate(record.playbooks):
            r.ref(("playbooks", index), value, catalog, "MP")


def check_incident_references(incident: Incident, r: Reporter, catalog: Catalog) -> None:
    for index, value in enumerate(incident.failure_modes):
        r.ref(("failure_modes", index), value, catalog, "FM")
    for index, value in enumerate(incident.playbooks_used):
        r.ref(("playbooks_used", index), value, catalog, "MP")
    if incident.postmortem:
        r.url(("postmortem",), incident.postmortem)

"""The check engine: every rule run over a loaded catalog.

Each rule is a small function from one record (plus the indexes) to
findings. All of them together make one pass over the records; look-ups go
through dicts, so the whole run is linear in the size of the catalog.
"""

from __future__ import annotations

from fmcat.core.catalog import Catalog, Entry, IncidentEntry
from fmcat.core.checks.aliases import check_aliases
from fmcat.core.checks.completeness import check_record_completeness
from fmcat.core.checks.content import check_body
from fmcat.core.checks.external import check_record_external_ids
from fmcat.core.checks.identity import check_incident_identity, check_record_identity
from fmcat.core.checks.lifecycle import check_incident_times, check_record_lifecycle
from fmcat.core.checks.references import check_incident_references, check_record_references
from fmcat.core.checks.reporter import Reporter
from fmcat.core.checks.vocabulary import check_incident_vocabulary, check_record_vocabulary
from fmcat.core.findings import Finding
from fmcat.core.taxonomy import Taxonomy


def find_issues(catalog: Catalog, taxonomy: Taxonomy) -> list[Finding]:
    found: list[Finding] = []
    for entry in catalog.entries.values():
        found.extend(check_entry(entry, catalog, taxonomy))
    for incident in catalog.incidents.values():
        found.extend(check_incident(incident, catalog, taxonomy))
    found.extend(check_aliases(catalog))
    return found


def check_entry(entry: Entry, catalog: Catalog, taxonomy: Taxonomy) -> list[Finding]:
    r = Reporter(entry.doc)
    check_record_identity(entry, r)
    check_record_vocabulary(entry.record, r, taxonomy)
    check_record_external_ids(entry.record, r, taxonomy)
    check_record_references(entry.record, r, catalog)
    check_record_lifecycle(entry.record, r, catalog, taxonomy.review_every_days)
    check_body(entry, r, catalog)
    check_record_completeness(entry, r)
    return r.out


def check_incident(item: IncidentEntry, catalog: Catalog, taxonomy: Taxonomy) -> list[Finding]:
    r = Reporter(item.doc)
    check_incident_identity(item, r)
    check_incident_references(item.record, r, catalog)
    check_incident_vocabulary(item.record, r, taxonomy)
    check_incident_times(item.record, r, catalog.today)
    return r.out

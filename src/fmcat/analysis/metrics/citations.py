"""The incident log as the catalog reads it: cited IDs resolved, aliases followed."""

from __future__ import annotations

from collections.abc import Iterable

from fmcat.core.catalog import Catalog
from fmcat.core.model import FailureMode, Incident

UNKNOWN = "unknown"
"""Key for a cited ID that the catalog cannot resolve (the checks report it)."""


def logged_incidents(catalog: Catalog) -> list[Incident]:
    return [item.record for item in catalog.incidents.values()]


def by_detection(incidents: Iterable[Incident]) -> list[Incident]:
    return sorted(incidents, key=lambda i: (i.detected, i.id))


def canonical_id(catalog: Catalog, record_id: str) -> str:
    entry = catalog.resolve(record_id)
    return entry.id if entry is not None else record_id


def cited_modes(catalog: Catalog, incident: Incident) -> list[str]:
    """The failure modes an incident cites, aliases followed, each once, in order."""
    return list(dict.fromkeys(canonical_id(catalog, m) for m in incident.failure_modes))


def cited_playbooks(catalog: Catalog, incident: Incident) -> list[str]:
    return list(dict.fromkeys(canonical_id(catalog, p) for p in incident.playbooks_used))


def title_of(catalog: Catalog, record_id: str) -> str:
    entry = catalog.resolve(record_id)
    return entry.record.title if entry is not None else record_id


def category_of(catalog: Catalog, mode_id: str) -> str:
    entry = catalog.resolve(mode_id)
    return entry.record.category if entry and isinstance(entry.record, FailureMode) else UNKNOWN


def category_label(catalog: Catalog, key: str) -> str:
    if key == UNKNOWN:
        return "Unknown failure mode"
    return catalog.taxonomy.title_of("categories", key) if catalog.taxonomy else key

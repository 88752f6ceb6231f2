"""What an incident cites, resolved through the catalog (`fmcat.analysis.metrics.citations`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from fmcat.analysis.metrics.citations import (
    UNKNOWN,
    by_detection,
    canonical_id,
    category_label,
    category_of,
    cited_modes,
    cited_playbooks,
    logged_incidents,
    title_of,
)
from fmcat.core.model import DataChange, Incident
from tests.analysis.test_metrics import fixture


def _incident(number: int, *, modes: list[str], playbooks: list[str] = [],  # noqa: B006
              detected: datetime = datetime(2026, 1, 1, tzinfo=UTC)) -> Incident:
    return Incident.model_validate({
        "id": f"INC-2026-{number:04d}", "title": f"Incident {number}", "detected": detected,
        "failure_modes": modes, "playbooks_used": playbooks, "severity": "medium",
        "team": "t", "project": "p", "dimensions": {"model_family": "llm", "environment": "batch"},
        "data_change": DataChange(preceded=False),
    })


def test_logged_incidents_are_the_records() -> None:
    catalog = fixture()
    assert [i.id for i in logged_incidents(catalog)] == list(catalog.incidents)


def test_canonical_id_follows_aliases_and_keeps_the_unknown() -> None:
    catalog = fixture()
    assert canonical_id(catalog, "FM-0099") == "FM-0002"
    assert canonical_id(catalog, "FM-0002") == "FM-0002"
    assert canonical_id(catalog, "FM-0777") == "FM-0777"


def test_cited_ids_are_canonical_once_each_in_order() -> None:
    catalog = fixture()
    incident = _incident(1, modes=["FM-0099", "FM-0001", "FM-0002", "FM-0777"],
                         playbooks=["MP-0013", "MP-0009", "MP-0013"])
    assert cited_modes(catalog, incident) == ["FM-0002", "FM-0001", "FM-0777"]
    assert cited_playbooks(catalog, incident) == ["MP-0013", "MP-0009"]


def test_title_and_category_of_known_and_unknown_ids() -> None:
    catalog = fixture()
    assert title_of(catalog, "FM-0099") == "Prior shift changes base rates"
    assert title_of(catalog, "FM-0777") == "FM-0777"
    assert category_of(catalog, "FM-0004") == "infrastructure"
    assert category_of(catalog, "FM-0777") == UNKNOWN
    assert category_of(catalog, "MP-0009") == UNKNOWN  # a playbook has no cause category


def test_category_label() -> None:
    catalog = fixture()
    assert category_label(catalog, UNKNOWN) == "Unknown failure mode"
    assert category_label(catalog, "infrastructure") == "Infrastructure"
    assert category_label(replace(catalog, taxonomy=None), "infrastructure") == "infrastructure"


def test_by_detection_breaks_ties_by_id() -> None:
    early = datetime(2025, 1, 1, tzinfo=UTC)
    late = datetime(2025, 6, 1, tzinfo=UTC)
    items = [_incident(3, modes=["FM-0001"], detected=late),
             _incident(2, modes=["FM-0001"], detected=early),
             _incident(1, modes=["FM-0001"], detected=early)]
    assert [i.id for i in by_detection(items)] == ["INC-2026-0001", "INC-2026-0002",
                                                    "INC-2026-0003"]

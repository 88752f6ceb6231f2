"""The catalog's detection gap: current failure modes no project could wire a detector for."""

from __future__ import annotations

import dataclasses

from fmcat.analysis.metrics import detection_gaps
from fmcat.core.load import load_catalog
from fmcat.core.model import FailureMode
from tests.conftest import REPO

FIXTURES = REPO / "tests" / "fixtures"


def test_a_current_mode_without_detectors_is_a_gap_and_a_withdrawn_one_is_not() -> None:
    catalog = load_catalog(FIXTURES / "metrics")
    found = detection_gaps(catalog)
    current = [e for e in catalog.failure_modes if e.record.is_current]
    assert found.considered == len(current) == 3
    assert [(g.failure_mode, g.reason) for g in found.gaps] == [("FM-0004", "no detector")]
    assert "FM-0003" in catalog.entries  # withdrawn, without detectors, not counted


def test_detectors_on_signals_without_a_metric_are_no_detection() -> None:
    catalog = load_catalog(FIXTURES / "metrics")
    taxonomy = catalog.taxonomy
    assert taxonomy is not None
    signals = {d.signal for e in catalog.failure_modes if e.id == "FM-0001"
               for d in e.record.detectors}  # type: ignore[attr-defined]
    assert signals
    kept = {k: v for k, v in taxonomy.signals.items() if k not in signals}
    catalog = dataclasses.replace(catalog, taxonomy=taxonomy.model_copy(update={"signals": kept}))
    gaps = {g.failure_mode: g.reason for g in detection_gaps(catalog).gaps}
    assert gaps["FM-0001"] == f"no signal with a metric ({', '.join(sorted(signals))})"


def test_the_repository_count_matches_its_records() -> None:
    catalog = load_catalog(REPO)
    found = detection_gaps(catalog)
    expected = sorted(e.id for e in catalog.failure_modes
                      if isinstance(e.record, FailureMode) and e.record.is_current
                      and not e.record.detectors)
    assert sorted(g.failure_mode for g in found.gaps) == expected
    assert found.considered == sum(1 for e in catalog.failure_modes if e.record.is_current)

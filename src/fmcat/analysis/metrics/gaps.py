"""Failure modes no project could detect with the catalog as it is: a catalog gap.

An assessment (`fmcat assess`) rates such a mode detection `none` for every
project, however much it monitors: nothing in the catalog says what to
watch. The catalog does not know which projects ran an assessment, so the
metrics page shows this gap of the catalog, never an adoption figure.

A detector a project could wire reads a signal of the taxonomy that has a
Prometheus metric (`fmcat export alerts` makes its rule from that metric).
The loader rejects a detector on an unknown signal and the taxonomy
requires a metric per signal, so in a valid catalog a gap is a mode without
detectors; the signal check keeps the count honest on a partly valid one.
"""

from __future__ import annotations

from dataclasses import dataclass

from fmcat.core.catalog import Catalog
from fmcat.core.model import FailureMode


@dataclass(frozen=True)
class DetectionGap:
    """One current failure mode without a detector a project could wire, and why."""

    failure_mode: str
    title: str
    severity: str
    reason: str


@dataclass(frozen=True)
class DetectionGaps:
    considered: int
    """Current (active or draft) failure modes, the ones an assessment rates."""
    gaps: tuple[DetectionGap, ...]
    """Most severe first, then by ID."""


def detection_gaps(catalog: Catalog) -> DetectionGaps:
    """The current failure modes whose detectors no project could wire."""
    taxonomy = catalog.taxonomy
    metrics = {key: signal.metric for key, signal in taxonomy.signals.items()} \
        if taxonomy else {}
    considered, gaps = 0, []
    for entry in catalog.failure_modes:
        record = entry.record
        assert isinstance(record, FailureMode)
        if not record.is_current:
            continue
        considered += 1
        if any(metrics.get(d.signal) for d in record.detectors):
            continue
        unwired = sorted({d.signal for d in record.detectors})
        reason = (f"no signal with a metric ({', '.join(unwired)})" if unwired
                  else "no detector")
        gaps.append(DetectionGap(entry.id, record.title, record.severity, reason))
    rank = taxonomy.severity_rank if taxonomy else (lambda _: 0)
    gaps.sort(key=lambda g: (-rank(g.severity), g.failure_mode))
    return DetectionGaps(considered, tuple(gaps))

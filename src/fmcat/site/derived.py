"""Indexes computed once per build and shared by every page."""

from __future__ import annotations

from dataclasses import dataclass

from fmcat.analysis.discovery import Observed, observed_frequency, similar_entries, tag_index
from fmcat.analysis.metrics import MetricsReport, PlaybookUsage, Series, compute_metrics
from fmcat.core.catalog import Catalog
from fmcat.core.targets import load_targets


@dataclass(frozen=True)
class Derived:
    """Indexes computed once per build and shared by every page."""

    observed: dict[str, Observed]
    similar: dict[str, list[str]]
    tags: dict[str, dict[str, list[str]]]
    metrics: MetricsReport
    sparklines: dict[str, Series]
    usage: dict[str, PlaybookUsage]


def derive(catalog: Catalog) -> Derived:
    targets, _ = load_targets(catalog.root)  # its findings are reported by validation
    report = compute_metrics(catalog, catalog.today, targets)
    return Derived(observed_frequency(catalog), similar_entries(catalog), tag_index(catalog),
                   report, report.sparklines.by_key(),
                   {item.playbook: item for item in report.playbook_usage})

"""Loading a catalog folder with every file it holds checked, records and targets alike.

The CLI and the site build must report the same findings; this is the one
place that says which files those are.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from .catalog import Catalog, load_catalog
from .metrics import load_targets


def load_checked(root: Path, *, today: date | None = None) -> Catalog:
    """The catalog, with the findings of `metrics.yml` added to its own."""
    catalog = load_catalog(root, today=today)
    catalog.findings.extend(load_targets(root)[1])
    catalog.findings.sort()
    return catalog

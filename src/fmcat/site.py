"""Small helpers the site adapter needs besides the page plan."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from .catalog import Catalog


def catalog_root(config_file_path: str | None) -> Path:
    """The catalog lives beside mkdocs.yml (docs_dir cannot contain it)."""
    return Path(config_file_path).resolve().parent if config_file_path else Path.cwd()


def home_summary(catalog: Catalog) -> dict[str, object]:
    """Counts for the trusted home page, exposed to it as `extra.fmcat`."""
    active = [e for e in catalog.entries.values() if e.record.status in ("active", "draft")]
    kinds = Counter(e.kind.name for e in active)
    return {
        "failure_modes": kinds.get("failure-mode", 0),
        "playbooks": kinds.get("playbook", 0),
        "case_studies": kinds.get("case-study", 0),
        "incidents": len(catalog.incidents),
    }

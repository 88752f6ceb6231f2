"""The importer's end-to-end tests share an export, a mapping and a copy of a catalog."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from fmcat.authoring.importer import ImportMapping, ImportReport, import_incidents
from tests.conftest import REPO

# The metrics fixture catalog: incidents numbered up to INC-2025-0005 and INC-2026-0003.
FIXTURE = REPO / "tests" / "fixtures" / "metrics"
TODAY = date(2026, 11, 25)

MAPPING = """\
system: test-pager
columns:
  source_id: id
  title: title
  detected: created
  started: started
  mitigated: mitigated
  resolved: resolved
  severity: severity
  team: team
  project: service
  release: release
failure_modes: {column: labels, separator: ";", prefix: "fm:"}
playbooks: {column: labels, separator: ";", prefix: "mp:"}
data_change: {column: labels, separator: ";", values: [data-change]}
values:
  severity: {SEV1: critical, SEV2: high, SEV3: medium, SEV4: low}
  team: {Credit Risk: credit-risk}
defaults:
  model_family: tree-ensembles
  environment: realtime
"""

HEADER = "id,title,created,started,mitigated,resolved,severity,team,service,release,labels"
GOOD_ROWS = [
    "T-3,Approval drift after partner launch,2026-05-02T09:00:00Z,2026-05-02T07:00:00Z,"
    "2026-05-02T12:00:00Z,2026-05-03T08:00:00Z,SEV2,Credit Risk,card-approval,2026.05,"
    "fm:FM-0001;mp:MP-0009;data-change",
    "T-1,Scoring job starved again,2025-11-20 10:00,,,,sev3,fraud-ml,txn-fraud,,fm:FM-0004",
    "T-2,Base rate moved on tickets,2026-04-20T08:00:00Z,,2026-04-20T10:00:00Z,,SEV4,"
    "support-ml,ticket-triage,,fm:FM-0099;other-label",
]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A writable copy of the metrics fixture catalog (2025 ends at 0005, 2026 at 0003)."""
    dest = tmp_path / "catalog"
    shutil.copytree(FIXTURE, dest)
    return dest


@pytest.fixture
def mapping(tmp_path: Path) -> Path:
    path = tmp_path / "mapping.yml"
    path.write_text(MAPPING, encoding="utf-8")
    return path


def write_csv(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "export.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def run(root: Path, export: Path, mapping: Path | ImportMapping,
        dry_run: bool = False) -> ImportReport:
    return import_incidents(root, export, None, mapping, dry_run, today=TODAY)


EDITED_ROW = (GOOD_ROWS[0].replace("SEV2", "SEV1")
              .replace("Approval drift after partner launch", "Approval drift: partner launch")
              .replace("2026-05-03T08:00:00Z", "2026-05-03T09:30:00Z"))

"""Tag dimensions, axis titles and `unknown` as data in taxonomy.yml (issue #15, items 1, 2, 4)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from fmcat.core.findings import Finding
from fmcat.core.load import load_catalog
from fmcat.core.model import FailureMode
from fmcat.core.taxonomy import load_taxonomy
from tests.conftest import TODAY_FIXTURE

FM1 = "entries/FM-0001-covariate-shift.md"
MP1 = "playbooks/MP-0013-drift-monitoring-against-per-f.md"


def _edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, (name, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(root: Path, name: str, marker: str) -> int:
    lines = (root / name).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if marker in line)


def _load(root: Path) -> list[Finding]:
    return load_catalog(root, today=date.fromisoformat(TODAY_FIXTURE)).findings


ENVIRONMENT = """  environment:
    title: Deployment environment
    short: Environment
    required: true
    applies_to: [failure-mode, incident]
    weight: 0.5
    values:
"""


@pytest.mark.parametrize(("old", "new", "marker", "field", "hint"), [
    # a dimension without values
    (ENVIRONMENT + "      batch:\n        title: Batch scoring\n      realtime:\n"
     "        title: Real-time API\n      streaming:\n        title: Streaming\n"
     "      edge:\n        title: Edge and on-device\n",
     ENVIRONMENT.replace("    values:\n", "    values: {}\n"),
     "    values: {}", "dimensions.environment.values", "give each value a slug"),
    # a duplicated slug
    ("      batch:\n        title: Batch scoring\n",
     "      batch:\n        title: Batch scoring\n      batch: {title: Batch again}\n",
     "Batch again", "dimensions.environment.values.batch", "keep one of the two"),
    # an unknown applies_to kind
    ("    applies_to: [failure-mode, incident]",
     "    applies_to: [failure-mode, runbook]", "applies_to: [failure-mode, runbook]",
     "dimensions.environment.applies_to.1", "applies_to lists record kinds"),
    # a dimension named like a record field
    ("  environment:\n    title: Deployment environment",
     "  severity:\n    title: Deployment environment", "  severity:", "dimensions.severity",
     "rename the dimension"),
], ids=["no-values", "duplicated-slug", "unknown-kind", "reserved-name"])
def test_a_bad_dimension_is_a_finding_naming_taxonomy_yml_with_line_and_hint(
        root: Path, old: str, new: str, marker: str, field: str, hint: str) -> None:
    _edit(root, "taxonomy.yml", old, new)
    taxonomy, findings = load_taxonomy(root)
    found = [f for f in findings if f.code == "FMC031"]
    assert found, findings
    first = found[0]
    assert first.file == "taxonomy.yml"
    assert first.line == _line_of(root, "taxonomy.yml", marker), first
    if field:
        assert first.field == field
    assert hint in first.hint or hint in first.message, first
    assert first.severity.value == "error"  # fails every build
    assert taxonomy is None or "given twice" in first.message or "rename" in first.hint


def test_a_taxonomy_from_before_dimensions_says_how_to_migrate(root: Path) -> None:
    _edit(root, "taxonomy.yml", "dimensions:\n  data_domain:\n    title: Data domain\n"
          "    required: true\n    applies_to: [failure-mode, case-study]\n    values:\n",
          "data_domain:\n  values:\n")
    _, findings = load_taxonomy(root)
    legacy = [f for f in findings if f.field == "data_domain"]
    assert legacy and legacy[0].line == _line_of(root, "taxonomy.yml", "data_domain:")
    assert "under `dimensions:`" in legacy[0].hint


def test_an_undeclared_dimension_is_refused_with_the_declared_ones_named(root: Path) -> None:
    _edit(root, FM1, "customer_segment: [consumer]",
          "customer_segment: [consumer]\nattack_surface: [public-api]")
    findings = [f for f in _load(root) if f.file == FM1 and f.code == "FMC010"]
    assert [(f.field, f.line) for f in findings] == [
        ("attack_surface", _line_of(root, FM1, "attack_surface:"))]
    assert "data_domain, model_family, environment, customer_segment" in findings[0].hint
    assert "taxonomy.yml" in findings[0].hint


def test_a_record_cannot_write_the_internal_dimensions_field(root: Path) -> None:
    _edit(root, FM1, "customer_segment: [consumer]",
          "customer_segment: [consumer]\ndimensions: {customer_segment: [internal]}")
    assert ("FMC010", "dimensions") in {(f.code, f.field) for f in _load(root)
                                        if f.file == FM1}


def test_a_missing_required_dimension_names_file_field_and_hint(root: Path) -> None:
    _edit(root, FM1, "customer_segment: [consumer]\n", "")
    found = [f for f in _load(root) if f.file == FM1 and f.code == "FMC011"]
    assert [f.field for f in found] == ["customer_segment"]
    assert "taxonomy.yml declares Customer segment a required dimension" in found[0].hint


def test_a_wrong_value_type_is_reported_at_the_field_as_written(root: Path) -> None:
    _edit(root, FM1, "customer_segment: [consumer]", "customer_segment: consumer")
    found = [f for f in _load(root) if f.file == FM1 and f.code == "FMC012"]
    assert [(f.field, f.line) for f in found] == [
        ("customer_segment", _line_of(root, FM1, "customer_segment:"))]


def test_an_optional_dimension_may_be_left_out_and_a_value_must_be_known(root: Path) -> None:
    _edit(root, "taxonomy.yml", "\nsignals:\n", "\n  attack_surface:\n    title: Attack surface\n"
          "    applies_to: [failure-mode, playbook]\n    values:\n"
          "      public-api:\n        title: Public API\n\nsignals:\n")
    assert not [f for f in _load(root) if f.severity.value != "notice"
                and f.code not in ("FMC101", "FMC102", "FMC103", "FMC105", "FMC108")]
    _edit(root, MP1, "owner:", "attack_surface: [public-apu]\nowner:")
    found = [f for f in _load(root) if f.file == MP1 and f.code == "FMC030"]
    assert [(f.field, f.hint) for f in found] == [
        ("attack_surface.0", "did you mean 'public-api'?")]
    record = load_catalog(root).entries["MP-0013"].record
    assert record.model_dump()["dimensions"] == {"attack_surface": ["public-apu"]}


def test_unknown_is_refused_unless_the_taxonomy_allows_it(root: Path) -> None:
    _edit(root, FM1, "severity: high", "severity: unknown")
    _edit(root, MP1, re.search(r"time_to_remediate: \S+",
                               (root / MP1).read_text()).group(0),  # type: ignore[union-attr]
          "time_to_remediate: unknown")
    refused = {(f.file, f.field, f.code) for f in _load(root)}
    assert {(FM1, "severity", "FMC030"), (MP1, "time_to_remediate", "FMC030")} <= refused
    _edit(root, "taxonomy.yml", "review_every_days: 180",
          "review_every_days: 180\nunknown_allowed: [severity, time_to_remediate]")
    findings = _load(root)
    codes = {(f.file, f.field, f.code) for f in findings}
    assert not {(FM1, "severity", "FMC030"), (MP1, "time_to_remediate", "FMC030")} & codes
    # honest, but unfinished: a warning that counts against completeness
    assert {(FM1, "severity", "FMC110"), (MP1, "time_to_remediate", "FMC110")} <= codes
    record = load_catalog(root).entries["FM-0001"].record
    assert isinstance(record, FailureMode) and record.severity == "unknown"

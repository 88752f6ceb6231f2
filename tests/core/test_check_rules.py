"""The rules of `fmcat.core.checks`, one subject at a time, on records made by hand.

`test_checks.py` proves each code on real files; these pin the rules' logic
without files: which status asks for what, which records completeness counts.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from fmcat.core.catalog import Catalog, Entry
from fmcat.core.checks import codeowners_path_problem, completeness, is_codeowner
from fmcat.core.checks.completeness import check_record_completeness
from fmcat.core.checks.content import check_body
from fmcat.core.checks.identity import check_record_identity
from fmcat.core.checks.lifecycle import check_incident_times, check_record_lifecycle
from fmcat.core.checks.references import check_record_references
from fmcat.core.checks.reporter import Reporter
from fmcat.core.checks.vocabulary import check_record_vocabulary
from fmcat.core.frontmatter import Document
from fmcat.core.load import load_catalog
from fmcat.core.model import Incident
from fmcat.core.taxonomy import Taxonomy
from tests.conftest import FIXTURE

TODAY = date(2026, 11, 25)
PATH = "entries/FM-0001-covariate-shift.md"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(FIXTURE, today=TODAY)


@pytest.fixture(scope="module")
def taxonomy(catalog: Catalog) -> Taxonomy:
    assert catalog.taxonomy is not None
    return catalog.taxonomy


def _entry(catalog: Catalog, record_id: str = "FM-0001", path: str = "", body: str | None = None,
           **changes: Any) -> Entry:
    """A fixture entry with some fields changed (not validated: rules see what they get)."""
    real = catalog.entries[record_id]
    doc = Document(path=path or real.path, body=real.doc.body if body is None else body,
                   body_line=real.doc.body_line)
    return Entry(real.kind, real.record.model_copy(update=changes), doc)


def _codes(entry: Entry, rule: Any, *args: Any) -> list[str]:
    r = Reporter(entry.doc)
    rule(entry, r, *args)
    return sorted(f.code for f in r.out)


def _record_codes(entry: Entry, rule: Any, *args: Any) -> list[str]:
    r = Reporter(entry.doc)
    rule(entry.record, r, *args)
    return sorted(f.code for f in r.out)


@pytest.mark.parametrize(("handle", "ok"), [
    ("@fmcat/model-quality", True), ("@someone", True), ("ops@example.com", True),
    ("@fmcat/sre * @evil", False), ("model-quality", False), ("@-x", False),
])
def test_a_codeowner_is_a_user_a_team_or_an_address(handle: str, ok: bool) -> None:
    assert is_codeowner(handle) is ok


def test_a_path_with_spaces_or_globs_cannot_be_a_codeowners_pattern() -> None:
    assert codeowners_path_problem(PATH) == ""
    assert "' '" in codeowners_path_problem("entries/FM-0001 covariate shift.md")
    assert "'*'" in codeowners_path_problem("entries/FM-0001-*.md")


def test_the_reporter_puts_a_field_finding_on_the_document(catalog: Catalog) -> None:
    r = Reporter(Document(path=PATH))
    r.add("FMC030", ("stages", 1), "bad", "hint")
    r.at_line("FMC042", 12, "link")
    assert [(f.file, f.line, f.field, f.code) for f in r.out] == [
        (PATH, 1, "stages.1", "FMC030"), (PATH, 12, "body", "FMC042")]


def test_identity_wants_the_id_in_the_file_name_and_plain_text_titles(
        catalog: Catalog) -> None:
    assert _codes(_entry(catalog), check_record_identity) == []
    assert _codes(_entry(catalog, path="entries/FM-0002-x.md"), check_record_identity) == [
        "FMC024"]
    assert _codes(_entry(catalog, title="A <b>bold</b> title",
                         stewards=["@ok", "not a handle"]), check_record_identity) == [
        "FMC027", "FMC050"]


def test_vocabulary_is_the_taxonomys(catalog: Catalog, taxonomy: Taxonomy) -> None:
    assert _record_codes(_entry(catalog), check_record_vocabulary, taxonomy) == []
    entry = _entry(catalog, category="distribution-shfit", stewards=["@nobody"])
    r = Reporter(entry.doc)
    check_record_vocabulary(entry.record, r, taxonomy)
    assert [(f.code, f.field) for f in r.out] == [("FMC030", "stewards.0"),
                                                  ("FMC030", "category")]
    assert "distribution-shift" in r.out[1].hint


def test_references_must_exist_and_not_be_the_record_itself(catalog: Catalog) -> None:
    assert _record_codes(_entry(catalog), check_record_references, catalog) == []
    entry = _entry(catalog, related=["FM-0001", "FM-0042"])
    assert _record_codes(entry, check_record_references, catalog) == ["FMC022", "FMC025"]


@pytest.mark.parametrize(("changes", "codes"), [
    ({}, []),
    ({"status": "withdrawn"}, ["FMC060"]),
    ({"status": "withdrawn", "status_reason": "A duplicate."}, []),
    ({"status": "deprecated", "status_reason": "Merged."}, ["FMC060"]),
    ({"status": "deprecated", "status_reason": "Merged.", "superseded_by": "FM-0003"},
     ["FMC064"]),  # FM-0003 is withdrawn itself
    ({"status": "deprecated", "status_reason": "Merged.", "superseded_by": "FM-0002"}, []),
    ({"superseded_by": "FM-0001"}, ["FMC025"]),
    ({"superseded_by": "FM-0404"}, ["FMC022"]),
    ({"last_reviewed": date(2025, 1, 1)}, ["FMC061", "FMC063"]),
    ({"last_reviewed": date(2025, 3, 1)}, ["FMC063"]),
    ({"last_reviewed": date(2025, 3, 1), "status": "withdrawn", "status_reason": "Gone."}, []),
    ({"created": date(2027, 1, 1), "last_reviewed": date(2027, 1, 1)}, ["FMC062", "FMC062"]),
])
def test_lifecycle_rules_follow_the_status(catalog: Catalog, changes: dict[str, Any],
                                           codes: list[str]) -> None:
    entry = _entry(catalog, **changes)
    assert _record_codes(entry, check_record_lifecycle, catalog, 180) == codes


def test_incident_times_are_in_order_and_past() -> None:
    def stamp(day: int) -> datetime:
        return datetime(2026, 11, day, tzinfo=UTC)

    incident = Incident.model_validate({
        "id": "INC-2026-0001", "title": "Outage", "started": stamp(10), "detected": stamp(9),
        "resolved": stamp(28), "failure_modes": ["FM-0001"], "severity": "high", "team": "a",
        "project": "b", "dimensions": {"model_family": "llm", "environment": "batch"},
        "data_change": {"preceded": False}}, strict=False)
    r = Reporter(Document(path="incidents/INC-2026-0001.yml"))
    check_incident_times(incident, r, TODAY)
    assert [(f.code, f.field) for f in r.out] == [("FMC061", "detected"),
                                                  ("FMC062", "resolved")]


def test_completeness_is_asked_of_current_records_only(catalog: Catalog) -> None:
    bare = {"detectors": [], "mitigations": [], "artifacts": [], "references": [],
            "revisions": [],
            "dimensions": {**_entry(catalog).record.dimensions, "customer_segment": []}}
    assert catalog.taxonomy is not None
    assert _codes(_entry(catalog), check_record_completeness, catalog.taxonomy) == []
    assert _codes(_entry(catalog, status="draft", **bare), check_record_completeness,
                  catalog.taxonomy) == [
        "FMC101", "FMC102", "FMC103", "FMC105", "FMC108", "FMC109"]
    # Tags are asked of every failure mode, whatever its status.
    assert _codes(_entry(catalog, status="withdrawn", **bare), check_record_completeness,
                  catalog.taxonomy) == [
        "FMC109"]


def test_completeness_counts_the_kinds_rules_the_record_passes(catalog: Catalog) -> None:
    tags = {**_entry(catalog).record.dimensions, "customer_segment": []}
    entry = _entry(catalog, status="draft", detectors=[], dimensions=tags)
    r = Reporter(entry.doc)
    assert catalog.taxonomy is not None
    check_record_completeness(entry, r, catalog.taxonomy)
    score, missing = completeness(entry, [*r.out, *r.out])  # a code counts once
    assert {f.code for f in missing} == {"FMC101", "FMC109"}
    assert score == pytest.approx(7 / 9)


def test_body_rules_want_sections_and_keep_the_generated_anchors(catalog: Catalog) -> None:
    assert _codes(_entry(catalog), check_body, catalog) == []
    text = catalog.entries["FM-0001"].doc.body
    renamed = text.replace("## Checklist", "## Related")  # the page's own #related
    assert _codes(_entry(catalog, body=renamed), check_body, catalog) == ["FMC040", "FMC045"]
    linked = text + "\n[old](FM-0404) and [file](../entries/FM-0002.md)\n"
    assert _codes(_entry(catalog, body=linked), check_body, catalog) == ["FMC022", "FMC042"]

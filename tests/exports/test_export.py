"""catalog.json, per-record JSON files and JSON Schemas: complete, valid, byte-stable."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from fmcat.core.findings import has_errors
from fmcat.core.load import load_catalog
from fmcat.core.model import KINDS
from fmcat.core.urls import anchors
from fmcat.exports.documents import (
    SCHEMA_VERSION,
    ExportedCatalog,
    api_files,
    api_path,
    catalog_document,
    json_schemas,
    record_documents,
    write_api_files,
    write_api_stream,
)
from tests.conftest import FIXTURE, REPO, read_page

BASE = "https://catalog.example.com/ml/"
RECORD_FOLDERS = ("entries", "playbooks", "case-studies", "incidents")
SCHEMA_OF_KIND = {"failure-mode": "failure-mode.json", "playbook": "playbook.json",
                  "case-study": "case-study.json", "incident": "incident.json"}


def _validator(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def _source_files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for folder in RECORD_FOLDERS
            for p in (root / folder).rglob("*") if p.suffix in (".md", ".yml", ".yaml")}


@pytest.mark.parametrize("root", [FIXTURE, REPO], ids=["fixture", "repo"])
def test_every_record_file_appears_in_the_export(root: Path) -> None:
    catalog = load_catalog(root)
    assert not has_errors(catalog.findings)
    document = json.loads(api_files(catalog)["api/catalog.json"])
    records = [item for group in ("failure_modes", "playbooks", "case_studies", "incidents")
               for item in document[group]]
    assert {item["source_path"] for item in records} == _source_files(root)
    assert len(records) == len(catalog.entries) + len(catalog.incidents)


def test_every_status_is_present_and_flagged() -> None:
    document = catalog_document(load_catalog(FIXTURE))
    statuses = {item["id"]: item["status"] for item in document["failure_modes"]}
    assert statuses == {"FM-0001": "active", "FM-0002": "active", "FM-0003": "withdrawn"}
    withdrawn = next(i for i in document["failure_modes"] if i["id"] == "FM-0003")
    assert withdrawn["superseded_by"] == "FM-0002"
    assert withdrawn["status_reason"].startswith("Merged into FM-0002")


@pytest.mark.parametrize("root", [FIXTURE, REPO], ids=["fixture", "repo"])
def test_export_validates_against_the_exported_schemas(root: Path) -> None:
    files = api_files(load_catalog(root), BASE)
    schemas = {name.removeprefix("api/schema/"): json.loads(text)
               for name, text in files.items() if name.startswith("api/schema/")}
    assert schemas == json_schemas()
    for schema in schemas.values():
        jsonschema.Draft202012Validator.check_schema(schema)
    _validator(schemas["catalog.json"]).validate(json.loads(files["api/catalog.json"]))
    per_record = {path: json.loads(text) for path, text in files.items()
                  if path.count("/") == 2 and not path.startswith("api/schema/")}
    assert per_record
    for data in per_record.values():
        _validator(schemas[SCHEMA_OF_KIND[data["kind"]]]).validate(data)


def test_schemas_reject_what_the_export_never_writes() -> None:
    data = record_documents(load_catalog(FIXTURE))["api/failure-modes/FM-0001.json"]
    validator = _validator(json_schemas()["failure-mode.json"])
    validator.validate(data)
    for broken in ({**data, "unexpected": 1}, {k: v for k, v in data.items() if k != "url"},
                   {**data, "created": 20250101},
                   {**data, "detectors": [{**data["detectors"][0], "op": "=="}]},
                   {**data, "detectors": [{k: v for k, v in data["detectors"][0].items()
                                           if k != "scope"}]}):
        assert not validator.is_valid(broken)


def test_schemas_use_only_portable_regular_expressions() -> None:
    text = json.dumps(json_schemas())
    assert "(?P<" not in text  # Python-only syntax; JavaScript validators reject it
    patterns = re.findall(r'"pattern": "((?:[^"\\]|\\.)*)"', text)
    assert patterns
    assert '"^INC-(20[0-9][0-9])-[0-9]{4}$"' in text


def test_the_pydantic_models_read_the_export_back() -> None:
    text = api_files(load_catalog(FIXTURE), BASE)["api/catalog.json"]
    parsed = ExportedCatalog.model_validate_json(text)
    assert parsed.schema_version == SCHEMA_VERSION
    assert [m.id for m in parsed.failure_modes] == ["FM-0001", "FM-0002", "FM-0003"]


def test_two_exports_are_byte_identical_whatever_the_day() -> None:
    first = api_files(load_catalog(FIXTURE), BASE)
    second = api_files(load_catalog(FIXTURE, today=date(2031, 1, 1)), BASE)
    assert first == second
    assert list(first) == sorted(first)
    for text in first.values():
        assert text.endswith("}\n")
        assert json.loads(text) is not None
    text = first["api/catalog.json"]
    assert text == json.dumps(json.loads(text), sort_keys=True, indent=2,
                              ensure_ascii=False) + "\n"
    assert "2031" not in text


def test_urls_are_canonical_relative_or_absolute() -> None:
    catalog = load_catalog(FIXTURE)
    relative = record_documents(catalog)
    absolute = record_documents(catalog, BASE)
    fm = relative["api/failure-modes/FM-0001.json"]
    assert (fm["url"], fm["permalink"], fm["api_url"]) == (
        "failure-modes/FM-0001/", "FM-0001/", "api/failure-modes/FM-0001.json")
    fm = absolute["api/failure-modes/FM-0001.json"]
    assert fm["url"] == BASE + "failure-modes/FM-0001/"
    assert fm["permalink"] == BASE + "FM-0001/"
    assert relative["api/playbooks/MP-0013.json"]["url"] == "playbooks/MP-0013/"
    assert relative["api/case-studies/CS-0001.json"]["url"] == "case-studies/CS-0001/"
    incident = relative["api/incidents/INC-2026-0001.json"]
    assert incident["url"] is None and incident["permalink"] is None
    assert catalog_document(catalog, BASE)["base_url"] == BASE
    assert catalog_document(catalog)["base_url"] is None


def test_api_paths_are_derived_from_ids() -> None:
    assert api_path("FM-0007") == "api/failure-modes/FM-0007.json"
    assert api_path("MP-0003") == "api/playbooks/MP-0003.json"
    assert api_path("CS-0002") == "api/case-studies/CS-0002.json"
    assert api_path("INC-2026-0001") == "api/incidents/INC-2026-0001.json"
    files = api_files(load_catalog(FIXTURE))
    for path, text in files.items():
        if path.count("/") == 2 and not path.startswith("api/schema/"):
            data = json.loads(text)  # a retired ID's file is its successor's document
            assert path in {data["api_url"], *(api_path(a) for a in data.get("aliases", ())
                                               if re.match(r"^[A-Z]+-\d", a))}


def test_backlinks_and_derived_incident_durations() -> None:
    docs = record_documents(load_catalog(FIXTURE))
    fm = docs["api/failure-modes/FM-0001.json"]
    assert fm["backlinks"] == {"related": ["FM-0002"], "case_studies": ["CS-0001"],
                               "incidents": ["INC-2026-0001"]}
    assert docs["api/playbooks/MP-0013.json"]["backlinks"]["used_by"] == ["FM-0001"]
    incident = docs["api/incidents/INC-2026-0001.json"]
    assert incident["started"] == "2026-03-10T06:00:00Z"
    assert incident["time_to_detect_seconds"] == (24 + 3) * 3600 + 20 * 60
    assert incident["time_to_mitigate_seconds"] == 5 * 3600 + 45 * 60
    quiet = docs["api/incidents/INC-2026-0002.json"]
    assert quiet["time_to_detect_seconds"] is None
    assert quiet["time_to_mitigate_seconds"] is None


def test_every_field_is_written_even_at_its_default() -> None:
    fm = record_documents(load_catalog(FIXTURE))["api/failure-modes/FM-0002.json"]
    assert fm["review_every"] is None
    assert fm["detectors"][0]["scope"] == ""
    assert fm["created"] == "2025-03-01"


def test_catalog_document_carries_the_taxonomy_for_consumers() -> None:
    document = catalog_document(load_catalog(FIXTURE))
    assert document["schema_version"] == SCHEMA_VERSION
    assert document["generator"].startswith("fmcat ")
    assert document["taxonomy"]["signals"]["psi"]["metric"] == "fmcat_feature_psi"
    assert document["taxonomy"]["severities"]["critical"]["rank"] == 4


def test_anchor_lists_start_with_the_fixed_sections() -> None:
    for kind in KINDS:
        found = anchors(kind)
        assert len(found) == len(set(found))
        for section in kind.sections:
            assert section.anchor in found
        assert {"summary", "history"} <= set(found)


@pytest.mark.parametrize("page", ["failure-modes/FM-0001/", "playbooks/MP-0011/",
                                  "case-studies/CS-0001/"])
def test_every_linkable_anchor_exists_on_the_built_page(built_fixture: Path, page: str) -> None:
    """`fmcat link --section` only offers anchors a real build has."""
    html = read_page(built_fixture, page)
    kind = next(k for k in KINDS if page.startswith(k.url_dir + "/"))
    missing = [anchor for anchor in anchors(kind) if html.find(id=anchor) is None]
    assert missing == []


def test_write_api_files_writes_exactly_the_api_files(tmp_path: Path) -> None:
    catalog = load_catalog(FIXTURE)
    written = write_api_files(catalog, tmp_path / "site", BASE)
    files = api_files(catalog, BASE)
    assert sorted(p.relative_to(tmp_path / "site").as_posix() for p in written) == list(files)
    for path in written:
        rel = path.relative_to(tmp_path / "site").as_posix()
        assert path.read_text(encoding="utf-8") == files[rel]


@pytest.mark.parametrize("which", ["fixture", "repo", "no-case-studies"])
def test_streamed_api_files_are_byte_identical(tmp_path: Path, root: Path, which: str) -> None:
    if which == "no-case-studies":
        for path in (root / "case-studies").glob("*.md"):
            path.unlink()
        source = root
    else:
        source = FIXTURE if which == "fixture" else REPO
    catalog = load_catalog(source)
    expected = api_files(catalog, BASE)
    site = tmp_path / "site"
    assert write_api_stream(catalog, site, BASE) == len(expected)
    written = {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8")
               for p in site.rglob("*") if p.is_file()}
    assert written.keys() == expected.keys()
    assert [name for name in expected if written[name] != expected[name]] == []
    if which == "no-case-studies":
        assert '"case_studies": []' in written["api/catalog.json"]


def test_a_retired_id_keeps_its_api_file_as_a_copy_of_its_successor(tmp_path: Path) -> None:
    """FM-0099 was merged into FM-0002: a client that fetches the old ID's
    document gets the successor's, byte for byte (its `id` and `aliases` say
    where it went), instead of a 404."""
    catalog = load_catalog(FIXTURE)
    files = api_files(catalog, BASE)
    assert files["api/failure-modes/FM-0099.json"] == files["api/failure-modes/FM-0002.json"]
    assert json.loads(files["api/failure-modes/FM-0099.json"])["aliases"][0] == "FM-0099"
    written = write_api_files(catalog, tmp_path / "site", BASE)
    assert tmp_path / "site" / "api" / "failure-modes" / "FM-0099.json" in written

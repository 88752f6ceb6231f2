"""catalog.json, per-record JSON files and JSON Schemas: complete, valid, byte-stable."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fmcat.core.catalog import Catalog
from fmcat.core.findings import has_errors
from fmcat.core.load import load_catalog
from fmcat.core.model import FAILURE_MODE, KINDS
from fmcat.core.urls import anchors
from fmcat.exports.documents import (
    ExportError,
    api_path,
    api_paths,
    catalog_document,
    dumps,
    site_url,
    stable_url,
    write_api_stream,
)
from fmcat.exports.schema import SCHEMA_VERSION
from tests.conftest import FIXTURE, REPO, read_page
from tests.exports.expected import expected_api_files, read_tree

BASE = "https://catalog.example.com/ml/"
RECORD_FOLDERS = ("entries", "playbooks", "case-studies", "incidents")
RECORD_GROUPS = ("failure_modes", "playbooks", "case_studies", "incidents")


def _published(catalog: Catalog, site: Path, base_url: str | None = None) -> dict[str, str]:
    """The `api/` files as the site build writes them, by site-relative path."""
    write_api_stream(catalog, site, base_url)
    return read_tree(site)


def _documents(catalog: Catalog, base_url: str | None = None) -> dict[str, dict[str, Any]]:
    """Each record's object of `catalog.json`, by the path of its own file."""
    document = catalog_document(catalog, base_url)
    return {api_path(data["id"]): data for group in RECORD_GROUPS for data in document[group]}


def _source_files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for folder in RECORD_FOLDERS
            for p in (root / folder).rglob("*") if p.suffix in (".md", ".yml", ".yaml")}


@pytest.mark.parametrize("root", [FIXTURE, REPO], ids=["fixture", "repo"])
def test_every_record_file_appears_in_the_export(root: Path) -> None:
    catalog = load_catalog(root)
    assert not has_errors(catalog.findings)
    document = catalog_document(catalog)
    records = [item for group in RECORD_GROUPS for item in document[group]]
    assert {item["source_path"] for item in records} == _source_files(root)
    assert len(records) == len(catalog.entries) + len(catalog.incidents)


def test_every_status_is_present_and_flagged() -> None:
    document = catalog_document(load_catalog(FIXTURE))
    statuses = {item["id"]: item["status"] for item in document["failure_modes"]}
    assert statuses == {"FM-0001": "active", "FM-0002": "active", "FM-0003": "withdrawn"}
    withdrawn = next(i for i in document["failure_modes"] if i["id"] == "FM-0003")
    assert withdrawn["superseded_by"] == "FM-0002"
    assert withdrawn["status_reason"].startswith("Merged into FM-0002")


def test_two_exports_are_byte_identical_whatever_the_day(tmp_path: Path) -> None:
    first = _published(load_catalog(FIXTURE), tmp_path / "first", BASE)
    second = _published(load_catalog(FIXTURE, today=date(2031, 1, 1)), tmp_path / "second", BASE)
    assert first == second
    for text in first.values():
        assert text.endswith("}\n")
        assert json.loads(text) is not None
    text = first["api/catalog.json"]
    assert text == json.dumps(json.loads(text), sort_keys=True, indent=2,
                              ensure_ascii=False) + "\n"
    assert "2031" not in text


def test_urls_are_canonical_relative_or_absolute() -> None:
    catalog = load_catalog(FIXTURE)
    relative = _documents(catalog)
    absolute = _documents(catalog, BASE)
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


def test_api_paths_are_derived_from_ids(tmp_path: Path) -> None:
    assert api_path("FM-0007") == "api/failure-modes/FM-0007.json"
    assert api_path("MP-0003") == "api/playbooks/MP-0003.json"
    assert api_path("CS-0002") == "api/case-studies/CS-0002.json"
    assert api_path("INC-2026-0001") == "api/incidents/INC-2026-0001.json"
    assert api_path("FM-0099") == "api/failure-modes/FM-0099.json"  # retired IDs too
    files = _published(load_catalog(FIXTURE), tmp_path)
    for path, text in files.items():
        if path.count("/") == 2 and not path.startswith("api/schema/"):
            data = json.loads(text)  # a retired ID's file is its successor's document
            assert path in {data["api_url"], *(api_path(a) for a in data.get("aliases", ())
                                               if re.match(r"^[A-Z]+-\d", a))}


def test_backlinks_and_derived_incident_durations() -> None:
    docs = _documents(load_catalog(FIXTURE))
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
    fm = _documents(load_catalog(FIXTURE))["api/failure-modes/FM-0002.json"]
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


def test_the_stream_writes_exactly_the_listed_paths(tmp_path: Path) -> None:
    catalog = load_catalog(FIXTURE)
    files = _published(catalog, tmp_path / "site", BASE)
    assert sorted(files) == sorted(api_paths(catalog))
    assert len(api_paths(catalog)) == len(set(api_paths(catalog)))


@pytest.mark.parametrize("which", ["fixture", "repo", "no-case-studies"])
def test_streamed_api_files_are_byte_identical(tmp_path: Path, root: Path, which: str) -> None:
    """The piecewise `catalog.json` and every other file equal the plain `dumps`."""
    if which == "no-case-studies":
        for path in (root / "case-studies").glob("*.md"):
            path.unlink()
        source = root
    else:
        source = FIXTURE if which == "fixture" else REPO
    catalog = load_catalog(source)
    expected = expected_api_files(catalog, BASE)
    site = tmp_path / "site"
    assert write_api_stream(catalog, site, BASE) == len(expected)
    written = read_tree(site)
    assert written.keys() == expected.keys()
    assert [name for name in expected if written[name] != expected[name]] == []
    assert written["api/catalog.json"] == dumps(catalog_document(catalog, BASE))
    if which == "no-case-studies":
        assert '"case_studies": []' in written["api/catalog.json"]


def test_a_retired_id_keeps_its_api_file_as_a_copy_of_its_successor(tmp_path: Path) -> None:
    """FM-0099 was merged into FM-0002: a client that fetches the old ID's
    document gets the successor's, byte for byte (its `id` and `aliases` say
    where it went), instead of a 404."""
    catalog = load_catalog(FIXTURE)
    files = _published(catalog, tmp_path / "site", BASE)
    assert files["api/failure-modes/FM-0099.json"] == files["api/failure-modes/FM-0002.json"]
    assert json.loads(files["api/failure-modes/FM-0099.json"])["aliases"][0] == "FM-0099"
    assert "api/failure-modes/FM-0099.json" in api_paths(catalog)


def test_site_url_is_relative_or_joined_to_the_base() -> None:
    assert site_url("failure-modes/FM-0001/", None) == "failure-modes/FM-0001/"
    assert site_url("failure-modes/FM-0001/", "") == "failure-modes/FM-0001/"
    assert site_url("/api/x.json", "https://h.example/ml") == "https://h.example/ml/api/x.json"
    assert site_url("api/x.json", "https://h.example/ml/") == "https://h.example/ml/api/x.json"


def test_stable_url_is_derived_from_the_id_only() -> None:
    fm = FAILURE_MODE
    assert stable_url(fm, "FM-0007") == f"{fm.url_dir}/FM-0007/"
    assert stable_url(fm, "FM-0007", "detection") == f"{fm.url_dir}/FM-0007/#detection"
    assert stable_url(fm, "FM-0007", base_url=BASE) == f"{BASE}{fm.url_dir}/FM-0007/"


def test_dumps_is_sorted_indented_unicode_and_refuses_nan() -> None:
    assert dumps({"b": 1, "a": "é"}) == '{\n  "a": "é",\n  "b": 1\n}\n'
    with pytest.raises(ValueError, match="JSON compliant"):
        dumps({"x": float("nan")})


def test_catalog_document_needs_a_taxonomy(root: Path) -> None:
    (root / "taxonomy.yml").unlink()
    catalog = load_catalog(root)
    with pytest.raises(ExportError, match=r"taxonomy\.yml"):
        catalog_document(catalog)
    with pytest.raises(ExportError, match=r"taxonomy\.yml"):
        write_api_stream(catalog, root / "site")

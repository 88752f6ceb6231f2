"""The second fixture catalog (tests/fixtures/security-catalog, issue #15 "Prove
it"): another team's taxonomy (an added, a renamed and a removed dimension,
Tactic/Phase/Weakness axes, five severities with their own colours and paging,
its own sections, external schemes, `unknown` facts, completeness rules off,
its own name) validates strictly, builds strictly, and every page, filter,
browse page, scheme page, API document and JSON Schema follows it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from fmcat.cli.main import main
from fmcat.core.load import load_checked
from tests.conftest import SECOND, SECOND_NAME, read_page

STARTER_LABELS = re.compile(
    r"Cause category|Data domain|Customer segment|Deployment environment|Lifecycle stage"
    r"|Latent condition|Failure Mode Catalog", re.IGNORECASE)


def test_the_second_catalog_passes_strict_validation(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--root", str(SECOND), "--strict"]) == 0, capsys.readouterr().out
    assert load_checked(SECOND).findings == []


def _card(site: Path, url: str) -> dict[str, str]:
    page = read_page(site, url)
    return {dt.get_text(" ", strip=True).rstrip(" :"): dd.get_text(" ", strip=True)
            for div in page.select(".fmcat-card dl > div")
            for dt, dd in [(div.find("dt"), div.find("dd"))]}


def _sections(site: Path, url: str) -> list[tuple[str, str]]:
    return [(h["id"], h.get_text(strip=True).rstrip("¶"))
            for h in read_page(site, url).select("article h2[id]")]


def test_the_card_speaks_the_catalogs_vocabulary(built_second: Path) -> None:
    card = _card(built_second, "failure-modes/FM-0001/")
    assert card["Tactic"] == "Impact ."
    assert card["Weakness"] == "Untrusted input ."
    assert card["Phase"] == "Inference ."
    assert card["Attack surface"] == "Retrieval corpus , Public API ."
    assert card["Input modality"] == "Text ."
    assert card["Model family"] == "Large language models ."
    assert not {"Cause category", "Data domain", "Environment", "Deployment environment",
                "Customer segment"} & set(card)
    for url in ("failure-modes/FM-0001/", "failure-modes/", "browse/", "matrix/",
                "playbooks/MP-0001/", "trends/", "external/atlas/"):
        text = read_page(built_second, url).select_one("article").get_text(" ")
        assert not STARTER_LABELS.search(text), (url, STARTER_LABELS.search(text))


def test_severities_have_the_catalogs_colours(built_second: Path) -> None:
    page = read_page(built_second, "failure-modes/FM-0001/")
    badge = page.select_one(".fmcat-card .fmcat-severity")
    assert badge["class"] == ["fmcat-severity", "fmcat-severity--critical"]
    assert badge["title"] == "Active exploitation or safety harm; page now."
    css = (built_second / "assets" / "fmcat-charts.css").read_text(encoding="utf-8")
    colours = dict(re.findall(r"--fmcat-severity-([a-z-]+):\s*(#[0-9a-f]+)", css))
    # tokens teal, blue, brown, purple and one written as a hex colour
    assert colours == {"informational": "#00695c", "low": "#1565c0", "moderate": "#5d4037",
                       "severe": "#b71c1c", "critical": "#6a1b9a"}
    for level in colours:
        assert f".fmcat-severity--{level}," in css


def test_unknown_facts_are_shown_as_unknown(built_second: Path) -> None:
    card = _card(built_second, "failure-modes/FM-0002/")
    assert card["Severity"] == "Unknown"
    assert card["Frequency (declared)"] == "Unknown"
    badge = read_page(built_second, "failure-modes/FM-0002/").select_one(
        ".fmcat-card .fmcat-severity")
    assert "fmcat-severity--unknown" in badge["class"]
    assert _card(built_second, "playbooks/MP-0001/")["Time to remediate"] == "Unknown"
    assert _card(built_second, "playbooks/MP-0002/")["Owner"] == "Unknown"
    row = read_page(built_second, "failure-modes/").select_one('tr[data-id="FM-0002"]')
    assert row["data-severity"] == "unknown"
    assert row.find_all("td")[2].get_text(strip=True) == "Unknown"


def test_sections_and_anchors_follow_the_taxonomy(built_second: Path) -> None:
    own = [("description", "Description"), ("latent-conditions", "Preconditions"),
           ("reproduction", "Procedure examples"), ("detection", "Detection"),
           ("mitigation", "Mitigation"), ("impact", "Impact")]
    assert _sections(built_second, "failure-modes/FM-0001/")[:6] == own
    # the optional section left out
    assert _sections(built_second, "failure-modes/FM-0002/")[:5] == [
        s for s in own if s[0] != "reproduction"]
    assert _sections(built_second, "playbooks/MP-0001/")[0] == ("when-to-use", "When to apply")
    assert ("verification", "Verification") not in _sections(built_second, "playbooks/MP-0002/")
    assert _sections(built_second, "case-studies/CS-0001/")[:3] == [
        ("context", "Background"), ("attack", "Attack"), ("lessons", "Lessons")]


def test_the_catalog_table_filters_by_the_catalogs_facets(built_second: Path) -> None:
    page = read_page(built_second, "failure-modes/")
    headers = [th.get_text(" ", strip=True) for th in page.select("thead th")]
    assert headers == ["ID", "Title", "Severity", "Observed", "Declared", "Tactic", "Phases",
                       "Surface", "Modality", "Model family", "Status", "Last reviewed"]
    menus = {select["name"]: [o.get_text(strip=True) for o in select.find_all("option")]
             for select in page.select("select[data-fmcat-facet]")}
    assert list(menus) == ["severity", "category", "stages", "causes", "attack-surface",
                           "modality", "model-family", "status"]
    assert menus["severity"] == ["any", "informational (1)", "severe (1)", "critical (1)",
                                 "Unknown (1)"]
    assert menus["attack-surface"] == ["any", "Public API (3)", "Retrieval corpus (1)",
                                       "Training pipeline (1)"]
    row = page.select_one('tr[data-id="FM-0003"]')
    assert row["data-attack-surface"] == "training-pipeline"
    assert row["data-modality"] == "image text"
    assert not any(attr.startswith(("data-environment", "data-customer", "data-data-domain"))
                   for attr in row.attrs)


def test_browse_pages_follow_the_dimensions(built_second: Path) -> None:
    browse = read_page(built_second, "browse/")
    assert [h.get_text(strip=True).rstrip("¶") for h in browse.select("article h2")] == [
        "Tactic", "Weakness", "Phase", "Attack surface", "Input modality", "Model family"]
    assert sorted(p.name for p in (built_second / "browse").iterdir() if p.is_dir()) == [
        "attack-surface", "category", "cause", "modality", "model-family", "stage"]
    value = read_page(built_second, "browse/attack-surface/public-api/")
    assert value.select_one("article h1").get_text(strip=True).rstrip("¶") == \
        "Attack surface: Public API"
    listed = {a["href"] for a in value.select("article table a[href]")}
    assert {"../../../failure-modes/FM-0001/", "../../../failure-modes/FM-0002/",
            "../../../failure-modes/FM-0004/"} <= listed
    assert "../../../failure-modes/FM-0003/" not in listed


def test_the_scheme_page_lists_ids_and_records(built_second: Path) -> None:
    page = read_page(built_second, "external/atlas/")
    rows = [[td.get_text(" ", strip=True) for td in tr.find_all("td")]
            for tr in page.select("article tbody tr")]
    assert [row[0] for row in rows] == ["AML.T0020", "AML.T0024.002", "AML.T0051.001"]
    assert "CS-0001" in rows[2][1] and "FM-0001" in rows[2][1]
    links = [a["href"] for a in page.select("article a[href^='https://']")]
    assert "https://atlas.mitre.org/techniques/AML.T0051.001" in links
    owasp = read_page(built_second, "external/owasp-llm/")
    assert {a["href"] for a in owasp.select("article a[href^='https://']")} == {
        "https://genai.owasp.org/llm-top-10/"}
    assert "MP-0001" in owasp.select_one("article tbody").get_text()


def test_the_api_carries_the_catalogs_fields(built_second: Path) -> None:
    catalog = json.loads((built_second / "api" / "catalog.json").read_text(encoding="utf-8"))
    modes = {m["id"]: m for m in catalog["failure_modes"]}
    assert modes["FM-0001"]["attack_surface"] == ["retrieval-corpus", "public-api"]
    assert modes["FM-0001"]["modality"] == ["text"]
    assert modes["FM-0001"]["external_ids"] == {"atlas": ["AML.T0051.001"],
                                                "owasp-llm": ["LLM01:2025"]}
    assert modes["FM-0002"]["severity"] == modes["FM-0002"]["frequency"] == "unknown"
    assert not {"environment", "customer_segment", "data_domain"} & set(modes["FM-0001"])
    assert catalog["taxonomy"]["axes"]["category"]["title"] == "Tactic"
    playbooks = {p["id"]: p for p in catalog["playbooks"]}
    assert playbooks["MP-0001"]["time_to_remediate"] == "unknown"
    assert playbooks["MP-0002"]["owner"] == "unknown"
    incidents = {i["id"]: i for i in catalog["incidents"]}
    assert incidents["INC-2026-0001"]["attack_surface"] == "retrieval-corpus"


def test_the_json_schemas_follow_the_taxonomy(built_second: Path) -> None:
    schemas = built_second / "api" / "schema"
    catalog = json.loads((schemas / "catalog.json").read_text(encoding="utf-8"))
    assert catalog["title"] == SECOND_NAME
    exported = json.loads((schemas / "failure-mode.json").read_text(encoding="utf-8"))
    assert exported["properties"]["attack_surface"]["items"]["enum"] == [
        "public-api", "retrieval-corpus", "training-pipeline"]
    assert exported["properties"]["modality"]["title"] == "Input modality"
    assert not {"environment", "customer_segment", "data_domain"} & set(exported["properties"])
    source = json.loads((schemas / "source" / "failure-mode.json").read_text(encoding="utf-8"))
    assert {"attack_surface", "modality"} <= set(source["required"])
    assert "model_family" not in source["required"]
    incident = json.loads((schemas / "incident.json").read_text(encoding="utf-8"))
    assert incident["properties"]["attack_surface"]["enum"] == [
        "public-api", "retrieval-corpus", "training-pipeline"]


def test_the_catalog_names_itself(built_second: Path) -> None:
    home = read_page(built_second, "")
    assert home.title is not None and SECOND_NAME in home.title.get_text()
    assert f"<name>{SECOND_NAME} stewards</name>" in (built_second / "feed.xml").read_text(
        encoding="utf-8")
    everything = " ".join(path.read_text(encoding="utf-8")
                          for path in built_second.rglob("*.html"))
    assert "Failure Mode Catalog" not in everything
    # example_data is false: no page says the incidents are made up
    assert "example data" not in BeautifulSoup(everything, "html.parser").get_text().lower()

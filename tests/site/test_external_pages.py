"""External IDs on the site: card links, one page per scheme, the API and the schemas.

Views are tested without a build on the fixture catalog (FM-0001 carries an
ATLAS ID and two tickets; withdrawn FM-0003 carries the same ATLAS ID); the
built pages on the shared strict build of the fixture; search in Chromium
on the repository's own site.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from fmcat.core.load import load_catalog
from fmcat.core.urls import Link, reserved_by
from fmcat.exports.schema import json_schemas
from fmcat.site import records
from fmcat.site.external_pages import ExternalGroup, external_pages, scheme_views
from tests.conftest import FIXTURE, REPO, read_page
from tests.site.catalogs import fixture_catalog, fixture_derived, fixture_taxonomy

ATLAS_URL = "https://atlas.mitre.org/techniques/AML.T0031"


def test_the_card_links_each_id_out_and_each_scheme_to_its_page() -> None:
    catalog = fixture_catalog()
    card = records.record_view(catalog.entries["FM-0001"], catalog, fixture_taxonomy(),
                               fixture_derived())
    assert card.external == (
        ExternalGroup("MITRE ATLAS", "external/atlas/", (Link("AML.T0031", ATLAS_URL),)),
        # No url template: shown, not linked; natural order (7 before 42).
        ExternalGroup("Internal tickets", "external/ticket/",
                      (Link("OPS-7", ""), Link("OPS-42", ""))),
    )
    assert card.search_keys.split()[:4] == ["FM-0001", "AML.T0031", "OPS-7", "OPS-42"]


def test_a_record_without_external_ids_has_no_rows() -> None:
    catalog = fixture_catalog()
    card = records.record_view(catalog.entries["FM-0002"], catalog, fixture_taxonomy(),
                               fixture_derived())
    assert card.external == ()
    assert card.search_keys.split()[0] == "FM-0002"


def test_scheme_views_list_every_declared_scheme_without_withdrawn_records() -> None:
    catalog = fixture_catalog()
    listed = [e for e in catalog.entries.values() if e.record.is_listed]
    atlas, ticket = scheme_views(listed, fixture_taxonomy())
    assert (atlas.key, atlas.counts) == ("atlas", "1 ID, 1 record")
    [row] = atlas.rows
    assert row.id == Link("AML.T0031", ATLAS_URL)
    assert row.records == (Link("FM-0001: Covariate shift in input features",
                                "failure-modes/FM-0001/"),)
    assert [r.id.label for r in ticket.rows] == ["OPS-7", "OPS-42"]
    pages = external_pages(listed, fixture_taxonomy())
    assert set(pages) == {"external/index.md", "external/atlas/index.md",
                          "external/ticket/index.md"}


def test_a_scheme_title_is_inert_in_its_page() -> None:
    taxonomy = fixture_taxonomy()
    scheme = taxonomy.external_schemes["atlas"].model_copy(
        update={"title": "<script>alert(1)</script>"})
    hostile = taxonomy.model_copy(update={"external_schemes": {"atlas": scheme}})
    catalog = fixture_catalog()
    pages = external_pages(list(catalog.entries.values()), hostile)
    assert "<script>" not in pages["external/atlas/index.md"]
    assert "<script>" not in pages["external/index.md"]


def test_the_external_folder_is_reserved_against_aliases() -> None:
    assert reserved_by("external/atlas/", FIXTURE) == "the generated page external"


def test_the_schemas_describe_external_ids_and_schemes() -> None:
    schemas = json_schemas()
    for name in ("failure-mode.json", "source/playbook.json", "source/case-study.json"):
        prop = schemas[name]["properties"]["external_ids"]
        assert prop["type"] == "object"
        assert prop["additionalProperties"]["items"]["type"] == "string"
    scheme = schemas["source/taxonomy.json"]["$defs"]["ExternalScheme"]
    assert set(scheme["required"]) == {"title", "pattern"}
    # Keys are slugs (they name pages): an editor flags `Atlas:` as the loader does.
    schemes = schemas["source/taxonomy.json"]["properties"]["external_schemes"]
    assert list(schemes["patternProperties"]) == ["^[a-z0-9][a-z0-9-]{0,62}$"]
    assert schemes["additionalProperties"] is False


# --- the built fixture site --------------------------------------------------


def test_the_record_page_links_its_ids_out_safely(built_fixture: Path) -> None:
    soup = read_page(built_fixture, "failure-modes/FM-0001/")
    links = soup.select("#summary .fmcat-external a.fmcat-external-id")
    assert [(a.get_text(), a["href"], a["rel"]) for a in links] == [
        ("AML.T0031", ATLAS_URL, ["noopener", "noreferrer"])]
    titles = [a["href"] for a in soup.select("#summary .fmcat-external dt a")]
    assert titles == ["../../external/atlas/", "../../external/ticket/"]
    tickets = soup.select("#summary .fmcat-external")[1]
    assert tickets.dd is not None and tickets.dd.get_text() == "OPS-7, OPS-42"
    terms = soup.select_one(".fmcat-search-terms[data-pagefind-meta='keys']")
    assert terms is not None and "AML.T0031" in terms.get_text().split()


def test_each_scheme_has_a_page_listing_its_ids_and_records(built_fixture: Path) -> None:
    soup = read_page(built_fixture, "external/atlas/")
    assert soup.h1 is not None and soup.h1.get_text().startswith("MITRE ATLAS")
    rows = soup.select("table.fmcat-external-ids tbody tr")
    assert len(rows) == 1  # FM-0003 cites it too, but is withdrawn
    out = rows[0].select_one("a.fmcat-external-id")
    assert out is not None and out["href"] == ATLAS_URL
    assert out["rel"] == ["noopener", "noreferrer"]
    assert [a["href"] for a in rows[0].select("td:nth-of-type(2) a")] == [
        "../../failure-modes/FM-0001/"]
    index = read_page(built_fixture, "external/")
    assert [a["href"] for a in index.select("table.fmcat-external-schemes a")] == [
        "atlas/", "ticket/"]


def test_the_api_carries_external_ids_and_schemes(built_fixture: Path) -> None:
    catalog = json.loads((built_fixture / "api" / "catalog.json").read_text(encoding="utf-8"))
    assert catalog["schema_version"] == "1.2"
    assert catalog["taxonomy"]["external_schemes"]["atlas"]["url"] == \
        "https://atlas.mitre.org/techniques/{id}"
    fm1 = next(r for r in catalog["failure_modes"] if r["id"] == "FM-0001")
    assert fm1["external_ids"] == {"atlas": ["AML.T0031"], "ticket": ["OPS-42", "OPS-7"]}
    own = json.loads((built_fixture / "api" / "failure-modes" / "FM-0001.json")
                     .read_text(encoding="utf-8"))
    assert own["external_ids"] == fm1["external_ids"]
    playbook = next(r for r in catalog["playbooks"])
    assert playbook["external_ids"] == {}  # present even when empty


# --- search, in Chromium, on the repository's site --------------------------


def _cites(scheme: str, prefix: str) -> set[str]:
    return {e.id for e in load_catalog(REPO).entries.values() if e.record.is_listed
            and any(i.startswith(prefix) for i in e.record.external_ids.get(scheme, ()))}


@pytest.mark.browser
@pytest.mark.parametrize(("query", "scheme"), [("AML.T0051", "atlas"),
                                               ("LLM01:2025", "owasp-llm")])
def test_typing_an_external_id_finds_the_entries_that_carry_it(
        browser: object, site_url: str, query: str, scheme: str) -> None:
    expected = _cites(scheme, query)
    assert len(expected) >= 2  # FM-0020 (direct) and FM-0021 (indirect)
    context = browser.new_context()  # type: ignore[attr-defined]
    try:
        page = context.new_page()
        page.goto(site_url)
        page.fill(".md-search__input", query)
        page.wait_for_function(
            "() => /matching document/i.test(document.querySelector("
            "'[data-fmcat-search-meta]').textContent)", timeout=10_000)
        hrefs = page.locator(".md-search-result__item > a").evaluate_all(
            "els => els.map(e => e.getAttribute('href'))")
        paths = [urlsplit(h).path for h in hrefs]
        found = {p.rstrip("/").rpartition("/")[2] for p in paths[:len(expected)]}
        assert found == expected, paths
    finally:
        context.close()

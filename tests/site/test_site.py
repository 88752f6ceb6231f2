"""End-to-end: real MkDocs builds of the fixture catalog, HTML parsed and checked."""

from __future__ import annotations

import json
import posixpath
import re
import shutil
import socket
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from material import templates as material_templates
from mkdocs.exceptions import Abort

from fmcat.core.load import load_catalog, load_checked
from fmcat.core.urls import alias_key, reserved_by
from tests.conftest import FIXTURE, broken_links, build_site, read_page

FIXED_ANCHORS = ["summary", "symptoms", "latent-conditions", "reproduction", "detection",
                 "mitigation", "rationale", "checklist", "history"]


def _redirect_target(site: Path, url: str) -> str:
    page = read_page(site, url)
    refresh = page.find("meta", attrs={"http-equiv": "refresh"})
    assert refresh is not None, f"{url} is not a redirect page"
    target = refresh["content"].split("url=", 1)[1]
    assert page.find("link", rel="canonical")["href"] == target
    return posixpath.normpath(posixpath.join(url, target)) + "/"


def _section(page: BeautifulSoup, anchor: str) -> list[str]:
    """The HTML of everything between a section's h2 and the next h2."""
    heading = page.find("h2", id=anchor)
    assert heading is not None, f"no #{anchor}"
    parts = []
    for sibling in heading.find_next_siblings():
        if sibling.name == "h2":
            break
        parts.append(str(sibling))
    return parts


def test_records_are_published_at_id_derived_urls(built_fixture: Path) -> None:
    for url in ["failure-modes/FM-0001/", "failure-modes/FM-0002/", "failure-modes/FM-0003/",
                "playbooks/MP-0009/", "playbooks/MP-0013/", "case-studies/CS-0001/"]:
        page = read_page(built_fixture, url)
        assert page.find("h1", class_="fmcat-title") is not None, url
    # File names never leak into URLs.
    assert not list(built_fixture.rglob("*covariate-shift*"))


@pytest.mark.parametrize(("url", "target"), [
    ("FM-0001/", "failure-modes/FM-0001/"),
    ("fm-0001/", "failure-modes/FM-0001/"),
    ("MP-0013/", "playbooks/MP-0013/"),
    ("CS-0001/", "case-studies/CS-0001/"),
    ("FM-0099/", "failure-modes/FM-0002/"),           # retired ID merged into FM-0002
    ("failure-modes/FM-0099/", "failure-modes/FM-0002/"),
    ("old/prior-shift/", "failure-modes/FM-0002/"),   # old path alias
])
def test_permalinks_and_aliases_redirect(built_fixture: Path, url: str, target: str) -> None:
    assert _redirect_target(built_fixture, url) == target
    assert (built_fixture / target / "index.html").is_file()


def test_redirect_keeps_the_section_anchor(built_fixture: Path) -> None:
    script = read_page(built_fixture, "FM-0001/").find("script").string
    assert "location.hash" in script


def test_fixed_section_anchors(built_fixture: Path) -> None:
    page = read_page(built_fixture, "failure-modes/FM-0001/")
    for anchor in FIXED_ANCHORS:
        assert page.find(id=anchor) is not None, anchor


def test_summary_card(built_fixture: Path) -> None:
    page = read_page(built_fixture, "failure-modes/FM-0001/")
    card = page.find("section", id="summary")
    facts = {dt.get_text(strip=True): dd.get_text(" ", strip=True)
             for dt, dd in zip(card.select(".fmcat-card__facts dt"),
                               card.select(".fmcat-card__facts dd"), strict=True)}
    assert facts["ID"].startswith("FM-0001")
    assert facts["Severity"] == "high"
    assert facts["Frequency (declared)"] == "frequent"
    assert facts["Status"] == "active"
    assert facts["Stewards"] == "@fmcat/model-quality"
    assert facts["Last reviewed"].startswith("2026-10-12")
    assert facts["Completeness"] == "100%"
    assert card.find("a", class_="fmcat-permalink")["href"] == "../../FM-0001/"
    assert card.find("button", attrs={"data-fmcat-copy": "../../FM-0001/"}) is not None
    assert "Decisions on the shifted population" in card.get_text()


def test_detectors_sit_in_the_detection_section(built_fixture: Path) -> None:
    page = read_page(built_fixture, "failure-modes/FM-0001/")
    detection = BeautifulSoup("".join(_section(page, "detection")), "html.parser")
    rows = detection.select(".fmcat-detectors tbody tr")
    cells = [td.get_text(" ", strip=True) for td in rows[0].find_all("td")]
    assert cells[:4] == ["psi Population stability index", ">= 0.25 average over 1 day",
                         "high", "alert"]


def test_mitigations_link_their_playbooks(built_fixture: Path) -> None:
    page = read_page(built_fixture, "failure-modes/FM-0001/")
    mitigation = BeautifulSoup("".join(_section(page, "mitigation")), "html.parser")
    links = [a["href"] for a in mitigation.select(".fmcat-mitigations a")]
    assert links == ["../../playbooks/MP-0013/", "../../playbooks/MP-0009/"]
    owners = [dd.get_text() for dd in mitigation.select(".fmcat-play__owner dd")]
    assert owners == ["@fmcat/model-quality", "@fmcat/sre"]
    # ID links in the body (after the playbooks) became real links.
    prose = [p for p in mitigation.find_all("p") if not p.find_parent(class_="fmcat-mitigations")]
    body_links = [a["href"] for a in prose[0].find_all("a")]
    assert body_links == ["../FM-0002/#detection", "../../playbooks/MP-0009/",
                          "../../playbooks/MP-0013/"]


def test_backlinks_both_ways_and_symmetric_related(built_fixture: Path) -> None:
    playbook = read_page(built_fixture, "playbooks/MP-0013/")
    used_by = [a["href"] for a in playbook.select("ul.fmcat-links--used-by a")]
    assert used_by == ["../../failure-modes/FM-0001/"]
    assert playbook.find(id="steps") is not None
    assert playbook.find(id="rollback") is not None
    # FM-0001 declares FM-0002 as related; FM-0002 shows FM-0001 all the same.
    prior = read_page(built_fixture, "failure-modes/FM-0002/")
    assert [a["href"] for a in prior.select("ul.fmcat-links--related a")] == [
        "../FM-0001/"]
    fm1 = read_page(built_fixture, "failure-modes/FM-0001/")
    assert [a.get_text() for a in fm1.select("ul.fmcat-links--case-studies a")] == [
        "CS-0001: Drift baselines reused from fraud to demand forecasting"]
    assert "INC-2026-0001" in fm1.select_one("ul.fmcat-links--incidents").get_text()


def test_withdrawn_entry_keeps_its_page_but_leaves_listings_and_search(
        built_fixture: Path) -> None:
    page = read_page(built_fixture, "failure-modes/FM-0003/")
    assert page.find("meta", attrs={"name": "robots", "content": "noindex"}) is not None
    banner = page.select_one(".fmcat-status-banner")
    assert "withdrawn" in banner.get_text()
    assert banner.find("a")["href"] == "../FM-0002/"
    index = read_page(built_fixture, "failure-modes/")
    listed = [row["data-id"] for row in index.select("table.fmcat-catalog tbody tr")]
    assert listed == ["FM-0001", "FM-0002"]
    assert read_page(built_fixture, "browse/cause/label-shift/").select(
        ".fmcat-listing a")[0].get_text() == "FM-0002: Prior shift changes base rates"
    # Search (Pagefind) indexes only pages marked data-pagefind-body.
    assert read_page(built_fixture, "failure-modes/FM-0002/").find(
        attrs={"data-pagefind-body": True}) is not None
    assert read_page(built_fixture, "failure-modes/FM-0003/").find(
        attrs={"data-pagefind-body": True}) is None
    assert read_page(built_fixture, "failure-modes/").find(
        attrs={"data-pagefind-body": True}) is None  # listings are not indexed
    assert (built_fixture / "pagefind" / "pagefind.js").is_file()


def test_trusted_home_page_renders_macros(built_fixture: Path) -> None:
    assert "2 failure modes." in str(read_page(built_fixture, "").select_one("article"))


def test_no_remote_assets(built_fixture: Path) -> None:
    for path in built_fixture.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<(?:script|link|img)\b[^>]*(?:src|href)=\"(https?:)?//", html):
            raise AssertionError(f"{path}: remote asset {match.group(0)}")


def test_every_internal_link_resolves(built_fixture: Path) -> None:
    assert broken_links(built_fixture) == []


@pytest.mark.slow
def test_broken_entry_fails_the_build_and_names_the_file(
        catalog_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = catalog_dir / "entries" / "FM-0002-prior-shift.md"
    path.write_text(path.read_text().replace("severity: medium", "severity: [medium"))
    with pytest.raises(Abort):
        build_site(catalog_dir)
    message = "\n".join(r.getMessage() for r in caplog.records if r.levelname == "ERROR")
    assert "the catalog has 1 error(s)" in message
    assert re.search(r"entries/FM-0002-prior-shift\.md:19: error: YAML syntax error", message)


@pytest.mark.slow
def test_warnings_fail_a_strict_build(catalog_dir: Path) -> None:
    path = catalog_dir / "entries" / "FM-0002-prior-shift.md"
    text = path.read_text()
    start = text.index("references:")
    end = text.index("\n", text.index("url:", start))
    path.write_text(text[:start] + "references: []" + text[end:])  # FMC105, a warning
    build_site(catalog_dir)  # not strict: builds
    with pytest.raises(Exception, match="warnings in strict mode"):
        build_site(catalog_dir, strict=True)


@pytest.mark.slow
def test_two_builds_are_identical(catalog_dir: Path, tmp_path: Path) -> None:
    first = build_site(catalog_dir)
    snapshot = {p.relative_to(first): p.read_bytes() for p in first.rglob("*") if p.is_file()}
    second_root = tmp_path / "second"
    catalog_dir.rename(second_root)
    second = build_site(second_root)
    again = {p.relative_to(second): p.read_bytes() for p in second.rglob("*") if p.is_file()}
    assert snapshot.keys() == again.keys()
    differing = [str(name) for name in snapshot if snapshot[name] != again[name]]
    assert differing == []


@pytest.mark.slow
def test_the_build_touches_no_network(catalog_dir: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access during the build: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    site = build_site(catalog_dir, strict=True)
    assert (site / "failure-modes" / "FM-0001" / "index.html").is_file()


def test_trends_and_metrics_pages_have_charts_with_their_numbers(built_fixture: Path) -> None:
    trends = read_page(built_fixture, "trends/")
    figures = trends.select(".fmcat-figure")
    assert len(figures) == 5
    for figure in figures:
        svg = figure.find("svg")
        assert svg["role"] == "img"
        assert svg.find("title").get_text() and svg.find("desc").get_text()
        assert figure.find("table").find("tbody").find_all("tr")
    occurrences = trends.find(id="occurrences-figure").find("table")
    rows = [[c.get_text() for c in tr.find_all(["th", "td"])]
            for tr in occurrences.select("tbody tr")]
    assert rows == [["2026Q1", "1"], ["2026Q2", "1"]]
    assert "Example data" in trends.get_text()
    metrics = read_page(built_fixture, "metrics/")
    assert metrics.find(id="adoption-figure") is not None
    card = read_page(built_fixture, "failure-modes/FM-0001/").select_one(".fmcat-observed")
    assert "1 incident, last 2026-03-11, 1 team" in card.get_text()
    assert card.find("svg") is not None
    playbook = read_page(built_fixture, "playbooks/MP-0013/").select_one(".fmcat-usage")
    assert playbook.get_text() == ("used in 1 incident, median time to mitigate 5.8 h over the "
                                   "whole log (n = 1)")


def test_the_site_publishes_the_api_and_drills(built_fixture: Path) -> None:
    document = json.loads((built_fixture / "api" / "catalog.json").read_text())
    assert document["schema_version"] == "1.2"
    assert {s["kind"] for s in document["taxonomy"]["signals"].values()} <= {"gauge", "counter"}
    ids = {r["id"] for r in document["failure_modes"]}
    assert ids == {"FM-0001", "FM-0002", "FM-0003"}  # withdrawn FM-0003 too, by status
    assert (built_fixture / "api" / "failure-modes" / "FM-0001.json").is_file()
    assert (built_fixture / "api" / "schema").is_dir()
    card = read_page(built_fixture, "failure-modes/FM-0001/").find("section", id="summary")
    drill = card.find("a", class_="fmcat-drill")["href"]
    assert drill == "../../drills/FM-0001.txt"
    text = (built_fixture / "drills" / "FM-0001.txt").read_text()
    assert text.startswith("# Game day: FM-0001")
    assert not (built_fixture / "drills" / "FM-0003.txt").exists()
    assert card.find("button", attrs={"data-fmcat-copy": "../../FM-0001/#detection"})


def test_a_retired_id_keeps_its_api_file_and_drill(built_fixture: Path) -> None:
    """After a merge (FM-0099 into FM-0002) the old ID's API file and drill
    resolve to the successor's, byte for byte, as its page URL redirects."""
    api = built_fixture / "api" / "failure-modes"
    assert (api / "FM-0099.json").read_bytes() == (api / "FM-0002.json").read_bytes()
    drills = built_fixture / "drills"
    assert (drills / "FM-0099.txt").read_bytes() == (drills / "FM-0002.txt").read_bytes()


def test_every_top_level_name_of_the_site_is_reserved_from_aliases(built_fixture: Path) -> None:
    """A page the build starts to generate is refused as an alias by
    `fmcat validate` too, or this test names it."""
    catalog = load_catalog(FIXTURE)
    own = {alias_key(alias).split("/")[0] for entry in catalog.entries.values()
           for alias in entry.record.aliases}  # an alias's own redirect
    free = [path.name for path in built_fixture.iterdir()
            if path.name not in {"index.html", *own} and not reserved_by(path.name, catalog.root)]
    assert free == []


@pytest.mark.slow
def test_record_pages_are_the_same_without_the_nav_cache(
        built_fixture: Path, catalog_dir: Path, tmp_path: Path) -> None:
    """The engine theme's partials/nav.html renders Material's nav once per folder
    for records; with Material's own nav partial in its place (a catalog's
    custom_dir comes first) every page must come out byte for byte the same."""
    plain = tmp_path / "plain"
    (plain / "partials").mkdir(parents=True)
    shutil.copy(Path(material_templates.__file__).parent / "partials" / "nav.html",
                plain / "partials" / "nav.html")
    config = catalog_dir / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  name: material\n", f"  name: material\n  custom_dir: {plain}\n", 1),
        encoding="utf-8")
    site = build_site(catalog_dir)
    pages = sorted(p.relative_to(built_fixture) for p in built_fixture.rglob("index.html"))
    assert len(pages) > 20
    differing = [str(p) for p in pages
                 if (site / p).read_bytes() != (built_fixture / p).read_bytes()]
    assert differing == []
    nav = read_page(site, "failure-modes/FM-0001/").select_one("nav.md-nav--primary")
    assert nav.find("a", href="../")  # the catalog, relative to a record's folder


@pytest.mark.slow
def test_sections_after_a_one_line_code_span_keep_their_anchors_and_tables(
        catalog_dir: Path) -> None:
    """A one-line ```span``` made the scanner see a fence to the end of the
    body: validation called the later sections missing, and the build put no
    fixed anchors or detectors table on them."""
    entry = catalog_dir / "entries" / "FM-0001-covariate-shift.md"
    text = entry.read_text(encoding="utf-8").replace(
        "## Latent conditions\n", "## Latent conditions\n\n```pip install x``` first.\n\n"
        "### Detection\n\nA subsection named like a section.\n", 1)
    entry.write_text(text, encoding="utf-8")
    assert not [f for f in load_checked(catalog_dir).findings if f.severity == "error"]
    page = read_page(build_site(catalog_dir, strict=True), "failure-modes/FM-0001/")
    for anchor in FIXED_ANCHORS:
        assert len(page.find_all(id=anchor)) == 1, anchor
    assert any("fmcat-detectors" in part for part in _section(page, "detection"))
    ids = [tag["id"] for tag in page.find_all(id=True)]
    assert sorted(ids) == sorted(set(ids))

"""What readers click, in a real headless Chromium, against the repo's own site.

The site is built once per session and served from a loopback HTTP server.
Locally the tests skip when Chromium is missing; in CI (`CI` set) they fail,
because `.ci/run` installs it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup

from fmcat.core.load import load_catalog
from fmcat.core.model import FailureMode
from fmcat.site.search import search_document
from tests.conftest import REPO

pytestmark = pytest.mark.browser




@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context()  # type: ignore[attr-defined]
    tab = context.new_page()
    tab.console_errors = []
    tab.on("console", lambda m: tab.console_errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: tab.console_errors.append(str(e)))
    yield tab
    context.close()


def _search(page: object, site_url: str, query: str) -> list[str]:
    page.goto(site_url)  # type: ignore[attr-defined]
    page.fill(".md-search__input", query)  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => /matching document/i.test(document.querySelector("
        "'[data-fmcat-search-meta]').textContent)", timeout=10_000)
    results = page.locator(".md-search-result__item > a")  # type: ignore[attr-defined]
    hrefs: list[str] = results.evaluate_all("els => els.map(e => e.getAttribute('href'))")
    return [urlsplit(h).path for h in hrefs]


@pytest.mark.parametrize("query", ["FM-0007", "fm-0007"])
def test_search_by_id_opens_the_entry_first(page: object, site_url: str, query: str) -> None:
    paths = _search(page, site_url, query)
    assert paths[0] == "/failure-modes/FM-0007/"
    page.locator(".md-search-result__item > a").first.click()  # type: ignore[attr-defined]
    page.wait_for_url("**/failure-modes/FM-0007/**")  # type: ignore[attr-defined]
    assert "FM-0007" in page.locator("h1").inner_text()  # type: ignore[attr-defined]


def _signal_used_once() -> tuple[str, str]:
    catalog = load_catalog(REPO)
    users: dict[str, set[str]] = {}
    for entry in catalog.failure_modes:
        assert isinstance(entry.record, FailureMode)
        for detector in entry.record.detectors:
            users.setdefault(detector.signal, set()).add(entry.id)
    signal = sorted(s for s, ids in users.items() if len(ids) == 1)[0]
    return signal, next(iter(users[signal]))


def test_search_by_signal_name_opens_the_entry_first(page: object, site_url: str) -> None:
    signal, entry_id = _signal_used_once()
    assert _search(page, site_url, signal)[0] == f"/failure-modes/{entry_id}/"


def test_search_by_tag_value_finds_entries_before_listings(page: object,
                                                           site_url: str) -> None:
    paths = _search(page, site_url, "forecasting")
    assert paths[0].startswith("/failure-modes/FM-")


@pytest.mark.parametrize(("query", "entry_id", "within"), [
    ("null_rate", "FM-0013", 1),     # Null-rate spike; FM-0026 also watches null_rate
    ("calibration", "FM-0010", 3),   # Miscalibration after retraining
    ("psi", "FM-0001", 1),           # Covariate shift: its first detector watches psi
    ("forecasting", "FM-0032", 1),   # Seasonality mistaken for drift in forecasting
])
def test_names_rank_first(page: object, site_url: str, query: str, entry_id: str,
                          within: int) -> None:
    paths = _search(page, site_url, query)
    assert f"/failure-modes/{entry_id}/" in paths[:within], paths


def test_a_result_reads_as_title_and_a_summary_sentence(page: object, site_url: str) -> None:
    record = load_catalog(REPO).entries["FM-0013"].record
    _search(page, site_url, "missing")
    result = page.locator(  # type: ignore[attr-defined]
        ".md-search-result__item > a[href$='/failure-modes/FM-0013/']")
    assert "Null-rate spike in a critical feature" in result.locator("h1").inner_text()
    excerpt = result.locator("p").inner_text()
    summary = " ".join(record.summary.split())
    assert excerpt.strip(" …") in summary, excerpt
    assert "data-quality" not in excerpt and "missing-data" not in excerpt
    assert result.locator("p mark").first.inner_text().lower() == "missing"


def test_an_incident_is_found_by_id_and_shown_where_it_leads(page: object,
                                                             site_url: str) -> None:
    incident = load_catalog(REPO).incidents["INC-2026-0012"].record
    paths = _search(page, site_url, "INC-2026-0012")
    assert paths[0] == f"/failure-modes/{incident.failure_modes[0]}/", paths
    page.locator(".md-search-result__item > a").first.click()  # type: ignore[attr-defined]
    page.wait_for_url("**#INC-2026-0012")  # type: ignore[attr-defined]
    shown = page.locator("[id='INC-2026-0012']")  # type: ignore[attr-defined]
    assert incident.title in shown.inner_text()
    assert shown.is_visible()


def test_catalog_filters_by_two_facets_and_the_url_reproduces_it(page: object,
                                                                 site_url: str) -> None:
    catalog = load_catalog(REPO)
    expected = sorted(
        e.id for e in catalog.failure_modes
        if isinstance(e.record, FailureMode) and e.record.severity == "high"
        and "tabular" in e.record.dimensions["data_domain"] and e.record.status != "withdrawn")
    assert 0 < len(expected) < len(catalog.failure_modes)
    page.goto(site_url + "failure-modes/")  # type: ignore[attr-defined]
    page.select_option("select[name=severity]", "high")  # type: ignore[attr-defined]
    page.select_option("select[name=data-domain]", "tabular")  # type: ignore[attr-defined]
    visible = "#fmcat-catalog tbody tr:not([hidden])"
    shown = page.locator(visible).evaluate_all(  # type: ignore[attr-defined]
        "rows => rows.map(r => r.dataset.id)")
    assert sorted(shown) == expected
    query = parse_qs(urlsplit(page.url).query)  # type: ignore[attr-defined]
    assert query == {"severity": ["high"], "data-domain": ["tabular"]}
    assert page.locator("[data-fmcat-count]").inner_text().startswith(  # type: ignore[attr-defined]
        f"{len(expected)} of ")
    again = page.context.new_page()  # type: ignore[attr-defined]
    again.goto(page.url)  # type: ignore[attr-defined]
    reproduced = again.locator(visible).evaluate_all("rows => rows.map(r => r.dataset.id)")
    assert sorted(reproduced) == expected
    assert again.locator("select[name=severity]").input_value() == "high"


def test_catalog_sorts_by_column(page: object, site_url: str) -> None:
    page.goto(site_url + "failure-modes/")  # type: ignore[attr-defined]
    page.click("th[data-fmcat-sort=observed]")  # type: ignore[attr-defined]
    page.click("th[data-fmcat-sort=observed]")  # type: ignore[attr-defined]
    counts = page.locator("#fmcat-catalog tbody tr td:nth-child(4)").evaluate_all(  # type: ignore[attr-defined]
        "cells => cells.map(c => Number(c.textContent))")
    assert counts == sorted(counts, reverse=True)
    assert "sort=-observed" in page.url  # type: ignore[attr-defined]


def test_catalog_without_javascript_shows_every_row(browser: object, site_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    tab = context.new_page()
    tab.goto(site_url + "failure-modes/?severity=low")
    rows = tab.locator("#fmcat-catalog tbody tr:not([hidden])").count()
    assert rows == len([e for e in load_catalog(REPO).failure_modes
                        if e.record.status != "withdrawn"])
    context.close()


def test_tag_chip_leads_to_its_value_page(page: object, site_url: str) -> None:
    page.goto(site_url + "failure-modes/FM-0032/")  # type: ignore[attr-defined]
    page.locator("a.fmcat-chip", has_text="Forecasting models").click()  # type: ignore[attr-defined]
    page.wait_for_url("**/browse/model-family/forecasting/")  # type: ignore[attr-defined]
    assert "Forecasting models" in page.locator("h1").inner_text()  # type: ignore[attr-defined]
    listed = page.locator(".fmcat-listing a").all_inner_texts()  # type: ignore[attr-defined]
    assert any(text.startswith("FM-0032:") for text in listed)


def test_matrix_links_open_entries(page: object, site_url: str) -> None:
    page.goto(site_url + "matrix/")  # type: ignore[attr-defined]
    link = page.locator(".fmcat-matrix td a").first  # type: ignore[attr-defined]
    target = link.inner_text().strip()
    link.click()
    page.wait_for_url(f"**/failure-modes/{target}/")  # type: ignore[attr-defined]
    assert target in page.locator("h1").inner_text()  # type: ignore[attr-defined]


def test_permalink_redirect_keeps_the_anchor(page: object, site_url: str) -> None:
    page.goto(site_url + "FM-0005/#detection")  # type: ignore[attr-defined]
    page.wait_for_url("**/failure-modes/FM-0005/#detection")  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", [
    "", "failure-modes/", "matrix/", "browse/", "browse/data-domain/",
    "browse/data-domain/tabular/", "failure-modes/FM-0001/", "playbooks/",
    "playbooks/MP-0004/", "case-studies/", "case-studies/CS-0001/", "contributing/",
    "about/", "FM-0001/",
])
def test_no_console_errors(page: object, site_url: str, path: str) -> None:
    response = page.goto(site_url + path)  # type: ignore[attr-defined]
    assert response is not None and response.ok
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    assert page.console_errors == []  # type: ignore[attr-defined]


def _luminance(rgb: str) -> float:
    parts = [float(x) for x in rgb[rgb.index("(") + 1: rgb.index(")")].split(",")[:3]]
    return sum(w * v / 255 for w, v in zip((0.2126, 0.7152, 0.0722), parts, strict=True))


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_trend_charts_are_readable_in_both_palettes(browser: object, site_url: str,
                                                    scheme: str, tmp_path: Path) -> None:
    context = browser.new_context(color_scheme=scheme,  # type: ignore[attr-defined]
                                  viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.goto(site_url + "trends/")
    colours = tab.evaluate("""() => {
        const text = document.querySelector('#occurrences-figure svg text');
        const bar = document.querySelector('#occurrences-figure svg rect.fmcat-chart__series');
        return {
          text: getComputedStyle(text).fill,
          bar: getComputedStyle(bar).fill,
          background: getComputedStyle(document.body).backgroundColor,
          scheme: document.body.getAttribute('data-md-color-scheme'),
        };
    }""")
    assert colours["scheme"] == ("slate" if scheme == "dark" else "default")
    contrast = abs(_luminance(colours["text"]) - _luminance(colours["background"]))
    assert contrast > 0.5, colours
    assert _luminance(colours["bar"]) != _luminance(colours["background"])
    tab.screenshot(path=str(tmp_path / f"trends-{scheme}.png"), full_page=False)
    context.close()


def test_withdrawn_entries_are_not_found(browser: object, catalog_site_url: str) -> None:
    tab = browser.new_page()  # type: ignore[attr-defined]
    assert _search(tab, catalog_site_url, "FM-0002")[0] == "/failure-modes/FM-0002/"
    # "duplicate" is in FM-0003's title; it is withdrawn, so it is not found.
    paths = _search(tab, catalog_site_url, "duplicate")
    assert "/failure-modes/FM-0003/" not in paths
    assert "/failure-modes/FM-0003/" not in _search(tab, catalog_site_url, "FM-0003")
    tab.close()


def test_first_search_fetches_little(page: object, site_url: str) -> None:
    sizes: list[int] = []
    page.on("response", lambda r: sizes.append(len(r.body()))  # type: ignore[attr-defined]
            if "/pagefind/" in r.url else None)
    _search(page, site_url, "calibration")
    assert 0 < sum(sizes) < 2_000_000


def _indexed_text(site: Path, path: str, *, without: str = "") -> str:
    """The lower-cased text of a page's search stand-in (what Pagefind reads)."""
    document = search_document((site / path / "index.html").read_text(encoding="utf-8"))
    assert document is not None, path
    soup = BeautifulSoup(document, "html.parser")
    for element in soup.select(without) if without else []:
        element.decompose()
    return soup.get_text(" ").lower()


def _stem(word: str) -> str:
    """A prefix Pagefind's stemmed word would share with any form of `word`."""
    return word.lower()[:5]


def test_the_cards_dimension_labels_do_not_make_every_entry_match(
        page: object, site_url: str, built_repo: Path) -> None:
    """"Customer segment: …" is on every card; its words say nothing about the entry."""
    card = BeautifulSoup((built_repo / "failure-modes" / "FM-0001" / "index.html")
                         .read_text(encoding="utf-8"), "html.parser")
    labels = [w for dt in card.select(".fmcat-card__chips dt")
              for w in re.findall(r"[a-z]{6,}", dt.get_text().lower())]
    texts = [_indexed_text(built_repo, f"failure-modes/{entry.id}",
                           without=".fmcat-card__chips dt")
             for entry in load_catalog(REPO).failure_modes if entry.record.is_listed]
    unused = [w for w in labels if not any(_stem(w) in text for text in texts)]
    assert unused, labels
    paths = _search(page, site_url, unused[0])
    assert not [p for p in paths if p.startswith("/failure-modes/")], (unused[0], paths)

"""What an on-call engineer sees when an alert's link opens a failure mode,
and the evidence every record page links out to: the repository's own site."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from fmcat.core.catalog import Entry
from fmcat.core.load import load_catalog
from fmcat.core.model import FailureMode, Playbook
from tests.conftest import REPO, read_page

VIEWPORT = {"width": 1280, "height": 800}


def _entries() -> list[Entry]:
    return sorted(load_catalog(REPO).entries.values(), key=lambda e: e.id)


def _failure_modes() -> list[FailureMode]:
    return [e.record for e in _entries() if isinstance(e.record, FailureMode)]



# Bounding boxes of the first element matching each selector, or null.
_BOXES = """selectors => selectors.map(s => {
  const el = document.querySelector(s);
  if (!el) return null;
  const r = el.getBoundingClientRect();
  return [r.top, r.bottom];
})"""


@pytest.mark.browser
def test_alert_links_land_on_the_threshold_action_owner_and_fallback(
        browser: object, site_url: str) -> None:
    """From `/FM-nnnn/#detection` (the permalink in every alert rule) the first
    detector's threshold and action, and from `#mitigation` the first
    playbook's owner and fallback, are inside a 1280 x 800 window unscrolled."""
    context = browser.new_context(viewport=VIEWPORT)  # type: ignore[attr-defined]
    page = context.new_page()
    checks = {
        "detection": (".fmcat-detector__threshold", ".fmcat-detector__action"),
        "mitigation": (".fmcat-play__owner > dd", ".fmcat-play__fallback > dd"),
    }
    failures = []
    checked = 0
    try:
        for record in _failure_modes():
            for anchor, selectors in checks.items():
                if not (record.detectors if anchor == "detection" else record.mitigations):
                    continue
                page.goto(f"{site_url}{record.id}/#{anchor}")
                page.wait_for_url(f"**/failure-modes/{record.id}/#{anchor}")
                page.wait_for_load_state("load")
                boxes = page.evaluate(_BOXES, [f"#{anchor} ~ * {s}" for s in selectors])
                checked += 1
                for selector, box in zip(selectors, boxes, strict=True):
                    # An element that is not laid out has an empty box at 0: not seen.
                    if box is None or not (0 <= box[0] < box[1] <= VIEWPORT["height"]):
                        failures.append(f"{record.id}#{anchor} {selector}: {box}")
    finally:
        context.close()
    assert checked >= 2 * 30  # every failure mode of the repository, both anchors
    assert failures == []


@pytest.mark.slow
def test_detection_and_mitigation_open_with_what_to_do_before_the_prose(
        built_repo: Path) -> None:
    for record in _failure_modes():
        soup = read_page(built_repo, f"failure-modes/{record.id}/")
        for anchor, css_class in (("detection", "fmcat-detectors"),
                                  ("mitigation", "fmcat-mitigations")):
            heading = soup.find(id=anchor)
            assert isinstance(heading, Tag)
            first = heading.find_next_sibling()
            assert isinstance(first, Tag)
            assert css_class in first.get("class", []), f"{record.id}#{anchor}: {first.name}"
        plays = soup.select(".fmcat-play")
        assert len(plays) == len(record.mitigations)
        for play in plays:
            assert play.select_one(".fmcat-play__owner dd code")
            assert play.select_one(".fmcat-play__fallback dd").get_text(strip=True)
            assert play.select_one(".fmcat-play__escalation dd").get_text(strip=True)
            assert play.select(".fmcat-play__steps li")
        cells = soup.select(".fmcat-detector__threshold small")
        assert [c.get_text() for c in cells] and all(
            c.get_text().startswith(("average over ", "increase over ")) for c in cells)


def _evidence_section(soup: BeautifulSoup) -> list[Tag]:
    heading = soup.find(id="evidence")
    assert isinstance(heading, Tag) and heading.name == "h2"
    section = []
    for sibling in heading.find_next_siblings():
        if sibling.name == "h2":
            break
        section.append(sibling)
    return section


@pytest.mark.slow
def test_every_record_page_shows_its_evidence_as_links_out(built_repo: Path) -> None:
    for entry in _entries():
        record = entry.record
        soup = read_page(built_repo, entry.kind.url(record.id))
        assert len(soup.select("#evidence")) == 1, record.id
        links = {a["href"]: a for part in _evidence_section(soup) for a in part.select("a")}
        expected = [*(r.url for r in record.references),
                    *(a.url for a in getattr(record, "artifacts", [])),
                    *(c.url for c in getattr(record, "controls", []))]
        for url in expected:
            assert url in links, f"{record.id}: {url}"
            assert set(links[url]["rel"]) == {"noopener", "noreferrer"}
        if isinstance(record, FailureMode):
            types = {t.get_text() for t in soup.select(".fmcat-evidence__type")}
            assert types == {a.type for a in record.artifacts}
        if isinstance(record, Playbook):
            assert soup.find(id="controls") in _evidence_section(soup)
        card = soup.select_one("#summary .fmcat-evidence-count")
        if expected:
            assert card is not None and card["href"] == "#evidence", record.id
        else:
            assert card is None

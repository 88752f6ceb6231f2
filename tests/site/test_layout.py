"""Layout in a real Chromium: no page scrolls sideways at a phone's or a laptop's
width, the matrix fits, and signal names wrap only at their underscores.

Every page type of the repository build and of the benchmark's synthetic
catalog is opened at 390 and 1280 px wide; the withdrawn entry comes from the
fixture catalog, the only one that has one.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTHS = (390, 1280)

# The Assess page with its worksheet drawn, before/after columns included.
ASSESS_PROFILE = ("assess/?data_domain=tabular&model_family=tree-ensembles&monitors=psi"
                  "&playbooks=MP-0005&after_monitors=calibration_error&after_playbooks=MP-0014")

REPO_PAGES = (
    "", "failure-modes/", "matrix/", "browse/", "browse/data-domain/tabular/",
    "playbooks/", "case-studies/", "trends/", "metrics/", "whats-new/", "review/",
    "quality/", "stewards/", "contributing/", "failure-modes/FM-0007/",
    "playbooks/MP-0004/", "case-studies/CS-0001/", "no-such-page/", ASSESS_PROFILE,
)
WITHDRAWN = "failure-modes/FM-0003/"

# The same page types on the benchmark's synthetic catalog (conftest's
# `built_synthetic`): hundreds of rows, full matrix cells, long backlink and
# steward lists, "(variant N)" titles. FM-0300 is a variant; MP-0001 and the
# browse value pages list dozens of records.
SYNTHETIC_PAGES = (
    "", "failure-modes/", "matrix/", "browse/", "browse/data-domain/",
    "browse/data-domain/tabular/", "playbooks/", "case-studies/", "trends/", "metrics/",
    "whats-new/", "review/", "quality/", "stewards/", "failure-modes/FM-0300/",
    "playbooks/MP-0001/", "case-studies/CS-0001/", "no-such-page/", ASSESS_PROFILE,
)

# The second fixture catalog (another taxonomy, conftest's `built_second`):
# its own dimensions, five severity colours, "Unknown" facts, scheme pages.
SECOND_PAGES = (
    "", "failure-modes/", "matrix/", "browse/", "browse/attack-surface/public-api/",
    "playbooks/", "case-studies/", "trends/", "external/", "external/atlas/",
    "failure-modes/FM-0001/", "failure-modes/FM-0002/", "playbooks/MP-0002/",
    "case-studies/CS-0001/",
)

# Content wider than the window but clipped, not scrolled, is as unreadable as a
# page that scrolls sideways: every element must end inside the window unless
# an ancestor scrolls it (a table's own scroll container).
OVERFLOW = """() => {
  const width = window.innerWidth;
  const scrolls = (e) => {
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      const x = getComputedStyle(a).overflowX;
      if (x === 'auto' || x === 'scroll') return true;
    }
    return false;
  };
  const clipped = [...document.querySelectorAll('.md-content *')]
    .filter((e) => e.getBoundingClientRect().right > width + 1 && !scrolls(e)
                   && getComputedStyle(e).visibility !== 'hidden'
                   && !e.closest('.md-sidebar, [hidden]'))
    .map((e) => e.tagName + '.' + e.className).slice(0, 5);
  return {page: document.documentElement.scrollWidth, width, clipped};
}"""




@pytest.fixture(scope="module", params=WIDTHS, ids=lambda w: f"{w}px")
def tab(request: pytest.FixtureRequest, browser: object) -> Iterator[object]:
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": request.param, "height": 900})
    yield context.new_page()
    context.close()


def _open(tab: object, url: str) -> dict[str, object]:
    response = tab.goto(url)  # type: ignore[attr-defined]
    assert response is not None
    tab.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    measured: dict[str, object] = tab.evaluate(OVERFLOW)  # type: ignore[attr-defined]
    return measured


@pytest.mark.parametrize("path", REPO_PAGES, ids=lambda p: p or "home")
def test_no_page_scrolls_sideways(tab: object, site_url: str, path: str) -> None:
    measured = _open(tab, site_url + path)
    assert measured["page"] <= measured["width"], measured  # type: ignore[operator]
    assert measured["clipped"] == [], measured


def test_withdrawn_entry_does_not_scroll_sideways(tab: object, catalog_site_url: str) -> None:
    measured = _open(tab, catalog_site_url + WITHDRAWN)
    assert measured["page"] <= measured["width"], measured  # type: ignore[operator]
    assert measured["clipped"] == [], measured


@pytest.mark.parametrize("path", SYNTHETIC_PAGES, ids=lambda p: p or "home")
def test_synthetic_catalog_does_not_scroll_sideways(tab: object, synthetic_site_url: str,
                                                   path: str) -> None:
    measured = _open(tab, synthetic_site_url + path)
    assert measured["page"] <= measured["width"], measured  # type: ignore[operator]
    assert measured["clipped"] == [], measured


@pytest.mark.parametrize("path", SECOND_PAGES, ids=lambda p: p or "home")
def test_second_catalog_does_not_scroll_sideways(tab: object, second_site_url: str,
                                                path: str) -> None:
    measured = _open(tab, second_site_url + path)
    assert measured["page"] <= measured["width"], measured  # type: ignore[operator]
    assert measured["clipped"] == [], measured


@pytest.mark.parametrize("catalog", ["repo", "synthetic"])
def test_matrix_fits_without_scrolling_its_own_box(tab: object, site_url: str,
                                                   synthetic_site_url: str, catalog: str) -> None:
    """At 1280 px the whole grid is visible; on a phone it reflows into cards."""
    _open(tab, (site_url if catalog == "repo" else synthetic_site_url) + "matrix/")
    box = tab.evaluate(  # type: ignore[attr-defined]
        """() => {
      const wrap = document.querySelector('.fmcat-matrix-wrap');
      const cells = [...document.querySelectorAll('.fmcat-matrix td[data-count]')];
      return {scroll: wrap.scrollWidth, client: wrap.clientWidth,
              links: document.querySelectorAll('.fmcat-matrix td a').length,
              visible: cells.filter((c) => c.getBoundingClientRect().width > 0
                                           && c.dataset.count !== '0').length,
              filled: cells.filter((c) => c.dataset.count !== '0').length};
    }""")
    assert box["scroll"] <= box["client"], box
    assert box["links"] > 0 and box["visible"] == box["filled"], box


def test_matrix_has_stage_totals(site_url: str, tab: object) -> None:
    _open(tab, site_url + "matrix/")
    totals = tab.locator(  # type: ignore[attr-defined]
        ".fmcat-matrix tfoot td").all_inner_texts()
    stages = tab.locator(".fmcat-matrix thead th").count()  # type: ignore[attr-defined]
    assert len(totals) == stages - 1 and all(t.strip().isdigit() for t in totals)


# Where each signal name's text breaks between lines: the characters after
# which the next character starts lower down.
LINE_BREAKS = """() => [...document.querySelectorAll('.fmcat-signal')].map((code) => {
  const style = getComputedStyle(code);
  const chars = [];
  const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.length; i++) {
      const range = document.createRange();
      range.setStart(node, i); range.setEnd(node, i + 1);
      chars.push([node.data[i], range.getBoundingClientRect().top]);
    }
  }
  const breaksAfter = [];
  for (let i = 1; i < chars.length; i++) {
    if (chars[i][1] > chars[i - 1][1] + 1) breaksAfter.push(chars[i - 1][0]);
  }
  return {text: code.textContent, wbr: code.querySelectorAll('wbr').length,
          overflowWrap: style.overflowWrap, wordBreak: style.wordBreak, breaksAfter};
})"""


@pytest.mark.parametrize("path", ["failure-modes/FM-0007/", "failure-modes/FM-0013/"])
def test_signal_names_wrap_only_at_underscores(tab: object, site_url: str, path: str) -> None:
    _open(tab, site_url + path)
    signals = tab.evaluate(LINE_BREAKS)  # type: ignore[attr-defined]
    assert signals, "no signal names on the page"
    for signal in signals:
        assert signal["wbr"] == signal["text"].count("_"), signal
        assert signal["overflowWrap"] not in ("anywhere", "break-word"), signal
        assert signal["wordBreak"] not in ("break-all", "break-word"), signal
        assert set(signal["breaksAfter"]) <= {"_"}, signal

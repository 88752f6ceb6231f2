"""The Assess page in Chromium: profile → worksheet, URL round trip, CSV download,
and the same ranking as `fmcat assess` on the repository's catalog."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from fmcat.cli.main import main
from tests.conftest import REPO

pytestmark = [pytest.mark.slow, pytest.mark.browser]

QUERY = ("?name=churn&data_domain=tabular&model_family=tree-ensembles&environment=batch"
         "&monitors=psi,null_rate")
PROFILE = ("name: churn\ndata_domain: [tabular]\nmodel_family: [tree-ensembles]\n"
           "environment: [batch]\nmonitors: [psi, null_rate]\n")


def _cli_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> list[tuple[str, str]]:
    path = tmp_path / "project.yml"
    path.write_text(PROFILE, encoding="utf-8")
    main(["assess", str(path), "--format", "json", "--root", str(REPO)])
    data = json.loads(capsys.readouterr().out)
    return [(row["id"], row["action_priority"]) for row in data["rows"]]


def _page_rows(page: Any) -> list[tuple[str, str]]:
    return [(row.get_attribute("data-fmcat-assess-row"), row.get_attribute("data-fmcat-ap"))
            for row in page.locator("[data-fmcat-assess-row]").all()]


def test_the_page_ranks_the_catalog_as_the_cli(browser: Any, site_url: str, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    expected = _cli_rows(tmp_path, capsys)
    assert expected and {ap for _, ap in expected} >= {"H", "M"}
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{site_url}assess/{QUERY}")
    page.wait_for_selector("[data-fmcat-assess-row]")
    assert _page_rows(page) == expected
    assert page.locator("input[name=model_family][value=tree-ensembles]").is_checked()

    # The CSV download holds the same rows in the same order.
    with page.expect_download() as info:
        page.click("[data-fmcat-assess-download=csv]")
    text = Path(info.value.path()).read_text(encoding="utf-8")
    table = list(csv.DictReader(io.StringIO(text)))
    assert [(r["id"], r["action_priority"]) for r in table] == expected

    # Ticking a signal re-rates, and the address keeps the profile.
    page.click(".fmcat-assess-group--wide summary")
    page.check("input[name=monitors][value=calibration_error]")
    assert "calibration_error" in page.evaluate("location.search")
    ticked = _page_rows(page)
    page.reload()
    page.wait_for_selector("[data-fmcat-assess-row]")
    assert page.locator("input[name=monitors][value=calibration_error]").is_checked()
    assert _page_rows(page) == ticked
    assert not errors
    context.close()


def test_the_page_publishes_the_rating_table(browser: Any, site_url: str) -> None:
    from fmcat.analysis.assess import AP_TABLE, DETECTIONS  # noqa: PLC0415

    page = browser.new_page()
    page.goto(f"{site_url}assess/")
    cells = page.locator(".fmcat-ap-table tbody tr").all()
    assert len(cells) == 16
    for row in cells:
        s, o = (int(x.inner_text()[1:]) for x in row.locator("th").all())
        found = [td.inner_text().strip() for td in row.locator("td").all()]
        assert found == [AP_TABLE[s, o, d] for d in DETECTIONS]
    page.close()

"""Governance: review arithmetic, revisit prompts, sampling, CODEOWNERS, lifecycle, feeds."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from fmcat.analysis.codeowners import check_codeowners
from fmcat.analysis.governance import (
    by_steward,
    changes,
    review_queue,
    review_weight,
    sample_for_review,
)
from fmcat.cli.main import main
from fmcat.core.findings import has_errors
from fmcat.core.load import load_catalog
from tests.conftest import FIXTURE, REPO, build_site, read_page, site_config_text

ATOM = "{http://www.w3.org/2005/Atom}"
FM1 = "entries/FM-0001-covariate-shift.md"
FM2 = "entries/FM-0002-prior-shift.md"


def _edit(root: Path, path: str, old: str, new: str) -> None:
    file = root / path
    text = file.read_text()
    assert old in text
    file.write_text(text.replace(old, new, 1))


# FM-0001: last_reviewed 2026-10-12, default 180 days -> due 2027-04-10.
@pytest.mark.parametrize(("today", "state"), [
    (date(2027, 2, 1), None),            # 68 days before: not listed
    (date(2027, 3, 11), "due-soon"),     # exactly 30 days before
    (date(2027, 4, 10), "due-soon"),     # due today
    (date(2027, 4, 11), "overdue"),      # one day late
])
def test_review_due_dates(today: date, state: str | None) -> None:
    items = {i.id: i for i in review_queue(load_catalog(FIXTURE, today=today), today)}
    if state is None:
        assert "FM-0001" not in items
    else:
        assert items["FM-0001"].state == state
        assert items["FM-0001"].due == date(2027, 4, 10)


def test_per_entry_interval_overrides_the_default(root: Path) -> None:
    _edit(root, FM1, "last_reviewed: 2026-10-12", "last_reviewed: 2026-10-12\nreview_every: 30")
    today = date(2026, 11, 12)
    item = next(i for i in review_queue(load_catalog(root, today=today), today)
                if i.id == "FM-0001")
    assert (item.state, item.due) == ("overdue", date(2026, 11, 11))
    assert item.reasons[0] == "review was due on 2026-11-11 (1 days ago)"


def test_queue_is_grouped_by_steward_oldest_first() -> None:
    today = date(2027, 6, 1)
    items = review_queue(load_catalog(FIXTURE, today=today), today)
    grouped = by_steward(items)
    assert list(grouped) == ["@fmcat/model-quality", "@fmcat/sre"]
    dues = [i.due for i in grouped["@fmcat/model-quality"]]
    assert dues == sorted(dues)
    # Withdrawn FM-0003 is never queued.
    assert "FM-0003" not in {i.id for i in items}


def test_revisit_when_the_failure_mode_recurs_and_mitigation_overruns(root: Path) -> None:
    # An incident after the last review (2026-10-12) that took 5 h against MP-0009's 1 h.
    (root / "incidents" / "2026" / "INC-2026-0003.yml").write_text(
        "id: INC-2026-0003\ntitle: Shift again after a campaign\n"
        "detected: 2026-11-01T10:00:00Z\nmitigated: 2026-11-01T15:00:00Z\n"
        "failure_modes: [FM-0001]\nplaybooks_used: [MP-0009]\nseverity: high\n"
        "team: credit-risk\nproject: card-approval\nmodel_family: tree-ensembles\n"
        "environment: realtime\ndata_change: {preceded: false}\n")
    today = date(2026, 11, 25)
    catalog = load_catalog(root, today=today)
    assert not has_errors(catalog.findings)
    item = next(i for i in review_queue(catalog, today) if i.id == "FM-0001")
    assert item.state == "revisit"
    assert item.reasons == (
        "recurred 1 time(s) since the last review (latest INC-2026-0003 on 2026-11-01)",
        "INC-2026-0003 took 5.0 h to mitigate, more than the 1.0 h its playbooks target",
    )


def test_drafts_are_queued_and_withdrawn_are_not(root: Path) -> None:
    _edit(root, FM2, "status: active", "status: draft")
    today = date(2027, 6, 1)
    ids = {i.id for i in review_queue(load_catalog(root, today=today), today)}
    assert "FM-0002" in ids and "FM-0003" not in ids


def test_review_weight_prefers_old_and_incomplete() -> None:
    assert review_weight(0, 1.0) == 1.0
    assert review_weight(30, 1.0) == 2.0
    assert review_weight(0, 0.0) == 2.0
    assert review_weight(90, 0.5) == 6.0


def test_sampling_is_reproducible_and_weighted(root: Path) -> None:
    _edit(root, FM2, "last_reviewed: 2026-09-01", "last_reviewed: 2025-01-01")
    today = date(2026, 11, 25)
    catalog = load_catalog(root, today=today)
    first = sample_for_review(catalog, 3, seed=42, today=today)
    assert first == sample_for_review(catalog, 3, seed=42, today=today)
    assert len({s.id for s in first}) == 3
    picks = Counter(sample_for_review(catalog, 1, seed=seed, today=today)[0].id
                    for seed in range(400))
    # FM-0002 was reviewed 23 months ago; the playbooks 13 months ago, FM-0001 6 weeks ago.
    assert picks["FM-0002"] > picks["FM-0001"] * 2
    assert picks.most_common(1)[0][0] == "FM-0002"


def test_review_cli(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", "due", "--root", str(root), "--today", "2027-04-11",
                 "--steward", "@fmcat/model-quality"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("@fmcat/model-quality (")
    assert "FM-0001  overdue   due 2027-04-10" in out
    assert main(["review", "sample", "--root", str(root), "--n", "2", "--seed", "1"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    assert main(["review", "due", "--root", str(root), "--today", "tomorrow"]) == 2
    assert main(["review", "due", "--root", str(root), "--steward", "@nobody"]) == 2


def test_codeowners_written_checked_and_stale(root: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["codeowners", "--check", "--root", str(root)]) == 1  # missing file
    assert main(["codeowners", "--root", str(root)]) == 0
    text = (root / "CODEOWNERS").read_text()
    assert f"/{FM1} @fmcat/model-quality\n" in text
    assert "/playbooks/MP-0009-circuit-breaker-with-fallback.md @fmcat/sre\n" in text
    assert main(["codeowners", "--check", "--root", str(root)]) == 0
    _edit(root, FM1, 'stewards: ["@fmcat/model-quality"]',
          'stewards: ["@fmcat/model-quality", "@fmcat/sre"]')
    capsys.readouterr()
    assert main(["codeowners", "--check", "--root", str(root)]) == 1
    assert f"missing: /{FM1} @fmcat/model-quality @fmcat/sre" in capsys.readouterr().out
    assert check_codeowners(root, load_catalog(root)) != []


def test_repo_codeowners_is_current() -> None:
    assert check_codeowners(REPO, load_catalog(REPO)) == []


def test_changes_one_per_amendment_newest_first() -> None:
    found = changes(load_catalog(FIXTURE))
    assert len(found) == 9
    assert [c.date for c in found] == sorted((c.date for c in found), reverse=True)
    fm1 = [c for c in found if c.id == "FM-0001"]
    assert [(c.added, c.note) for c in fm1] == [
        (False, "Added the prediction-mean detector."), (True, "First version.")]


def test_feeds_parse_and_carry_every_amendment(built_fixture: Path) -> None:
    tree = ET.parse(built_fixture / "feed.xml")
    feed = tree.getroot()
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{required}") is not None
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 9
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == len(ids)
    for entry in entries:
        assert entry.findtext(f"{ATOM}updated", "").endswith("T00:00:00Z")
        assert entry.find(f"{ATOM}link").get("href", "").endswith("#history")
    assert feed.findtext(f"{ATOM}updated") == "2026-10-12T00:00:00Z"
    document = json.loads((built_fixture / "feed.json").read_text())
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert [item["id"] for item in document["items"]] == ids


def test_governance_pages_are_built(built_fixture: Path) -> None:
    stewards = read_page(built_fixture, "stewards/").select_one("article")
    assert "@fmcat/sre" in stewards.get_text()
    owned = [a["href"] for a in stewards.select("ul.fmcat-owned a")]
    assert "../playbooks/MP-0009/" in owned
    assert "../failure-modes/FM-0003/" not in owned  # withdrawn
    quality = read_page(built_fixture, "quality/").select_one("article")
    assert "Median completeness: 100%" in quality.get_text()
    news = read_page(built_fixture, "whats-new/").select("table.fmcat-changes tbody tr")
    assert len(news) == 9
    review = read_page(built_fixture, "review/").select_one("article")
    assert "Nothing is due" in review.get_text()


@pytest.mark.slow
def test_draft_and_deprecated_pages_show_their_status(root: Path) -> None:
    _edit(root, FM2, "status: active", "status: draft")
    _edit(root, FM1, "status: active",
          "status: deprecated\nstatus_reason: Split into narrower entries.\n"
          "superseded_by: FM-0002")
    (root / "mkdocs.yml").write_text(site_config_text())
    site = build_site(root)
    draft = read_page(site, "failure-modes/FM-0002/").select_one(".fmcat-status-banner")
    assert "draft" in draft.get_text()
    deprecated = read_page(site, "failure-modes/FM-0001/").select_one(".fmcat-status-banner")
    assert "Split into narrower entries." in deprecated.get_text()
    assert deprecated.find("a")["href"] == "../FM-0002/"
    rows = [r["data-id"] for r in read_page(site, "failure-modes/").select(
        "table.fmcat-catalog tbody tr")]
    assert rows == ["FM-0001", "FM-0002"]  # deprecated and draft stay listed


@pytest.mark.slow
def test_edit_links_open_the_source_file(catalog_dir: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FMCAT_REPO_URL", "https://git.example.com/org/catalog")
    monkeypatch.setenv("FMCAT_EDIT_URI", "edit/main/docs/")
    site = build_site(catalog_dir)
    edit = read_page(site, "failure-modes/FM-0001/").find("a", title="Edit this page")
    assert edit["href"] == ("https://git.example.com/org/catalog/edit/main/entries/"
                            "FM-0001-covariate-shift.md")
    home = read_page(site, "").find("a", title="Edit this page")
    assert home["href"] == "https://git.example.com/org/catalog/edit/main/docs/index.md"


def test_history_shows_last_changed(built_fixture: Path) -> None:
    history = read_page(built_fixture, "failure-modes/FM-0001/").find(id="history")
    text = history.find_next("p").get_text()
    assert text == ("Created 2025-02-03; last changed 2026-10-12; "
                    "last reviewed 2026-10-12.")

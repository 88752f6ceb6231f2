"""Governance page views: review queue, quality report, stewards, what's new."""

from __future__ import annotations

from datetime import date

from fmcat.analysis.governance import Change, StewardView
from fmcat.site import governance_pages as gov
from tests.site.catalogs import TODAY, fixture_catalog


def test_steward_anchor_is_one_rule_for_every_page() -> None:
    assert gov.steward_anchor("@fmcat/model-quality") == "fmcat-model-quality"


def test_review_groups_are_by_steward_with_dates_and_classes_as_text() -> None:
    groups = gov.review_groups(fixture_catalog(), date(2030, 1, 1))
    group = next(g for g in groups if g.steward == "@fmcat/model-quality")
    assert group.anchor == "fmcat-model-quality"
    row = next(r for r in group.rows if r.id == "FM-0001")
    assert (row.state, row.state_class) == ("overdue", "fmcat-state fmcat-state--overdue")
    assert (row.last_reviewed, row.due) == ("2026-10-12", "2027-04-10")
    assert "FM-0003" not in {r.id for g in groups for r in g.rows}  # withdrawn


def test_review_page_is_empty_when_nothing_is_due() -> None:
    early = date(2026, 10, 13)
    assert gov.review_groups(fixture_catalog(), early) == []
    assert "Nothing is due" in gov.review_page(fixture_catalog(), early)


def test_quality_rows_cover_current_records_and_fill_buckets() -> None:
    rows = gov.quality_rows(fixture_catalog())
    assert {r.id for r in rows} == {"CS-0001", "FM-0001", "FM-0002", "MP-0009", "MP-0011",
                                    "MP-0013"}
    low = [gov.QualityRow("X", "x", "u", score, "") for score in (100, 95, 60, 10, 50)]
    assert gov.bucket_counts(low) == [("100%", 1), ("90–99%", 1), ("75–89%", 0),
                                      ("50–74%", 2), ("below 50%", 1)]


def test_steward_section_counts_and_links_what_a_steward_owns() -> None:
    one = gov.steward_section(StewardView("@a/b", "A B", "", (("FM-0001", "T", "u/"),)))
    assert (one.anchor, one.owns) == ("a-b", "Owns 1 record.")
    assert one.records[0].label == "FM-0001: T"
    none = gov.steward_section(StewardView("@a/c", "A C", "d"))
    assert none.owns == "Owns 0 records."


def test_change_row_links_to_the_history_section() -> None:
    row = gov.change_row(Change(TODAY, "FM-0001", "T", "failure-modes/FM-0001/", "n", True, 0))
    assert row.link.url == "failure-modes/FM-0001/#history"
    assert (row.date, row.added) == (TODAY.isoformat(), True)


def test_stewards_and_whats_new_pages() -> None:
    stewards = gov.stewards_page(fixture_catalog())
    assert "## Model quality {#fmcat-model-quality}" in stewards
    news = gov.whats_new_page(fixture_catalog())
    assert '<a href="../feed.xml">Atom feed</a> · <a href="../feed.json">JSON feed</a>.' in news

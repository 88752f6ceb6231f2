"""The site plan: which pages exist, what the build adds, nav keys, redirects."""

from __future__ import annotations

from fmcat.site import plan
from fmcat.site.charts import chart_css
from fmcat.site.render import Slots
from tests.site.catalogs import fixture_catalog


def test_plan_adds_every_record_listing_governance_page_and_feed() -> None:
    site = plan.plan_site(fixture_catalog())
    uris = {f.src_uri for f in site.files}
    for record_id, folder in (("FM-0001", "failure-modes"), ("FM-0003", "failure-modes"),
                              ("MP-0009", "playbooks"), ("CS-0001", "case-studies")):
        assert f"{folder}/{record_id}.md" in site.record_pages
    assert {"failure-modes/index.md", "matrix/index.md", "browse/index.md",
            "playbooks/index.md", "case-studies/index.md", "review/index.md",
            "quality/index.md", "stewards/index.md", "whats-new/index.md", "trends/index.md",
            "metrics/index.md", "feed.xml", "feed.json"} <= uris
    assert site.record_pages.keys() <= uris
    css = next(f for f in site.files if f.src_uri == "assets/fmcat-charts.css")
    assert css.content == chart_css()


def test_generated_pages_are_not_indexed_and_records_follow_their_view() -> None:
    site = plan.plan_site(fixture_catalog())
    assert site.indexed("index.md")  # hand-written
    assert not site.indexed("matrix/index.md")
    assert site.indexed("failure-modes/FM-0001.md")
    assert not site.indexed("failure-modes/FM-0003.md")  # withdrawn
    view = site.view_for("failure-modes/FM-0001.md")
    assert view is not None and view.id == "FM-0001"
    assert site.view_for("matrix/index.md") is None


def test_nav_key_depends_on_the_folder_of_record_pages_only() -> None:
    site = plan.plan_site(fixture_catalog())
    assert site.nav_key("failure-modes/FM-0001.md", "failure-modes/FM-0001/") == \
        "failure-modes"
    assert site.nav_key("matrix/index.md", "matrix/") == ""


def test_take_files_hands_them_over_once() -> None:
    site = plan.plan_site(fixture_catalog())
    assert site.take_files()
    assert site.take_files() == []


def test_finish_holds_generated_html_out_of_markdown_pages() -> None:
    site = plan.SitePlan(None, None, None, [  # type: ignore[arg-type]
        plan.GeneratedFile("a/index.md", "text\n\n<table>\n<tr></tr>\n</table>\n"),
        plan.GeneratedFile("feed.xml", "<feed/>")]).finish()
    held = site.files[0].content
    assert "<table>" not in held and "fmcatslot" in held
    assert site.files[1].content == "<feed/>"
    assert site.finish_html("a/index.md", f"<p>{held.split()[-1]}</p>") == \
        "<table>\n<tr></tr>\n</table>"
    assert site.finish_html("b/index.md", "<p>x</p>") == "<p>x</p>"
    assert isinstance(site.slots["a/index.md"], Slots)


def test_redirects_cover_ids_lower_case_and_aliases() -> None:
    targets = plan.redirect_targets(fixture_catalog())
    assert targets["FM-0001/"] == targets["fm-0001/"] == "failure-modes/FM-0001/"
    assert targets["FM-0099/"] == "failure-modes/FM-0002/"  # a retired ID
    assert targets["failure-modes/FM-0099/"] == "failure-modes/FM-0002/"
    assert targets["old/prior-shift/"] == "failure-modes/FM-0002/"  # a path alias


def test_record_views_are_made_when_their_page_is_written() -> None:
    """One view at a time, not one per record for the whole build: the theme
    asks twice per page (the card, and whether search indexes it)."""
    site = plan.plan_site(fixture_catalog())
    first = site.view_for("failure-modes/FM-0001.md")
    assert first is not None and first.id == "FM-0001"
    assert site.view_for("failure-modes/FM-0001.md") is first
    assert site.indexed("failure-modes/FM-0001.md") is True
    other = site.view_for("playbooks/MP-0009.md")
    assert other is not None and other.id == "MP-0009"
    assert site.view_for("matrix/index.md") is None
    assert not any(isinstance(value, dict) and any(
        type(v).__name__ == "RecordView" for v in value.values())
        for value in vars(site).values())

"""The browse pages render each failure mode's row and link once and reuse them
(issue #16): contributed text in those rows stays escaped on every page, and a
reused rendering is only ever served to pages whose relative links it fits."""

from __future__ import annotations

import dataclasses
from datetime import date

from bs4 import BeautifulSoup
from markupsafe import Markup, escape

from fmcat.core.catalog import Catalog
from fmcat.core.load import load_catalog
from fmcat.site import browse
from fmcat.site.derived import derive
from fmcat.site.render import join_parts
from tests.conftest import FIXTURE, TODAY_FIXTURE

HOSTILE = '<script>alert("x")</script>"><img src=x onerror=alert(1)> & {{ 7*7 }}'


def hostile_catalog() -> Catalog:
    """The fixture catalog with hostile text in the title and summary of FM-0001,
    the title of the playbook MP-0009 and the summary of the case study CS-0001."""
    catalog = load_catalog(FIXTURE, today=date.fromisoformat(TODAY_FIXTURE))
    for record_id, fields in (("FM-0001", ("title", "summary")), ("MP-0009", ("title",)),
                              ("CS-0001", ("summary",))):
        entry = catalog.entries[record_id]
        record = entry.record.model_copy(update=dict.fromkeys(fields, HOSTILE))
        catalog.entries[record_id] = dataclasses.replace(entry, record=record)
    return catalog


def test_contributed_text_is_escaped_on_every_browse_page_that_reuses_a_row() -> None:
    catalog = hostile_catalog()
    assert catalog.taxonomy is not None
    pages = browse.browse_pages(catalog, catalog.taxonomy, derive(catalog).tags)
    listing_fm1 = [uri for uri, text in pages.items() if 'href="../../../failure-modes/FM-0001/"'
                   in text and "fmcat-listing" in text]
    assert len(listing_fm1) >= 3  # its category, stages, causes: the row is reused
    seen = set()
    for uri in listing_fm1:
        soup = BeautifulSoup(pages[uri], "html.parser")
        assert not soup.find_all(["script", "img"]), uri
        row = next(a for a in soup.select(".fmcat-listing a")
                   if a["href"] == "../../../failure-modes/FM-0001/").find_parent("tr")
        assert [td.get_text() for td in row.find_all("td")][::3] == [f"FM-0001: {HOSTILE}",
                                                                    HOSTILE], uri
        seen.update(a.get_text() for a in soup.select(".fmcat-related a"))
    assert f"MP-0009: {HOSTILE}" in seen


def test_a_reused_row_is_only_served_at_the_depth_it_was_rendered_for() -> None:
    catalog = hostile_catalog()
    assert catalog.taxonomy is not None
    once = browse.RenderedModes(catalog, catalog.taxonomy)
    [serving] = once.rows(["FM-0001"], "browse/stage/serving/")
    [monitoring] = once.rows(["FM-0001"], "browse/stage/monitoring/")
    [index] = once.rows(["FM-0001"], "browse/")
    assert serving is monitoring  # the same rendering, reused
    assert 'href="../../../failure-modes/FM-0001/"' in serving
    assert 'href="../failure-modes/FM-0001/"' in index
    assert once.links(["FM-0002", "FM-0001"], "browse/") == (
        '<a href="../failure-modes/FM-0002/">FM-0002</a>, '
        '<a href="../failure-modes/FM-0001/">FM-0001</a>')


def test_join_parts_keeps_escaped_parts_as_they_are() -> None:
    joined = join_parts(", ", [escape("<b>"), Markup("<i>x</i>")])
    assert joined == "&lt;b&gt;, <i>x</i>"
    assert isinstance(joined, Markup)

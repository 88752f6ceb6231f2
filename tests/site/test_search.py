"""Search: what Pagefind indexes, and that no indexed page is lost on the way."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from fmcat.site.search import (
    BODY_END,
    BODY_START,
    SearchIndex,
    SearchIndexError,
    search_document,
    title_keywords,
)

PAGE = ('<!doctype html><html lang="en" class="no-js"><head><title>FM-0001: Shift</title>'
        '<script>chrome()</script></head><body><nav>menu</nav>'
        f'{BODY_START}<h1>FM-0001 Shift</h1><p>card</p></div>{BODY_END}'
        '<article>the long body</article></body></html>')


def test_search_document_keeps_only_the_indexed_part_and_the_page_language() -> None:
    document = search_document(PAGE)
    assert document is not None
    assert '<html lang="en" class="no-js">' in document
    assert "<title>FM-0001: Shift</title>" in document
    assert f"{BODY_START}<h1>FM-0001 Shift</h1><p>card</p></div>" in document
    for left_out in ("chrome()", "menu", "the long body"):
        assert left_out not in document


def test_pages_without_the_marker_are_not_indexed() -> None:
    assert search_document("<html><body><p>listing</p></body></html>") is None


def test_an_unclosed_indexed_part_is_an_error_not_a_silent_drop() -> None:
    with pytest.raises(SearchIndexError, match="end marker"):
        search_document(PAGE.replace(BODY_END, ""))


def test_index_writes_a_bundle_and_removes_its_scratch_folder(tmp_path: Path) -> None:
    with SearchIndex() as index:
        index.add("failure-modes/FM-0001/index.html", PAGE)
        index.add("failure-modes/index.html", "<html><body>listing</body></html>")
        scratch = index._scratch
        assert index.pages == 1
        index.write(tmp_path / "site")
    assert not scratch.exists()
    assert [fragment["url"] for fragment in _fragments(tmp_path / "site")] == \
        ["/failure-modes/FM-0001/"]


def _fragments(site: Path) -> list[dict[str, object]]:
    """Pagefind's per-page records: gzip, then a 12-byte signature, then JSON."""
    return [json.loads(gzip.decompress(path.read_bytes())[12:])
            for path in sorted((site / "pagefind" / "fragment").iterdir())]


def test_every_page_marked_for_search_is_in_the_index(built_fixture: Path) -> None:
    marked = set()
    for path in built_fixture.rglob("index.html"):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        if soup.find(attrs={"data-pagefind-body": True}) is not None:
            rel = path.parent.relative_to(built_fixture).as_posix()
            marked.add("/" if rel == "." else f"/{rel}/")
    indexed = {str(fragment["url"]) for fragment in _fragments(built_fixture)
               if "target" not in fragment["meta"]}  # incidents: see below
    assert "/failure-modes/FM-0001/" in marked
    assert "/failure-modes/FM-0003/" not in marked  # withdrawn
    assert "/" in marked  # hand-written pages are indexed
    assert indexed == marked


@pytest.mark.slow
def test_an_incident_is_indexed_and_leads_to_its_anchor_on_a_failure_mode_page(
        built_fixture: Path) -> None:
    incidents = {fragment["meta"]["title"].split()[0]: fragment["meta"]  # type: ignore[index]
                 for fragment in _fragments(built_fixture) if "target" in fragment["meta"]}
    assert set(incidents) == {"INC-2026-0001", "INC-2026-0002"}
    meta = incidents["INC-2026-0001"]
    assert meta["kind"] == "Incident"
    assert meta["target"] == "failure-modes/FM-0001/#INC-2026-0001"
    page = BeautifulSoup((built_fixture / "failure-modes" / "FM-0001" / "index.html")
                         .read_text(encoding="utf-8"), "html.parser")
    shown = page.find(id="INC-2026-0001")
    assert shown is not None and shown.name == "li"
    assert "INC-2026-0001" in shown.get_text()
    # No page is written for the stand-in.
    assert not (built_fixture / "incidents").exists()


@pytest.mark.slow
def test_record_results_carry_their_summary_not_their_tags(built_fixture: Path) -> None:
    meta = next(fragment["meta"] for fragment in _fragments(built_fixture)
                if fragment["url"] == "/failure-modes/FM-0001/")
    assert meta["kind"] == "Failure mode"  # type: ignore[index]
    assert meta["summary"].startswith("The distribution")  # type: ignore[index]
    assert "FM-0001" in meta["keys"]  # type: ignore[index]


@pytest.mark.parametrize(("title", "form"), [
    ("Null-rate spike in a critical feature", "null_rate"),
    ("Miscalibration after retraining", "calibration"),
    ("Non-representative holdout set", "representative"),
])
def test_title_keywords_hold_the_forms_readers_type(title: str, form: str) -> None:
    assert form in title_keywords(title)


def test_title_keywords_leave_short_and_plain_words_alone() -> None:
    assert title_keywords("Untie the unit test") == []

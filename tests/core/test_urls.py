"""URLs and the names the site publishes, decided in core without a build."""

from __future__ import annotations

from pathlib import Path

import pytest

from fmcat.core.model import CASE_STUDY, FAILURE_MODE, PLAYBOOK
from fmcat.core.urls import alias_key, anchors, record_url, relative_url, reserved_by


@pytest.mark.parametrize("alias", ["matrix", "Matrix", "matrix/", "/matrix", "//matrix//"])
def test_an_alias_key_is_one_case_without_empty_parts(alias: str) -> None:
    assert alias_key(alias) == "matrix"


@pytest.mark.parametrize(("alias", "owner"), [
    ("/", "the home page"),
    ("404.html", "404.html, which MkDocs writes"),
    ("sitemap.xml.gz", "sitemap.xml.gz, which MkDocs writes"),
    ("api/failure-modes/", "the site's api/ folder"),
    ("pagefind", "the site's pagefind/ folder"),
    ("drills/FM-0001.txt", "the site's drills/ folder"),
    ("Whats-New/", "the generated page whats-new"),
    ("feed.json", "the generated page feed.json"),
    ("fm-0007/", "the permalink FM-0007/"),
    ("playbooks/", "the mitigation playbook pages under playbooks/"),
    ("failure-modes/fm-0001/", "the failure mode pages under failure-modes/"),
    ("failure-modes/covariate-shift/", ""),
    ("old/covariate-shift/", ""),
])
def test_reserved_names_are_the_sites_own(alias: str, owner: str, tmp_path: Path) -> None:
    assert reserved_by(alias, tmp_path) == owner


def test_hand_written_pages_are_reserved_but_not_the_home_page(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "guides").mkdir(parents=True)
    (docs / "Contributing.md").write_text("# Contributing\n", encoding="utf-8")
    (docs / "index.md").write_text("# Home\n", encoding="utf-8")
    assert reserved_by("contributing/", tmp_path) == "the hand-written page docs/Contributing.md"
    assert reserved_by("guides/old", tmp_path) == "the hand-written page docs/guides"
    assert reserved_by("index/", tmp_path) == ""


def test_anchors_are_the_common_then_the_sections_then_the_generated_ones() -> None:
    found = anchors(FAILURE_MODE)
    sections = [section.anchor for section in FAILURE_MODE.sections]
    assert found[:2] == ("summary", "history")
    assert list(found[2:2 + len(sections)]) == sections
    assert found[2 + len(sections):] == ("evidence", "related", "similar", "case-studies",
                                         "incidents")
    assert all("evidence" in anchors(kind) for kind in (FAILURE_MODE, PLAYBOOK, CASE_STUDY))
    assert "steps" in anchors(PLAYBOOK) and "steps" not in anchors(CASE_STUDY)
    assert len(set(anchors(PLAYBOOK))) == len(anchors(PLAYBOOK))


@pytest.mark.parametrize(("page", "target", "link"), [
    ("failure-modes/FM-0001/", "failure-modes/FM-0002/", "../FM-0002/"),
    ("failure-modes/FM-0001/", "playbooks/MP-0001/#steps", "../../playbooks/MP-0001/#steps"),
    ("", "matrix/", "matrix/"),
    ("matrix/", "matrix/", "./"),
    ("matrix/", "", "../"),
])
def test_relative_urls_work_under_any_base_path(page: str, target: str, link: str) -> None:
    assert relative_url(page, target) == link


def test_record_urls_come_from_the_id() -> None:
    assert record_url("CS-0002") == "case-studies/CS-0002/"

"""One build's state and decisions (`fmcat.site.build`), without MkDocs.

The last test runs `mkdocs serve` itself: only a live server shows that a
record edited on disk reaches the served page.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from fmcat.core.clock import build_date
from fmcat.core.findings import finding
from fmcat.core.load import load_checked
from fmcat.site import BuildError, SiteBuild, catalog_root, watched_paths
from fmcat.site.build import WATCHED, check_clashes, check_collisions, edit_uri, log_lines
from fmcat.site.plan import plan_site
from tests.conftest import without_faketime

# --- pure parts ----------------------------------------------------------------


@pytest.mark.parametrize(("docs_dir", "expected"), [
    ("catalog/docs", "../entries/FM-0001-x.md"),
    ("catalog/site/src/docs", "../../../entries/FM-0001-x.md"),
    ("elsewhere/docs", "../../catalog/entries/FM-0001-x.md"),
])
def test_edit_uri_climbs_from_docs_dir_to_the_record(tmp_path: Path, docs_dir: str,
                                                     expected: str) -> None:
    root = tmp_path / "catalog"
    assert edit_uri("entries/FM-0001-x.md", root, tmp_path / docs_dir) == expected


def test_edit_uri_sees_through_a_symlinked_root(tmp_path: Path) -> None:
    (tmp_path / "real" / "docs").mkdir(parents=True)
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert edit_uri("playbooks/MP-0001.md", tmp_path / "link",
                    tmp_path / "real" / "docs") == "../playbooks/MP-0001.md"


def test_a_hand_written_page_on_a_generated_path_is_refused() -> None:
    check_collisions(["matrix/index.md", "feed.xml"], {"index.md", "about.md"})
    with pytest.raises(BuildError, match=r"^docs/matrix/index\.md collides with a generated"):
        check_collisions(["feed.xml", "matrix/index.md"], {"matrix/index.md"})


def test_clashes_name_the_first_and_count_the_rest() -> None:
    check_clashes([])
    with pytest.raises(BuildError, match=r"writes api/a\.json \(and 2 more\)"):
        check_clashes(["api/a.json", "api/b.json", "drills/FM-0001.txt"])


def test_watched_paths_are_the_catalog_inputs_that_exist(tmp_path: Path) -> None:
    (tmp_path / "entries").mkdir()
    (tmp_path / "metrics.yml").write_text("{}\n", encoding="utf-8")
    (tmp_path / "docs").mkdir()  # MkDocs watches docs_dir itself
    assert watched_paths(tmp_path) == [tmp_path / "entries", tmp_path / "metrics.yml"]
    assert {"entries", "playbooks", "case-studies", "incidents", "taxonomy.yml",
            "metrics.yml"} <= set(WATCHED)


def test_catalog_root_is_the_config_files_folder(tmp_path: Path) -> None:
    assert catalog_root(str(tmp_path / "mkdocs.yml")) == tmp_path.resolve()
    assert catalog_root(None) == Path.cwd()


def test_notices_are_logged_below_warning_so_strict_builds_pass() -> None:
    notice = finding("FMC063", "entries/a.md", 3, "last_reviewed", "review overdue")
    warning = finding("FMC108", "entries/a.md", 0, "revisions", "no revision notes")
    lines = log_lines([notice, warning])
    assert [level for level, _ in lines] == [logging.INFO, logging.WARNING]
    assert "entries/a.md:3" in lines[0][1]


# --- one build of the fixture catalog, without a generator ---------------------


def _build(root: Path, docs_dir: Path | None = None, **options: bool) -> SiteBuild:
    return SiteBuild(root, docs_dir or root / "docs", site_name="Test", site_url=None,
                     directory_urls=options.get("directory_urls", True),
                     serving=options.get("serving", True))


@pytest.fixture
def build(root: Path) -> Iterator[SiteBuild]:
    made = _build(root)
    yield made
    made.close()


def test_source_files_back_pages_by_scratch_files_and_link_records(build: SiteBuild) -> None:
    sources = {source.src_uri: source for source in build.source_files({"index.md"})}
    page = sources["failure-modes/FM-0001.md"]
    assert page.path is not None and page.path.is_relative_to(build.scratch)
    assert page.content == ""
    assert "Covariate shift" in page.path.read_text(encoding="utf-8")
    assert page.edit_uri == "../entries/FM-0001-covariate-shift.md"
    css = sources["assets/fmcat-charts.css"]
    assert css.path is None and css.content and css.edit_uri is None
    assert sources["matrix/index.md"].edit_uri is None
    assert build.is_generated("matrix/index.md") and not build.is_generated("index.md")
    assert build.source_files(set()) == []  # handed over once


def test_records_link_to_their_file_when_docs_dir_lies_deeper(root: Path) -> None:
    made = _build(root, root / "web" / "docs")
    try:
        sources = {source.src_uri: source for source in made.source_files(set())}
    finally:
        made.close()
    assert sources["playbooks/MP-0009.md"].edit_uri is not None
    assert sources["playbooks/MP-0009.md"].edit_uri.startswith("../../playbooks/")


def test_a_generated_path_in_docs_fails_the_build(build: SiteBuild) -> None:
    with pytest.raises(BuildError, match=r"docs/matrix/index\.md collides"):
        build.source_files({"index.md", "matrix/index.md"})


def test_outputs_clashing_with_generator_files_fail_the_build(build: SiteBuild,
                                                              tmp_path: Path) -> None:
    with pytest.raises(BuildError, match=r"docs/ has files where the build writes api/"):
        build.start_outputs([("index.md", "index.html"), ("api/catalog.json", "api/catalog.json")],
                            tmp_path / "site")


def test_page_context_names_what_the_overrides_read(build: SiteBuild) -> None:
    context = build.page_context("failure-modes/FM-0001.md", "failure-modes/FM-0001/")
    assert context["fmcat_nav_key"] == "failure-modes"
    assert context["fmcat_indexed"] is True
    assert context["fmcat_page"] is not None
    hand_written = build.page_context("index.md", "")
    assert hand_written["fmcat_page"] is None and hand_written["fmcat_nav_key"] == ""


def test_a_pages_html_waits_on_disk_until_the_page_is_written(build: SiteBuild) -> None:
    """The generator renders every page before writing any; held in memory,
    that HTML grew a build's peak memory by the size of the whole site."""
    build.park_content("failure-modes/FM-0001.md", "<p>FM-0001</p>")
    build.park_content("index.md", "<p>home</p>")
    parked = list((build.scratch / "content").iterdir())
    assert sorted(p.read_text(encoding="utf-8") for p in parked) == [
        "<p>FM-0001</p>", "<p>home</p>"]
    assert build.take_content("failure-modes/FM-0001.md") == "<p>FM-0001</p>"
    assert build.take_content("failure-modes/FM-0001.md") is None  # once
    assert build.take_content("never-parked.md") is None
    assert [p.read_text(encoding="utf-8") for p in (build.scratch / "content").iterdir()] \
        == ["<p>home</p>"]


def test_planned_pages_wait_on_disk_until_the_generator_renders_them(
        build: SiteBuild, root: Path) -> None:
    """Every page is planned before the generator reads any: held in memory,
    their Markdown and generated tables (`Slots`) were the largest share of a
    big build's peak. They wait on disk, and each page gets back the same HTML."""
    in_memory = plan_site(load_checked(root, today=build_date()), site_name="Test")
    planned = {file.src_uri: file for file in build.plan.files}
    for uri in build.plan.record_pages:
        assert planned[uri].content == "" and not build.plan.slots[uri].blocks
    sources = {source.src_uri: source for source in build.source_files(set())}
    assert all(not slots.blocks for slots in build.plan.slots.values())
    parked = len(list((build.scratch / "slots").rglob("*.slots")))
    assert parked == sum(1 for slots in in_memory.slots.values() if slots.blocks)
    for uri in ("failure-modes/FM-0001.md", "matrix/index.md"):
        path = sources[uri].path
        assert path is not None
        markdown = path.read_text(encoding="utf-8")
        expected = next(file.content for file in in_memory.files if file.src_uri == uri)
        nonce = build.plan.slots[uri].nonce
        assert markdown == expected.replace(in_memory.slots[uri].nonce, nonce)
        markers = re.findall(rf"fmcatslot{nonce}n\d+", markdown)
        html = build.finish_html(uri, "\n".join(f"<p>{key}</p>" for key in markers))
        assert html == "\n".join(in_memory.slots[uri].blocks.values())
    # Each read once, then removed.
    assert len(list((build.scratch / "slots").rglob("*.slots"))) == parked - 2


def test_a_build_that_fails_while_planning_leaves_no_scratch_folder(
        root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scratch_parent = tmp_path / "tmp"
    scratch_parent.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch_parent))
    path = root / "entries" / "FM-0002-prior-shift.md"
    path.write_text(path.read_text().replace("severity: medium", "severity: [medium"))
    with pytest.raises(BuildError):
        _build(root)
    assert list(scratch_parent.iterdir()) == []


def test_close_removes_the_scratch_folder(root: Path) -> None:
    made = _build(root)
    made.source_files(set())
    assert made.scratch.is_dir()
    made.close()
    assert not made.scratch.exists()


def test_a_catalog_with_errors_is_not_built(root: Path) -> None:
    path = root / "entries" / "FM-0002-prior-shift.md"
    path.write_text(path.read_text().replace("severity: medium", "severity: [medium"))
    with pytest.raises(BuildError, match=r"(?s)^the catalog has 1 error\(s\).*; fix them to "
                                         r"build:\nentries/FM-0002-prior-shift\.md:19: error"):
        _build(root)


def test_flat_urls_are_refused(root: Path) -> None:
    with pytest.raises(BuildError, match="use_directory_urls must stay true"):
        _build(root, directory_urls=False)


# --- mkdocs serve ----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, OSError):
        return ""


def _wait_for(url: str, text: str, server: subprocess.Popen[bytes], seconds: float) -> str:
    deadline = time.monotonic() + seconds
    page = ""
    while time.monotonic() < deadline:
        assert server.poll() is None, "mkdocs serve exited"
        page = _fetch(url)
        if text in page:
            return page
        time.sleep(0.5)
    raise AssertionError(f"{text!r} not served at {url} within {seconds} s")


def test_serve_rebuilds_when_a_record_changes(catalog_dir: Path) -> None:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a",
         f"127.0.0.1:{port}", "-f", str(catalog_dir / "mkdocs.yml")],
        cwd=catalog_dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**without_faketime(os.environ), "NO_MKDOCS_2_WARNING": "1"})
    try:
        url = f"http://127.0.0.1:{port}/failure-modes/FM-0001/"
        _wait_for(url, "Covariate shift in input features", server, 90)
        record = catalog_dir / "entries" / "FM-0001-covariate-shift.md"
        record.write_text(record.read_text(encoding="utf-8").replace(
            "title: Covariate shift in input features", "title: Covariate drift, edited"),
            encoding="utf-8")
        _wait_for(url, "Covariate drift, edited", server, 90)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

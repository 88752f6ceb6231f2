"""The site's own files (API, drills, redirects): all written, in either mode."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort

from fmcat.core.load import load_catalog
from fmcat.site.outputs import OutputError, OutputWriter, SiteOutputs, can_fork
from fmcat.site.plan import redirect_targets
from tests.conftest import FIXTURE, build_site
from tests.exports.expected import expected_api_files


def _outputs() -> SiteOutputs:
    catalog = load_catalog(FIXTURE)
    return SiteOutputs(catalog, redirect_targets(catalog))


def _written(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}


@pytest.mark.parametrize("background", [True, False])
def test_writer_writes_exactly_the_listed_paths(tmp_path: Path, background: bool) -> None:
    outputs = _outputs()
    writer = OutputWriter(outputs, tmp_path, background=background)
    assert (writer._process is not None) == (background and can_fork())
    writer.finish()
    assert _written(tmp_path) == set(outputs.paths())
    assert "fm-0001/index.html" in outputs.paths()
    assert "drills/FM-0001.txt" in outputs.paths()
    for rel, text in expected_api_files(outputs.catalog).items():
        assert (tmp_path / rel).read_text(encoding="utf-8") == text


@pytest.mark.parametrize("background", [True, False])
def test_a_write_failure_is_reported_not_lost(tmp_path: Path, background: bool) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "api").write_text("a file where a folder must go", encoding="utf-8")
    writer = OutputWriter(_outputs(), site, background=background)
    with pytest.raises(OutputError, match="api"):
        writer.finish()


def test_no_fork_while_other_threads_run() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not can_fork()
    finally:
        stop.set()
        thread.join()


@pytest.mark.slow
def test_a_docs_page_where_the_build_writes_a_redirect_fails_the_build(
        catalog_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    (catalog_dir / "docs" / "fm-0001.md").write_text("# Mine\n", encoding="utf-8")
    with pytest.raises(Abort):
        build_site(catalog_dir)
    message = "\n".join(r.getMessage() for r in caplog.records if r.levelname == "ERROR")
    assert "fm-0001/index.html" in message

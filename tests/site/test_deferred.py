"""A preview writes what no page waits for (API files, search index) after the
build returns, and the next build waits for it before touching the site."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import pytest

from fmcat.site import SiteBuild
from fmcat.site import build as site_build
from fmcat.site.incremental import Incremental


def test_deferred_work_runs_after_defer_returns_and_begin_waits_for_it(tmp_path: Path) -> None:
    incremental = Incremental(tmp_path / "site", [])
    release, done = threading.Event(), threading.Event()

    def work() -> None:
        release.wait()  # no timeout: libfaketime (make test-future) stalls timed waits
        done.set()

    try:
        incremental.defer(work)
        assert not done.is_set()  # defer returned while the work still waits
        threading.Thread(target=lambda: (time.sleep(0.2), release.set())).start()
        incremental.begin()
        assert done.is_set()
    finally:
        incremental.close()


def test_a_failed_deferred_work_is_logged_and_the_next_build_starts_clean(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    site = tmp_path / "site"
    (site / "old").mkdir(parents=True)
    (site / "old" / "index.html").write_text("stale", encoding="utf-8")
    incremental = Incremental(site, [])
    try:
        incremental.begin()  # a first build: the site is cleared once
        (site / "kept.html").write_text("written by the first build", encoding="utf-8")

        def fail() -> None:
            raise OSError("disk full")

        with caplog.at_level(logging.ERROR):
            incremental.defer(fail)
            incremental.settle()
        assert "disk full" in caplog.text
        incremental.begin()
        assert not (site / "kept.html").exists()
    finally:
        incremental.close()


def test_the_next_build_loads_the_catalog_only_after_the_deferred_work(
        catalog_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The deferred work (API files, Pagefind) parses record bodies with parsers
    that are not thread-safe; a save's catalog load must not run beside it.
    A 1,000-entry preview found errors in valid entries when it did."""
    incremental = Incremental(catalog_dir / "site", [])
    done = threading.Event()
    seen: list[bool] = []
    real_load = site_build.load_checked

    def load(*args: object, **kwargs: object) -> object:
        seen.append(done.is_set())
        return real_load(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(site_build, "load_checked", load)

    def work() -> None:
        time.sleep(0.5)
        done.set()

    try:
        incremental.defer(work)
        SiteBuild(catalog_dir, catalog_dir / "docs", site_name="Test", site_url=None,
                  directory_urls=True, serving=True, incremental=incremental).close()
        assert seen == [True]
    finally:
        incremental.close()

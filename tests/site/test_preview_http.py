"""The preview server (`mkdocs serve --dirty`, as `make serve` runs it) answers
every request with the findings while the catalog is broken, and an open tab
reloads itself into the fixed page."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.conftest import without_faketime

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def wait_for(url: str, check: str, timeout: float = 120) -> tuple[int, str]:
    deadline = time.monotonic() + timeout
    while True:
        try:
            status, text = fetch(url)
            if check in text:
                return status, text
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"{url} never showed {check!r}")
        time.sleep(0.3)


@pytest.fixture
def served(catalog_dir: Path) -> Iterator[str]:
    port = free_port()
    # Under a faked clock the server's file watcher never sees an edit.
    env = {**without_faketime(os.environ), "NO_MKDOCS_2_WARNING": "1"}
    process = subprocess.Popen(
        [str(BIN / "mkdocs"), "serve", "--dirty", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=catalog_dir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_every_request_shows_the_findings_until_the_entry_is_fixed(
        served: str, catalog_dir: Path) -> None:
    page = f"{served}failure-modes/FM-0002/"
    wait_for(page, "Prior shift changes base rates")
    entry = catalog_dir / "entries" / "FM-0002-prior-shift.md"
    good = entry.read_text(encoding="utf-8")
    entry.write_text(good.replace("severity: medium\nfrequency",
                                  "severity: <b>enormous</b>\nfrequency"), encoding="utf-8")
    status, text = wait_for(page, "The catalog has 1 error")
    assert status == 503
    for url in (served, f"{served}failure-modes/FM-0001/", f"{served}assets/fmcat.css"):
        other_status, other = fetch(url)
        assert other_status == 503
        assert "The catalog has 1 error" in other
    soup = BeautifulSoup(text, "html.parser")
    finding = soup.select_one(".fmcat-finding")
    assert finding is not None
    shown = finding.get_text(" ")
    assert "entries/FM-0002-prior-shift.md:18" in shown
    assert "severity" in shown
    assert "Hint:" in shown
    assert soup.find("b") is None  # the contributed value is text, not markup
    printed = subprocess.run([str(BIN / "fmcat"), "validate", "--root", str(catalog_dir)],
                             capture_output=True, text=True, check=False)
    assert soup.select_one("pre") is not None
    assert soup.select_one("pre").get_text() in printed.stdout + printed.stderr
    assert "livereload" in text  # reloads itself when the next build succeeds
    entry.write_text(good.replace("Prior shift changes base rates", "Prior shift, fixed"),
                     encoding="utf-8")
    status, text = wait_for(page, "Prior shift, fixed")
    assert status == 200


@pytest.mark.browser
def test_an_open_tab_shows_the_findings_and_reloads_into_the_fixed_page(
        served: str, catalog_dir: Path, browser: object) -> None:
    page_url = f"{served}failure-modes/FM-0002/"
    wait_for(page_url, "Prior shift changes base rates")
    entry = catalog_dir / "entries" / "FM-0002-prior-shift.md"
    good = entry.read_text(encoding="utf-8")
    tab = browser.new_page()  # type: ignore[attr-defined]
    try:
        tab.goto(page_url)
        assert "Prior shift changes base rates" in tab.title()
        entry.write_text(good.replace("severity: medium\nfrequency",
                                      "severity: enormous\nfrequency"), encoding="utf-8")
        # Live reload brings the open tab to the findings, with no action of ours.
        tab.wait_for_selector(".fmcat-finding", timeout=120_000)
        assert "entries/FM-0002-prior-shift.md:18" in tab.inner_text(".fmcat-finding")
        entry.write_text(good.replace("Prior shift changes base rates", "Prior shift, fixed"),
                         encoding="utf-8")
        # The error page reloads itself once a rebuild succeeds.
        tab.wait_for_function("document.title.includes('Prior shift, fixed')",
                              timeout=120_000)
        assert tab.query_selector(".fmcat-finding") is None
        assert tab.url == page_url
    finally:
        tab.close()

"""Shared fixtures: copies of the fixture and repository catalogs, and real MkDocs
builds of them, each built once per session for the tests that only read it."""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import shutil
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, date, datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from mkdocs.commands.build import build
from mkdocs.config import load_config

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "catalog"
SECOND = REPO / "tests" / "fixtures" / "security-catalog"
SECOND_NAME = "Adversarial ML Knowledge Base"
TODAY_FIXTURE = "2026-11-25"


def site_config_text(repo: Path = REPO) -> str:
    """The repo's mkdocs.yml, pointed at this checkout's hooks (the theme comes
    from the installed package)."""
    text = (repo / "mkdocs.yml").read_text(encoding="utf-8")
    text = text.replace("- hooks/fmcat_hooks.py", f"- {repo / 'hooks' / 'fmcat_hooks.py'}")
    head, _, _ = text.partition("\nnav:\n")
    _, _, tail = text.partition("\nvalidation:\n")
    nav = ("\nnav:\n  - Home: index.md\n  - Catalog: failure-modes/index.md\n"
           "  - Matrix: matrix/index.md\n  - Browse: browse/index.md\n"
           "  - External IDs: external/index.md\n"
           "  - Playbooks: playbooks/index.md\n  - Case studies: case-studies/index.md\n"
           "  - Trends: trends/index.md\n  - Metrics: metrics/index.md\n"
           "  - Governance:\n      - What's new: whats-new/index.md\n"
           "      - Review queue: review/index.md\n      - Quality report: quality/index.md\n"
           "      - Stewards: stewards/index.md\n")
    return head + nav + "\nvalidation:\n" + tail


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A writable copy of the fixture catalog (records only, no site config)."""
    dest = tmp_path / "catalog"
    shutil.copytree(FIXTURE, dest)
    return dest


@pytest.fixture
def catalog_dir(tmp_path: Path) -> Path:
    """A writable copy of the fixture catalog, with a site config."""
    dest = tmp_path / "catalog"
    shutil.copytree(FIXTURE, dest)
    (dest / "mkdocs.yml").write_text(site_config_text(), encoding="utf-8")
    return dest


Site = Callable[[str], BeautifulSoup]

# Session fixtures that build a site: a test using one, even through another
# fixture, is marked `slow` (pytest_collection_modifyitems below).
BUILD_FIXTURES = frozenset({"built_fixture", "built_repo", "built_synthetic", "built_second"})


class _Building:
    """Whether the running test may build: only one marked `slow` may, so
    `make test-fast` (-m "not slow") never builds a site. Outside pytest
    (scripts that import build_site) it may."""

    allowed = True


def build_site(root: Path, *, strict: bool = False) -> Path:
    """Run a real MkDocs build of a catalog folder and return the site dir."""
    if not _Building.allowed:
        raise RuntimeError("build_site in a test not marked slow: add @pytest.mark.slow "
                           "(make test-fast runs no site builds)")
    site = root / "site"
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(site), strict=strict)
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    build(config)
    return site


REPO_FILES = ("mkdocs.yml", "taxonomy.yml", "metrics.yml", "fmcat.yml")
REPO_FOLDERS = ("docs", "hooks", "entries", "playbooks", "case-studies",
                "incidents")


def copy_repo(dest: Path) -> Path:
    """A copy of this repository's catalog and site sources, to build in isolation."""
    dest.mkdir(parents=True)
    for name in REPO_FILES:
        shutil.copy(REPO / name, dest / name)
    for folder in REPO_FOLDERS:
        shutil.copytree(REPO / folder, dest / folder)
    return dest


def broken_links(site: Path) -> list[str]:
    """Every internal link or anchor in a built site that leads nowhere."""
    pages = {path: BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
             for path in site.rglob("*.html")}
    ids = {path: {tag["id"] for tag in page.find_all(id=True)} for path, page in pages.items()}
    broken = []
    for path, page in pages.items():
        if path.name == "404.html":  # served at any depth, so it links from the root
            continue
        for a in page.find_all("a", href=True):
            href = a["href"]
            parts = urlsplit(href)
            if parts.scheme or href.startswith("//"):
                continue
            target = (path.parent / parts.path).resolve() if parts.path else path
            if target.is_dir():
                target = target / "index.html"
            where = f"{path.relative_to(site)}: {href}"
            if not target.is_file():
                broken.append(where)
            elif parts.fragment and target in ids and parts.fragment not in ids[target]:
                broken.append(f"{where} (no such anchor)")
    return broken


def read_page(site: Path, url: str) -> BeautifulSoup:
    path = site / url / "index.html" if url.endswith("/") or not url else site / url
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="session")
def built_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One strict build of the fixture catalog, shared by read-only tests."""
    dest = tmp_path_factory.mktemp("built") / "catalog"
    shutil.copytree(FIXTURE, dest)
    (dest / "mkdocs.yml").write_text(site_config_text(), encoding="utf-8")
    return build_site(dest, strict=True)


def second_config_text() -> str:
    """The site config of the second fixture catalog: the repo's, under the
    second catalog's own name (its fmcat.yml says the same)."""
    text = site_config_text()
    assert "site_name: Failure Mode Catalog\n" in text
    return text.replace("site_name: Failure Mode Catalog\n", f"site_name: {SECOND_NAME}\n")


@pytest.fixture(scope="session")
def built_second(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One strict build of the second fixture catalog (security-catalog: another
    taxonomy, issue #15), shared by read-only tests."""
    dest = tmp_path_factory.mktemp("second") / "catalog"
    shutil.copytree(SECOND, dest)
    (dest / "mkdocs.yml").write_text(second_config_text(), encoding="utf-8")
    return build_site(dest, strict=True)


class _Collect(logging.Handler):
    """The warnings logged during a build."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


class RepoBuild(NamedTuple):
    site: Path
    warnings: list[str]


@pytest.fixture(scope="session")
def repo_build(tmp_path_factory: pytest.TempPathFactory) -> RepoBuild:
    """The repository's catalog built once per session, with its own mkdocs.yml:
    the site and the warnings logged. Read-only: a test that changes the
    catalog, the config or the date builds its own copy (`copy_repo`)."""
    root = copy_repo(tmp_path_factory.mktemp("repo") / "repo")
    collect = _Collect()
    logging.getLogger("mkdocs").addHandler(collect)
    try:
        site = build_site(root)
    finally:
        logging.getLogger("mkdocs").removeHandler(collect)
    return RepoBuild(site, collect.messages)


@pytest.fixture(scope="session")
def built_repo(repo_build: RepoBuild) -> Path:
    """The site of the repository's catalog, shared by read-only tests."""
    return repo_build.site


SYNTHETIC_ENTRIES = 300
"""Enough for long listings, full matrix cells, long tables and "(variant N)" titles,
and still a build of a few seconds."""


@pytest.fixture(scope="session")
def built_synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The benchmark's synthetic catalog (`benchmarks/generate.py`) built once per
    session: what the repository's 42 entries never show, at the scale a real
    catalog reaches. Read-only."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from generate import generate  # noqa: PLC0415 - a script folder, not a package
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    root = generate(tmp_path_factory.mktemp("synthetic") / "catalog", SYNTHETIC_ENTRIES)
    return build_site(root)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark `slow` every test that uses a shared build, before `-m` selects."""
    for item in items:
        if BUILD_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    # Before any fixture: session fixtures build during the first test using them.
    _Building.allowed = item.get_closest_marker("slow") is not None


def pytest_runtest_teardown(item: pytest.Item) -> None:
    _Building.allowed = False


FIXED_EPOCH = "1795564800"  # 2026-11-25 00:00 UTC


def pytest_configure(config: pytest.Config) -> None:
    """Pin the build date before any fixture builds anything.

    A per-test fixture is too late for session- and module-scoped fixtures,
    which build sites the first time a test asks for them: a site built
    before the pin and one built after it differ on any day but the pinned
    one. Pinning here, at start-up, covers every build in the run.
    """
    os.environ["SOURCE_DATE_EPOCH"] = FIXED_EPOCH
    _Building.allowed = False  # until a test marked slow starts
    _check_future_run()


FUTURE_DAYS = 366


def _check_future_run() -> None:
    """Refuse a `make test-future` run whose clock is not a year ahead.

    The target sets FMCAT_FUTURE_FROM to the real date and runs the suite
    under faketime; if libfaketime were not preloaded (or ignored), the run
    would pass at today's date and prove nothing about tests that read the
    real clock.
    """
    real = os.environ.get("FMCAT_FUTURE_FROM")
    if not real:
        return
    now = datetime.now(UTC).date()
    if (now - date.fromisoformat(real)).days < FUTURE_DAYS:
        raise pytest.UsageError(f"test-future: the wall clock says {now}, not at least "
                                f"{FUTURE_DAYS} days after {real}; is faketime working?")


@pytest.fixture(autouse=True)
def fixed_build_date(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs on 2026-11-25, so review dates never age the suite;
    a test that moves the date is put back to it afterwards."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def without_faketime(env: Mapping[str, str]) -> dict[str, str]:
    """The environment minus libfaketime, for programs a test starts that break
    under a faked clock: Chromium hangs loading any page, and `mkdocs serve`'s
    file watcher never sees an edit. `make test-future` still builds the pages
    under the fake clock (and every build date is pinned by SOURCE_DATE_EPOCH);
    only these helpers run on the real one."""
    return {key: value for key, value in env.items()
            if key != "LD_PRELOAD" and not key.startswith("FAKETIME")}


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve_site(site: Path) -> tuple[ThreadingHTTPServer, str]:
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@contextlib.contextmanager
def _serving(site: Path) -> Iterator[str]:
    """A built site served on loopback for as long as the block runs."""
    server, url = serve_site(site)
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def site_url(built_repo: Path) -> Iterator[str]:
    """The repository's catalog (the session's one build), served on loopback."""
    with _serving(built_repo) as url:
        yield url


@pytest.fixture(scope="session")
def catalog_site_url(built_fixture: Path) -> Iterator[str]:
    """The fixture catalog (it has a withdrawn entry), served on loopback."""
    with _serving(built_fixture) as url:
        yield url


@pytest.fixture(scope="session")
def second_site_url(built_second: Path) -> Iterator[str]:
    """The second fixture catalog (another taxonomy), served on loopback."""
    with _serving(built_second) as url:
        yield url


@pytest.fixture(scope="session")
def synthetic_site_url(built_synthetic: Path) -> Iterator[str]:
    """The synthetic catalog, served on loopback."""
    with _serving(built_synthetic) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the session: skipped locally if absent, fatal in CI."""
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}; .ci/run should install it")
        pytest.skip("Chromium is not installed")
    with sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=CHROMIUM, env=without_faketime(os.environ), args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync"])
        yield instance
        instance.close()



"""Incremental rebuilds for the preview (`mkdocs serve --dirty`).

MkDocs' dirty mode re-renders a page only when its source file is newer
than the HTML it last wrote. Our generated pages take part in it by being
backed by files in a scratch folder that outlives the build, rewritten only
when what the page shows changes: its Markdown (with the per-build slot
nonce taken out), the HTML held in its slots, its summary-card view, its
edit link and whether search indexes it. Everything a page shows passes
through one of those, so a save re-renders exactly the pages that show
something that changed, and the rest of the site keeps its bytes.

What dirty mode does not know, this module does:
- hand-written pages render the home summary (`extra.fmcat`) through
  macros, so they are re-rendered when it changes;
- the nav, the theme and docs_dir are shared by every page, so a change to
  the config, docs_dir, the theme overrides, `taxonomy.yml` or
  `metrics.yml` clears the site and everything is rebuilt;
- files of a previous build that a clean build would not write (a deleted
  record's page, redirects and API files) are removed, with their search
  stand-ins;
- our own files (API files, drills, redirects) are written only when their
  bytes change, and not made at all when what they are made from did not
  change (`KeptFiles`, a digest and an inputs fingerprint per path);
- a build that failed after it began writing leaves the site in an unknown
  state, so the next one starts from a clean site;
- what no page waits for (the API files, drills and redirects, and the
  Pagefind index) is written after the build returns, so the saved page is
  served without waiting for it (`defer`); the next build waits for it
  before it loads the catalog (it parses bodies with a parser that is not
  thread-safe) or touches the site (`settle`), and a
  failure there is logged and makes the next build start clean.

One `Incremental` lives for a serve session; it holds only fingerprints and
paths of the current site (O(pages)), never anything per save.
"""

from __future__ import annotations

import gc
import logging
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from fmcat.core.memo import Memo
from fmcat.exports.files import fingerprint
from fmcat.site.outputs import KeptFiles

log = logging.getLogger("mkdocs.plugins.fmcat")


def tree_state(paths: Iterable[Path]) -> str:
    """A digest of the names, sizes and modification times of every file under `paths`."""
    parts: list[str] = []
    for top in paths:
        files = sorted(p for p in top.rglob("*") if p.is_file()) if top.is_dir() else [top]
        for path in files:
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            parts.append(f"{path}:{stat.st_size}:{stat.st_mtime_ns}")
    return fingerprint(*parts)


def remove_file(top: Path, rel: str) -> None:
    """Remove `top/rel` and the folders it leaves empty, up to `top`."""
    path = top / rel
    path.unlink(missing_ok=True)
    parent = path.parent
    while parent != top and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent


class Incremental:
    """What the last successful build of a serve session wrote, to rebuild only the rest.

    `shared` lists the files and folders that every page depends on (config,
    docs_dir, theme overrides, taxonomy, metrics). The session's scratch
    folder holds the generated pages and the search stand-ins.
    """

    def __init__(self, site_dir: Path, shared: Iterable[Path]) -> None:
        self.site_dir = site_dir
        self.shared = [path for path in shared if path.exists()]
        self.scratch = Path(tempfile.mkdtemp(prefix="fmcat-serve-"))
        self.pages: dict[str, str] = {}      # generated src_uri -> fingerprint
        self.written: set[str] = set()       # site-relative paths of the last build
        self.files = KeptFiles(site_dir)     # our own files (API, drills, redirects)
        self.shared_state = ""
        self.home_state = ""
        self.memo = Memo()
        self._stale = True
        self._collect_pending = False
        self._deferred: threading.Thread | None = None

    def open_build(self, today: str) -> Memo:
        """Start a build: the memo it looks its work up in (`fmcat.core.memo`).

        The last build's deferred work is done first: it parses record
        bodies with a parser that is not thread-safe. If something every
        page reads has changed (the shared files, or the day, which decides
        what is overdue), nothing memoised is kept and the site is rebuilt
        from scratch (`begin`).
        """
        self.settle()
        shared_state = fingerprint(tree_state(self.shared), today)
        if shared_state != self.shared_state:
            self.memo.clear()
            self._stale = True
        self.shared_state = shared_state
        self.memo.turn()
        self._collect_pending = True  # collect_garbage, once the save is done
        return self.memo

    def begin(self) -> None:
        """Before any page is written: clear the site if `open_build` found a
        change every page shows.

        A page rendered again must be rewritten too, since its Markdown
        names the slots of this build. The last build's deferred work is
        done first: it reads the search stand-ins and writes into the site.
        """
        self.settle()
        if self._stale:
            self.reset()
            self._stale = False

    @property
    def search_dir(self) -> Path:
        return self.scratch / "search"

    def write_page(self, src_uri: str, path: Path, content: str, state: str) -> None:
        """Back a generated page by `path`; rewrite it only if `state` changed.

        An untouched file stays older than the HTML rendered from it, so
        dirty mode skips the page.
        """
        if self.pages.get(src_uri) == state and path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        self.pages[src_uri] = state

    def prepare(self, *, written: set[str], hand_written: Iterable[str], home: str) -> None:
        """Make the site ready for a dirty build that writes `written`.

        Removes the HTML of hand-written pages (`hand_written`, their
        dest_uris) if the home summary changed, so that they are rendered
        again; removes what the last build wrote and this one will not.
        """
        if home != self.home_state:
            for dest_uri in hand_written:
                (self.site_dir / dest_uri).unlink(missing_ok=True)
        for rel in self.written - written:
            remove_file(self.site_dir, rel)
            self.files.forget(rel)
            if rel.endswith(".html"):
                remove_file(self.search_dir, rel)
        self.written, self.home_state = written, home

    def reset(self) -> None:
        """Forget the last build: this one renders every page into an empty site."""
        site_dir = self.site_dir
        if site_dir.is_dir():
            for child in site_dir.iterdir():
                if child.is_dir() and not child.is_symlink():
                    shutil.rmtree(child)
                else:
                    child.unlink()
        # Every page is rendered again and rewrites its search stand-in;
        # `written` is kept so that `prepare` still removes those of
        # pages that are gone.
        self.pages.clear()
        self.files.clear()
        self.home_state = ""

    def invalidate(self) -> None:
        """A build failed part-way: the next one starts from a clean site."""
        self.shared_state = ""
        self._stale = True
        self.collect_garbage()

    def collect_garbage(self) -> None:
        """After a save: collect everything once, then freeze what survives (idempotent).

        The memo keeps a whole catalog alive, and the full collections that a
        save's allocations set off scanned all of it several times per save:
        1.2 of 5 s at N=5,000. Frozen, it is left out of the collections
        during the next build, which still free that build's cyclic garbage
        as it goes.
        """
        if self._collect_pending:
            self._collect_pending = False
            gc.unfreeze()
            gc.collect()
            gc.freeze()
    def defer(self, work: Callable[[], None]) -> None:
        """Run the rest of a build (`work`) in a thread, after the build returns.

        A failure is logged (the site is served, the terminal says why) and
        makes the next build start from a clean site.
        """
        self.settle()

        def run() -> None:
            try:
                work()
            except Exception as exc:  # no caller to raise to: logged
                log.error("fmcat: %s", exc)
                self.invalidate()
            finally:
                self.collect_garbage()

        self._deferred = threading.Thread(target=run, name="fmcat-deferred", daemon=True)
        self._deferred.start()

    def settle(self) -> None:
        """Wait until the last build's deferred work is done."""
        if self._deferred is not None:
            self._deferred.join()
            self._deferred = None

    def close(self) -> None:
        self.settle()
        self.collect_garbage()
        gc.unfreeze()  # the session's objects may go now
        shutil.rmtree(self.scratch, ignore_errors=True)


def page_state(content: str, nonce: str, blocks: Iterable[str], *extra: str) -> str:
    """The fingerprint of a generated page: everything it shows, without the slot nonce."""
    return fingerprint(content.replace(nonce, ""), *(b.replace(nonce, "") for b in blocks),
                       *extra)


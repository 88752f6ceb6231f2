"""Files written straight into the built site: API documents, drills, redirects.

There are several per record, none is a page, and none needs the generator:
so they are not handed to MkDocs as in-memory files (at 20,000 entries that
held over a gigabyte of text until the build ended). `SiteOutputs` makes and
writes them one at a time.

`OutputWriter` does that in a forked child process when it is safe to fork,
so a two-core machine renders pages and writes these files at the same
time. It is safe only in a single-threaded process: a fork copies just the
calling thread, and a lock held by any other thread (logging, imports) would
stay locked forever in the child. `mkdocs serve` runs a server thread, so it,
and any platform without `fork`, writes in-process instead.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from fmcat.core.catalog import Catalog
from fmcat.core.urls import relative_url
from fmcat.exports import drill
from fmcat.exports.assess import INDEX_PATH, index_from_catalog
from fmcat.exports.assess.published import render_published
from fmcat.exports.documents import api_paths, retired_ids, write_api_stream
from fmcat.site.render import render


class OutputError(Exception):
    """Writing the site's own files failed; the message carries the cause."""


DRILLS_DIR = "drills"


def drill_path(record_id: str) -> str:
    """Where the game-day script of a failure mode is published (plain text)."""
    return f"{DRILLS_DIR}/{record_id}.txt"


@dataclass(frozen=True)
class SiteOutputs:
    """The per-record files of the site that do not go through the generator."""

    catalog: Catalog
    redirects: dict[str, str]
    site_url: str | None = None

    def drilled(self) -> list[str]:
        return [e.id for e in self.catalog.failure_modes if e.record.is_listed]

    def drill_copies(self) -> dict[str, str]:
        """Retired IDs of drilled failure modes, to the ID whose drill they repeat."""
        return {retired: entry_id for entry_id in self.drilled()
                for retired in retired_ids(self.catalog.entries[entry_id], self.catalog)}

    def paths(self) -> list[str]:
        """Every site-relative path written, without making any file."""
        return [*(f"{source}index.html" for source in self.redirects),
                *api_paths(self.catalog), INDEX_PATH, *(drill_path(i) for i in self.drilled()),
                *(drill_path(i) for i in self.drill_copies())]

    def clashes(self, taken: Iterable[str]) -> list[str]:
        """The paths written here that the generator also writes (`taken`)."""
        taken = set(taken)
        return [path for path in self.paths() if path in taken]

    def pages(self) -> Iterator[tuple[str, str]]:
        """(site-relative path, text) of each redirect and drill, made one at a time."""
        for source, target in self.redirects.items():
            url = relative_url(source, target)
            yield f"{source}index.html", render("fragments/redirect.html", url=url)
        copies: dict[str, list[str]] = {}
        for retired, record_id in self.drill_copies().items():
            copies.setdefault(record_id, []).append(retired)
        for record_id in self.drilled():
            script = drill.drill_script(self.catalog, record_id, self.site_url)
            for name in (record_id, *copies.get(record_id, ())):
                yield drill_path(name), script

    def write(self, site_dir: Path) -> int:
        """Write every file under `site_dir`; return how many were written."""
        count = write_api_stream(self.catalog, site_dir, self.site_url)
        # The Assess page's index: the same ratings the CLI computes.
        (site_dir / INDEX_PATH).write_text(render_published(index_from_catalog(self.catalog)),
                                           encoding="utf-8")
        count += 1
        for rel, text in self.pages():
            path = site_dir / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            count += 1
        return count


def can_fork() -> bool:
    """Whether a child process may be forked safely from here (see the module doc)."""
    return hasattr(os, "fork") and threading.active_count() == 1


class OutputWriter:
    """Writes `SiteOutputs` in a forked child when that is safe, else in-process."""

    def __init__(self, outputs: SiteOutputs, site_dir: Path, *, background: bool) -> None:
        self._outputs, self._site_dir = outputs, site_dir
        self._process: multiprocessing.process.BaseProcess | None = None
        self._errors: Connection | None = None
        if background and can_fork():
            receive, send = multiprocessing.get_context("fork").Pipe(duplex=False)
            self._process = multiprocessing.get_context("fork").Process(
                target=_write_in_child, args=(outputs, site_dir, send), daemon=True)
            self._process.start()
            send.close()
            self._errors = receive

    def finish(self) -> None:
        """Wait for the files; raise `OutputError` if any could not be written."""
        if self._process is None:
            try:
                self._outputs.write(self._site_dir)
            except OSError as exc:
                raise OutputError(str(exc)) from None
            return
        assert self._errors is not None
        try:
            message = self._errors.recv()
        except EOFError:  # the child closed its end without a message: success
            message = ""
        self._process.join()
        self._errors.close()
        if self._process.exitcode != 0 or message:
            raise OutputError(message or f"the writer exited with code {self._process.exitcode}")

    def cancel(self) -> None:
        """Stop a background writer (the build failed elsewhere)."""
        if self._process is not None and self._process.is_alive():
            self._process.terminate()
            self._process.join()


def _write_in_child(outputs: SiteOutputs, site_dir: Path, errors: Connection) -> None:
    try:
        outputs.write(site_dir)
    except OSError as exc:
        errors.send(str(exc))
    except Exception:
        errors.send(traceback.format_exc())
    errors.close()

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

import hashlib
import multiprocessing
import os
import threading
import traceback
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TextIO

from fmcat.core.catalog import Catalog
from fmcat.core.urls import relative_url
from fmcat.exports import drill
from fmcat.exports.assess import INDEX_PATH, index_from_catalog
from fmcat.exports.assess.published import render_published
from fmcat.exports.documents import api_paths, retired_ids, write_api_stream
from fmcat.exports.drill import drill_inputs, resolution_inputs
from fmcat.exports.files import SiteFiles, fingerprint
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

    def write(self, site_dir: Path, files: SiteFiles | None = None) -> int:
        """Write every file under `site_dir` through `files` (by default, each
        one); return how many were made."""
        files = files or SiteFiles(site_dir)
        count = write_api_stream(self.catalog, site_dir, self.site_url, files)
        # The Assess page's index: the same ratings the CLI computes.
        # Published without checklists (see `render_published`): no body is parsed.
        files.write(INDEX_PATH, render_published(index_from_catalog(self.catalog,
                                                                    checklists=False)))
        count += 1
        for source, target in self.redirects.items():
            # Its text follows from its URL alone.
            url = relative_url(source, target)
            rel = f"{source}index.html"
            if not files.unchanged(rel, url):
                files.write(rel, render("fragments/redirect.html", url=url), url)
                count += 1
        return count + self._write_drills(files)

    def _write_drills(self, files: SiteFiles) -> int:
        """Each drill, and a copy under each retired ID of its failure mode."""
        copies: dict[str, list[str]] = {}
        for retired, record_id in self.drill_copies().items():
            copies.setdefault(record_id, []).append(retired)
        taxonomy = self.catalog.taxonomy
        context = fingerprint(self.site_url or "", taxonomy.model_dump_json() if taxonomy else "",
                              resolution_inputs(self.catalog)) if files.keeps else ""
        count = 0
        for record_id in self.drilled():
            paths = [drill_path(name) for name in (record_id, *copies.get(record_id, ()))]
            inputs = fingerprint(context, *drill_inputs(self.catalog, record_id)) \
                if files.keeps else ""
            if files.keeps and all(files.unchanged(path, inputs) for path in paths):
                continue
            script = drill.drill_script(self.catalog, record_id, self.site_url)
            for path in paths:
                files.write(path, script, inputs)
                count += 1
        return count


class KeptFiles(SiteFiles):
    """A preview's files: each written only when its bytes change, and known by
    what it was made from, so that a save makes only files whose inputs changed.

    Holds two digests per path of the current site (O(files)), nothing per
    save; `forget` what the site no longer has, `clear` when it is emptied.
    """

    keeps = True

    def __init__(self, site_dir: Path) -> None:
        super().__init__(site_dir)
        self._kept: dict[str, tuple[str, bytes]] = {}  # rel -> (inputs, digest of bytes)

    def unchanged(self, rel: str, inputs: str) -> bool:
        kept = self._kept.get(rel)
        return kept is not None and kept[0] == inputs and (self.site_dir / rel).is_file()

    def write(self, rel: str, text: str, inputs: str = "") -> None:
        digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        kept = self._kept.get(rel)
        if kept is None or kept[1] != digest or not (self.site_dir / rel).is_file():
            super().write(rel, text)
        self._kept[rel] = (inputs, digest)

    @contextmanager
    def stream(self, rel: str) -> Iterator[TextIO]:
        """Written beside the file and swapped in only if its bytes differ."""
        path = self.site_dir / rel
        fresh = path.with_name(f".{path.name}.next")
        with super().stream(fresh.relative_to(self.site_dir).as_posix()) as out:
            yield out
        digest = hashlib.blake2b(fresh.read_bytes(), digest_size=16).digest()
        kept = self._kept.get(rel)
        if kept is not None and kept[1] == digest and path.is_file():
            fresh.unlink()
        else:
            fresh.replace(path)
        self._kept[rel] = ("", digest)

    def forget(self, rel: str) -> None:
        self._kept.pop(rel, None)

    def clear(self) -> None:
        self._kept.clear()


def can_fork() -> bool:
    """Whether a child process may be forked safely from here (see the module doc)."""
    return hasattr(os, "fork") and threading.active_count() == 1


class OutputWriter:
    """Writes `SiteOutputs` in a forked child when that is safe, else in-process."""

    def __init__(self, outputs: SiteOutputs, site_dir: Path, *, background: bool,
                 files: SiteFiles | None = None) -> None:
        self._outputs, self._site_dir, self._files = outputs, site_dir, files
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
                self._outputs.write(self._site_dir, self._files)
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

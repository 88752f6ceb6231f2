"""A `mkdocs serve` session: the state that must outlive one build.

MkDocs calls `on_startup` and `on_serve` only before the first build, and
MkDocs 1.6 keeps one hook module per path for the whole process (a test
run's plain builds share it with serve sessions), so a serve session cannot
keep its state in the hook. It lives here, keyed by the folder the server
serves, which stays the same for the whole session: the `Incremental` state
of a `--dirty` session and the `Preview` that answers requests while a
rebuild has failed. `close_session` (at shutdown) forgets it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from fmcat.site.incremental import Incremental
from fmcat.site.preview import Preview


@dataclass
class ServeSession:
    incremental: Incremental | None
    preview: Preview


_SESSIONS: dict[Path, ServeSession] = {}


def find_session(site_dir: Path) -> ServeSession | None:
    return _SESSIONS.get(site_dir.resolve())


SHARED_CATALOG_FILES = ("taxonomy.yml", "metrics.yml")
"""Catalog files every page may read: a save of one rebuilds the whole site."""


def open_session(site_dir: Path, root: Path, *, config: Iterable[Path],
                 dirty: bool) -> ServeSession:
    """The session serving `site_dir`, made at its first build; incremental if `dirty`.

    `config` are the generator's own inputs every page depends on (its config
    file, docs and theme folders); with the catalog's shared files they make a
    save rebuild everything."""
    key = site_dir.resolve()
    if key not in _SESSIONS:
        shared = [*config, *(root / name for name in SHARED_CATALOG_FILES)]
        _SESSIONS[key] = ServeSession(Incremental(key, shared) if dirty else None, Preview())
    return _SESSIONS[key]


def settle_session(site_dir: Path) -> None:
    """Wait until the serve session of `site_dir` has written everything of its last
    build (the API files and search index come after the pages)."""
    session = find_session(site_dir)
    if session is not None and session.incremental is not None:
        session.incremental.settle()


def close_session(site_dir: Path) -> None:
    session = _SESSIONS.pop(site_dir.resolve(), None)
    if session is not None and session.incremental is not None:
        session.incremental.close()

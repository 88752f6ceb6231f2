"""The MkDocs adapter: what `mkdocs serve` watches covers what a build reads."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from fmcat.site import watched_paths
from tests.conftest import build_site, copy_repo, site_config_text

_opened: list[str] | None = None  # set while a build is being traced


def _record_open(event: str, args: tuple[object, ...]) -> None:
    if event == "open" and _opened is not None and isinstance(args[0], str | os.PathLike):
        _opened.append(os.fspath(args[0]))  # type: ignore[arg-type]


sys.addaudithook(_record_open)  # audit hooks cannot be removed; `_opened` switches it off


# MkDocs watches its config file and docs_dir itself; the site code (hooks,
# theme overrides) is not catalog data, and the site folder is output.
_NOT_CATALOG_INPUT = ("mkdocs.yml", "docs", "site", "hooks", "overrides")


@pytest.mark.slow
def test_serve_watches_every_catalog_file_the_build_reads(tmp_path: Path) -> None:
    global _opened  # noqa: PLW0603 - the audit hook's switch
    root = copy_repo(tmp_path / "repo").resolve()
    (root / "mkdocs.yml").write_text(site_config_text(root), encoding="utf-8")
    _opened = []
    try:
        build_site(root)
        opened = list(_opened)
    finally:
        _opened = None
    read = set()
    for name in opened:
        path = Path(name).resolve()
        if path.is_relative_to(root) and path.is_file():
            relative = path.relative_to(root)
            if relative.parts[0] not in _NOT_CATALOG_INPUT:
                read.add(relative.as_posix())
    assert {"taxonomy.yml", "metrics.yml"} <= read
    assert any(name.startswith("incidents/") for name in read)
    watched = [path.relative_to(root).as_posix() for path in watched_paths(root)]
    unwatched = sorted(name for name in read
                       if not any(name == w or name.startswith(f"{w}/") for w in watched))
    assert unwatched == []

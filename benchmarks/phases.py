"""Where a build's time goes: one MkDocs build, timed per phase and per event.

    .venv/bin/python benchmarks/phases.py CATALOG_DIR [SITE_DIR]

Runs the build in this process with MkDocs' own functions wrapped by timers:
reading and rendering pages (`_populate_page`, of which Markdown is
`Page.render`), writing them through the theme (`_build_page`), copying
static files, and each plugin event (our hook's work shows up as
`event:config`, `event:page_content`, `event:post_build` and so on). Run it
on a catalog made by `run.py --keep` and on its baseline to see which phase
an overhead comes from. It depends on MkDocs 1.6 internals, so it is a
measuring tool, not part of the build.
"""

from __future__ import annotations

import collections
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs import plugins
from mkdocs.commands import build
from mkdocs.config import load_config
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

TIMES: collections.Counter[str] = collections.Counter()


def timed(owner: Any, name: str, label: str | None = None) -> None:
    original: Callable[..., Any] = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            TIMES[label or name] += time.perf_counter() - start

    setattr(owner, name, wrapper)


def main() -> None:
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    catalog = Path(sys.argv[1]).resolve()
    site = Path(sys.argv[2]).resolve() if len(sys.argv) > 2 else catalog / "site"
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    timed(build, "_populate_page", "read and render pages")
    timed(Page, "render", "  of which Markdown")
    timed(build, "_build_page", "write pages through the theme")
    timed(Files, "copy_static_files", "copy static files")
    run_event = plugins.PluginCollection.run_event

    def event(self: Any, name: str, item: Any = None, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return run_event(self, name, item, **kwargs)
        finally:
            TIMES[f"event:{name}"] += time.perf_counter() - start

    plugins.PluginCollection.run_event = event  # type: ignore[method-assign]
    os.chdir(catalog)
    start = time.perf_counter()
    build.build(load_config("mkdocs.yml", site_dir=str(site)))
    print(f"{time.perf_counter() - start:8.2f} s  whole build")
    for label, seconds in TIMES.most_common():
        if seconds >= 0.01:
            print(f"{seconds:8.2f} s  {label}")


if __name__ == "__main__":
    main()

"""Where a build's time goes: one MkDocs build, timed per phase and per event.

    .venv/bin/python benchmarks/phases.py CATALOG_DIR [SITE_DIR]
    .venv/bin/python benchmarks/phases.py --rebuild CATALOG_DIR [SITE_DIR]

Runs the build in this process with MkDocs' own functions wrapped by timers:
reading and rendering pages (`_populate_page`, of which Markdown is
`Page.render`), writing them through the theme (`_build_page`), copying
static files, and each plugin event (our hook's work shows up as
`event:config`, `event:page_content`, `event:post_build` and so on). Run it
on a catalog made by `run.py --keep` and on its baseline to see which phase
an overhead comes from. With `--rebuild` it times a preview's save instead:
a first build as `mkdocs serve --dirty` makes it, then one entry's title is
changed and the rebuild is timed, with our own steps (loading the catalog,
planning the site, writing our files, Pagefind) shown apart. The edited
entry file gets its old title back at the end. It depends on MkDocs 1.6 internals, so it is a
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

from fmcat.site import build as site_build
from fmcat.site import close_session, incremental, outputs, search, settle_session

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


def time_our_steps() -> None:
    """Our hook's own steps, to split `event:config`, `event:files` and `event:post_build`."""
    timed(site_build, "load_checked", "  fmcat: load and check the catalog")
    timed(site_build, "plan_site", "  fmcat: plan every page")
    timed(site_build, "home_summary", "  fmcat: home summary")
    timed(site_build.SiteBuild, "source_files", "  fmcat: generated sources")
    timed(incremental.Incremental, "prepare", "  fmcat: prepare the dirty site")
    timed(outputs.OutputWriter, "finish", "  fmcat: API files, drills, redirects")
    timed(search.SearchIndex, "add_incidents", "  fmcat: incident search stand-ins")
    timed(search.SearchIndex, "write", "  fmcat: Pagefind")


def rebuild(catalog: Path, site: Path) -> None:
    """A serve session's first build, then one timed save of an entry's title."""
    url = "http://127.0.0.1:8000/"

    def serve_build(first: bool) -> None:
        config = load_config("mkdocs.yml", site_dir=str(site))
        if first:
            config.plugins.on_startup(command="serve", dirty=True)
        config.site_url = url
        build.build(config, serve_url=url, dirty=True)

    entry = sorted((catalog / "entries").glob("FM-*.md"))[0]
    text = entry.read_text(encoding="utf-8")
    start = time.perf_counter()
    serve_build(first=True)
    settle_session(site)
    print(f"{time.perf_counter() - start:8.2f} s  first build (not itemised)")
    TIMES.clear()
    try:
        entry.write_text(text.replace("\ntitle: ", "\ntitle: Edited ", 1), encoding="utf-8")
        start = time.perf_counter()
        serve_build(first=False)
        print(f"{time.perf_counter() - start:8.2f} s  rebuild after a title edit, to the page")
        start = time.perf_counter()
        settle_session(site)
        print(f"{time.perf_counter() - start:8.2f} s  then the deferred work "
              "(API files, Pagefind; itemised below)")
    finally:
        entry.write_text(text, encoding="utf-8")
        close_session(site)


def main() -> None:
    args = [a for a in sys.argv[1:] if a != "--rebuild"]
    if not args:
        raise SystemExit(__doc__)
    catalog = Path(args[0]).resolve()
    site = Path(args[1]).resolve() if len(args) > 1 else catalog / "site"
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    time_our_steps()
    timed(build, "_populate_page", "read and render pages")
    timed(Page, "render", "  of which Markdown")
    timed(build, "_build_page", "write pages through the theme")
    timed(Files, "copy_static_files", "copy static files")
    timed(build, "get_files", "collect docs_dir and theme files")
    timed(build, "get_navigation", "make the nav")
    timed(build, "_build_theme_template", "theme templates (sitemap, 404)")
    timed(Page, "validate_anchor_links", "check anchor links")
    run_event = plugins.PluginCollection.run_event

    def event(self: Any, name: str, item: Any = None, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return run_event(self, name, item, **kwargs)
        finally:
            TIMES[f"event:{name}"] += time.perf_counter() - start

    plugins.PluginCollection.run_event = event  # type: ignore[method-assign]
    os.chdir(catalog)
    if "--rebuild" in sys.argv:
        rebuild(catalog, site)
    else:
        start = time.perf_counter()
        build.build(load_config("mkdocs.yml", site_dir=str(site)))
        print(f"{time.perf_counter() - start:8.2f} s  whole build")
    for label, seconds in TIMES.most_common():
        if seconds >= 0.01:
            print(f"{seconds:8.2f} s  {label}")


if __name__ == "__main__":
    main()

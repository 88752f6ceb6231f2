"""MkDocs adapter: forwards build events to `fmcat.site.SiteBuild`, nothing more.

It translates MkDocs objects to plain data and the package's `BuildError`
to `PluginError`, patches the template loader and orders events. State
lives in one `SiteBuild` that `on_config` replaces at the start of every
build, so `mkdocs serve` rebuilds never accumulate state.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader
from material import templates as material_templates
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from fmcat.site import BuildError, SiteBuild, catalog_root, watched_paths

log = logging.getLogger("mkdocs.plugins.fmcat")

_build: SiteBuild | None = None
_command = "build"


@contextmanager
def _plugin_errors() -> Iterator[None]:
    """The package's `BuildError` as MkDocs' `PluginError`, which ends the build cleanly."""
    try:
        yield
    except BuildError as exc:
        raise PluginError(f"fmcat: {exc}") from None


def on_startup(command: str, dirty: bool) -> None:
    global _command  # noqa: PLW0603 - set once per process by MkDocs
    _command = command


@event_priority(100)  # before mkdocs-macros reads `extra`
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _build  # noqa: PLW0603 - replaced, never mutated, once per build
    if _build is not None:
        _build.close()
    with _plugin_errors():
        _build = SiteBuild(catalog_root(config.config_file_path), Path(config.docs_dir),
                           site_name=config.site_name, site_url=config.site_url or None,
                           directory_urls=config.use_directory_urls,
                           serving=_command == "serve")
    for level, text in _build.messages:
        log.log(level, text)
    config.extra["fmcat"] = _build.home
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    assert _build is not None
    existing = {file.src_uri for file in files}
    with _plugin_errors():
        for source in _build.source_files(existing):
            if source.path is not None:
                file = File.generated(config, source.src_uri, abs_src_path=str(source.path))
            else:
                file = File.generated(config, source.src_uri, content=source.content)
            if source.edit_uri is not None:
                file.edit_uri = source.edit_uri
            files.append(file)
        _build.start_outputs((file.dest_uri for file in files), Path(config.site_dir))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    # Pagefind indexes the site; Material's own index would hold every page's text.
    page.meta["search"] = {"exclude": True}
    return markdown


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    assert _build is not None
    if _build.is_generated(page.file.src_uri):
        # MkDocs keeps every page's Markdown until the build ends, though
        # nothing reads it after rendering; for our generated pages that is
        # the whole catalog again. The title comes from meta, not from here.
        page.markdown = ""
    return _build.finish_html(page.file.src_uri, html)


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    # overrides/partials/nav.html wraps Material's own nav partial, which it
    # reaches as `material/partials/nav.html`.
    material = Path(material_templates.__file__).parent
    assert env.loader is not None
    env.loader = ChoiceLoader([env.loader, PrefixLoader({"material": FileSystemLoader(material)})])
    return env


def on_page_context(context: dict[str, Any], page: Page, config: MkDocsConfig,
                    nav: Any) -> dict[str, Any]:
    assert _build is not None
    context.update(_build.page_context(page.file.src_uri, page.url))
    return context


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    assert _build is not None
    with _plugin_errors():
        _build.add_page(page.file.src_uri, page.file.dest_uri, output)
    return output


def on_post_build(config: MkDocsConfig) -> None:
    assert _build is not None
    with _plugin_errors():
        _build.finish(Path(config.site_dir))


def on_build_error(error: Exception) -> None:
    if _build is not None:
        _build.close()


def on_serve(server: Any, config: MkDocsConfig, builder: Any) -> Any:
    for path in watched_paths(catalog_root(config.config_file_path)):
        server.watch(str(path))
    return server

"""MkDocs adapter: forwards build events to `fmcat.site.SiteBuild`, nothing more.

It translates MkDocs objects to plain data and the package's `BuildError`
to `PluginError`, patches the template loader and orders events. State
lives in one `SiteBuild` that `on_config` replaces at the start of every
build, so `mkdocs serve` rebuilds never accumulate state. What a serve
session keeps across rebuilds (with `--dirty`, which pages a save changes;
the error page served while the catalog is broken) is a `ServeSession` in
the package, found by the folder it serves: only the first build of a
session sees `on_startup`, and MkDocs keeps this module for the whole
process (it caches hooks by path), so the command `on_startup` names is
taken for the next build only.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
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

from fmcat.site import (
    COMPILED_TEMPLATES,
    SCRIPTS,
    STYLESHEETS,
    THEME_DIR,
    BuildError,
    ServeSession,
    SiteBuild,
    catalog_root,
    close_session,
    find_session,
    open_session,
    watched_paths,
    with_engine_assets,
)

log = logging.getLogger("mkdocs.plugins.fmcat")

_build: SiteBuild | None = None
_command = "build"
_dirty = False
_session: ServeSession | None = None
_site_dir = ""


@contextmanager
def _plugin_errors() -> Iterator[None]:
    """The package's `BuildError` as MkDocs' `PluginError`, which ends the build cleanly."""
    try:
        yield
    except BuildError as exc:
        if _session is not None:
            _session.preview.note(exc.findings)
        raise PluginError(f"fmcat: {exc}") from None


def on_startup(command: str, dirty: bool) -> None:
    global _command, _dirty
    _command, _dirty = command, dirty


def _serve_session(config: MkDocsConfig) -> ServeSession | None:
    """The serve session this build belongs to (made at its first build), if any.

    Only the first build of a session sees `on_startup`; later ones find
    the session by the folder it serves.
    """
    global _command  # noqa: PLW0603 - the startup command is for the next build only
    site_dir = Path(config.site_dir)
    if _command != "serve":
        return find_session(site_dir)
    # Otherwise a plain build later in the same process would become a preview.
    _command = "build"
    return open_session(site_dir, catalog_root(config.config_file_path), dirty=_dirty,
                        config=[Path(p) for p in (config.config_file_path, config.docs_dir,
                                                  config.theme.custom_dir) if p])


def on_shutdown() -> None:
    if _session is not None:
        close_session(Path(_site_dir))


@event_priority(100)  # before mkdocs-macros reads `extra`
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _build, _session, _site_dir  # noqa: PLW0603 - replaced, never mutated, once per build
    if _build is not None:
        _build.close()
    _session, _site_dir = _serve_session(config), config.site_dir
    with _plugin_errors():
        _build = SiteBuild(catalog_root(config.config_file_path), Path(config.docs_dir),
                           site_name=config.site_name, site_url=config.site_url or None,
                           directory_urls=config.use_directory_urls,
                           serving=_session is not None,
                           incremental=_session.incremental if _session else None)
    for level, text in _build.messages:
        log.log(level, text)
    config.extra["fmcat"] = _build.home
    _use_engine_theme(config)
    return config


def _use_engine_theme(config: MkDocsConfig) -> None:
    """The engine's overrides, CSS and JS come from the installed package: after
    the catalog's own custom_dir, before Material; its assets listed first."""
    dirs, engine = config.theme.dirs, str(THEME_DIR)
    if engine not in dirs:
        dirs.insert(1 if config.theme.custom_dir else 0, engine)
    config.extra_css = with_engine_assets(config.extra_css, STYLESHEETS)
    config.extra_javascript = with_engine_assets(config.extra_javascript, SCRIPTS)


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
        _build.start_outputs(((file.src_uri, file.dest_uri) for file in files),
                             Path(config.site_dir))
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
    # MkDocs holds every page's HTML from here until the build ends; the build
    # keeps it on disk instead, and on_page_context puts it back for writing.
    _build.park_content(page.file.src_uri, _build.finish_html(page.file.src_uri, html))
    return ""


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    # The engine theme's partials/nav.html wraps Material's own nav partial, which it
    # reaches as `material/partials/nav.html`.
    material = Path(material_templates.__file__).parent
    assert env.loader is not None
    env.loader = ChoiceLoader([env.loader, PrefixLoader({"material": FileSystemLoader(material)})])
    # MkDocs makes this environment anew for every build; a preview save need
    # not compile the theme again.
    env.bytecode_cache = COMPILED_TEMPLATES
    return env


@event_priority(100)  # the page's HTML is back before any plugin reads it
def on_page_context(context: dict[str, Any], page: Page, config: MkDocsConfig,
                    nav: Any) -> dict[str, Any]:
    assert _build is not None
    content = _build.take_content(page.file.src_uri)
    if content is not None:
        page.content = content
    context.update(_build.page_context(page.file.src_uri, page.url))
    return context


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    assert _build is not None
    page.content = None  # written; MkDocs would keep it until the build ends
    with _plugin_errors():
        return _build.finish_page(page.file.src_uri, page.file.dest_uri, output)


def on_post_build(config: MkDocsConfig) -> None:
    assert _build is not None
    with _plugin_errors():
        _build.finish(Path(config.site_dir))


def on_build_error(error: Exception) -> None:
    if _build is not None:
        _build.close()


def on_serve(server: Any, config: MkDocsConfig, builder: Any) -> Any:
    """Watch the catalog; while a rebuild has failed, answer every request with
    the preview's error page, which reloads when a rebuild succeeds.

    This reaches into MkDocs 1.6's LiveReloadServer (`builder`, the epochs,
    `_inject_js_into_html`): it re-serves the built site only after a good
    build, and would hold every request until then.
    """
    for path in watched_paths(catalog_root(config.config_file_path)):
        server.watch(str(path))
    build, serve = server.builder, server.serve_request
    assert _session is not None
    preview = _session.preview

    def build_or_fail() -> None:
        try:
            preview.run(build)
        except BaseException:  # MkDocs ends a failed build with SystemExit
            # Open tabs reload (into the error page); requests stop waiting.
            with server._epoch_cond:
                server._visible_epoch = server._wanted_epoch
                server._epoch_cond.notify_all()
            raise

    def serve_or_report(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "").startswith("/livereload/"):
            return serve(environ, start_response)  # type: ignore[no-any-return]
        page = preview.page()
        if page is None:
            return serve(environ, start_response)  # type: ignore[no-any-return]
        body: bytes = server._inject_js_into_html(page.encode(), server._visible_epoch)
        start_response("503 Service Unavailable", [
            ("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store")])
        return [body]

    server.builder = build_or_fail
    server.set_app(serve_or_report)
    return server

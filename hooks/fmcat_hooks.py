"""MkDocs adapter: wires build events to the `fmcat` package, nothing more.

Each function translates between MkDocs objects and the package's plain
data. State lives in one `_Build` object that `on_config` replaces at the
start of every build, so `mkdocs serve` rebuilds never accumulate state.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader
from material import templates as material_templates
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from fmcat.core.clock import build_date
from fmcat.core.findings import Severity, format_text, summarize
from fmcat.core.load import load_checked
from fmcat.site.home import catalog_root, home_summary
from fmcat.site.outputs import OutputError, OutputWriter
from fmcat.site.plan import SitePlan, plan_site
from fmcat.site.render import RenderOnce
from fmcat.site.search import SearchIndex, SearchIndexError

log = logging.getLogger("mkdocs.plugins.fmcat")

WATCHED = ("entries", "playbooks", "case-studies", "incidents", "taxonomy.yml", "metrics.yml")


@dataclass
class _Build:
    root: Path
    plan: SitePlan
    scratch: Path  # generated Markdown and search stand-ins; removed by close()
    search: SearchIndex
    writer: OutputWriter | None = None
    nav_cache: RenderOnce = field(default_factory=RenderOnce)  # overrides/partials/nav.html

    def close(self) -> None:
        if self.writer is not None:
            self.writer.cancel()
        shutil.rmtree(self.scratch, ignore_errors=True)


_build: _Build | None = None
_command = "build"


def on_startup(command: str, dirty: bool) -> None:
    global _command  # noqa: PLW0603 - set once per process by MkDocs
    _command = command


@event_priority(100)  # before mkdocs-macros reads `extra`
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _build  # noqa: PLW0603 - replaced, never mutated, once per build
    if not config.use_directory_urls:
        raise PluginError("fmcat: use_directory_urls must stay true; entry URLs depend on it")
    root = catalog_root(config.config_file_path)
    catalog = load_checked(root, today=build_date())
    errors = [f for f in catalog.findings if f.severity is Severity.ERROR]
    if errors:
        raise PluginError(
            f"fmcat: the catalog has {summarize(catalog.findings)}; fix them to build:\n"
            + format_text(errors)
        )
    for item in catalog.findings:
        # MkDocs' --strict fails on any logged warning; a notice (an overdue
        # review) must not, so it is logged at INFO and still shown.
        if item.severity is Severity.NOTICE:
            log.info(format_text([item]))
        else:
            log.warning(format_text([item]))
    plan = plan_site(catalog, site_name=config.site_name, site_url=config.site_url or None)
    if _build is not None:
        _build.close()
    scratch = Path(tempfile.mkdtemp(prefix="fmcat-build-"))
    _build = _Build(root, plan, scratch, SearchIndex(scratch / "search"))
    config.extra["fmcat"] = home_summary(catalog, plan.derived)
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    assert _build is not None
    for generated in _build.plan.take_files():
        if files.get_file_from_path(generated.src_uri) is not None:
            raise PluginError(f"fmcat: docs/{generated.src_uri} collides with a generated "
                              "page; move or rename the hand-written file")
        if generated.src_uri.endswith(".md"):
            # Backed by a file, not held in memory: MkDocs reads each page once.
            source = _build.scratch / "pages" / generated.src_uri
            source.parent.mkdir(parents=True, exist_ok=True)
            source.write_text(generated.content, encoding="utf-8")
            file = File.generated(config, generated.src_uri, abs_src_path=str(source))
        else:
            file = File.generated(config, generated.src_uri, content=generated.content)
        if generated.source_path:
            # Edit links point at the record's real source, outside docs_dir.
            file.edit_uri = f"../{generated.source_path}"
        files.append(file)
    outputs = _build.plan.outputs
    clashes = outputs.clashes(file.dest_uri for file in files)
    if clashes:
        raise PluginError(f"fmcat: docs/ has files where the build writes {clashes[0]} "
                          f"(and {len(clashes) - 1} more); move or rename them")
    # The site folder is clean by now. A one-off build writes the API files,
    # drills and redirects in a second process while MkDocs renders pages.
    _build.writer = OutputWriter(outputs, Path(config.site_dir),
                                 background=_command != "serve")
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    # Pagefind indexes the site; Material's own index would hold every page's text.
    page.meta["search"] = {"exclude": True}
    return markdown


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    assert _build is not None
    if page.file.src_uri in _build.plan.generated:
        # MkDocs keeps every page's Markdown until the build ends, though
        # nothing reads it after rendering; for our generated pages that is
        # the whole catalog again. The title comes from meta, not from here.
        page.markdown = ""
    return _build.plan.finish_html(page.file.src_uri, html)


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
    context["fmcat_nav_cache"] = _build.nav_cache
    context["fmcat_nav_key"] = _build.plan.nav_key(page.file.src_uri, page.url)
    context["fmcat_page"] = _build.plan.view_for(page.file.src_uri)
    context["fmcat_indexed"] = _build.plan.indexed(page.file.src_uri)
    return context


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    assert _build is not None
    try:
        _build.search.add(page.file.dest_uri, output)
    except SearchIndexError as exc:
        raise PluginError(f"fmcat: {page.file.src_uri}: {exc}") from None
    return output


def on_post_build(config: MkDocsConfig) -> None:
    assert _build is not None and _build.writer is not None
    try:
        _build.writer.finish()
        _build.search.write(Path(config.site_dir))
    except OutputError as exc:
        raise PluginError(f"fmcat: writing the API files, drills and redirects failed: "
                          f"{exc}") from None
    except SearchIndexError as exc:
        raise PluginError(f"fmcat: building the search index failed: {exc}") from None
    finally:
        _build.close()


def on_build_error(error: Exception) -> None:
    if _build is not None:
        _build.close()


def on_serve(server: Any, config: MkDocsConfig, builder: Any) -> Any:
    root = catalog_root(config.config_file_path)
    for name in WATCHED:
        if (root / name).exists():
            server.watch(str(root / name))
    return server

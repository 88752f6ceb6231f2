"""URLs: every one derived from an ID or a vocabulary value, never a file name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fmcat.core.ids import ANY_RECORD_ID
from fmcat.core.model import CASE_STUDY, FAILURE_MODE, KIND_BY_PREFIX, KINDS, PLAYBOOK, Kind


def relative_url(page_url: str, target: str) -> str:
    """A link from one directory URL to another, working under any base path.

    Both are site-root-relative (`failure-modes/FM-0001/`). Computed on the
    path segments directly: `posixpath.relpath` resolves against the working
    directory and was a visible cost with tens of thousands of links.
    """
    path, _, anchor = target.partition("#")
    source = [part for part in page_url.split("/") if part]
    dest = [part for part in path.split("/") if part]
    common = 0
    while common < min(len(source), len(dest)) and source[common] == dest[common]:
        common += 1
    rel = "/".join([".."] * (len(source) - common) + dest[common:])
    if not rel:
        rel = "./"
    elif path.endswith("/") or not path:
        rel += "/"
    return f"{rel}#{anchor}" if anchor else rel


def record_url(record_id: str) -> str:
    """`FM-0007` → `failure-modes/FM-0007/`."""
    return KIND_BY_PREFIX[record_id[:2]].url(record_id)


def rel_from(page_url: str) -> Callable[[str], str]:
    """The URL helper handed to fragments: site-root URL → link from `page_url`."""
    return lambda target: relative_url(page_url, target)


@dataclass(frozen=True)
class Link:
    """A labelled site-root-relative URL, as views hand them to templates."""

    label: str
    url: str
    note: str = ""
    anchor: str = ""  # a fixed id for the item itself, e.g. an incident's ID


# --- what the site publishes, so aliases can be refused without a build -----
# Core cannot ask the site (it sits above), so the names are written here;
# tests/site/test_site.py builds the fixture and fails if a top-level name of
# the real site is not reserved, so a new page cannot slip past this list.

GENERATOR_FILES = ("404.html", "sitemap.xml", "sitemap.xml.gz")
"""Files MkDocs and the theme write at the site root."""

SITE_FOLDERS = ("assets", "search", "pagefind", "api", "drills")
"""Folders of the site root that hold no record page: theme and our assets,
Material's search index, Pagefind, the API and the drills."""

GENERATED_PAGES = ("matrix", "assess", "browse", "review", "quality", "stewards", "whats-new",
                   "trends", "metrics", "feed.xml", "feed.json", "external")
"""Top-level pages and files the site plans besides the record folders."""


def alias_key(alias: str) -> str:
    """An alias path as file systems and browsers may see it: one case, no empty
    or leading and trailing slashes, so `Matrix`, `matrix/` and `/matrix` are one."""
    return "/".join(part for part in alias.lower().split("/") if part)


def reserved_by(alias: str, root: Path) -> str:
    """What the site of the catalog at `root` already publishes at an alias path
    ("" if nothing).

    An alias redirect is a folder with an `index.html`; it must not lie on or
    under a file or page the build writes, nor in a folder the build owns, or
    the build fails or a permalink is silently taken over. The top level is
    reserved whole for everything but the record folders, where only the
    folder page and ID-shaped names are (old slug paths below them stay
    possible). Hand-written pages in `docs/` are read from the folder, as the
    build does, so `fmcat validate` gives the same answer without MkDocs.
    """
    parts = alias_key(alias).split("/")
    top = parts[0]
    if not top:
        return "the home page"
    if top in GENERATOR_FILES:
        return f"{top}, which MkDocs writes"
    if top in SITE_FOLDERS:
        return f"the site's {top}/ folder"
    if top in GENERATED_PAGES:
        return f"the generated page {top}"
    if ANY_RECORD_ID.match(top.upper()):
        return f"the permalink {top.upper()}/"
    for kind in KINDS:
        if top == kind.url_dir and (len(parts) == 1 or ANY_RECORD_ID.match(parts[1].upper())):
            return f"the {kind.label.lower()} pages under {kind.url_dir}/"
    hand_written = _hand_written(root / "docs")
    if top in hand_written:
        return f"the hand-written page docs/{hand_written[top]}"
    return ""


def _hand_written(docs: Path) -> dict[str, str]:
    """Top-level URL names of the pages and files in `docs/`, by name."""
    if not docs.is_dir():
        return {}
    found: dict[str, str] = {}
    for path in sorted(docs.iterdir()):
        name = path.name.removesuffix(".md") if path.is_file() else path.name
        if name.lower() != "index":
            found.setdefault(name.lower(), path.name)
    return found


# --- the fixed anchors of a record page ---------------------------------------

COMMON_ANCHORS: tuple[str, ...] = ("summary", "history")
GENERATED_ANCHORS: dict[str, tuple[str, ...]] = {
    # Sections the page templates add (fragments/*.html); runbooks may link them.
    # `evidence` holds references, artifacts and a playbook's `controls`.
    FAILURE_MODE.name: ("evidence", "related", "similar", "case-studies", "incidents"),
    PLAYBOOK.name: ("steps", "fallback", "rollback", "escalation", "tradeoffs", "evidence",
                    "controls", "used-by", "case-studies", "incidents"),
    CASE_STUDY.name: ("origin-and-reuse", "timeline", "metrics", "responsibilities",
                      "evidence", "failure-modes", "playbooks"),
}


def anchors(kind: Kind) -> tuple[str, ...]:
    """Every fixed section anchor a record page of this kind has.

    Anchors are part of the URL contract (alerts and runbooks link to
    `#detection`), so the `link` command refuses any other, and a heading
    in a record body may not take one of the generated parts.
    """
    own = tuple(section.anchor for section in kind.sections)
    return (*COMMON_ANCHORS, *own, *GENERATED_ANCHORS.get(kind.name, ()))

"""External IDs on the site: the card's links out, one page per scheme and their index.

A reader coming from another taxonomy (an ATLAS technique, an OWASP risk)
holds an ID, not one of ours: `external/<scheme>/` lists each ID of the
scheme that a listed record cites, with the records, so the reader lands
here. The page URL derives from the scheme's key in `taxonomy.yml`, which
is a slug, and the folder is reserved against aliases (`core.urls`).
Withdrawn records are left out, as from every listing.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from fmcat.core.catalog import Entry
from fmcat.core.external import ExternalScheme, id_sort_key
from fmcat.core.model import Record
from fmcat.core.taxonomy import Taxonomy
from fmcat.core.text import plural
from fmcat.core.urls import Link, rel_from
from fmcat.site.render import render_block
from fmcat.site.views import page

EXTERNAL_URL = "external/"
INDEX_TITLE = "External IDs"


def scheme_url(key: str) -> str:
    """`atlas` → `external/atlas/`: stable as long as the key in taxonomy.yml is."""
    return f"{EXTERNAL_URL}{key}/"


@dataclass(frozen=True)
class ExternalGroup:
    """One scheme's IDs on a record's card: the IDs link out, the title to our page."""

    title: str
    page: str
    ids: tuple[Link, ...]


def record_ids(record: Record, taxonomy: Taxonomy) -> dict[str, list[str]]:
    """The record's IDs by declared scheme, in the taxonomy's order, sorted, once each.

    A scheme the taxonomy does not declare is a check error (FMC037) and is
    left out here rather than shown as if it were known.
    """
    schemes = taxonomy.external_schemes
    return {key: sorted(set(record.external_ids[key]), key=id_sort_key)
            for key in schemes if record.external_ids.get(key)}


def external_groups(record: Record, taxonomy: Taxonomy) -> tuple[ExternalGroup, ...]:
    schemes = taxonomy.external_schemes
    return tuple(
        ExternalGroup(schemes[key].title, scheme_url(key),
                      tuple(Link(i, schemes[key].link(i)) for i in ids))
        for key, ids in record_ids(record, taxonomy).items())


def search_ids(record: Record, taxonomy: Taxonomy) -> list[str]:
    """What a reader types to find the record from another taxonomy: its IDs there."""
    return [i for ids in record_ids(record, taxonomy).values() for i in ids]


@dataclass(frozen=True)
class IdRow:
    """One external ID on its scheme's page and the records that cite it."""

    id: Link
    records: tuple[Link, ...]


@dataclass(frozen=True)
class SchemeView:
    key: str
    title: str
    description: str
    home: str
    pattern: str
    rows: tuple[IdRow, ...]

    @property
    def counts(self) -> str:
        records = len({link.url for row in self.rows for link in row.records})
        return f"{plural(len(self.rows), 'ID')}, {plural(records, 'record')}"


def scheme_views(entries: Iterable[Entry], taxonomy: Taxonomy) -> tuple[SchemeView, ...]:
    """Every declared scheme, with the IDs listed records cite (one pass over them)."""
    cited: dict[str, dict[str, list[Link]]] = defaultdict(lambda: defaultdict(list))
    for entry in sorted(entries, key=lambda e: e.id):
        for key, ids in record_ids(entry.record, taxonomy).items():
            for external_id in ids:
                cited[key][external_id].append(
                    Link(f"{entry.id}: {entry.record.title}", entry.kind.url(entry.id)))
    return tuple(_scheme_view(key, scheme, cited.get(key, {}))
                 for key, scheme in taxonomy.external_schemes.items())


def _scheme_view(key: str, scheme: ExternalScheme, cited: dict[str, list[Link]]) -> SchemeView:
    rows = tuple(IdRow(Link(i, scheme.link(i)), tuple(cited[i]))
                 for i in sorted(cited, key=id_sort_key))
    return SchemeView(key, scheme.title, scheme.description, scheme.home or "", scheme.pattern,
                      rows)


def external_pages(entries: Iterable[Entry], taxonomy: Taxonomy) -> dict[str, str]:
    """The Markdown of the index of schemes and of each scheme's page, by src_uri."""
    views = scheme_views(entries, taxonomy)
    pages = {f"{EXTERNAL_URL}index.md": page(INDEX_TITLE, render_block(
        "fragments/external-index.html", schemes=views, rel=rel_from(EXTERNAL_URL),
        scheme_url=scheme_url))}
    for view in views:
        url = scheme_url(view.key)
        # Titles come from taxonomy.yml: escaped, as record titles are.
        pages[f"{url}index.md"] = page(html.escape(view.title), render_block(
            "fragments/external-scheme.html", scheme=view, rel=rel_from(url),
            index=Link(INDEX_TITLE, EXTERNAL_URL)))
    return pages

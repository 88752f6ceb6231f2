"""The browse pages: the index of every dimension, one page per dimension and
one per value, with its failure modes and the playbooks and case studies that
go with them.

Playbooks carry no classification of their own, so a value's page lists the
playbooks that mitigate its failure modes. Case studies are listed when they
cite one of those failure modes and, for the dimensions the taxonomy applies
to case studies, when their origin or a reuse has the value itself
(`discovery.reach_index` decides; this module only shapes the rows).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from markupsafe import Markup

from fmcat.analysis.discovery import Dimension, Reach, dimensions_of, reach_index
from fmcat.core.catalog import Catalog, Entry
from fmcat.core.model import FAILURE_MODE, FailureMode, Playbook
from fmcat.core.taxonomy import Taxonomy
from fmcat.core.text import duration_text, fact_text
from fmcat.core.urls import Link, rel_from, relative_url
from fmcat.site.render import join_parts, render, render_part
from fmcat.site.views import page, severity_class

BROWSE_URL = "browse/"
EMPTY_REACH = Reach({}, {}, {})

FmLinks = Callable[[list[str]], Markup]
"""Rendered links to failure modes by ID, joined, for one page."""


def browse_intro(taxonomy: Taxonomy) -> str:
    """The browse index's first paragraph, naming the dimensions case studies carry."""
    context = [d.title.lower() for d in taxonomy.dimensions_of("case-study").values()]
    has_value = (f" and, for {' and '.join(context)}, when their origin or a reuse has the "
                 "value" if context else "")
    return (
        "Failure modes by each way they are classified, with the playbooks and case "
        "studies that go with them. Playbooks carry no classification of their own: a "
        "value lists the playbooks that mitigate its failure modes. Case studies are "
        f"listed when they cite one of those failure modes{has_value}. Counts exclude "
        "withdrawn records.")


@dataclass(frozen=True)
class ListingRow:
    id: str
    title: str
    url: str
    severity: str
    severity_class: str
    category: str
    summary: str


def listing_row(entry: Entry, taxonomy: Taxonomy) -> ListingRow:
    record = entry.record
    assert isinstance(record, FailureMode)
    return ListingRow(record.id, record.title, entry.kind.url(record.id),
                      fact_text(record.severity),
                      severity_class(record.severity),
                      taxonomy.title_of("categories", record.category), record.summary)


@dataclass
class RenderedModes:
    """A failure mode's listing row and its link, rendered once per build and
    reused on every value page that shows them.

    A failure mode is listed on the page of each of its values and cited next
    to every playbook and case study listed there: at 1,000 entries, tens of
    thousands of rows and links, whose Jinja rendering was most of a re-plan in
    `mkdocs serve`. The fragments still render them, with autoescape; only the
    result is reused. A rendering depends on the page only through its relative
    links, so it is kept per path from the page to the site root: the same for
    every value page, and right for any page outside the record folders.
    """

    catalog: Catalog
    taxonomy: Taxonomy
    _rows: dict[tuple[str, str], Markup] = field(default_factory=dict)
    _links: dict[tuple[str, str], Markup] = field(default_factory=dict)

    def _root(self, page_url: str) -> str:
        assert not page_url.startswith(f"{FAILURE_MODE.url_dir}/"), page_url
        return relative_url(page_url, "")

    def rows(self, fm_ids: list[str], page_url: str) -> tuple[Markup, ...]:
        """The rows of a failure-mode listing (`fragments/listing-row.html`)."""
        root, rel = self._root(page_url), rel_from(page_url)
        for fm_id in fm_ids:
            if (fm_id, root) not in self._rows:
                self._rows[fm_id, root] = render_part(
                    "fragments/listing-row.html",
                    row=listing_row(self.catalog.entries[fm_id], self.taxonomy), rel=rel)
        return tuple(self._rows[fm_id, root] for fm_id in fm_ids)

    def links(self, fm_ids: list[str], page_url: str) -> Markup:
        """Links to failure modes, labelled with their IDs (`fragments/link.html`),
        separated by commas. Joined here rather than looped over in the fragment:
        a browse build prints tens of thousands of them."""
        root, rel = self._root(page_url), rel_from(page_url)
        for fm_id in fm_ids:
            if (fm_id, root) not in self._links:
                self._links[fm_id, root] = render_part(
                    "fragments/link.html", link=Link(fm_id, FAILURE_MODE.url(fm_id)),
                    rel=rel)
        return join_parts(", ", (self._links[fm_id, root] for fm_id in fm_ids))


@dataclass(frozen=True)
class RelatedRow:
    """A playbook or case study on a browse page: its link, facts and why it is
    there, with the failure modes that put it there (rendered links, joined)."""

    link: Link
    facts: str
    why: str
    failure_modes: Markup


@dataclass(frozen=True)
class RelatedSection:
    title: str
    anchor: str
    heading: str
    facts_heading: str
    rows: tuple[RelatedRow, ...]
    empty: str


def _record_link(catalog: Catalog, record_id: str) -> Link:
    entry = catalog.entries[record_id]
    return Link(f"{record_id}: {entry.record.title}", entry.kind.url(record_id))


def playbook_rows(reach: Reach, catalog: Catalog, fm_links: FmLinks) -> tuple[RelatedRow, ...]:
    rows = []
    for playbook_id, fm_ids in reach.playbooks.items():
        record = catalog.entries[playbook_id].record
        assert isinstance(record, Playbook)
        rows.append(RelatedRow(_record_link(catalog, playbook_id),
                               f"{record.owner} · {duration_text(record.time_to_remediate)}",
                               "mitigates", fm_links(fm_ids)))
    return tuple(rows)


def case_rows(reach: Reach, catalog: Catalog, fm_links: FmLinks) -> tuple[RelatedRow, ...]:
    rows = []
    for case_id in sorted({*reach.cases_citing, *reach.cases_context}):
        contexts = reach.cases_context.get(case_id, [])
        cited = reach.cases_citing.get(case_id, [])
        why = ", ".join(contexts) if contexts else ""
        if cited:
            why = f"{why}; cites" if why else "cites"
        rows.append(RelatedRow(_record_link(catalog, case_id),
                               catalog.entries[case_id].record.summary, why, fm_links(cited)))
    return tuple(rows)


def related_sections(reach: Reach | None, catalog: Catalog,
                     fm_links: FmLinks) -> tuple[RelatedSection, ...]:
    """The Playbooks and Case studies sections of one value's page; `fm_links`
    renders the links to the failure modes that put a record there."""
    reach = reach or EMPTY_REACH
    return (
        RelatedSection("Playbooks", "playbooks", "Playbook", "Owner · time to remediate",
                       playbook_rows(reach, catalog, fm_links),
                       "No playbook mitigates these failure modes yet."),
        RelatedSection("Case studies", "case-studies", "Case study", "Summary",
                       case_rows(reach, catalog, fm_links),
                       "No case study cites these failure modes or has this value."),
    )


@dataclass(frozen=True)
class BrowseValue:
    label: str
    url: str
    count: int
    note: str = ""
    counts: str = ""


@dataclass(frozen=True)
class BrowseGroup:
    title: str
    slug: str
    values: tuple[BrowseValue, ...]


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _group(dimension: Dimension, taxonomy: Taxonomy, index: dict[str, list[str]],
           reach: dict[str, Reach], *, notes: bool) -> BrowseGroup:
    values = []
    for value, term in taxonomy.vocabulary(dimension.vocabulary).items():
        note = getattr(term, "description", "") if notes else ""
        count = len(index.get(value, []))
        here = reach.get(value, EMPTY_REACH)
        counts = " · ".join((
            _plural(count, "failure mode", "failure modes"),
            _plural(len(here.playbooks), "playbook", "playbooks"),
            _plural(len({*here.cases_citing, *here.cases_context}), "case study",
                    "case studies")))
        values.append(BrowseValue(taxonomy.title_of(dimension.vocabulary, value),
                                  dimension.value_url(value), count, note, counts))
    return BrowseGroup(dimension.title, dimension.slug, tuple(values))


def browse_pages(catalog: Catalog, taxonomy: Taxonomy,
                 index: dict[str, dict[str, list[str]]]) -> dict[str, str]:
    """src_uri → Markdown for the browse index, one page per dimension and per value."""
    pages: dict[str, str] = {}
    reach = reach_index(catalog, index)
    once = RenderedModes(catalog, taxonomy)
    dimensions = dimensions_of(taxonomy)
    groups = [_group(d, taxonomy, index[d.field], reach[d.field], notes=False)
              for d in dimensions]
    pages[f"{BROWSE_URL}index.md"] = page("Browse", browse_intro(taxonomy) + "\n" + render(
        "fragments/browse.html", groups=groups, rel=rel_from(BROWSE_URL)))
    for dimension in dimensions:
        group = _group(dimension, taxonomy, index[dimension.field], reach[dimension.field],
                       notes=True)
        pages[f"{dimension.url()}index.md"] = page(dimension.title, render(
            "fragments/browse.html", groups=[group], rel=rel_from(dimension.url())))
        for value in taxonomy.vocabulary(dimension.vocabulary):
            url = dimension.value_url(value)
            rows = once.rows(index[dimension.field].get(value, []), url)
            term = taxonomy.vocabulary(dimension.vocabulary)[value]
            title = f"{dimension.title}: {taxonomy.title_of(dimension.vocabulary, value)}"
            body = render("fragments/browse-value.html", rows=rows, rel=rel_from(url),
                          category_title=taxonomy.axes.category.label,
                          description=getattr(term, "description", ""),
                          sections=related_sections(
                              reach[dimension.field].get(value), catalog,
                              partial(once.links, page_url=url)))
            pages[f"{url}index.md"] = page(title, body)
    return pages

"""Generated listing pages: the catalog table, the matrix, the tag indexes, home blocks.

Each function takes the catalog and the indexes built once per build in
`discovery.py` and returns the Markdown of one page. Views are finished
here (sorted, labelled, with URLs); templates only loop.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from fmcat.analysis.discovery import DIMENSIONS, Dimension, Observed
from fmcat.core.catalog import Catalog, Entry
from fmcat.core.model import FailureMode
from fmcat.core.taxonomy import Taxonomy
from fmcat.core.urls import Link
from fmcat.core.urls import rel_from as _rel
from fmcat.site.render import render, render_block

CATALOG_URL = "failure-modes/"
MATRIX_URL = "matrix/"
BROWSE_URL = "browse/"

def page(title: str, content: str, *, heading: bool = True, wide: bool = False) -> str:
    """A generated Markdown page with front matter we write ourselves.

    `wide` hides Material's sidebars so that a big table gets the full width.
    """
    meta: dict[str, object] = {"title": title}
    if wide:
        meta["hide"] = ["navigation", "toc"]
    head = f"# {title}\n\n" if heading else ""
    return f"---\n{json.dumps(meta)}\n---\n\n{head}{content}\n"


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class Facet:
    name: str
    title: str
    options: tuple[Option, ...]


@dataclass(frozen=True)
class CatalogRow:
    id: str
    url: str
    title: str
    severity: str
    severity_rank: int
    frequency: str
    frequency_rank: int
    observed: int
    category: str
    stages: tuple[str, ...]
    data_domain: tuple[str, ...]
    model_family: tuple[str, ...]
    environment: tuple[str, ...]
    customer_segment: tuple[str, ...]
    status: str
    last_reviewed: str
    facets: tuple[tuple[str, str], ...]
    text: str


_FACET_FIELDS = ("severity", "category", "stages", "causes", "data_domain", "model_family",
                 "environment", "customer_segment", "status")


def _facet_values(record: FailureMode, field: str) -> list[str]:
    value = getattr(record, field)
    return [value] if isinstance(value, str) else list(value)


def catalog_page(entries: list[Entry], taxonomy: Taxonomy,
                 observed: dict[str, Observed]) -> str:
    rows = []
    counts: dict[str, dict[str, int]] = {field: {} for field in _FACET_FIELDS}
    for entry in entries:
        record = entry.record
        assert isinstance(record, FailureMode)
        facets = []
        for field in _FACET_FIELDS:
            values = _facet_values(record, field)
            facets.append((field.replace("_", "-"), " ".join(values)))
            for value in values:
                counts[field][value] = counts[field].get(value, 0) + 1
        rows.append(CatalogRow(
            id=record.id, url=entry.kind.url(record.id), title=record.title,
            severity=record.severity, severity_rank=taxonomy.severity_rank(record.severity),
            frequency=record.frequency,
            frequency_rank=taxonomy.frequencies[record.frequency].rank
            if record.frequency in taxonomy.frequencies else 0,
            observed=observed[record.id].count if record.id in observed else 0,
            category=taxonomy.title_of("categories", record.category),
            stages=tuple(record.stages), data_domain=tuple(record.data_domain),
            model_family=tuple(record.model_family), environment=tuple(record.environment),
            customer_segment=tuple(record.customer_segment), status=record.status,
            last_reviewed=record.last_reviewed.isoformat(), facets=tuple(facets),
            text=f"{record.id} {record.title} {record.summary}".lower(),
        ))
    vocabularies = {"severity": "severities", "category": "categories", "stages": "stages",
                    "causes": "causes", "data_domain": "data_domain",
                    "model_family": "model_family", "environment": "environment",
                    "customer_segment": "customer_segment"}
    titles = {"severity": "Severity", "category": "Category", "stages": "Stage",
              "causes": "Cause", "data_domain": "Data domain", "model_family": "Model family",
              "environment": "Environment", "customer_segment": "Segment", "status": "Status"}
    facet_views = []
    for field in _FACET_FIELDS:
        if field == "status":
            order = ["draft", "active", "deprecated"]
        else:
            order = list(taxonomy.vocabulary(vocabularies[field]))
        options = tuple(Option(v, taxonomy.title_of(vocabularies[field], v)
                               if field in vocabularies else v, counts[field][v])
                        for v in order if v in counts[field])
        facet_views.append(Facet(field.replace("_", "-"), titles[field], options))
    table = render_block("fragments/catalog.html", rows=rows, facets=facet_views,
                         rel=_rel(CATALOG_URL))
    intro = ("Every failure mode in the catalog. Filter by any facet, sort by a column "
             "heading, and share the address: it keeps the filter. Without JavaScript the "
             "whole table is shown.")
    return page("Catalog", f"{intro}\n\n{table}", wide=True)


@dataclass(frozen=True)
class MatrixItem:
    id: str
    title: str
    severity: str
    url: str


@dataclass(frozen=True)
class MatrixCell:
    items: tuple[MatrixItem, ...]


@dataclass(frozen=True)
class MatrixRow:
    category: Link
    total: int
    cells: tuple[MatrixCell, ...]


@dataclass(frozen=True)
class Matrix:
    stages: tuple[Link, ...]
    rows: tuple[MatrixRow, ...]


def matrix_page(entries: list[Entry], taxonomy: Taxonomy) -> str:
    stages = list(taxonomy.stages)
    cells: dict[tuple[str, str], list[MatrixItem]] = {}
    totals: dict[str, int] = {}
    for entry in entries:
        record = entry.record
        assert isinstance(record, FailureMode)
        totals[record.category] = totals.get(record.category, 0) + 1
        item = MatrixItem(record.id, record.title, record.severity, entry.kind.url(record.id))
        for stage in record.stages:
            cells.setdefault((record.category, stage), []).append(item)
    category_dim, stage_dim = DIMENSIONS[0], DIMENSIONS[2]
    view = Matrix(
        stages=tuple(Link(taxonomy.title_of("stages", s), stage_dim.value_url(s))
                     for s in stages),
        rows=tuple(
            MatrixRow(Link(taxonomy.title_of("categories", c), category_dim.value_url(c)),
                      totals.get(c, 0),
                      tuple(MatrixCell(tuple(cells.get((c, s), []))) for s in stages))
            for c in taxonomy.categories),
    )
    table = render_block("fragments/matrix.html", matrix=view, rel=_rel(MATRIX_URL))
    intro = ("Failure modes by cause category (rows) and the lifecycle stage where they "
             "arise or are caught (columns). Each cell counts and lists its entries.")
    return page("Matrix", f"{intro}\n\n{table}", wide=True)


@dataclass(frozen=True)
class BrowseValue:
    label: str
    url: str
    count: int
    note: str = ""


@dataclass(frozen=True)
class BrowseGroup:
    title: str
    slug: str
    values: tuple[BrowseValue, ...]


def _group(dimension: Dimension, taxonomy: Taxonomy, index: dict[str, list[str]],
           *, notes: bool) -> BrowseGroup:
    values = []
    for value, term in taxonomy.vocabulary(dimension.vocabulary).items():
        note = getattr(term, "description", "") if notes else ""
        values.append(BrowseValue(taxonomy.title_of(dimension.vocabulary, value),
                                  dimension.value_url(value), len(index.get(value, [])), note))
    return BrowseGroup(dimension.title, dimension.slug, tuple(values))


def browse_pages(catalog: Catalog, taxonomy: Taxonomy,
                 index: dict[str, dict[str, list[str]]]) -> dict[str, str]:
    """src_uri → Markdown for the browse index, one page per dimension and per value."""
    pages: dict[str, str] = {}
    groups = [_group(d, taxonomy, index[d.field], notes=False) for d in DIMENSIONS]
    intro = "Failure modes by each way they are classified. Counts exclude withdrawn entries."
    pages[f"{BROWSE_URL}index.md"] = page("Browse", intro + "\n" + render(
        "fragments/browse.html", groups=groups, rel=_rel(BROWSE_URL)))
    for dimension in DIMENSIONS:
        group = _group(dimension, taxonomy, index[dimension.field], notes=True)
        pages[f"{dimension.url()}index.md"] = page(dimension.title, render(
            "fragments/browse.html", groups=[group], rel=_rel(dimension.url())))
        for value in taxonomy.vocabulary(dimension.vocabulary):
            url = dimension.value_url(value)
            rows = [_listing_row(catalog.entries[i], taxonomy)
                    for i in index[dimension.field].get(value, [])]
            term = taxonomy.vocabulary(dimension.vocabulary)[value]
            title = f"{dimension.title}: {taxonomy.title_of(dimension.vocabulary, value)}"
            body = render_block("fragments/listing.html", rows=rows, rel=_rel(url),
                                description=getattr(term, "description", ""))
            pages[f"{url}index.md"] = page(title, body)
    return pages


@dataclass(frozen=True)
class ListingRow:
    id: str
    title: str
    url: str
    severity: str
    category: str
    summary: str


def _listing_row(entry: Entry, taxonomy: Taxonomy) -> ListingRow:
    record = entry.record
    assert isinstance(record, FailureMode)
    return ListingRow(record.id, record.title, entry.kind.url(record.id), record.severity,
                      taxonomy.title_of("categories", record.category), record.summary)

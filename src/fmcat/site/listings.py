"""Generated listing pages: the catalog table, the matrix, the index pages of
playbooks and case studies (the browse pages, by dimension and value, are in
`browse.py`).

Each function takes the catalog and the indexes built once per build in
`discovery.py` and returns the Markdown of one page. Views are finished
here (sorted, labelled, with URLs and CSS classes); templates only loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

from markupsafe import Markup

from fmcat.analysis.discovery import (
    Dimension,
    Observed,
    dimension_by_field,
    dimensions_of,
    values_of,
)
from fmcat.core.catalog import Catalog, Entry
from fmcat.core.memo import memoized
from fmcat.core.model import (
    CASE_STUDY,
    FAILURE_MODE,
    PLAYBOOK,
    CaseStudy,
    FailureMode,
    Kind,
    Playbook,
    Status,
)
from fmcat.core.taxonomy import Taxonomy
from fmcat.core.text import UNKNOWN, duration_text, fact_text
from fmcat.core.urls import Link, rel_from
from fmcat.site.browse import browse_pages as browse_pages  # noqa: PLC0414 - plan imports it here
from fmcat.site.render import render_block, render_part
from fmcat.site.views import dot_class, page, severity_class, short_title

CATALOG_URL = "failure-modes/"
MATRIX_URL = "matrix/"

INDEX_TITLES = {
    FAILURE_MODE.name: "Catalog",
    PLAYBOOK.name: "Mitigation playbooks",
    CASE_STUDY.name: "Case studies",
}


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
    severity_class: str
    severity_rank: int
    frequency: str
    frequency_rank: int
    observed: int
    category: str
    stages: str
    tags: tuple[str, ...]
    status: str
    last_reviewed: str
    facets: tuple[tuple[str, str], ...]
    text: str


@dataclass(frozen=True)
class Column:
    """A column of the catalog table for one tag dimension."""

    title: str
    key: str


def facets_of(taxonomy: Taxonomy) -> tuple[tuple[str, str], ...]:
    """The catalog table's filters: record field and the short title of its menu."""
    by_field = dimension_by_field(taxonomy)
    return (("severity", "Severity"),
            *((by_field[f].field, by_field[f].label) for f in ("category", "stages", "causes")),
            *((d.field, d.label) for d in by_field.values() if d.tag), ("status", "Status"))


def facet_values(record: FailureMode, field: str,
                 by_field: dict[str, Dimension]) -> list[str]:
    """A record's values for one filter: the classification dimensions and two fields.
    `by_field` is `dimension_by_field(taxonomy)`, made once per table: made per
    cell, it was half the time of the catalog page."""
    if field in by_field:
        return values_of(record, by_field[field])
    return [getattr(record, field)]


def facet_options(field: str, taxonomy: Taxonomy) -> tuple[tuple[str, str], ...]:
    """The values of one filter, in menu order, with their labels."""
    if field == "status":
        return tuple((status, status) for status in get_args(Status))
    vocabulary = "severities" if field == "severity" else \
        dimension_by_field(taxonomy)[field].vocabulary
    options = tuple((value, taxonomy.title_of(vocabulary, value))
                    for value in taxonomy.vocabulary(vocabulary))
    if field == "severity" and taxonomy.allows_unknown("severity"):
        # last, as an unknown sorts lowest yet is no level of the scale
        options += ((UNKNOWN, fact_text(UNKNOWN)),)
    return options


def catalog_page(entries: list[Entry], taxonomy: Taxonomy,
                 observed: dict[str, Observed]) -> str:
    rows = []
    facet_fields = facets_of(taxonomy)
    tags = [d for d in dimensions_of(taxonomy) if d.tag]
    counts: dict[str, dict[str, int]] = {field: {} for field, _ in facet_fields}
    by_field = dimension_by_field(taxonomy)
    for entry in entries:
        record = entry.record
        assert isinstance(record, FailureMode)
        facets = []
        for field, _ in facet_fields:
            values = facet_values(record, field, by_field)
            facets.append((field.replace("_", "-"), " ".join(values)))
            for value in values:
                counts[field][value] = counts[field].get(value, 0) + 1
        rows.append(CatalogRow(
            id=record.id, url=entry.kind.url(record.id), title=record.title,
            severity=fact_text(record.severity), severity_class=severity_class(record.severity),
            severity_rank=taxonomy.severity_rank(record.severity),
            frequency=fact_text(record.frequency),
            frequency_rank=taxonomy.frequencies[record.frequency].rank
            if record.frequency in taxonomy.frequencies else 0,
            observed=observed[record.id].count if record.id in observed else 0,
            category=taxonomy.title_of("categories", record.category),
            stages=", ".join(record.stages),
            tags=tuple(", ".join(values_of(record, d)) for d in tags), status=record.status,
            last_reviewed=record.last_reviewed.isoformat(), facets=tuple(facets),
            text=f"{record.id} {record.title} {record.summary}".lower(),
        ))
    facet_views = [
        Facet(field.replace("_", "-"), title, tuple(
            Option(value, label, counts[field][value])
            for value, label in facet_options(field, taxonomy) if value in counts[field]))
        for field, title in facet_fields]
    axes = taxonomy.axes
    table = render_block("fragments/catalog.html", rows=rows, facets=facet_views,
                         category_title=axes.category.label, stages_title=axes.stage.labels,
                         columns=[Column(d.label, d.field) for d in tags],
                         rel=rel_from(CATALOG_URL), row_html=catalog_row_html)
    intro = ("Every failure mode in the catalog. Filter by any facet, sort by a column "
             "heading, and share the address: it keeps the filter. Without JavaScript the "
             "whole table is shown.")
    return page("Catalog", f"{intro}\n\n{table}", wide=True)


@memoized()
def catalog_row_html(row: CatalogRow) -> Markup:
    """One row of the catalog table. Looked up by its view in a preview: a save
    changes a few rows, and rendering every row was most of the page's time."""
    return render_part("fragments/catalog-row.html", row=row, rel=rel_from(CATALOG_URL))


@memoized()
def matrix_item_html(item: MatrixItem) -> Markup:
    """One entry in a matrix cell, looked up by its view in a preview (see above)."""
    return render_part("fragments/matrix-item.html", item=item, rel=rel_from(MATRIX_URL))


def severity_mark(severity: str) -> tuple[str, str]:
    """The letter and CSS classes of a severity mark, readable without its colour."""
    return severity[:1].upper(), f"fmcat-mark fmcat-mark--{severity}"


@dataclass(frozen=True)
class MatrixItem:
    id: str
    title: str
    short_title: str
    severity: str
    dot_class: str
    mark: str
    mark_class: str
    url: str


@dataclass(frozen=True)
class MatrixCell:
    stage: str
    items: tuple[MatrixItem, ...]
    css_class: str


@dataclass(frozen=True)
class MatrixRow:
    category: Link
    total: int
    cells: tuple[MatrixCell, ...]


@dataclass(frozen=True)
class LegendKey:
    label: str
    dot_class: str
    mark: str
    mark_class: str


@dataclass(frozen=True)
class Matrix:
    stages: tuple[Link, ...]
    stage_totals: tuple[int, ...]
    rows: tuple[MatrixRow, ...]
    legend: tuple[LegendKey, ...]


def matrix_cell(items: list[MatrixItem], stage: str = "") -> MatrixCell:
    css_class = "fmcat-matrix__cell" if items else "fmcat-matrix__cell fmcat-matrix__cell--empty"
    return MatrixCell(stage, tuple(items), css_class)


def severity_legend(taxonomy: Taxonomy) -> tuple[LegendKey, ...]:
    """The taxonomy's severities, most severe first."""
    ranked = sorted(taxonomy.severities.items(), key=lambda item: -item[1].rank)
    return tuple(LegendKey(name, dot_class(name), *severity_mark(name)) for name, _ in ranked)


def matrix_item(entry: Entry) -> MatrixItem:
    record = entry.record
    assert isinstance(record, FailureMode)
    return MatrixItem(record.id, record.title, short_title(record.title), record.severity,
                      dot_class(record.severity), *severity_mark(record.severity),
                      entry.kind.url(record.id))


def matrix(entries: list[Entry], taxonomy: Taxonomy) -> Matrix:
    """Failure modes by category (rows) and stage (columns), in taxonomy order."""
    stages = list(taxonomy.stages)
    cells: dict[tuple[str, str], list[MatrixItem]] = {}
    totals: dict[str, int] = {}
    stage_totals: dict[str, int] = {}
    for entry in entries:
        record = entry.record
        assert isinstance(record, FailureMode)
        totals[record.category] = totals.get(record.category, 0) + 1
        item = matrix_item(entry)
        for stage in record.stages:
            cells.setdefault((record.category, stage), []).append(item)
            stage_totals[stage] = stage_totals.get(stage, 0) + 1
    by_field = dimension_by_field(taxonomy)
    category_dim, stage_dim = by_field["category"], by_field["stages"]
    titles = {s: taxonomy.title_of("stages", s) for s in stages}
    return Matrix(
        stages=tuple(Link(titles[s], stage_dim.value_url(s)) for s in stages),
        stage_totals=tuple(stage_totals.get(s, 0) for s in stages),
        rows=tuple(
            MatrixRow(Link(taxonomy.title_of("categories", c), category_dim.value_url(c)),
                      totals.get(c, 0),
                      tuple(matrix_cell(cells.get((c, s), []), titles[s]) for s in stages))
            for c in taxonomy.categories),
        legend=severity_legend(taxonomy),
    )


def matrix_page(entries: list[Entry], taxonomy: Taxonomy) -> str:
    axes = taxonomy.axes
    table = render_block("fragments/matrix.html", matrix=matrix(entries, taxonomy),
                         corner=f"{axes.category.label} / {axes.stage.label.lower()}",
                         stage=axes.stage.title.lower(),
                         rel=rel_from(MATRIX_URL), item_html=matrix_item_html)
    intro = (f"Failure modes by {axes.category.title.lower()} (rows) and the "
             f"{axes.stage.title.lower()} where they arise or are caught (columns). "
             "Each cell counts and lists its entries.")
    return page("Matrix", f"{intro}\n\n{table}", wide=True)


@dataclass(frozen=True)
class IndexRow:
    link: Link
    summary: str
    facts: str
    status: str


def index_rows(kind: Kind, catalog: Catalog) -> list[IndexRow]:
    """The listed records of a kind, with what the index shows at a glance."""
    rows = []
    for entry in catalog.of_kind(kind):
        record = entry.record
        if not record.is_listed:
            continue
        facts: tuple[str, ...] = ()
        if isinstance(record, Playbook):
            facts = (record.owner, duration_text(record.time_to_remediate))
        elif isinstance(record, CaseStudy):
            facts = (", ".join(record.failure_modes),)
        rows.append(IndexRow(Link(f"{record.id}: {record.title}", kind.url(record.id)),
                             record.summary, " · ".join(facts), record.status))
    return rows


def index_page(kind: Kind, catalog: Catalog) -> str:
    """The index page of playbooks or case studies."""
    table = render_block("fragments/index.html", rows=index_rows(kind, catalog),
                         css_class=f"fmcat-index fmcat-index--{kind.name}",
                         rel=rel_from(f"{kind.url_dir}/"))
    return page(INDEX_TITLES[kind.name], table)

"""Trends and metrics pages: charts and tables from one `MetricsReport`.

The report is computed once per build (`metrics.compute_metrics`); this
module only turns it into views. Every chart is an SVG rendered at build
time by `charts.py`, followed by the table of the numbers it draws, so the
pages need no JavaScript and the numbers can be read and copied.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from fmcat.analysis.metrics import (
    RECURRENCE_WINDOW_DAYS,
    DurationTrend,
    MetricsReport,
    QuarterlySeries,
    ReleaseSeverity,
    Series,
    either,
    quarter_of,
    quarter_span,
)
from fmcat.core.taxonomy import Axes, Axis
from fmcat.core.urls import record_url, rel_from
from fmcat.site import charts
from fmcat.site.charts import MISSING as MISSING_VALUE
from fmcat.site.figures import figure, multiples_figure, panels_figure
from fmcat.site.render import render_block
from fmcat.site.views import page

TRENDS_URL = "trends/"
METRICS_URL = "metrics/"

EXAMPLE_NOTE = ('!!! note "Example data"\n    The incident log shipped with this catalog is '
                "illustrative example data, not a record of real events. Replace `incidents/` "
                "with your own log, set `example_data: false` in `fmcat.yml`, and these pages "
                "describe your organisation.\n")
"""Shown while the catalog's `fmcat.yml` says `example_data: true`."""


@dataclass(frozen=True)
class TableCell:
    """One cell of a generated table: text, and a link if `url` is set.

    A `numeric` cell (a count, share, duration) is right-aligned by the site's
    stylesheet so that its digits line up down the column.
    """

    text: str
    url: str = ""
    numeric: bool = False

    @property
    def css_class(self) -> str:
        return "fmcat-num" if self.numeric else ""


def num(text: str) -> TableCell:
    """A numeric cell."""
    return TableCell(text, numeric=True)


@dataclass(frozen=True)
class TableRow:
    """One row; `state` (`met`, `missed`, `better`, `worse`) becomes its CSS class."""

    cells: tuple[TableCell, ...]
    state: str = ""

    @property
    def css_class(self) -> str:
        return f"fmcat-row--{self.state}" if self.state else ""


@dataclass
class Table:
    """A generated table; with no rows it shows `empty` instead of bare headings."""

    columns: Sequence[str]
    rows: list[TableRow] = field(default_factory=list)
    caption: str = ""
    empty: str = "None in the incident log."

    @property
    def headers(self) -> list[TableCell]:
        """Column headings, right-aligned over numeric columns (as the first row has them)."""
        first = self.rows[0].cells if self.rows else ()
        return [TableCell(name, numeric=i < len(first) and first[i].numeric)
                for i, name in enumerate(self.columns)]


def _hours(value: float | None) -> str:
    return MISSING_VALUE if value is None else f"{value:.1f} h"


def _share(value: float | None) -> str:
    return MISSING_VALUE if value is None else f"{value:.0%}"


def render_table(table: Table, page_url: str) -> str:
    """A generated table, its links relative to `page_url`."""
    return render_block("fragments/table.html", headers=table.headers, rows=table.rows,
                        caption=table.caption, empty=table.empty, rel=rel_from(page_url))


def _quarterly(title: str, description: str, series: QuarterlySeries, y_label: str, *,
               unit: str = "", decimals: int | None = None) -> charts.ChartData:
    return charts.chart_data(title, description, series.quarters, series.series,
                             x_label="Quarter", y_label=y_label,
                             unit=unit or f"{y_label.lower()} per quarter",
                             period=quarter_span(series.quarters), decimals=decimals)


def _in_hours(series: QuarterlySeries) -> QuarterlySeries:
    """Durations rounded to one decimal, as every sentence on the site states hours
    (9.9 h, 10.0 h): charts of them pass `decimals=1` so that they print them so."""
    return replace(series, series=tuple(
        replace(s, values=tuple(None if v is None else round(v, 1) for v in s.values))
        for s in series.series))


def duration_figure(trend: DurationTrend, anchor: str) -> str:
    """Median and p90 of a duration per quarter, in two panels."""
    series = _in_hours(trend.as_series())
    return panels_figure(anchor, _quarterly(
        f"{trend.label} per quarter", f"Median and p90 {trend.label.lower()} in hours.",
        series, "Hours", unit="hours", decimals=1), [s.key for s in series.series])


def trends_page(report: MetricsReport, *, example_data: bool = False,
                axis: Axis | None = None) -> str:
    """`axis` is the taxonomy's category axis: a security catalog's are tactics."""
    axis = axis or Axes().category
    category, categories = axis.title.lower(), axis.labels.lower()
    url = TRENDS_URL
    parts = [EXAMPLE_NOTE] if example_data else []
    parts.append("## Occurrences per quarter {#occurrences}\n")
    parts.append(figure("occurrences", _quarterly(
        "Incidents per quarter", "Incidents in the log by the quarter they were detected.",
        report.occurrences, "Incidents")))
    parts.append(f"\n### By {category} {{#by-category}}\n\nAn incident that cites failure "
                 f"modes of two {categories} counts once in each.\n")
    parts.append(multiples_figure("by-category", _quarterly(
        f"Incidents per quarter by {category}",
        f"Incidents per quarter citing failure modes of one {category}, one panel each.",
        report.occurrences_by_category, "Incidents")))
    frequent = Table(["Failure mode", "Incidents"], caption="Most frequent failure modes")
    for mode in report.most_frequent:
        frequent.rows.append(TableRow((
            TableCell(f"{mode.failure_mode}: {mode.title}", record_url(mode.failure_mode)),
            num(str(mode.count)))))
    recurrent = Table(["Failure mode", "Incidents", "Recurrences", "Teams"],
                      caption="Most recurrent failure modes",
                      empty="No failure mode recurred in the log.")
    for item in report.most_recurrent:
        recurrent.rows.append(TableRow((
            TableCell(f"{item.failure_mode}: {item.title}", record_url(item.failure_mode)),
            num(str(item.occurrences)), num(str(item.recurrences)),
            TableCell(", ".join(item.teams)))))
    parts.append("## Most frequent and most recurrent {#frequent}\n")
    parts.append(render_table(frequent, url))
    parts.append(f"\nA **recurrence** is the same failure mode detected again in the same team "
                 f"within {RECURRENCE_WINDOW_DAYS} days of its previous detection.\n")
    parts.append(render_table(recurrent, url))
    for trend, anchor in ((report.time_to_detect, "time-to-detect"),
                          (report.time_to_mitigate, "time-to-mitigate")):
        parts.append(f"\n## {trend.label} {{#{anchor}}}\n\nMedian and 90th percentile "
                     "(nearest rank) per quarter, in hours; incidents without the timestamps "
                     "count as occurrences but not here. Over the whole log "
                     f"({quarter_span(trend.quarters)}, n = {trend.overall.count} incidents): "
                     f"median {_hours(trend.overall.median)}, p90 "
                     f"{_hours(trend.overall.p90)}. The [metrics page](../metrics/index.md) "
                     "judges the last quarters only.\n")
        parts.append(duration_figure(trend, anchor))
    parts.append("\n## Severity mix {#severity}\n")
    parts.append(figure("severity", _quarterly(
        "Severity mix per quarter", "Incidents per quarter stacked by severity.",
        report.severity_mix, "Incidents"), stacked=True))
    changes = report.data_change
    parts.append("\n## Preceded by a data change {#data-change}\n\n"
                 f"Overall, {_share(changes.overall.share)} of incidents "
                 f"({changes.overall.count} of {changes.overall.total}) followed a data "
                 "change.\n")
    shares = Table(["Failure mode", "After a data change", "Incidents", "Share"],
                   caption="Share of incidents preceded by a data change, by failure mode")
    for share in changes.by_failure_mode:
        shares.rows.append(TableRow((
            TableCell(f"{share.key}: {share.label}", record_url(share.key)),
            num(str(share.count)), num(str(share.total)),
            num(_share(share.share)))))
    parts.append(render_table(shares, url))
    effects = Table(["Playbook", "Adopted", "Median before", "Median after", "Change"],
                    caption="Time to mitigate before and after a playbook was first used",
                    empty="No incident in the log names a playbook it used.")
    for effect in report.adoption_effects:
        change = MISSING_VALUE if effect.change_hours is None else f"{effect.change_hours:+.1f} h"
        state = "" if effect.change_hours is None else (
            "better" if effect.change_hours < 0 else "worse")
        effects.rows.append(TableRow((TableCell(f"{effect.playbook}: {effect.title}",
                                      record_url(effect.playbook)),
                                 TableCell(f"{effect.adopted_on} ({effect.adopted_by})"),
                                 num(_hours(effect.before.median)),
                                 num(_hours(effect.after.median)), num(change)), state))
    parts.append("\n## Before and after a playbook {#adoption-effects}\n\nAdoption is the "
                 "first incident that used the playbook; the comparison covers incidents of "
                 "the failure modes the playbook mitigates.\n")
    parts.append(render_table(effects, url))
    return page("Trends", "\n".join(parts), wide=True)


def detection_gaps_section(report: MetricsReport, url: str) -> str:
    """The catalog's detection gap: a fact about the catalog, not about any project.

    The catalog does not know which projects assessed themselves, so no
    adoption figure is shown; only the failure modes an assessment must rate
    detection `none` for every project.
    """
    found = report.detection_gaps
    head = ("\n## Failure modes no project can detect {#detection-gaps}\n\n"
            "A failure mode without a detector on a signal with a metric is rated "
            "detection *none* in every project's assessment, however much it monitors. ")
    if not found.gaps:
        return head + (f"Every one of the {found.considered} current failure modes has a "
                       "detector a project could wire.\n")
    verb = "has" if len(found.gaps) == 1 else "have"
    table = Table(["Failure mode", "Severity", "Why"],
                  caption="Current failure modes without a detector a project could wire")
    for gap in found.gaps:
        table.rows.append(TableRow((TableCell(f"{gap.failure_mode}: {gap.title}",
                                              record_url(gap.failure_mode)),
                                    TableCell(gap.severity), TableCell(gap.reason))))
    return (head + f"{len(found.gaps)} of {found.considered} current failure modes {verb} "
            "no detector a project could wire.\n\n" + render_table(table, url))


def metrics_page(report: MetricsReport, *, example_data: bool = False) -> str:
    url = METRICS_URL
    parts = [EXAMPLE_NOTE] if example_data else []
    targets = Table(["Metric", "Value", "Over", "Target", "Gap", "Status"],
                    caption=f"Targets set in metrics.yml, as of {report.today}")
    for result in report.targets:
        fmt = _hours if result.unit == "h" else _share
        status = "no data" if result.met is None else ("met" if result.met else "not met")
        targets.rows.append(TableRow((
            TableCell(result.label), num(fmt(result.value)), TableCell(result.over),
            num(f"{'≤' if result.bound == 'at_most' else '≥'} {fmt(result.target)}"),
            num(MISSING_VALUE if result.gap is None else (
                f"{result.gap:+.1f} h" if result.unit == "h" else f"{result.gap:+.0%}")),
            TableCell(status)), "" if result.met is None else ("met" if result.met else "missed")))
    parts.append("## Against targets {#targets}\n")
    parts.append(render_table(targets, url) if targets.rows else
                 "<p class=\"fmcat-empty\">No targets: add a metrics.yml.</p>")
    adoption = report.adoption
    parts.append("\n## Adoption {#adoption}\n\nTeams and projects whose incidents cite "
                 "catalog entries, per quarter.\n")
    parts.append(figure("adoption", _quarterly(
        "Teams and projects citing the catalog", "Distinct teams and projects per quarter.",
        adoption.as_series(), "Count", unit="teams and projects per quarter"), kind="line"))
    onboarding = Table(["Quarter", "New teams"], caption="Onboarding: teams citing the "
                       "catalog for the first time")
    for quarter, teams in zip(adoption.quarters, adoption.new_teams, strict=True):
        if teams:
            onboarding.rows.append(TableRow((TableCell(quarter), TableCell(", ".join(teams)))))
    parts.append(render_table(onboarding, url))
    usage = Table(["Playbook", "Incidents that used it",
                   "Median time to mitigate (all incidents that used it)", "p90"],
                  caption="Time to implement mitigations, per playbook, over the whole log")
    for item in report.playbook_usage:
        usage.rows.append(TableRow((TableCell(f"{item.playbook}: {item.title}",
                                    record_url(item.playbook)), num(str(item.uses)),
                               num(_hours(item.time_to_mitigate.median)),
                               num(_hours(item.time_to_mitigate.p90)))))
    parts.append("\n## Time to implement mitigations {#playbooks}\n")
    parts.append(render_table(usage, url))
    parts.append("\n## Recurring failure modes {#recurrences}\n")
    parts.append(figure("recurrences", _quarterly(
        "Recurrences per quarter",
        f"Incidents that repeat a team's failure mode within {RECURRENCE_WINDOW_DAYS} days.",
        report.recurrences, "Recurrences")))
    parts.append("\n## Severity across releases {#releases}\n")
    parts.append(releases_section(report.severity_by_release, url, report.severe_levels,
                                  report.milder_levels))
    parts.append(detection_gaps_section(report, url))
    freshness, completeness = report.review_freshness, report.completeness
    parts.append("\n## Review freshness and completeness {#freshness}\n\n"
                 f"{freshness.on_time} of {freshness.active} active records are reviewed on "
                 f"time ({_share(freshness.share)}); median completeness "
                 f"{_share(completeness.median)} ({completeness.population().describe()}, "
                 "nearest rank). See the [review queue](../review/index.md) "
                 "and the [quality report](../quality/index.md).\n")
    return page("Metrics", "\n".join(parts), wide=True)


RELEASES_NAMED = 3
"""Releases named in the summary of the severity-by-release table."""


def releases_by_quarter(releases: Sequence[ReleaseSeverity], severe: Sequence[str],
                        milder: Sequence[str]) -> charts.ChartData:
    """Incidents of the releases first seen in each quarter, severe vs the rest.

    One bar per release would be a hundred bars too thin to read or label;
    per quarter of first detection, the bars show whether releases got
    riskier over time, and the table below keeps every release.
    """
    incidents: Counter[str] = Counter()
    paged: Counter[str] = Counter()
    for release in releases:
        quarter = quarter_of(release.first_detected)
        incidents[quarter] += release.incidents
        paged[quarter] += release.severe
    quarters = sorted(incidents)
    return charts.ChartData(
        "Incidents by quarter the release was first seen", "Incidents of the releases first "
        f"seen in each quarter, stacked: {either(severe)}, then the rest.", tuple(quarters),
        (charts.ChartSeries(either(severe).capitalize(),
                            tuple(float(paged[q]) for q in quarters)),
         charts.ChartSeries(either(milder).capitalize(),
                            tuple(float(incidents[q] - paged[q]) for q in quarters))),
        "Quarter first seen", "Incidents", "incidents per quarter", quarter_span(quarters))


def releases_summary(releases: Sequence[ReleaseSeverity], severe_names: Sequence[str]) -> str:
    """Counts over every release, and the releases with the most severe incidents."""
    label = either(severe_names)
    total = sum(r.incidents for r in releases)
    severe = sum(r.severe for r in releases)
    hit = sum(1 for r in releases if r.severe)
    worst = sorted((r for r in releases if r.severe), key=lambda r: (-r.severe, -r.share,
                                                                     r.release))
    named = ", ".join(f"{r.release} ({r.severe} of {r.incidents})"
                      for r in worst[:RELEASES_NAMED])
    most = f" Most {label} incidents: {named}." if named else ""
    return (f"{len(releases)} releases have incidents in the log; {hit} of them at least one "
            f"{label} incident. Over all releases, {severe} of {total} incidents "
            f"({_share(severe / total if total else None)}) were {label}.{most}")


def releases_section(releases: Sequence[ReleaseSeverity], url: str, severe: Sequence[str],
                     milder: Sequence[str]) -> str:
    """A summary and a chart by quarter, then every release in a table folded away."""
    if not releases:
        return '<p class="fmcat-empty">No incident names a release.</p>'
    table = Table(["Release", "First seen", "Incidents", either(severe).capitalize(), "Share"],
                  caption="Severity across releases")
    for release in releases:
        table.rows.append(TableRow((
            TableCell(release.release), TableCell(str(release.first_detected)),
            num(str(release.incidents)), num(str(release.severe)), num(_share(release.share)))))
    return "\n".join((
        releases_summary(releases, severe) + "\n",
        figure("releases", releases_by_quarter(releases, severe, milder), stacked=True),
        f'<details class="fmcat-releases">\n<summary>All {len(releases)} releases</summary>',
        render_table(table, url), "</details>"))


def headline(report: MetricsReport, *, example_data: bool = False) -> str:
    """One sentence and a small chart of time to mitigate, for the home page."""
    trend = report.time_to_mitigate
    medians = [(q, s) for q, s in zip(trend.quarters, trend.per_quarter, strict=True)
               if s.median is not None]
    if len(medians) < 2:
        return "<p>Not enough incidents yet to show a trend.</p>"
    (first_q, first), (last_q, last) = medians[0], medians[-1]
    assert first.median is not None and last.median is not None
    direction = "fell" if last.median < first.median else "rose"
    sentence = (f"<p>Median time to mitigate, per quarter of detection, {direction} from "
                f"<strong>{first.median:.1f} h</strong> in {first_q} (n = {first.count} "
                f"incidents) to <strong>{last.median:.1f} h</strong> in {last_q} "
                f"(n = {last.count}) (<a href=\"trends/#time-to-mitigate\">trends</a>"
                f"{', example data' if example_data else ''}).</p>")
    # The median alone, on its own scale: beside the p90 it would be a flat line.
    series = _in_hours(trend.as_series())
    data = _quarterly("Median time to mitigate per quarter",
                      "Median hours from detection to mitigation, per quarter.",
                      replace(series, series=series.series[:1]), "Hours", unit="hours",
                      decimals=1)
    return (sentence + "\n" + charts.line_chart(data, chart_id="headline", width=560, height=220)
            + f'\n<p class="fmcat-headline__caption">{data.caption}. The 90th percentile and '
            'every number: <a href="trends/#time-to-mitigate">trends</a>.</p>')


def render_sparkline(report: MetricsReport, by_id: dict[str, Series], record_id: str) -> str:
    """The occurrence sparkline for one failure mode's summary card ('' if never seen).

    `by_id` is `report.sparklines.by_key()`, built once per build by the caller.
    """
    series = by_id.get(record_id)
    if series is None or not any(series.values):
        return ""
    data = charts.chart_data(f"Incidents citing {record_id} per quarter",
                             f"Incidents per quarter from {report.quarters[0]} to "
                             f"{report.quarters[-1]}.", report.sparklines.quarters, [series],
                             x_label="Quarter", y_label="Incidents")
    return charts.sparkline(data, chart_id=f"spark-{record_id.lower()}")


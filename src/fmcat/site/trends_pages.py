"""Trends and metrics pages: charts and tables from one `MetricsReport`.

The report is computed once per build (`metrics.compute_metrics`); this
module only turns it into views. Every chart is an SVG rendered at build
time by `charts.py`, followed by the table of the numbers it draws, so the
pages need no JavaScript and the numbers can be read and copied.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from markupsafe import Markup

from fmcat.analysis.metrics import (
    RECURRENCE_WINDOW_DAYS,
    MetricsReport,
    QuarterlySeries,
    Series,
    quarter_span,
)
from fmcat.core.urls import record_url, rel_from
from fmcat.site import charts
from fmcat.site.charts import MISSING as MISSING_VALUE
from fmcat.site.render import render_block
from fmcat.site.views import page

TRENDS_URL = "trends/"
METRICS_URL = "metrics/"

EXAMPLE_NOTE = ('!!! note "Example data"\n    The incident log shipped with this catalog is '
                "illustrative example data, not a record of real events. Replace `incidents/` "
                "with your own log and these pages describe your organisation.\n")


@dataclass(frozen=True)
class TableCell:
    """One cell of a generated table: text, and a link if `url` is set."""

    text: str
    url: str = ""


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
    columns: Sequence[str]
    rows: list[TableRow] = field(default_factory=list)
    caption: str = ""


def _hours(value: float | None) -> str:
    return MISSING_VALUE if value is None else f"{value:.1f} h"


def _share(value: float | None) -> str:
    return MISSING_VALUE if value is None else f"{value:.0%}"


def figure(anchor: str, data: charts.ChartData, *, kind: str = "bar",
           stacked: bool = False) -> str:
    if kind == "line":
        svg = charts.line_chart(data, chart_id=anchor)
    else:
        svg = charts.bar_chart(data, chart_id=anchor, stacked=stacked)
    return render_block("fragments/chart.html", chart=Markup(svg),  # noqa: S704 - our SVG
                        table=charts.data_table(data), anchor=f"{anchor}-figure")


def render_table(table: Table, page_url: str) -> str:
    """A generated table, its links relative to `page_url`."""
    return render_block("fragments/table.html", columns=table.columns, rows=table.rows,
                        caption=table.caption, rel=rel_from(page_url))


def _quarterly(title: str, description: str, series: QuarterlySeries, y_label: str) -> \
        charts.ChartData:
    return charts.chart_data(title, description, series.quarters, series.series,
                             x_label="Quarter", y_label=y_label)


def trends_page(report: MetricsReport) -> str:
    url = TRENDS_URL
    parts = [EXAMPLE_NOTE]
    parts.append("## Occurrences per quarter {#occurrences}\n")
    parts.append(figure("occurrences", _quarterly(
        "Incidents per quarter", "Incidents in the log by the quarter they were detected.",
        report.occurrences, "Incidents")))
    parts.append("\n### By cause category {#by-category}\n\nAn incident that cites failure "
                 "modes of two categories counts once in each.\n")
    parts.append(figure("by-category", _quarterly(
        "Incidents per quarter by cause category",
        "Incidents per quarter, stacked by the cause category of the cited failure modes.",
        report.occurrences_by_category, "Incidents"), stacked=True))
    frequent = Table(["Failure mode", "Incidents"], caption="Most frequent failure modes")
    for mode in report.most_frequent:
        frequent.rows.append(TableRow((
            TableCell(f"{mode.failure_mode}: {mode.title}", record_url(mode.failure_mode)),
            TableCell(str(mode.count)))))
    recurrent = Table(["Failure mode", "Incidents", "Recurrences", "Teams"],
                      caption="Most recurrent failure modes")
    for item in report.most_recurrent:
        recurrent.rows.append(TableRow((
            TableCell(f"{item.failure_mode}: {item.title}", record_url(item.failure_mode)),
            TableCell(str(item.occurrences)), TableCell(str(item.recurrences)),
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
        parts.append(figure(anchor, _quarterly(
            f"{trend.label} per quarter", f"Median and p90 {trend.label.lower()} in hours.",
            trend.as_series(), "Hours"), kind="line"))
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
            TableCell(str(share.count)), TableCell(str(share.total)),
            TableCell(_share(share.share)))))
    parts.append(render_table(shares, url))
    effects = Table(["Playbook", "Adopted", "Median before", "Median after", "Change"],
                    caption="Time to mitigate before and after a playbook was first used")
    for effect in report.adoption_effects:
        change = MISSING_VALUE if effect.change_hours is None else f"{effect.change_hours:+.1f} h"
        state = "" if effect.change_hours is None else (
            "better" if effect.change_hours < 0 else "worse")
        effects.rows.append(TableRow((TableCell(f"{effect.playbook}: {effect.title}",
                                      record_url(effect.playbook)),
                                 TableCell(f"{effect.adopted_on} ({effect.adopted_by})"),
                                 TableCell(_hours(effect.before.median)),
                                 TableCell(_hours(effect.after.median)), TableCell(change)), state))
    parts.append("\n## Before and after a playbook {#adoption-effects}\n\nAdoption is the "
                 "first incident that used the playbook; the comparison covers incidents of "
                 "the failure modes the playbook mitigates.\n")
    parts.append(render_table(effects, url))
    return page("Trends", "\n".join(parts), wide=True)


def metrics_page(report: MetricsReport) -> str:
    url = METRICS_URL
    parts = [EXAMPLE_NOTE]
    targets = Table(["Metric", "Value", "Over", "Target", "Gap", "Status"],
                    caption=f"Targets set in metrics.yml, as of {report.today}")
    for result in report.targets:
        fmt = _hours if result.unit == "h" else _share
        status = "no data" if result.met is None else ("met" if result.met else "not met")
        targets.rows.append(TableRow((
            TableCell(result.label), TableCell(fmt(result.value)), TableCell(result.over),
            TableCell(f"{'≤' if result.bound == 'at_most' else '≥'} {fmt(result.target)}"),
            TableCell(MISSING_VALUE if result.gap is None else (
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
        adoption.as_series(), "Count"), kind="line"))
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
                                    record_url(item.playbook)), TableCell(str(item.uses)),
                               TableCell(_hours(item.time_to_mitigate.median)),
                               TableCell(_hours(item.time_to_mitigate.p90)))))
    parts.append("\n## Time to implement mitigations {#playbooks}\n")
    parts.append(render_table(usage, url))
    parts.append("\n## Recurring failure modes {#recurrences}\n")
    parts.append(figure("recurrences", _quarterly(
        "Recurrences per quarter",
        f"Incidents that repeat a team's failure mode within {RECURRENCE_WINDOW_DAYS} days.",
        report.recurrences, "Recurrences")))
    releases = Table(["Release", "First seen", "Incidents", "High or critical", "Share"],
                     caption="Severity across releases")
    for release in report.severity_by_release:
        releases.rows.append(TableRow((
            TableCell(release.release), TableCell(str(release.first_detected)),
            TableCell(str(release.incidents)), TableCell(str(release.severe)),
            TableCell(_share(release.share)))))
    parts.append("\n## Severity across releases {#releases}\n")
    parts.append(render_table(releases, url))
    freshness, completeness = report.review_freshness, report.completeness
    parts.append("\n## Review freshness and completeness {#freshness}\n\n"
                 f"{freshness.on_time} of {freshness.active} active records are reviewed on "
                 f"time ({_share(freshness.share)}); median completeness "
                 f"{_share(completeness.median)} ({completeness.population().describe()}, "
                 "nearest rank). See the [review queue](../review/index.md) "
                 "and the [quality report](../quality/index.md).\n")
    return page("Metrics", "\n".join(parts), wide=True)


def headline(report: MetricsReport) -> str:
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
                f"(n = {last.count}) (<a href=\"trends/#time-to-mitigate\">trends</a>, "
                "example data).</p>")
    data = _quarterly("Median time to mitigate per quarter",
                      "Median hours from detection to mitigation, per quarter.",
                      trend.as_series(), "Hours")
    return sentence + "\n" + charts.line_chart(data, chart_id="headline", width=560,
                                               height=220)


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


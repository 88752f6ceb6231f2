"""A worksheet for a design doc (Markdown), a spreadsheet (CSV) or a tool (JSON).

Titles, checklist items and owners are contributed text: in Markdown every
character that could start markup is escaped, in CSV a cell that a
spreadsheet would read as a formula is prefixed with `'`, and the JSON is
escaped for printing in CI logs.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable

from fmcat.core.inert import escape_json, escape_text
from fmcat.core.text import duration_text, plural
from fmcat.exports.assess.index import IndexDetector
from fmcat.exports.assess.profile import Profile
from fmcat.exports.assess.worksheet import Rating, Row, Worksheet
from fmcat.exports.worksheet_schema import (
    WORKSHEET_VERSION,
    AfterShape,
    DetectorShape,
    PlaybookShape,
    ProfileShape,
    RowShape,
    SummaryShape,
    WorksheetShape,
)

_MARKUP = re.compile(r"([\\`*_\[\]<>|#!~&])")


def _md(text: str) -> str:
    return _MARKUP.sub(r"\\\1", escape_text(text))


def _code(text: str) -> str:
    """A code span: nothing inside it is markup, and an `@team` in it notifies no one."""
    return "`" + escape_text(text).replace("`", "'") + "`"


def _number(value: float) -> str:
    return f"{value:g}"


def condition(detector: IndexDetector) -> str:
    return (f"{detector.signal} {detector.op} {_number(detector.threshold)} over "
            f"{duration_text(detector.window)} ({detector.action})")


def occurrence_text(row: Row, rating: Rating) -> str:
    mode = row.mode
    if mode.o_source == "observed":
        why = (f"observed: {plural(mode.incidents, 'incident')}, "
               f"{plural(mode.recurrences, 'recurrence')}")
    elif mode.o_source == "declared":
        why = f"declared {mode.frequency}"
    else:
        why = "assumed"
    return f"O{rating.occurrence} ({why}{', prevention adopted' if rating.prevented else ''})"


def _profile(profile: Profile | None) -> ProfileShape | None:
    if profile is None:
        return None
    return ProfileShape(name=profile.name,
                        dimensions={k: list(v) for k, v in profile.dimensions.items()},
                        stages=list(profile.stages), monitors=sorted(profile.monitors),
                        playbooks=sorted(profile.playbooks))


def _detectors(items: Iterable[IndexDetector]) -> list[DetectorShape]:
    return [DetectorShape(**d.model_dump()) for d in items]


def as_shape(sheet: Worksheet) -> WorksheetShape:
    """The worksheet as its JSON shape (see `fmcat.exports.worksheet_schema`)."""
    playbooks = sheet.index.playbooks
    adopted = (sheet.after_profile or sheet.profile).playbooks
    rows = []
    for rank, row in enumerate(sheet.rows, start=1):
        mode, before, after = row.mode, row.before, row.after
        rows.append(RowShape(
            rank=rank, id=mode.id, title=mode.title, url=mode.url,
            detection_url=f"{mode.url}#detection", mitigation_url=f"{mode.url}#mitigation",
            checklist_url=f"{mode.url}#checklist", severity=mode.severity,
            severity_level=mode.s, occurrence=before.occurrence,
            occurrence_source=mode.o_source, incidents=mode.incidents,
            recurrences=mode.recurrences, prevented=before.prevented,
            detection=before.detection, action_priority=before.action_priority,
            missing_detectors=_detectors(before.missing),
            playbooks=[PlaybookShape(
                id=m.playbook, kind=m.kind, adopted=m.playbook in adopted,
                title=playbooks[m.playbook].title if m.playbook in playbooks else "",
                owner=playbooks[m.playbook].owner if m.playbook in playbooks else "",
                time_to_remediate=playbooks[m.playbook].time_to_remediate
                if m.playbook in playbooks else "",
                url=playbooks[m.playbook].url if m.playbook in playbooks else "")
                for m in mode.mitigations],
            checklist=list(mode.checklist),
            after=AfterShape(occurrence=after.occurrence, detection=after.detection,
                             action_priority=after.action_priority,
                             missing_detectors=_detectors(after.missing)) if after else None,
        ))
    first = [row.before.action_priority for row in sheet.rows]
    profile = _profile(sheet.profile)
    assert profile is not None
    return WorksheetShape(
        version=WORKSHEET_VERSION, profile=profile, after_profile=_profile(sheet.after_profile),
        assumptions=list(sheet.assumptions),
        summary=SummaryShape(considered=sheet.considered, applicable=len(sheet.rows),
                             high=first.count("H"), medium=first.count("M"),
                             low=first.count("L"), high_remaining=sheet.high_remaining),
        rows=rows)


def render_json(sheet: Worksheet) -> str:
    data = as_shape(sheet).model_dump(mode="json")
    return escape_json(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)) + "\n"


def _priority(row: Row) -> str:
    before = row.before.action_priority
    return f"{before} → {row.after.action_priority}" if row.after else before


def render_markdown(sheet: Worksheet) -> str:
    """The worksheet as a Markdown section: summary table, then one block per failure mode."""
    shape = as_shape(sheet)
    summary = shape.summary
    after = sheet.after_profile is not None
    lines = [f"## Launch risk review: {_md(sheet.profile.name)}", "",
             f"{plural(summary.applicable, 'failure mode')} of the catalog's "
             f"{summary.considered} apply: {summary.high} H, {summary.medium} M, "
             f"{summary.low} L (Action Priority{' before action' if after else ''}).",
             f"High remaining{' after action' if after else ''}: {summary.high_remaining}.",
             "", "| # | Failure mode | S | O | D | AP" + (" before → after" if after else "")
             + " | Detectors to add | Playbooks to adopt |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for row, item in zip(sheet.rows, shape.rows, strict=True):
        rating = row.after or row.before
        adopt = [p for p in item.playbooks if not p.adopted]
        lines.append(
            f"| {item.rank} | [{item.id} {_md(item.title)}]({item.url}) | "
            f"S{item.severity_level} {item.severity} | O{item.occurrence} | {item.detection} | "
            f"**{_priority(row)}** | {len(rating.missing)} of {len(row.mode.detectors)} | "
            f"{len(adopt)} of {len(item.playbooks)} |")
    for row, item in zip(sheet.rows, shape.rows, strict=True):
        lines.extend(_details(row, item))
    lines += ["", "### Assumptions", ""]
    lines += [f"- {_md(text)}" for text in sheet.assumptions]
    lines += ["", "Action Priority: severity first, then occurrence, then detection; "
              "the table is on the catalog's Assess page."]
    return "\n".join(lines) + "\n"


def _details(row: Row, item: RowShape) -> Iterable[str]:
    rating = row.after or row.before
    yield ""
    yield f"### {item.rank}. {item.id} {_md(item.title)}: {_priority(row)}"
    yield ""
    yield (f"- Severity S{item.severity_level} ({item.severity}); occurrence "
           f"{_md(occurrence_text(row, row.before))}; detection {item.detection}"
           + (f"; after action: {_md(occurrence_text(row, row.after))}, detection "
              f"{row.after.detection}" if row.after else ""))
    yield (f"- Links: [detection]({item.detection_url}), [mitigation]({item.mitigation_url}), "
           f"[checklist]({item.checklist_url})")
    if not row.mode.detectors:
        yield "- Detectors to add: none exists in the catalog (a catalog gap)"
    elif rating.missing:
        yield "- Detectors to add:"
        yield from (f"    - [ ] {_code(condition(d))}" for d in rating.missing)
    else:
        yield "- Detectors: all monitored"
    adopt = [p for p in item.playbooks if not p.adopted]
    if adopt:
        yield "- Playbooks to adopt:"
        yield from (f"    - [ ] [{p.id} {_md(p.title)}]({p.url}) ({p.kind}): owner "
                    f"{_code(p.owner)}, time to remediate {duration_text(p.time_to_remediate)}"
                    if p.title else f"    - [ ] {p.id} ({p.kind}): not in this catalog"
                    for p in adopt)
    if item.checklist:
        yield "- Checklist:"
        yield from (f"    - [ ] {_md(text)}" for text in item.checklist)


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = escape_text(str(value))
    return f"'{text}" if text.startswith(_FORMULA) else text


CSV_COLUMNS = ("rank", "id", "title", "severity", "severity_level", "occurrence",
               "occurrence_source", "detection", "action_priority", "after_action_priority",
               "missing_detectors", "playbooks_to_adopt", "checklist", "detection_url",
               "mitigation_url")


def render_csv(sheet: Worksheet) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row, item in zip(sheet.rows, as_shape(sheet).rows, strict=True):
        rating = row.after or row.before
        writer.writerow(_cell(value) for value in (
            item.rank, item.id, item.title, item.severity, item.severity_level,
            item.occurrence, item.occurrence_source, item.detection, item.action_priority,
            row.after.action_priority if row.after else "",
            "; ".join(condition(d) for d in rating.missing),
            "; ".join(f"{p.id} {p.title} ({p.owner}, {p.time_to_remediate})"
                      for p in item.playbooks if not p.adopted),
            "; ".join(item.checklist), item.detection_url, item.mitigation_url))
    return out.getvalue()

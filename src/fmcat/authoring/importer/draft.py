"""One export row to the data of one incident record, with every problem it has.

A draft is not yet validated: `write` renders it, parses it back and runs the
model and the incident checks on it, as `fmcat validate` would.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any

from fmcat.authoring.importer.mapping import MAPPED_FIELDS, ImportMapping, LabelRule
from fmcat.authoring.importer.read import Cell, Row
from fmcat.core.ids import FM_ID_PATTERN, MP_ID_PATTERN

MAX_TITLE = 120
"""Longest incident title the model accepts; longer tool titles are shortened."""


@dataclass
class Draft:
    """A row's incident data (`data`, in no particular order) and its problems."""

    row: Row
    source_id: str
    data: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    # Fields whose value is the mapping's default, not the row's: an update
    # must not let a default overwrite what the catalog says.
    defaulted: set[str] = field(default_factory=set)

    @property
    def detected(self) -> datetime:
        value = self.data["detected"]
        assert isinstance(value, datetime)
        return value


def cell_text(cell: Cell | None) -> str:
    """A cell as one stripped text; a list's items are joined with commas."""
    if cell is None:
        return ""
    return ", ".join(cell).strip() if isinstance(cell, list) else cell.strip()


def cell_tokens(cell: Cell | None, separator: str) -> list[str]:
    """The non-empty items of a cell split on `separator` (a list is already split)."""
    if cell is None:
        return []
    items = cell if isinstance(cell, list) else cell.split(separator)
    return [item.strip() for item in items if item.strip()]


def draft_incident(row: Row, mapping: ImportMapping) -> Draft:
    """The incident a row describes, with a problem for each thing it lacks or gets wrong."""
    cols = mapping.columns
    cells = row.cells
    draft = Draft(row, cell_text(cells.get(cols.source_id)))
    problems = draft.problems
    if row.problem:
        problems.append(row.problem)
    if not draft.source_id:
        problems.append(f"the source ID column '{cols.source_id}' is empty")
    title = cell_text(cells.get(cols.title))
    if not title:
        problems.append(f"the title column '{cols.title}' is empty")
    elif len(title) > MAX_TITLE:
        title = title[: MAX_TITLE - 1].rstrip() + "…"
    data = draft.data
    data["title"] = title
    summary = cell_text(cells.get(cols.summary)) if cols.summary else ""
    if summary:
        data["summary"] = summary
    _timestamps(cells, mapping, data, problems)
    known_problems = len(problems)
    data["failure_modes"] = label_ids(cells, mapping.failure_modes, FM_ID_PATTERN, "FM-0001",
                                      problems)
    if not data["failure_modes"] and len(problems) == known_problems:
        problems.append(f"no failure-mode ID in column '{mapping.failure_modes.column}'"
                        + _rule_hint(mapping.failure_modes))
    if mapping.playbooks is not None:
        playbooks = label_ids(cells, mapping.playbooks, MP_ID_PATTERN, "MP-0001", problems)
        if playbooks:
            data["playbooks_used"] = playbooks
    for name in MAPPED_FIELDS:
        value = _field(cells, mapping, name, draft.defaulted)
        table = {k.strip().lower(): v for k, v in mapping.values.get(name, {}).items()}
        value = table.get(value.lower(), value)
        if value:
            data[name] = value
        else:
            column = getattr(cols, name)
            where = f"column '{column}' is empty and " if column else ""
            problems.append(f"no {name}: {where}the mapping has no default for it")
    release = _field(cells, mapping, "release", draft.defaulted)
    if release:
        data["release"] = release
    data["data_change"] = _data_change(cells, mapping)
    if mapping.data_change is None:
        draft.defaulted.add("data_change")
    postmortem = cell_text(cells.get(cols.postmortem)) if cols.postmortem else ""
    if postmortem:
        data["postmortem"] = postmortem
    data["source"] = {"system": mapping.system, "id": draft.source_id}
    return draft


def _timestamps(cells: dict[str, Cell], mapping: ImportMapping, data: dict[str, Any],
                problems: list[str]) -> None:
    zone = mapping.zone()
    for name in ("started", "detected", "mitigated", "resolved"):
        column = getattr(mapping.columns, name)
        value = cell_text(cells.get(column)) if column else ""
        if not value:
            if name == "detected":
                problems.append(f"the detection time column '{column}' is empty")
            continue
        stamp = parse_timestamp(value, zone, mapping.timestamp_format)
        if stamp is None:
            expected = mapping.timestamp_format or "ISO 8601, e.g. 2026-03-11T09:20:00Z"
            problems.append(f"{column}: {value!r} is not a date and time ({expected})")
        else:
            data[name] = stamp


def _field(cells: dict[str, Cell], mapping: ImportMapping, name: str,
           defaulted: set[str]) -> str:
    """A field's cell, or the mapping's default when the column is absent or empty
    (then `name` is added to `defaulted`)."""
    column = getattr(mapping.columns, name)
    value = cell_text(cells.get(column)) if column else ""
    if value:
        return value
    default: str = getattr(mapping.defaults, name) or ""
    if default:
        defaulted.add(name)
    return default


def _rule_hint(rule: LabelRule) -> str:
    if rule.prefix is not None:
        return f" (labels starting with '{rule.prefix}')"
    if rule.pattern is not None:
        return f" (labels matching {rule.pattern!r})"
    return ""


def parse_timestamp(value: str, zone: tzinfo, fmt: str | None) -> datetime | None:
    """A tool's timestamp in UTC to the second; `zone` when it has no offset; None if
    it is not one."""
    try:
        # A stamp without an offset is read in the mapping's time zone below.
        stamp = datetime.strptime(value, fmt) if fmt else datetime.fromisoformat(value)
    except ValueError:
        return None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=zone)
    return stamp.astimezone(UTC).replace(microsecond=0)


def label_ids(cells: dict[str, Cell], rule: LabelRule, pattern: str, example: str,
              problems: list[str]) -> list[str]:
    """The catalog IDs named by a row's labels, each once, in order."""
    found: list[str] = []
    valid = re.compile(pattern)
    matcher = re.compile(rule.pattern) if rule.pattern is not None else None
    for label in cell_tokens(cells.get(rule.column), rule.separator):
        if rule.prefix is not None:
            if not label.startswith(rule.prefix):
                continue
            candidate = label[len(rule.prefix):].strip()
        elif matcher is not None:
            match = matcher.fullmatch(label)
            if match is None:
                continue
            candidate = match.group(1) if match.groups() else match.group(0)
        else:
            candidate = label
        candidate = candidate.upper()
        if not valid.match(candidate):
            problems.append(f"label {label!r} in column '{rule.column}' does not name an ID "
                            f"like {example}")
            continue
        if candidate not in found:
            found.append(candidate)
    return found


def _data_change(cells: dict[str, Cell], mapping: ImportMapping) -> dict[str, Any]:
    rule = mapping.data_change
    if rule is None:
        return {"preceded": False}
    wanted = {v.strip().lower() for v in rule.values}
    preceded = any(t.lower() in wanted
                   for t in cell_tokens(cells.get(rule.column), rule.separator))
    result: dict[str, Any] = {"preceded": preceded}
    description = cell_text(cells.get(rule.description)) if rule.description else ""
    if description:
        result["description"] = description
    return result


def check_repeats(draft: Draft, group: list[Draft]) -> None:
    """A source ID on several rows: identical rows count once, differing rows not at all,
    because which of them the tool meant cannot be told."""
    if len(group) < 2:
        return
    first = group[0]
    if any(other.data != first.data for other in group):
        numbers = [str(d.row.number) for d in group]
        listed = ", ".join(numbers[:-1]) + " and " + numbers[-1]
        draft.problems.insert(0, f"source ID {draft.source_id} is on rows {listed} with "
                                 "different values; an export lists each incident once")
    elif draft is not first:
        draft.problems.insert(0, f"source ID {draft.source_id} appears again "
                                 f"(first in row {first.row.number})")

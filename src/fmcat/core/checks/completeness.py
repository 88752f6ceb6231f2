"""Completeness: the warnings that say a record is not finished yet
(FMC101-FMC109), and the share of them a record passes."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from fmcat.core import body
from fmcat.core.catalog import Entry
from fmcat.core.checks.reporter import Reporter
from fmcat.core.findings import Finding
from fmcat.core.model import FailureMode, Playbook
from fmcat.core.taxonomy import Taxonomy
from fmcat.core.text import UNKNOWN

_NUMBER_IN_TEXT = re.compile(r"\d")

COMPLETENESS_CODES: dict[str, tuple[str, ...]] = {
    "failure-mode": ("FMC101", "FMC102", "FMC103", "FMC104", "FMC105", "FMC106", "FMC107",
                     "FMC108", "FMC109"),
    "playbook": ("FMC103", "FMC105", "FMC108"),
    "case-study": ("FMC108",),
}
"""Which warnings count against a record's completeness score, by kind."""


UNKNOWN_FIELDS = {"failure-mode": ("severity", "frequency"),
                  "playbook": ("owner", "time_to_remediate")}
"""The required facts of each kind that a taxonomy may allow to be `unknown`."""


def completeness_codes(kind: str, taxonomy: Taxonomy | None) -> tuple[str, ...]:
    """The rules that count for a kind: FMC110 ("a fact is unknown") only where the
    taxonomy allows an unknown fact of that kind, so other catalogs' scores stay put."""
    codes = COMPLETENESS_CODES[kind]
    if taxonomy is not None and any(taxonomy.allows_unknown(field)
                                    for field in UNKNOWN_FIELDS.get(kind, ())):
        codes = (*codes, "FMC110")
    return codes


def completeness(entry: Entry, findings: Iterable[Finding],
                 taxonomy: Taxonomy | None = None) -> tuple[float, list[Finding]]:
    """Share of the kind's completeness rules the entry passes, and what it misses."""
    codes = completeness_codes(entry.kind.name, taxonomy)
    missing = [f for f in findings if f.file == entry.path and f.code in codes]
    failed = {f.code for f in missing}
    return (len(codes) - len(failed)) / len(codes), missing


def check_record_completeness(entry: Entry, r: Reporter, taxonomy: Taxonomy) -> None:
    """Tags are asked of every failure mode; the rest only of current records:
    completeness matters for records readers act on, not for retired ones.

    A required dimension left empty, or a required fact written as `unknown`,
    is honest but unfinished: a warning that counts against completeness."""
    record = entry.record
    if isinstance(record, FailureMode):
        for key, dimension in taxonomy.dimensions_of(entry.kind.name).items():
            if dimension.required and not record.dimensions.get(key):
                r.add("FMC109", (key,), f"no {key} tag",
                      f"tag at least one value from taxonomy.yml dimensions.{key}")
    for field in taxonomy.unknown_allowed:
        if getattr(record, field, None) == UNKNOWN:
            r.add("FMC110", (field,), f"{field} is unknown",
                  f"replace 'unknown' with the {field.replace('_', ' ')} once it is known")
    if not record.is_current:
        return
    if not record.revisions:
        r.add("FMC108", ("revisions",), "no revision notes",
              "add {date, note} for the first version and every amendment")
    if isinstance(record, FailureMode):
        _failure_mode(record, entry, r)
    elif isinstance(record, Playbook):
        if not record.controls:
            r.add("FMC103", ("controls",), "no linked control",
                  "link the data-quality rule, test, policy or dashboard that enforces it")
        if not record.references:
            r.add("FMC105", ("references",), "no reference",
                  "cite a paper or official documentation you have checked")


def _failure_mode(record: FailureMode, entry: Entry, r: Reporter) -> None:
    found = body.sections(entry.doc.body, entry.doc.body_line)
    if not record.detectors:
        r.add("FMC101", ("detectors",), "no detector",
              "add {signal, op, threshold, window, severity, action} so the mode is caught")
    if not record.mitigations:
        r.add("FMC102", ("mitigations",), "no mitigation",
              "link at least one playbook with {playbook, kind, use}")
    if not record.artifacts:
        r.add("FMC103", ("artifacts",), "no linked artifact",
              "link a notebook, dashboard, test, dataset or runbook")
    if not record.references:
        r.add("FMC105", ("references",), "no reference",
              "cite a paper or official documentation you have checked")
    _section_rule(r, found, "reproduction", code="FMC104",
                  passes=lambda text: body.count_numbered_steps(text) >= 2,
                  message="reproduction needs at least two numbered steps",
                  hint="write the steps as a numbered list someone can follow")
    _section_rule(r, found, "checklist", code="FMC106",
                  passes=lambda text: body.count_checkboxes(text) >= 1,
                  message="checklist has no '- [ ]' items",
                  hint="write the checks as '- [ ] …' items")
    if record.detectors:
        _section_rule(r, found, "detection", code="FMC107",
                      passes=lambda text: bool(_NUMBER_IN_TEXT.search(text)),
                      message="the detection section never mentions a threshold value",
                      hint="explain why each threshold is where it is")


def _section_rule(r: Reporter, found: dict[str, tuple[body.Heading, str]], title: str, *,
                  code: str, passes: Callable[[str], bool], message: str, hint: str) -> None:
    match = found.get(title)
    if match is not None and match[1] and not passes(match[1]):
        r.at_line(code, match[0].line, message, hint)

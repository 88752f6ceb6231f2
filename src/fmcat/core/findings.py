"""Findings: what the checks report, and the registry of their codes.

Every problem the tools can detect in a catalog is a coded finding, in the
manner of a linter, so that CI output, editor annotations and the build all
speak the same language and a newcomer can look a code up.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum

from fmcat.core.inert import escape_github, escape_json, escape_text


class Severity(StrEnum):
    """How much a finding blocks.

    An error fails every check and build; a warning fails `--strict`. A
    notice never fails: it reports a fact that grows with the calendar
    rather than with a change to the files (a review falling due), so a
    commit's result does not depend on the day CI runs it. The scheduled
    `fmcat review due --check` is what fails on those.
    """

    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    title: str


_RULES = [
    # Reading the file.
    Rule("FMC001", Severity.ERROR, "file is not valid UTF-8"),
    Rule("FMC002", Severity.ERROR, "file is empty"),
    Rule("FMC003", Severity.ERROR, "front matter block missing"),
    Rule("FMC004", Severity.ERROR, "front matter block not closed"),
    Rule("FMC005", Severity.ERROR, "invalid YAML"),
    Rule("FMC006", Severity.ERROR, "duplicate key"),
    Rule("FMC007", Severity.ERROR, "front matter is not a mapping"),
    Rule("FMC008", Severity.ERROR, "unsupported or oversized YAML"),
    Rule("FMC009", Severity.ERROR, "file too large"),
    # Schema.
    Rule("FMC010", Severity.ERROR, "unknown field"),
    Rule("FMC011", Severity.ERROR, "missing required field"),
    Rule("FMC012", Severity.ERROR, "invalid value"),
    # Identity and references.
    Rule("FMC020", Severity.ERROR, "ID does not match the pattern of its kind"),
    Rule("FMC021", Severity.ERROR, "duplicate ID"),
    Rule("FMC022", Severity.ERROR, "reference to an unknown ID"),
    Rule("FMC023", Severity.ERROR, "alias collides with another record"),
    Rule("FMC024", Severity.ERROR, "file name does not start with its ID"),
    Rule("FMC025", Severity.ERROR, "record refers to itself"),
    Rule("FMC026", Severity.ERROR, "file path cannot be written to CODEOWNERS"),
    Rule("FMC027", Severity.ERROR, "steward cannot be written to CODEOWNERS"),
    # Vocabulary.
    Rule("FMC030", Severity.ERROR, "value not in the taxonomy"),
    Rule("FMC031", Severity.ERROR, "invalid taxonomy file"),
    Rule("FMC032", Severity.WARNING, "signal kind contradicts its metric name"),
    Rule("FMC037", Severity.ERROR, "unknown external ID scheme"),
    Rule("FMC038", Severity.ERROR, "external ID does not match its scheme's pattern"),
    Rule("FMC039", Severity.ERROR, "external ID listed twice"),
    # Body.
    Rule("FMC040", Severity.ERROR, "required section missing"),
    Rule("FMC041", Severity.ERROR, "section is empty"),
    Rule("FMC042", Severity.ERROR, "broken relative link"),
    Rule("FMC043", Severity.ERROR, "duplicate section"),
    Rule("FMC044", Severity.ERROR, "explicit element id in a record body"),
    Rule("FMC045", Severity.ERROR, "heading takes an anchor the page reserves"),
    # Safety.
    Rule("FMC050", Severity.ERROR, "unsafe HTML in contributed text"),
    Rule("FMC051", Severity.ERROR, "unsafe URL"),
    Rule("FMC052", Severity.ERROR, "macro rendering requested in a contributed record"),
    Rule("FMC053", Severity.ERROR, "control character in contributed text"),
    # Lifecycle and dates.
    Rule("FMC060", Severity.ERROR, "deprecated or withdrawn record lacks reason or successor"),
    Rule("FMC061", Severity.ERROR, "dates out of order"),
    Rule("FMC062", Severity.ERROR, "date in the future"),
    Rule("FMC063", Severity.NOTICE, "review overdue"),
    Rule("FMC064", Severity.ERROR, "successor is not active"),
    # Files in the record folders: what the loader cannot take is reported, never skipped.
    Rule("FMC070", Severity.ERROR, "file the loader does not take (name or suffix)"),
    Rule("FMC071", Severity.ERROR, "not a regular file (folder, FIFO, device)"),
    Rule("FMC072", Severity.ERROR, "broken symbolic link (dangling or looping)"),
    Rule("FMC073", Severity.ERROR, "symbolic link leads out of the catalog"),
    Rule("FMC074", Severity.ERROR, "file or folder cannot be read"),
    # Completeness: the record is valid but weaker than it should be.
    Rule("FMC101", Severity.WARNING, "failure mode has no detector"),
    Rule("FMC102", Severity.WARNING, "failure mode has no mitigation"),
    Rule("FMC103", Severity.WARNING, "no linked artifact"),
    Rule("FMC104", Severity.WARNING, "reproduction has no numbered steps"),
    Rule("FMC105", Severity.WARNING, "no reference"),
    Rule("FMC106", Severity.WARNING, "checklist has no items"),
    Rule("FMC107", Severity.WARNING, "detection section does not explain its thresholds"),
    Rule("FMC108", Severity.WARNING, "no revision notes"),
    Rule("FMC109", Severity.WARNING, "tag dimension left empty"),
]

RULES: dict[str, Rule] = {rule.code: rule for rule in _RULES}


@dataclass(frozen=True, order=True)
class Finding:
    """One problem in one place.

    Ordered by file and line so that output is stable across runs and
    platforms; `line` is 1-based and 0 means "the file as a whole".
    """

    file: str
    line: int
    code: str
    field: str
    message: str
    hint: str = ""

    @property
    def severity(self) -> Severity:
        return RULES[self.code].severity

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = asdict(self)
        data["severity"] = self.severity.value
        order = ("code", "severity", "file", "line", "field", "message", "hint")
        return {key: data[key] for key in order}


def finding(  # noqa: PLR0917 - mirrors the Finding fields, in their order
    code: str, file: str, line: int, field: str, message: str, hint: str = ""
) -> Finding:
    """Create a finding, refusing codes that are not registered."""
    if code not in RULES:  # pragma: no cover - programming error
        raise KeyError(code)
    return Finding(file=file, line=line, code=code, field=field, message=message, hint=hint)


def did_you_mean(value: str, choices: Iterable[str], *, source: str = "") -> str:
    """A hint naming the closest allowed value, listing a few, or saying where the many are.

    Only a caller knows where its choices come from (`taxonomy.yml`, the
    record folders), so it names that `source`; without one the hint names
    no file rather than a wrong one.
    """
    options = sorted(choices)
    close = difflib.get_close_matches(value, options, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    if len(options) <= 12:
        return "allowed: " + ", ".join(options)
    where = f"; see {source}" if source else ""
    return f"none of the {len(options)} allowed values is close{where}"


def has_errors(findings: Iterable[Finding], *, strict: bool = False) -> bool:
    """Whether the findings fail a check: errors always, warnings with `strict`."""
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    return any(f.severity in failing for f in findings)


def format_text(findings: Sequence[Finding]) -> str:
    """One line per finding (and one per hint); quoted values cannot break out of it."""
    lines = []
    for f in sorted(findings):
        file = escape_text(f.file)
        where = f"{file}:{f.line}" if f.line else file
        field = f"{escape_text(f.field)}: " if f.field else ""
        lines.append(f"{where}: {f.severity.value}: {field}{escape_text(f.message)} ({f.code})")
        if f.hint:
            lines.append(f"    hint: {escape_text(f.hint)}")
    return "\n".join(lines)


def format_json(findings: Sequence[Finding]) -> str:
    """The findings as JSON; decoding it gives back every value exactly."""
    text = json.dumps([f.as_dict() for f in sorted(findings)], indent=2, ensure_ascii=False)
    return escape_json(text)


def format_github(findings: Sequence[Finding]) -> str:
    """GitHub Actions workflow commands, so findings annotate the PR diff."""
    lines = []
    for f in sorted(findings):
        kind = f.severity.value  # GitHub's commands are named error, warning, notice
        props = f"file={escape_github(f.file, prop=True)}"
        if f.line:
            props += f",line={f.line}"
        title = f"{f.code} {f.field}".strip()
        props += f",title={escape_github(title, prop=True)}"
        text = f.message + (f" (hint: {f.hint})" if f.hint else "")
        lines.append(f"::{kind} {props}::{escape_github(text)}")
    return "\n".join(lines)


def summarize(findings: Sequence[Finding]) -> str:
    """Counts by severity; notices only when there are any, as they never fail."""
    count = dict.fromkeys(Severity, 0)
    for f in findings:
        count[f.severity] += 1
    text = f"{count[Severity.ERROR]} error(s), {count[Severity.WARNING]} warning(s)"
    if count[Severity.NOTICE]:
        text += f", {count[Severity.NOTICE]} notice(s)"
    return text

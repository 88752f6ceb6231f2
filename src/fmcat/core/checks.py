"""The check engine: coded rules over a loaded catalog.

Each rule is a small function from one record (plus the indexes) to
findings. All of them together make one pass over the records; look-ups go
through dicts, so the whole run is linear in the size of the catalog.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from markdown.extensions.toc import slugify as toc_slugify  # type: ignore[import-untyped]

from fmcat.core import body
from fmcat.core.findings import Finding, did_you_mean, finding
from fmcat.core.frontmatter import Document, Loc
from fmcat.core.model import (
    ANY_RECORD_ID,
    KIND_BY_PREFIX,
    CaseStudy,
    FailureMode,
    Incident,
    Playbook,
    Record,
)
from fmcat.core.taxonomy import TAG_DIMENSIONS, Taxonomy

if TYPE_CHECKING:
    from fmcat.core.catalog import Catalog, Entry, IncidentEntry

_ALIAS_PATH = re.compile(r"^[a-z0-9][a-z0-9_.-]*(/[a-z0-9][a-z0-9_.-]*)*/?$")
_HTML_IN_TEXT = re.compile(r"<[a-zA-Z/!?]")
_NUMBER_IN_TEXT = re.compile(r"\d")

COMPLETENESS_CODES: dict[str, tuple[str, ...]] = {
    "failure-mode": ("FMC101", "FMC102", "FMC103", "FMC104", "FMC105", "FMC106", "FMC107",
                     "FMC108", "FMC109"),
    "playbook": ("FMC103", "FMC105", "FMC108"),
    "case-study": ("FMC108",),
}
"""Which warnings count against a record's completeness score, by kind."""


def _is_current(record: Record) -> bool:
    """Completeness matters for records readers act on, not for retired ones."""
    return record.status in ("active", "draft")


def find_issues(catalog: Catalog, taxonomy: Taxonomy) -> list[Finding]:
    found: list[Finding] = []
    for entry in catalog.entries.values():
        found.extend(check_entry(entry, catalog, taxonomy))
    for incident in catalog.incidents.values():
        found.extend(check_incident(incident, catalog, taxonomy))
    found.extend(check_aliases(catalog))
    return found


def completeness(entry: Entry, findings: Iterable[Finding]) -> tuple[float, list[Finding]]:
    """Share of the kind's completeness rules the entry passes, and what it misses."""
    codes = COMPLETENESS_CODES[entry.kind.name]
    missing = [f for f in findings if f.file == entry.path and f.code in codes]
    failed = {f.code for f in missing}
    return (len(codes) - len(failed)) / len(codes), missing


@dataclass
class _Context:
    """Helpers bound to one document, so rules read as one-liners."""

    doc: Document
    out: list[Finding]

    def add(self, code: str, loc: Loc, message: str, hint: str = "") -> None:
        dotted = ".".join(str(p) for p in loc)
        self.out.append(finding(code, self.doc.path, self.doc.line_of(loc), dotted, message, hint))

    def vocab(self, loc: Loc, value: str, allowed: Iterable[str], what: str) -> None:
        options = list(allowed)
        if value not in options:
            self.add("FMC030", loc, f"'{value}' is not a known {what}",
                     did_you_mean(value, options, source="taxonomy.yml"))

    def ref(self, loc: Loc, value: str, catalog: Catalog, prefix: str | None = None) -> None:
        if catalog.knows(value):
            return
        self.add("FMC022", loc, f"{value} does not exist in this catalog",
                 unknown_id_hint(value, catalog, prefix))

    def url(self, loc: Loc, value: str) -> None:
        if not body.is_external(value) or body.is_unsafe_url(value):
            self.add("FMC051", loc, f"'{value[:60]}' is not an http(s) or mailto URL",
                     "links in front matter must be absolute http(s) URLs")


def unknown_id_hint(value: str, catalog: Catalog, prefix: str | None = None) -> str:
    """The closest ID of the expected kind, or where the IDs are: record IDs
    are file names in the kind's folder, not values of the taxonomy."""
    kind = KIND_BY_PREFIX.get(prefix or value[:2])
    candidates = [i for i in catalog.entries if prefix is None or i.startswith(prefix)]
    if not candidates:
        return "create it first" + (f" (`fmcat new` writes it into {kind.folder}/)"
                                    if kind else "")
    folder = f"{kind.folder}/" if kind else "the record folders"
    close = did_you_mean(value, candidates, source=f"the file names in {folder}")
    return close if "see " in close else f"{close} (IDs are the file names in {folder})"


def check_entry(entry: Entry, catalog: Catalog, taxonomy: Taxonomy) -> list[Finding]:
    out: list[Finding] = []
    ctx = _Context(entry.doc, out)
    record = entry.record
    _check_identity(entry, ctx, catalog)
    _check_common(record, ctx, catalog, taxonomy)
    _check_body(entry, ctx, catalog)
    if isinstance(record, FailureMode):
        _check_failure_mode(record, entry, ctx, catalog, taxonomy)
    elif isinstance(record, Playbook):
        _check_playbook(record, ctx, taxonomy)
    elif isinstance(record, CaseStudy):
        _check_case_study(record, ctx, catalog, taxonomy)
    return out


_CODEOWNER = re.compile(
    r"@[A-Za-z0-9][A-Za-z0-9-]*(?:/[A-Za-z0-9][A-Za-z0-9._-]*)?"  # @user or @org/team
    r"|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"  # an e-mail address
)


def codeowners_path_problem(path: str) -> str:
    """Why a record's path cannot be a CODEOWNERS pattern as it is; empty if it can.

    A CODEOWNERS line is a pattern and owners split on whitespace, so a space
    or line break in a file name would end the pattern and start owners or a
    new rule of the file name's choosing. GitHub documents no escape for
    spaces, and its CODEOWNERS does not support `\\#`, `!` or `[ ]`, so only
    letters, digits and `. _ - /` are written; `*` and `?` would match other
    records' files.
    """
    bad = sorted({c for c in path if not (c.isalnum() or c in "._-/")})
    if not bad:
        return ""
    shown = ", ".join(repr(c) for c in bad)
    return f"the file path holds {shown}, which CODEOWNERS cannot hold safely"


def is_codeowner(handle: str) -> bool:
    """Whether a steward handle can be written as a CODEOWNERS owner as it is."""
    return _CODEOWNER.fullmatch(handle) is not None


def _check_identity(entry: Entry, ctx: _Context, catalog: Catalog) -> None:
    record = entry.record
    filename = entry.path.rsplit("/", 1)[-1]
    if not filename.startswith(record.id):
        ctx.add("FMC024", ("id",), f"file name '{filename}' does not start with {record.id}",
                f"rename it to {record.id}-short-title.md; the URL does not change")
    problem = codeowners_path_problem(entry.path)
    if problem:
        ctx.add("FMC026", ("id",), problem,
                f"rename it to {record.id}-short-title.md (letters, digits, '.', '_', '-')")


def _check_common(record: Record, ctx: _Context, catalog: Catalog, taxonomy: Taxonomy) -> None:
    for field_name in ("title", "summary"):
        if _HTML_IN_TEXT.search(getattr(record, field_name)):
            ctx.add("FMC050", (field_name,), f"{field_name} contains markup",
                    "titles and summaries are plain text")
    for index, steward in enumerate(record.stewards):
        ctx.vocab(("stewards", index), steward, taxonomy.stewards, "steward")
        if not is_codeowner(steward):
            ctx.add("FMC027", ("stewards", index), f"{steward!r} cannot be a CODEOWNERS owner",
                    "use @user, @org/team or an e-mail address")
    for index, reference in enumerate(record.references):
        ctx.url(("references", index, "url"), reference.url)
    if record.status in ("deprecated", "withdrawn") and not record.status_reason:
        ctx.add("FMC060", ("status",), f"a {record.status} record needs status_reason",
                "say why, so readers know whether the advice still applies")
    if record.status == "deprecated" and not record.superseded_by:
        ctx.add("FMC060", ("status",), "a deprecated record needs superseded_by",
                "name the record that replaces it")
    if record.superseded_by:
        if record.superseded_by == record.id:
            ctx.add("FMC025", ("superseded_by",), "a record cannot supersede itself")
        else:
            ctx.ref(("superseded_by",), record.superseded_by, catalog, record.id[:2])
            successor = catalog.resolve(record.superseded_by)
            if successor and successor.record.status in ("withdrawn", "deprecated"):
                ctx.add("FMC064", ("superseded_by",),
                        f"{record.superseded_by} is {successor.record.status} itself",
                        "point at the record that is current")
    _check_dates(record, ctx, catalog.today, taxonomy)


def _check_dates(record: Record, ctx: _Context, today: date, taxonomy: Taxonomy) -> None:
    if record.last_reviewed < record.created:
        ctx.add("FMC061", ("last_reviewed",),
                f"last_reviewed {record.last_reviewed} is before created {record.created}")
    for name in ("created", "last_reviewed"):
        if getattr(record, name) > today:
            ctx.add("FMC062", (name,), f"{name} {getattr(record, name)} is in the future")
    previous: date | None = None
    for index, revision in enumerate(record.revisions):
        if revision.date > today:
            ctx.add("FMC062", ("revisions", index, "date"), f"revision {revision.date} is in "
                    "the future")
        if previous is not None and revision.date > previous:
            ctx.add("FMC061", ("revisions", index, "date"), "revisions must be newest first",
                    "put the most recent amendment at the top")
        previous = revision.date
    if not record.revisions and _is_current(record):
        ctx.add("FMC108", ("revisions",), "no revision notes",
                "add {date, note} for the first version and every amendment")
    if record.status in ("active", "draft"):
        due = record.review_due(taxonomy.review_every_days)
        if due < today:
            ctx.add("FMC063", ("last_reviewed",),
                    f"review was due on {due} ({(today - due).days} days ago)",
                    "review the entry and update last_reviewed")


def _check_body(entry: Entry, ctx: _Context, catalog: Catalog) -> None:
    doc = entry.doc
    found = body.sections(doc.body, doc.body_line)
    seen: set[str] = set()
    for heading in body.headings(doc.body, doc.body_line):
        key = heading.text.lower()
        if heading.level != 2:
            continue  # a subsection may share a section's title; only h2 are sections
        if key in seen:
            ctx.out.append(finding("FMC043", doc.path, heading.line, "body",
                                   f"section '{heading.text}' appears twice",
                                   "merge the two sections"))
        seen.add(key)
    for section in entry.kind.sections:
        match = found.get(section.title.lower())
        if match is None:
            ctx.out.append(finding(
                "FMC040", doc.path, doc.body_line, "body",
                f"required section '## {section.title}' is missing",
                f"add a '## {section.title}' heading with its content",
            ))
        elif not match[1]:
            ctx.out.append(finding("FMC041", doc.path, match[0].line, "body",
                                   f"section '{section.title}' is empty", "write its content"))
    for link in body.links(doc.body, doc.body_line):
        target = link.target
        if not target or target.startswith("#") or body.is_external(target) \
                or body.is_unsafe_url(target):
            continue
        parsed = body.id_target(target)
        if parsed is None:
            ctx.out.append(finding(
                "FMC042", doc.path, link.line, "body", f"relative link '{target}' will break",
                "link records by ID, e.g. [text](FM-0012) or [text](MP-0003#steps)",
            ))
        elif not catalog.knows(parsed[0]):
            ctx.out.append(finding(
                "FMC022", doc.path, link.line, "body", f"link to unknown record {parsed[0]}",
                unknown_id_hint(parsed[0], catalog, parsed[0][:2]),
            ))
    _check_ids(entry, ctx)
    for problem in body.unsafe_markup(doc.body, doc.body_line):
        code = "FMC051" if "URL" in problem.message or "link" in problem.message else "FMC050"
        ctx.out.append(finding(code, doc.path, problem.line, "body", problem.message,
                               problem.hint))


def _check_ids(entry: Entry, ctx: _Context) -> None:
    """Every element id of a record page is the build's, and appears once.

    Hand-written ids are refused outright (see `body.explicit_ids`). A
    heading gets an id from its text (toc), which Markdown keeps unique
    among headings but cannot keep apart from the ids of the generated
    parts of the page (`#summary`, `#history`, `#incidents`...).
    """
    from fmcat.exports.documents import anchors  # noqa: PLC0415 - export imports the catalog

    doc = entry.doc
    for problem in body.explicit_ids(doc.body, doc.body_line):
        ctx.out.append(finding("FMC044", doc.path, problem.line, "body", problem.message,
                               problem.hint))
    own = {section.title.lower() for section in entry.kind.sections}
    reserved = set(anchors(entry.kind)) - {section.anchor for section in entry.kind.sections}
    for heading in body.headings(doc.body, doc.body_line):
        if heading.level == 2 and heading.text.lower() in own:
            continue
        slug = toc_slugify(heading.text.replace("`", "").replace("*", ""), "-")
        if slug in reserved:
            ctx.out.append(finding(
                "FMC045", doc.path, heading.line, "body",
                f"heading '{heading.text}' would take the anchor #{slug} of the page's "
                "generated part", f"rename the heading, e.g. '{heading.text} notes'"))


def _check_failure_mode(record: FailureMode, entry: Entry, ctx: _Context, catalog: Catalog,
                        taxonomy: Taxonomy) -> None:
    ctx.vocab(("category",), record.category, taxonomy.categories, "category")
    for name, what in (("stages", "stage"), ("causes", "cause")):
        for index, value in enumerate(getattr(record, name)):
            ctx.vocab((name, index), value, taxonomy.vocabulary(name), what)
    for dimension in TAG_DIMENSIONS:
        values = getattr(record, dimension)
        if not values:
            ctx.add("FMC109", (dimension,), f"no {dimension} tag",
                    f"tag at least one value from taxonomy.yml {dimension}")
        for index, value in enumerate(values):
            ctx.vocab((dimension, index), value, taxonomy.vocabulary(dimension),
                      dimension.replace("_", " "))
    ctx.vocab(("severity",), record.severity, taxonomy.severities, "severity")
    ctx.vocab(("frequency",), record.frequency, taxonomy.frequencies, "frequency")
    for index, detector in enumerate(record.detectors):
        ctx.vocab(("detectors", index, "signal"), detector.signal, taxonomy.signals, "signal")
        ctx.vocab(("detectors", index, "severity"), detector.severity, taxonomy.severities,
                  "severity")
    for index, mitigation in enumerate(record.mitigations):
        ctx.ref(("mitigations", index, "playbook"), mitigation.playbook, catalog, "MP")
    for index, other in enumerate(record.related):
        if other == record.id:
            ctx.add("FMC025", ("related", index), "an entry cannot be related to itself")
        else:
            ctx.ref(("related", index), other, catalog, "FM")
    for index, artifact in enumerate(record.artifacts):
        ctx.url(("artifacts", index, "url"), artifact.url)
    if _is_current(record):
        _check_failure_mode_completeness(record, entry, ctx)


def _check_failure_mode_completeness(record: FailureMode, entry: Entry, ctx: _Context) -> None:
    found = body.sections(entry.doc.body, entry.doc.body_line)
    if not record.detectors:
        ctx.add("FMC101", ("detectors",), "no detector",
                "add {signal, op, threshold, window, severity, action} so the mode is caught")
    if not record.mitigations:
        ctx.add("FMC102", ("mitigations",), "no mitigation",
                "link at least one playbook with {playbook, kind, use}")
    if not record.artifacts:
        ctx.add("FMC103", ("artifacts",), "no linked artifact",
                "link a notebook, dashboard, test, dataset or runbook")
    if not record.references:
        ctx.add("FMC105", ("references",), "no reference",
                "cite a paper or official documentation you have checked")
    _section_rule(ctx, found, "reproduction", code="FMC104",
                  passes=lambda text: body.count_numbered_steps(text) >= 2,
                  message="reproduction needs at least two numbered steps",
                  hint="write the steps as a numbered list someone can follow")
    _section_rule(ctx, found, "checklist", code="FMC106",
                  passes=lambda text: body.count_checkboxes(text) >= 1,
                  message="checklist has no '- [ ]' items",
                  hint="write the checks as '- [ ] …' items")
    if record.detectors:
        _section_rule(ctx, found, "detection", code="FMC107",
                      passes=lambda text: bool(_NUMBER_IN_TEXT.search(text)),
                      message="the detection section never mentions a threshold value",
                      hint="explain why each threshold is where it is")


def _section_rule(ctx: _Context, found: dict[str, tuple[body.Heading, str]], title: str, *,
                  code: str, passes: Callable[[str], bool], message: str, hint: str) -> None:
    match = found.get(title)
    if match is not None and match[1] and not passes(match[1]):
        ctx.out.append(finding(code, ctx.doc.path, match[0].line, "body", message, hint))


def _check_playbook(record: Playbook, ctx: _Context, taxonomy: Taxonomy) -> None:
    ctx.vocab(("owner",), record.owner, taxonomy.stewards, "steward")
    ctx.vocab(("escalation", "to"), record.escalation.to, taxonomy.stewards, "steward")
    for index, control in enumerate(record.controls):
        ctx.url(("controls", index, "url"), control.url)
    if not record.controls and _is_current(record):
        ctx.add("FMC103", ("controls",), "no linked control",
                "link the data-quality rule, test, policy or dashboard that enforces it")
    if not record.references and _is_current(record):
        ctx.add("FMC105", ("references",), "no reference",
                "cite a paper or official documentation you have checked")


def _check_case_study(record: CaseStudy, ctx: _Context, catalog: Catalog,
                      taxonomy: Taxonomy) -> None:
    for index, value in enumerate(record.failure_modes):
        ctx.ref(("failure_modes", index), value, catalog, "FM")
    for index, value in enumerate(record.playbooks):
        ctx.ref(("playbooks", index), value, catalog, "MP")
    for loc, context in [(("origin",), record.origin)] + [
            (("reused_in", i), c) for i, c in enumerate(record.reused_in)]:
        ctx.vocab((*loc, "data_domain"), context.data_domain, taxonomy.data_domain,
                  "data domain")
        ctx.vocab((*loc, "model_family"), context.model_family, taxonomy.model_family,
                  "model family")
    previous: date | None = None
    for index, event in enumerate(record.timeline):
        if previous is not None and event.date < previous:
            ctx.add("FMC061", ("timeline", index, "date"), "timeline events must be in date order")
        if event.date > catalog.today:
            ctx.add("FMC062", ("timeline", index, "date"), f"{event.date} is in the future")
        previous = event.date


def check_incident(item: IncidentEntry, catalog: Catalog, taxonomy: Taxonomy) -> list[Finding]:
    out: list[Finding] = []
    ctx = _Context(item.doc, out)
    incident: Incident = item.record
    filename = item.doc.path.rsplit("/", 1)[-1]
    if not filename.startswith(incident.id):
        ctx.add("FMC024", ("id",), f"file name '{filename}' does not start with {incident.id}",
                f"rename it to {incident.id}.yml")
    for index, value in enumerate(incident.failure_modes):
        ctx.ref(("failure_modes", index), value, catalog, "FM")
    for index, value in enumerate(incident.playbooks_used):
        ctx.ref(("playbooks_used", index), value, catalog, "MP")
    ctx.vocab(("severity",), incident.severity, taxonomy.severities, "severity")
    ctx.vocab(("model_family",), incident.model_family, taxonomy.model_family, "model family")
    ctx.vocab(("environment",), incident.environment, taxonomy.environment, "environment")
    if incident.postmortem:
        ctx.url(("postmortem",), incident.postmortem)
    order = [("started", incident.started), ("detected", incident.detected),
             ("mitigated", incident.mitigated), ("resolved", incident.resolved)]
    present = [(name, value) for name, value in order if value is not None]
    for (first, a), (second, b) in itertools.pairwise(present):
        if b < a:
            ctx.add("FMC061", (second,), f"{second} ({b:%Y-%m-%d %H:%M}) is before {first} "
                    f"({a:%Y-%m-%d %H:%M})", "durations would be negative: fix the timestamps")
    for name, stamp in present:
        if stamp.date() > catalog.today:
            ctx.add("FMC062", (name,), f"{name} {stamp:%Y-%m-%d} is in the future")
    year = incident.id.split("-")[1]
    if str(incident.detected.year) != year:
        ctx.add("FMC020", ("id",), f"{incident.id} is numbered in {year} but detected in "
                f"{incident.detected.year}", "incident IDs carry the year of detection")
    return out


def check_aliases(catalog: Catalog) -> Iterator[Finding]:
    """Each alias redirects to its record: it may name a retired ID of the same
    kind or an old path, never a URL the site already produces."""
    from fmcat.site.outputs import alias_key, reserved_by  # noqa: PLC0415 - outputs imports the catalog

    claimed: dict[str, str] = {}
    for entry in catalog.entries.values():
        ctx = _Context(entry.doc, [])
        for index, alias in enumerate(entry.record.aliases):
            loc = ("aliases", index)
            if ANY_RECORD_ID.match(alias):
                if alias in catalog.entries or alias in catalog.unreadable:
                    where = catalog.entries[alias].path if alias in catalog.entries \
                        else catalog.unreadable[alias]
                    ctx.add("FMC023", loc, f"alias {alias} is the ID of a live record ({where})",
                            "withdraw that record with superseded_by instead")
                elif alias[:2] != entry.id[:2]:
                    ctx.add("FMC023", loc, f"alias {alias} is of another kind than {entry.id}",
                            f"an alias of {entry.id} is a retired {entry.id[:2]}- ID or an old "
                            "path")
            elif not _ALIAS_PATH.match(alias) or ".." in alias:
                ctx.add("FMC023", loc, f"alias '{alias}' is neither a record ID nor a site path",
                        "use a retired ID (FM-0042) or an old path such as 'old/covariate-shift/'")
            else:
                owner = reserved_by(alias, catalog)
                if owner:
                    ctx.add("FMC023", loc, f"alias '{alias}' is taken by {owner}",
                            "an old path must be one this site does not publish, e.g. "
                            "'old/covariate-shift/'; a retired ID is written as FM-0042")
            key = alias_key(alias)
            if key in claimed:
                ctx.add("FMC023", loc, f"alias {alias} is also claimed by {claimed[key]}",
                        "an old URL can redirect to one record only")
            claimed.setdefault(key, entry.id)
        yield from ctx.out

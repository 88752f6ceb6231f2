"""The assess index: everything a risk review needs, and nothing more (`api/assess.json`).

The CLI and the site page must rank the same catalog the same way, so both
read this one document: the build publishes it for the page, and the CLI
makes it from the repository (or from a published `catalog.json`, or reads
the published index itself). Ratings that need the whole catalog (severity
and occurrence levels, the incident evidence) are computed once here; what
depends on the project (applicability, detection, prevention, the Action
Priority) is computed by `worksheet` and by `src/fmcat/site/theme/assets/fmcat-assess.js`
from the same fields, with the table shipped in the index so that neither
side carries a copy of it.

Only current entries (active or draft) are in it: a withdrawn entry was
replaced and a deprecated one is superseded by an entry that is in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Literal

from pydantic import Field, ValidationError

from fmcat.analysis.assess import (
    AP_TABLE,
    LEVELS,
    Evidence,
    Occurrence,
    Priority,
    evidence_by_mode,
    log_years,
    observed_occurrence,
    scale_level,
)
from fmcat.core import body
from fmcat.core.catalog import Catalog
from fmcat.core.model import FAILURE_MODE, StrictModel
from fmcat.exports.documents import ExportError, record_groups, site_url
from fmcat.exports.schema import SCHEMA_VERSION

INDEX_VERSION = "1.0"
"""Version of `api/assess.json`; its major number changes only when a field changes meaning."""

INDEX_PATH = "api/assess.json"

CURRENT = ("active", "draft")
"""Statuses an assessment considers (`Record.is_current`)."""

_CHECKBOX = re.compile(r"^\s*[-*+][ \t]+\[[ xX]\][ \t]+(\S.*)$")


class DocumentError(Exception):
    """A catalog document or assess index that cannot be used; the message says where."""


def dimension_vocabularies(taxonomy: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """Tag dimension key → {value: title}, from an exported taxonomy.

    The one place that knows which dimensions a catalog has: those its
    taxonomy declares under `dimensions:` for failure modes. Records and
    profiles hold a dimension's values under the same key.
    """
    return {key: {value: str(term.get("title") or value)
                  for value, term in dict(dimension.get("values") or {}).items()}
            for key, dimension in _failure_mode_dimensions(taxonomy).items()}


def dimension_titles(taxonomy: Mapping[str, Any]) -> dict[str, str]:
    """Tag dimension key → its title, as the catalog names it."""
    return {key: str(dimension.get("title") or key)
            for key, dimension in _failure_mode_dimensions(taxonomy).items()}


def _failure_mode_dimensions(taxonomy: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {key: dimension for key, dimension in dict(taxonomy.get("dimensions") or {}).items()
            if "failure-mode" in (dimension.get("applies_to") or ["failure-mode"])}


class IndexDetector(StrictModel):
    signal: str
    op: str
    threshold: float
    window: str
    action: str


class IndexMitigation(StrictModel):
    playbook: str
    kind: str


class IndexMode(StrictModel):
    id: str
    title: str
    url: str
    severity: str
    s: int = Field(ge=1, le=LEVELS)
    """Severity level."""
    o: int = Field(ge=1, le=LEVELS)
    """Occurrence level before any project action."""
    o_source: Literal["observed", "declared", "assumed"]
    frequency: str
    incidents: int
    recurrences: int
    s_assumed: bool
    dims: dict[str, list[str]]
    stages: list[str]
    detectors: list[IndexDetector]
    mitigations: list[IndexMitigation]
    checklist: list[str]


class IndexPlaybook(StrictModel):
    title: str
    owner: str
    time_to_remediate: str
    url: str


class IndexDimension(StrictModel):
    title: str
    values: dict[str, str]


class AssessIndex(StrictModel):
    version: str
    log_years: float
    """The span incident rates are taken over (`fmcat.analysis.assess.log_years`)."""
    has_checklists: bool
    """False when made from a `catalog.json`, which holds no entry bodies."""
    table: dict[str, dict[str, dict[str, Priority]]]
    """AP_TABLE as table[S][O][detection]."""
    dimensions: dict[str, IndexDimension]
    stages: dict[str, str]
    signals: dict[str, str]
    metrics: dict[str, str]
    """Signal → its Prometheus metric, to read monitored signals from a rules file."""
    playbooks: dict[str, IndexPlaybook]
    modes: list[IndexMode]


def rebased(index: AssessIndex, base_url: str | None) -> AssessIndex:
    """The index with its URLs absolute under `base_url`, for a worksheet pasted elsewhere.

    A URL that is already absolute (a catalog.json published with a base
    URL) is kept as it is.
    """
    if not base_url:
        return index

    def absolute(url: str) -> str:
        return url if re.match(r"^[a-z][a-z0-9+.-]*:", url) else site_url(url, base_url)

    return index.model_copy(update={
        "modes": [m.model_copy(update={"url": absolute(m.url)}) for m in index.modes],
        "playbooks": {key: p.model_copy(update={"url": absolute(p.url)})
                      for key, p in index.playbooks.items()}})


def published_table() -> dict[str, dict[str, dict[str, Priority]]]:
    table: dict[str, dict[str, dict[str, Priority]]] = {}
    for (severity, occurrence, detection), priority in sorted(AP_TABLE.items()):
        table.setdefault(str(severity), {}).setdefault(str(occurrence), {})[detection] = priority
    return table


def checklist_items(text: str) -> list[str]:
    """The `- [ ]` items of a Checklist section, as their text."""
    return [m.group(1).strip() for line in text.split("\n") if (m := _CHECKBOX.match(line))]


def index_from_catalog(catalog: Catalog, *, checklists: bool = True) -> AssessIndex:
    """The index of a loaded catalog, read through the documents `catalog.json` holds.

    Without `checklists` no entry's body is parsed (most of this function's
    time): the published index leaves them out.
    """
    if catalog.taxonomy is None:
        raise ExportError(f"{catalog.root}: taxonomy.yml is missing or invalid; "
                          "run `fmcat validate` for details")
    items: dict[str, list[str]] | None = None
    if checklists:
        items = {}
        for entry in catalog.of_kind(FAILURE_MODE):
            found = body.sections(entry.doc.body, entry.doc.body_line).get("checklist")
            items[entry.id] = checklist_items(found[1]) if found else []
    groups = record_groups(catalog)
    return build_index(catalog.taxonomy.model_dump(mode="json"), groups["failure_modes"],
                       groups["playbooks"], groups["incidents"], items)


def index_from_document(document: Mapping[str, Any]) -> AssessIndex:
    """The index of a published `catalog.json` (without checklists: it has no bodies)."""
    if not isinstance(document, Mapping) or not isinstance(document.get("taxonomy"), Mapping):
        raise DocumentError("taxonomy: missing (is this a fmcat catalog.json?)")
    version = str(document.get("schema_version", ""))
    if version.split(".", maxsplit=1)[0] != SCHEMA_VERSION.split(".")[0]:
        raise DocumentError(f"schema_version {version!r} is not supported; this fmcat reads "
                            f"{SCHEMA_VERSION.split('.')[0]}.x (upgrade fmcat)")
    try:
        return build_index(document["taxonomy"], _items(document, "failure_modes"),
                           _items(document, "playbooks"), _items(document, "incidents"), None)
    except (KeyError, TypeError, ValueError) as exc:
        raise DocumentError(f"not a usable catalog.json ({exc})") from None


def _items(document: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = document.get(key)
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise DocumentError(f"{key}: expected a list of objects")
    return value


def read_index(data: Any, source: str) -> AssessIndex:
    """A published `assess.json`, validated; a DocumentError names the first bad field."""
    if isinstance(data, Mapping) and str(data.get("version", "")).split(".")[0] != \
            INDEX_VERSION.split(".", maxsplit=1)[0]:
        raise DocumentError(f"{source}: version {data.get('version')!r} is not supported; "
                            f"this fmcat reads {INDEX_VERSION.split('.', maxsplit=1)[0]}.x")
    try:
        return AssessIndex.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        raise DocumentError(f"{source}: {where}: {error['msg']}") from None


def _level(ranks: Mapping[str, Any], name: str) -> int | None:
    top = max((int(term["rank"]) for term in ranks.values()), default=0)
    term = ranks.get(name)
    return scale_level(int(term["rank"]), top) if isinstance(term, Mapping) else None


def build_index(taxonomy: Mapping[str, Any], failure_modes: Iterable[Mapping[str, Any]],
                playbooks: Iterable[Mapping[str, Any]], incidents: Iterable[Mapping[str, Any]],
                checklists: Mapping[str, list[str]] | None) -> AssessIndex:
    """The index from exported documents (one at a time: they may be streamed)."""
    # Only the fields used are kept: at 20,000 entries whole documents would
    # hold most of the build's memory.
    used = ("id", "title", "url", "severity", "frequency", "aliases", "stages", "detectors",
            "mitigations", *dimension_vocabularies(taxonomy))
    modes: list[dict[str, Any]] = [{key: item.get(key) for key in used}
             for item in failure_modes if item["status"] in CURRENT]
    listed, retired = {}, {}
    for item in playbooks:
        if item["status"] != "withdrawn":
            listed[item["id"]] = IndexPlaybook(
                title=item["title"], owner=item["owner"],
                time_to_remediate=item["time_to_remediate"], url=item["url"])
        retired.update(dict.fromkeys(item.get("aliases", []), item["id"]))
    aliases = {alias: item["id"] for item in modes for alias in item["aliases"] or []}
    log = [Occurrence(item["id"], datetime.fromisoformat(item["detected"]), item["team"],
                      tuple(aliases.get(m, m) for m in item["failure_modes"]))
           for item in incidents]
    evidence = evidence_by_mode(log)
    years = log_years(log)
    titles = dimension_titles(taxonomy)
    dimensions = {key: IndexDimension(title=titles[key], values=values)
                  for key, values in dimension_vocabularies(taxonomy).items()}
    signals = dict(taxonomy["signals"])
    return AssessIndex(
        version=INDEX_VERSION,
        log_years=round(years, 2),
        has_checklists=checklists is not None,
        table=published_table(),
        dimensions=dimensions,
        stages={key: str(term.get("title") or key) for key, term in taxonomy["stages"].items()},
        signals={key: str(term["title"]) for key, term in signals.items()},
        metrics={key: str(term["metric"]) for key, term in signals.items()},
        playbooks=listed,
        modes=[_mode(item, taxonomy, evidence.get(item["id"]), dimensions, retired=retired,
                     checklist=(checklists or {}).get(item["id"], []))
               for item in sorted(modes, key=lambda m: m["id"])],
    )


def _mode(item: Mapping[str, Any], taxonomy: Mapping[str, Any], evidence: Evidence | None,
          dimensions: Mapping[str, IndexDimension], *, retired: Mapping[str, str],
          checklist: list[str]) -> IndexMode:
    severity = _level(taxonomy["severities"], item["severity"])
    observed = observed_occurrence(evidence) if evidence else None
    declared = _level(taxonomy["frequencies"], item["frequency"])
    source: Literal["observed", "declared", "assumed"]
    if observed is not None:
        occurrence, source = observed, "observed"
    elif declared is not None:
        occurrence, source = declared, "declared"
    else:
        # Fail closed: an unknown rating must not hide a mode behind a low priority.
        occurrence, source = LEVELS, "assumed"
    return IndexMode(
        id=item["id"], title=item["title"], url=item["url"], severity=item["severity"],
        s=severity or LEVELS, s_assumed=severity is None,
        o=occurrence, o_source=source, frequency=item["frequency"],
        incidents=evidence.incidents if evidence else 0,
        recurrences=evidence.recurrences if evidence else 0,
        dims={key: list(item.get(key) or []) for key in dimensions},
        stages=list(item["stages"]),
        detectors=[IndexDetector(signal=d["signal"], op=d["op"], threshold=d["threshold"],
                                 window=d["window"], action=d["action"])
                   for d in item["detectors"]],
        mitigations=[IndexMitigation(playbook=retired.get(m["playbook"], m["playbook"]),
                                     kind=m["kind"])
                     for m in item["mitigations"]],
        checklist=checklist,
    )


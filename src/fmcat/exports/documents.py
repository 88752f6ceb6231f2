"""Machine-readable exports: `catalog.json`, one JSON file per record, JSON Schemas.

Tooling (deploy gates, alerting, incident tools) reads the published site
instead of the repository, so the export is a contract:

- field names are the model field names, dates are ISO strings, every field
  is present even when it holds its default, so a consumer never has to know
  our defaults;
- every record is present whatever its status (draft, active, deprecated,
  withdrawn): a consumer that drops withdrawn records must do so on purpose,
  and a runbook that still cites a withdrawn ID can be told where it went;
- the output is deterministic (sorted keys, records sorted by ID, no
  generation time), so two builds of the same sources are byte-identical and
  CI can diff committed or published exports;
- `schema_version` changes its major number only when a field is removed or
  changes meaning; adding a field bumps the minor number.

The JSON Schemas are generated from the same pydantic models the loader
validates with, extended by the derived fields (URLs, backlinks), so the
schema cannot drift from what is exported; a test validates every export
against them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from fmcat import __version__
from fmcat.core.catalog import Catalog, Entry, IncidentEntry
from fmcat.core.ids import ANY_RECORD_ID
from fmcat.core.model import (
    CASE_STUDY,
    FAILURE_MODE,
    PLAYBOOK,
    CaseStudy,
    FailureMode,
    Incident,
    Kind,
    Playbook,
    Record,
    StrictModel,
)
from fmcat.core.taxonomy import Taxonomy

SCHEMA_VERSION = "1.1"  # 1.1: signals carry their kind (gauge or counter)
"""Version of the export format; see the module docstring for when it changes."""

API_DIR = "api"
INCIDENTS_URL_DIR = "incidents"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


class ExportError(Exception):
    """The catalog cannot be exported as it is (for example, no taxonomy)."""


def site_url(path: str, base_url: str | None) -> str:
    """A site-relative path, made absolute when the site's base URL is known."""
    if not base_url:
        return path
    return f"{base_url.rstrip('/')}/{path.lstrip('/')}"


def stable_url(kind: Kind, record_id: str, anchor: str = "", base_url: str | None = None) -> str:
    """The canonical URL of a record (or of one of its sections).

    Derived from the ID only, never from a file name or title, so it survives
    renames and retitling.
    """
    url = site_url(kind.url(record_id), base_url)
    return f"{url}#{anchor}" if anchor else url


# --- the exported shapes, as models (they generate the JSON Schemas) ----------


class _Exported(StrictModel):
    # Derived fields are always written, so serialization schemas list them
    # as required even where a default exists.
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)


class FailureModeBacklinks(_Exported):
    """Records that point at a failure mode (computed, not written by hand)."""

    related: list[str]
    case_studies: list[str]
    incidents: list[str]


class PlaybookBacklinks(_Exported):
    """Records that point at a playbook (computed, not written by hand)."""

    used_by: list[str]
    case_studies: list[str]
    incidents: list[str]


class ExportedFailureMode(FailureMode):
    """A failure mode as published: its front matter plus URLs and backlinks."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True,
                              title="Failure mode")
    kind: Literal["failure-mode"]
    url: str
    permalink: str
    api_url: str
    source_path: str
    backlinks: FailureModeBacklinks


class ExportedPlaybook(Playbook):
    """A playbook as published: its front matter plus URLs and backlinks."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True,
                              title="Mitigation playbook")
    kind: Literal["playbook"]
    url: str
    permalink: str
    api_url: str
    source_path: str
    backlinks: PlaybookBacklinks


class ExportedCaseStudy(CaseStudy):
    """A case study as published: its front matter plus URLs."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True,
                              title="Case study")
    kind: Literal["case-study"]
    url: str
    permalink: str
    api_url: str
    source_path: str


class ExportedIncident(Incident):
    """An incident as published.

    Incidents have no page of their own, so `url` and `permalink` are null;
    the durations are derived from the timestamps and given in seconds.
    """

    model_config = ConfigDict(json_schema_serialization_defaults_required=True,
                              title="Incident")
    kind: Literal["incident"]
    url: None
    permalink: None
    api_url: str
    source_path: str
    time_to_detect_seconds: int | None
    time_to_mitigate_seconds: int | None


class ExportedCatalog(_Exported):
    """The whole catalog in one document: `api/catalog.json`."""

    model_config = ConfigDict(title="Failure Mode Catalog")
    schema_version: Literal["1.1"]
    generator: str
    base_url: str | None
    taxonomy: Taxonomy
    failure_modes: list[ExportedFailureMode]
    playbooks: list[ExportedPlaybook]
    case_studies: list[ExportedCaseStudy]
    incidents: list[ExportedIncident]


_RECORD_SCHEMAS: dict[str, type[BaseModel]] = {
    "failure-mode.json": ExportedFailureMode,
    "playbook.json": ExportedPlaybook,
    "case-study.json": ExportedCaseStudy,
    "incident.json": ExportedIncident,
}
_SOURCE_SCHEMAS: dict[str, type[BaseModel]] = {
    # What contributors write: front matter of the Markdown files and the
    # incident YAML files, for editors (yaml-language-server) and importers.
    "source/failure-mode.json": FailureMode,
    "source/playbook.json": Playbook,
    "source/case-study.json": CaseStudy,
    "source/incident.json": Incident,
    "source/taxonomy.json": Taxonomy,
}


def json_schemas() -> dict[str, dict[str, Any]]:
    """JSON Schemas by file name: the catalog document, each exported record
    kind, and (under `source/`) the files contributors write.

    Exported shapes use pydantic's serialization mode (what `model_dump(
    mode="json")` writes: dates as strings, every field present); source
    shapes use validation mode (what the loader accepts).
    """
    schemas: dict[str, dict[str, Any]] = {}
    exported: dict[str, type[BaseModel]] = {"catalog.json": ExportedCatalog, **_RECORD_SCHEMAS}
    for name, model in exported.items():
        schema = model.model_json_schema(mode="serialization")
        schemas[name] = _portable({"$schema": JSON_SCHEMA_DIALECT, **schema}, require_all=True)
    for name, model in _SOURCE_SCHEMAS.items():
        schema = model.model_json_schema(mode="validation")
        schemas[name] = _portable({"$schema": JSON_SCHEMA_DIALECT, **schema}, require_all=False)
    return dict(sorted(schemas.items()))


_NAMED_GROUP = re.compile(r"\(\?P<\w+>")


def _portable(node: Any, *, require_all: bool) -> Any:
    """Adjust a pydantic schema for every JSON Schema validator, not only Python's.

    Python's named groups `(?P<name>...)` are not ECMA-262 regular expressions
    (JavaScript validators reject them), so they become plain groups. In
    exported shapes every property is always written, defaults included, so
    every property is required, nested objects too (pydantic only does that
    for the top-level model).
    """
    if isinstance(node, list):
        return [_portable(item, require_all=require_all) for item in node]
    if not isinstance(node, dict):
        return node
    result = {key: _portable(value, require_all=require_all) for key, value in node.items()}
    if isinstance(result.get("pattern"), str):
        result["pattern"] = _NAMED_GROUP.sub("(", result["pattern"])
    if require_all and result.get("type") == "object" and isinstance(
            result.get("properties"), dict):
        result["required"] = list(result["properties"])
    return result


# --- building the documents -------------------------------------------------


@dataclass(frozen=True)
class _Documents:
    failure_modes: list[dict[str, Any]]
    playbooks: list[dict[str, Any]]
    case_studies: list[dict[str, Any]]
    incidents: list[dict[str, Any]]


def api_path(record_id: str) -> str:
    """Where a record's own JSON file lives in the site: `api/failure-modes/FM-0007.json`."""
    if record_id.startswith("INC-"):
        return f"{API_DIR}/{INCIDENTS_URL_DIR}/{record_id}.json"
    kind = {"FM": FAILURE_MODE, "MP": PLAYBOOK, "CS": CASE_STUDY}[record_id[:2]]
    return f"{API_DIR}/{kind.url_dir}/{record_id}.json"


def retired_ids(entry: Entry, catalog: Catalog) -> list[str]:
    """The retired IDs merged into a record, whose API file (and drill) must
    keep resolving: each is a copy of the record's own, byte for byte.

    A copy rather than a stub, because static hosting cannot redirect a JSON
    request and a client that fetched the old ID must keep working; the
    document's `id` and `aliases` say where the record went.
    """
    return [alias for alias in entry.record.aliases
            if ANY_RECORD_ID.match(alias) and alias[:2] == entry.id[:2]
            and alias not in catalog.entries]


def _record_document(entry: Entry, catalog: Catalog, base_url: str | None) -> dict[str, Any]:
    record: Record = entry.record
    data = record.model_dump(mode="json")
    data.update(
        kind=entry.kind.name,
        url=stable_url(entry.kind, record.id, base_url=base_url),
        permalink=site_url(f"{record.id}/", base_url),
        api_url=site_url(api_path(record.id), base_url),
        source_path=entry.path,
    )
    if isinstance(record, FailureMode):
        data["backlinks"] = {
            "related": list(catalog.related.get(record.id, ())),
            "case_studies": list(catalog.cited_by_cases.get(record.id, ())),
            "incidents": list(catalog.cited_by_incidents.get(record.id, ())),
        }
    elif isinstance(record, Playbook):
        data["backlinks"] = {
            "used_by": list(catalog.used_by.get(record.id, ())),
            "case_studies": list(catalog.cited_by_cases.get(record.id, ())),
            "incidents": list(catalog.cited_by_incidents.get(record.id, ())),
        }
    return data


def _incident_document(item: IncidentEntry, base_url: str | None) -> dict[str, Any]:
    incident = item.record
    data = incident.model_dump(mode="json")
    detect, mitigate = incident.time_to_detect, incident.time_to_mitigate
    data.update(
        kind="incident",
        url=None,
        permalink=None,
        api_url=site_url(api_path(incident.id), base_url),
        source_path=item.doc.path,
        time_to_detect_seconds=int(detect.total_seconds()) if detect is not None else None,
        time_to_mitigate_seconds=int(mitigate.total_seconds()) if mitigate is not None else None,
    )
    return data


def _documents(catalog: Catalog, base_url: str | None) -> _Documents:
    def of(kind: Kind) -> list[dict[str, Any]]:
        return [_record_document(entry, catalog, base_url)
                for entry in sorted(catalog.of_kind(kind), key=lambda e: e.id)]

    incidents = [_incident_document(item, base_url)
                 for _, item in sorted(catalog.incidents.items())]
    return _Documents(of(FAILURE_MODE), of(PLAYBOOK), of(CASE_STUDY), incidents)


def _taxonomy(catalog: Catalog) -> Taxonomy:
    if catalog.taxonomy is None:
        raise ExportError(f"{catalog.root}: taxonomy.yml is missing or invalid; "
                          "run `fmcat validate` for details")
    return catalog.taxonomy


def catalog_document(catalog: Catalog, base_url: str | None = None) -> dict[str, Any]:
    """Every record of the catalog in one JSON-ready document.

    URLs are site-relative (`failure-modes/FM-0007/`), or absolute when the
    site's `base_url` is given. The taxonomy is included so that a consumer
    (`fmcat recommend --catalog catalog.json`) can rank severities and know
    the signals without the repository.
    """
    return _catalog_document(_taxonomy(catalog), _documents(catalog, base_url), base_url)


def _catalog_document(taxonomy: Taxonomy, docs: _Documents,
                      base_url: str | None) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "generator": f"fmcat {__version__}",
        "base_url": base_url or None,
        "taxonomy": taxonomy.model_dump(mode="json"),
        "failure_modes": docs.failure_modes,
        "playbooks": docs.playbooks,
        "case_studies": docs.case_studies,
        "incidents": docs.incidents,
    }


def record_documents(catalog: Catalog, base_url: str | None = None) -> dict[str, dict[str, Any]]:
    """One document per record, by its path in the site (`api/playbooks/MP-0003.json`).

    Each is exactly the record's object in `catalog.json`, so one schema
    describes both.
    """
    return _by_path(_documents(catalog, base_url))


def _by_path(docs: _Documents) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for group in (docs.failure_modes, docs.playbooks, docs.case_studies, docs.incidents):
        for data in group:
            found[api_path(data["id"])] = data
    return dict(sorted(found.items()))


def dumps(data: Mapping[str, Any]) -> str:
    """The one serialization of every export: byte-stable across runs and machines."""
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def api_files(catalog: Catalog, base_url: str | None = None) -> dict[str, str]:
    """Every file of the site's `api/` folder, by site-relative path, as text.

    The site build writes these verbatim: `api/catalog.json`, one file per
    record, and `api/schema/*.json`.
    """
    taxonomy = _taxonomy(catalog)
    docs = _documents(catalog, base_url)
    files = {f"{API_DIR}/catalog.json": dumps(_catalog_document(taxonomy, docs, base_url))}
    for path, data in _by_path(docs).items():
        files[path] = dumps(data)
    for entry in catalog.entries.values():
        for retired in retired_ids(entry, catalog):
            files[api_path(retired)] = files[api_path(entry.id)]
    for name, schema in json_schemas().items():
        files[f"{API_DIR}/schema/{name}"] = dumps(schema)
    return dict(sorted(files.items()))


def write_api_stream(catalog: Catalog, site_dir: Path, base_url: str | None = None) -> int:
    """Write every `api/` file as `api_files` would, holding one record at a time.

    `catalog.json` is written piece by piece, so a build never holds every
    record's document, nor the whole file as one string: at 20,000 entries
    that was most of the memory of the process writing them. The bytes are
    those of `dumps`: each record is serialised once, written to its own
    file and, indented, into the catalog. Returns the number of files.
    """
    taxonomy = _taxonomy(catalog)
    head = _catalog_document(taxonomy, _Documents([], [], [], []), base_url)
    groups: dict[str, Iterator[dict[str, Any]]] = {
        "case_studies": _record_stream(catalog, CASE_STUDY, base_url),
        "failure_modes": _record_stream(catalog, FAILURE_MODE, base_url),
        "incidents": (_incident_document(item, base_url)
                      for _, item in sorted(catalog.incidents.items())),
        "playbooks": _record_stream(catalog, PLAYBOOK, base_url),
    }
    written = 0
    target = site_dir / API_DIR / "catalog.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8") as out:
        out.write("{")
        for index, key in enumerate(sorted(head)):
            out.write(("," if index else "") + f"\n  {json.dumps(key)}: ")
            if key not in groups:
                out.write(_dumps_bare(head[key]).replace("\n", "\n  "))
                continue
            first = True
            for data in groups[key]:
                text = _dumps_bare(data)
                retired = retired_ids(catalog.entries[data["id"]], catalog) \
                    if data["id"] in catalog.entries else []
                for record_id in (data["id"], *retired):
                    path = site_dir / api_path(record_id)
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_text(text + "\n", encoding="utf-8")
                    written += 1
                out.write(("[\n    " if first else ",\n    ") + text.replace("\n", "\n    "))
                first = False
            out.write("[]" if first else "\n  ]")
        out.write("\n}\n")
    written += 1
    for name, schema in json_schemas().items():
        path = site_dir / API_DIR / "schema" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dumps(schema), encoding="utf-8")
        written += 1
    return written


def _record_stream(catalog: Catalog, kind: Kind, base_url: str | None
                   ) -> Iterator[dict[str, Any]]:
    for entry in sorted(catalog.of_kind(kind), key=lambda e: e.id):
        yield _record_document(entry, catalog, base_url)


def _dumps_bare(data: Any) -> str:
    """`dumps` without the final newline: JSON strings hold no raw newline,
    so indenting every line of this nests it exactly as `dumps` would."""
    return dumps(data)[:-1]


def api_paths(catalog: Catalog) -> list[str]:
    """The paths `write_api_files` writes, without building any document."""
    retired = [alias for entry in catalog.entries.values()
               for alias in retired_ids(entry, catalog)]
    ids = [*catalog.entries, *retired, *catalog.incidents]
    return [f"{API_DIR}/catalog.json", *(api_path(record_id) for record_id in ids),
            *(f"{API_DIR}/schema/{name}" for name in json_schemas())]


def write_api_files(catalog: Catalog, site_dir: Path, base_url: str | None = None) -> list[Path]:
    """Write every `api/` file under a built site folder; return the paths written.

    The files are `api_files`, streamed by `write_api_stream`; the site build
    writes them the same way (`fmcat.outputs`).
    """
    write_api_stream(catalog, site_dir, base_url)
    return [site_dir / rel for rel in api_paths(catalog)]

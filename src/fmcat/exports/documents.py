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

The exported shapes and their JSON Schemas are in `fmcat.exports.schema`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from fmcat import __version__
from fmcat.core.catalog import Catalog, Entry, IncidentEntry
from fmcat.core.dimensions import flatten_dimensions
from fmcat.core.ids import ANY_RECORD_ID
from fmcat.core.model import (
    CASE_STUDY,
    FAILURE_MODE,
    PLAYBOOK,
    FailureMode,
    Kind,
    Playbook,
    Record,
)
from fmcat.core.taxonomy import Taxonomy
from fmcat.exports.schema import SCHEMA_VERSION, json_schemas, schema_names

API_DIR = "api"
INCIDENTS_URL_DIR = "incidents"


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
    data = flatten_dimensions(record.model_dump(mode="json"))
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
    data = flatten_dimensions(incident.model_dump(mode="json"))
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


def _taxonomy(catalog: Catalog) -> Taxonomy:
    if catalog.taxonomy is None:
        raise ExportError(f"{catalog.root}: taxonomy.yml is missing or invalid; "
                          "run `fmcat validate` for details")
    return catalog.taxonomy


def _head(taxonomy: Taxonomy, base_url: str | None) -> dict[str, Any]:
    """The fields of `catalog.json` besides the record lists."""
    return {
        "schema_version": SCHEMA_VERSION,
        "generator": f"fmcat {__version__}",
        "base_url": base_url or None,
        "taxonomy": taxonomy.model_dump(mode="json"),
    }


def record_groups(catalog: Catalog, base_url: str | None = None
                  ) -> dict[str, Iterator[dict[str, Any]]]:
    """The record lists of `catalog.json`, each made one document at a time, by ID.

    Public for readers that need every record's document but not all of them
    at once (the assess index at 20,000 entries).
    """
    return {
        "failure_modes": _record_stream(catalog, FAILURE_MODE, base_url),
        "playbooks": _record_stream(catalog, PLAYBOOK, base_url),
        "case_studies": _record_stream(catalog, CASE_STUDY, base_url),
        "incidents": (_incident_document(item, base_url)
                      for _, item in sorted(catalog.incidents.items())),
    }


def _record_stream(catalog: Catalog, kind: Kind, base_url: str | None
                   ) -> Iterator[dict[str, Any]]:
    for entry in sorted(catalog.of_kind(kind), key=lambda e: e.id):
        yield _record_document(entry, catalog, base_url)


def catalog_document(catalog: Catalog, base_url: str | None = None) -> dict[str, Any]:
    """Every record of the catalog in one JSON-ready document.

    URLs are site-relative (`failure-modes/FM-0007/`), or absolute when the
    site's `base_url` is given. The taxonomy is included so that a consumer
    (`fmcat recommend --catalog catalog.json`) can rank severities and know
    the signals without the repository. Each record's object is exactly its
    own file in `api/`, so one schema describes both.
    """
    head = _head(_taxonomy(catalog), base_url)
    groups = record_groups(catalog, base_url)
    return {**head, **{key: list(documents) for key, documents in groups.items()}}


def dumps(data: Mapping[str, Any]) -> str:
    """The one serialization of every export: byte-stable across runs and machines."""
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_api_stream(catalog: Catalog, site_dir: Path, base_url: str | None = None) -> int:
    """Write every file of the site's `api/` folder under `site_dir`; return how many.

    The files are `api/catalog.json` (`dumps` of `catalog_document`), one
    file per record (`api_path`) holding its object of `catalog.json`, a
    copy of it for each of its `retired_ids`, and `api/schema/*.json`.

    `catalog.json` is written piece by piece, so a build never holds every
    record's document, nor the whole file as one string: at 20,000 entries
    that was most of the memory of the process writing them. The bytes are
    those of `dumps`: each record is serialised once, written to its own
    file and, indented, into the catalog.
    """
    head = _head(_taxonomy(catalog), base_url)
    groups = record_groups(catalog, base_url)
    written = 0
    target = site_dir / API_DIR / "catalog.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8") as out:
        out.write("{")
        for index, key in enumerate(sorted([*head, *groups])):
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
    for name, schema in json_schemas(catalog.taxonomy, catalog.settings.name).items():
        path = site_dir / API_DIR / "schema" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dumps(schema), encoding="utf-8")
        written += 1
    return written


def _dumps_bare(data: Any) -> str:
    """`dumps` without the final newline: JSON strings hold no raw newline,
    so indenting every line of this nests it exactly as `dumps` would."""
    return dumps(data)[:-1]


def api_paths(catalog: Catalog) -> list[str]:
    """The paths `write_api_stream` writes, without building any document."""
    retired = [alias for entry in catalog.entries.values()
               for alias in retired_ids(entry, catalog)]
    ids = [*catalog.entries, *retired, *catalog.incidents]
    return [f"{API_DIR}/catalog.json", *(api_path(record_id) for record_id in ids),
            *(f"{API_DIR}/schema/{name}" for name in schema_names())]

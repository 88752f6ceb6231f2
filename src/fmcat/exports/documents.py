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
from fmcat.exports.files import SiteFiles, fingerprint
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


def write_api_stream(catalog: Catalog, site_dir: Path, base_url: str | None = None,
                     files: SiteFiles | None = None) -> int:
    """Write every file of the site's `api/` folder under `site_dir`; return how many.

    The files are `api/catalog.json` (`dumps` of `catalog_document`), one
    file per record (`api_path`) holding its object of `catalog.json`, a
    copy of it for each of its `retired_ids`, and `api/schema/*.json`.

    `catalog.json` is written piece by piece, so a build never holds every
    record's document, nor the whole file as one string: at 20,000 entries
    that was most of the memory of the process writing them. The bytes are
    those of `dumps`: each record is serialised once, written to its own
    file and, indented, into the catalog. Through `files` that keep what
    they wrote (a preview), a record whose `document_inputs` did not change
    is not serialised again: its own file is read back into the catalog.
    """
    files = files or SiteFiles(site_dir)
    head = _head(_taxonomy(catalog), base_url)
    groups = _record_texts(catalog, base_url, files)
    written = 0
    with files.stream(f"{API_DIR}/catalog.json") as out:
        out.write("{")
        for index, key in enumerate(sorted([*head, *groups])):
            out.write(("," if index else "") + f"\n  {json.dumps(key)}: ")
            if key not in groups:
                out.write(_dumps_bare(head[key]).replace("\n", "\n  "))
                continue
            first = True
            for text, count in groups[key]:
                written += count
                out.write(("[\n    " if first else ",\n    ") + text.replace("\n", "\n    "))
                first = False
            out.write("[]" if first else "\n  ]")
        out.write("\n}\n")
    written += 1
    for name, schema in json_schemas(catalog.taxonomy, catalog.settings.name).items():
        files.write(f"{API_DIR}/schema/{name}", dumps(schema))
        written += 1
    return written


def _record_texts(catalog: Catalog, base_url: str | None, files: SiteFiles
                  ) -> dict[str, Iterator[tuple[str, int]]]:
    """The record lists of `catalog.json` as (`_dumps_bare` text, files written),
    each record's own file and its retired copies written on the way."""
    context = _export_context(catalog, base_url) if files.keeps else ""

    def texts(items: Iterator[tuple[str, Entry | IncidentEntry]]) -> Iterator[tuple[str, int]]:
        for record_id, item in items:
            retired = retired_ids(item, catalog) if isinstance(item, Entry) else []
            paths = [api_path(name) for name in (record_id, *retired)]
            inputs = fingerprint(context, *document_inputs(item, catalog)) if files.keeps else ""
            if files.keeps and all(files.unchanged(path, inputs) for path in paths):
                yield files.read(paths[0])[:-1], 0
                continue
            document = _record_document(item, catalog, base_url) \
                if isinstance(item, Entry) else _incident_document(item, base_url)
            text = _dumps_bare(document)
            for path in paths:
                files.write(path, text + "\n", inputs)
            yield text, len(paths)

    def by_id(kind: Kind) -> Iterator[tuple[str, Entry | IncidentEntry]]:
        return ((entry.id, entry) for entry in sorted(catalog.of_kind(kind), key=lambda e: e.id))

    return {
        "failure_modes": texts(by_id(FAILURE_MODE)),
        "playbooks": texts(by_id(PLAYBOOK)),
        "case_studies": texts(by_id(CASE_STUDY)),
        "incidents": texts(iter(sorted(catalog.incidents.items()))),
    }


def _export_context(catalog: Catalog, base_url: str | None) -> str:
    """What every exported document may read besides its own record."""
    taxonomy = catalog.taxonomy.model_dump_json() if catalog.taxonomy else ""
    return fingerprint(base_url or "", taxonomy, repr(catalog.settings))


def document_inputs(item: Entry | IncidentEntry, catalog: Catalog) -> list[str]:
    """Everything a record's API document is made from besides the taxonomy,
    settings and base URL: its record (all of its fields), where it came from,
    and its backlinks. Kept beside `_record_document`, which reads them."""
    record_id = item.record.id
    return [item.record.model_dump_json(), item.doc.path, type(item).__name__,
            *(repr(index.get(record_id, ())) for index in
              (catalog.related, catalog.cited_by_cases, catalog.cited_by_incidents,
               catalog.used_by))]


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

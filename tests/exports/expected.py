"""What the site's `api/` folder must hold, built the plain way, as an oracle.

`write_api_stream` writes `catalog.json` piece by piece to keep memory flat;
these tests compare its bytes with the straightforward serialization of
`catalog_document`, which it must equal.
"""

from __future__ import annotations

from pathlib import Path

from fmcat.core.catalog import Catalog
from fmcat.exports.documents import api_path, catalog_document, dumps, retired_ids
from fmcat.exports.schema import json_schemas

GROUPS = ("failure_modes", "playbooks", "case_studies", "incidents")


def expected_api_files(catalog: Catalog, base_url: str | None = None) -> dict[str, str]:
    """Every file of `api/`, by site-relative path, as text."""
    document = catalog_document(catalog, base_url)
    files = {"api/catalog.json": dumps(document)}
    for group in GROUPS:
        for data in document[group]:
            files[api_path(data["id"])] = dumps(data)
    for entry in catalog.entries.values():
        for retired in retired_ids(entry, catalog):
            files[api_path(retired)] = files[api_path(entry.id)]
    for name, schema in json_schemas(catalog.settings.name).items():
        files[f"api/schema/{name}"] = dumps(schema)
    return dict(sorted(files.items()))


def read_tree(folder: Path) -> dict[str, str]:
    """Every file under `folder`, by relative path, as text."""
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(folder.rglob("*")) if p.is_file()}

"""The exported shapes and their JSON Schemas: valid, portable, and what is exported."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from fmcat.core.load import load_catalog
from fmcat.exports.documents import catalog_document, dumps, write_api_stream
from fmcat.exports.schema import (
    JSON_SCHEMA_DIALECT,
    SCHEMA_VERSION,
    json_schemas,
    read_catalog_document,
    schema_names,
)
from tests.conftest import FIXTURE, REPO
from tests.exports.expected import read_tree

BASE = "https://catalog.example.com/ml/"
SCHEMA_OF_KIND = {"failure-mode": "failure-mode.json", "playbook": "playbook.json",
                  "case-study": "case-study.json", "incident": "incident.json"}


def _validator(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def test_every_schema_names_its_dialect_and_the_file_list_is_fixed() -> None:
    schemas = json_schemas()
    assert list(schemas) == sorted(schemas) == schema_names()
    assert set(schemas) == {"catalog.json", "assess-worksheet.json", *SCHEMA_OF_KIND.values(),
                            *(f"source/{name}" for name in (*SCHEMA_OF_KIND.values(),
                                                            "taxonomy.json"))}
    assert all(schema["$schema"] == JSON_SCHEMA_DIALECT for schema in schemas.values())
    assert schemas["catalog.json"]["properties"]["schema_version"]["const"] == SCHEMA_VERSION


def test_exported_shapes_require_every_field_and_source_shapes_only_what_has_no_default() -> None:
    """Every exported field is always written, nested objects too; a contributor
    may leave out what has a default."""
    schemas = json_schemas()
    exported = schemas["failure-mode.json"]
    assert set(exported["required"]) == set(exported["properties"])
    detector = exported["$defs"]["Detector"]
    assert set(detector["required"]) == set(detector["properties"])
    source = schemas["source/failure-mode.json"]
    assert "aliases" in source["properties"]
    assert "aliases" not in source["required"]
    assert "scope" not in source["$defs"]["Detector"]["required"]


@pytest.mark.parametrize("root", [FIXTURE, REPO], ids=["fixture", "repo"])
def test_export_validates_against_the_exported_schemas(tmp_path: Path, root: Path) -> None:
    catalog = load_catalog(root)
    write_api_stream(catalog, tmp_path, BASE)
    files = read_tree(tmp_path)
    schemas = {name.removeprefix("api/schema/"): json.loads(text)
               for name, text in files.items() if name.startswith("api/schema/")}
    assert schemas == json_schemas(catalog.taxonomy, catalog.settings.name)
    for schema in schemas.values():
        jsonschema.Draft202012Validator.check_schema(schema)
    _validator(schemas["catalog.json"]).validate(json.loads(files["api/catalog.json"]))
    per_record = {path: json.loads(text) for path, text in files.items()
                  if path.count("/") == 2 and not path.startswith("api/schema/")}
    assert per_record
    for data in per_record.values():
        _validator(schemas[SCHEMA_OF_KIND[data["kind"]]]).validate(data)


def test_schemas_reject_what_the_export_never_writes() -> None:
    data = catalog_document(load_catalog(FIXTURE))["failure_modes"][0]
    assert data["id"] == "FM-0001"
    validator = _validator(json_schemas()["failure-mode.json"])
    validator.validate(data)
    for broken in ({**data, "unexpected": 1}, {k: v for k, v in data.items() if k != "url"},
                   {**data, "created": 20250101},
                   {**data, "detectors": [{**data["detectors"][0], "op": "=="}]},
                   {**data, "detectors": [{k: v for k, v in data["detectors"][0].items()
                                           if k != "scope"}]}):
        assert not validator.is_valid(broken)


def test_schemas_use_only_portable_regular_expressions() -> None:
    text = json.dumps(json_schemas())
    assert "(?P<" not in text  # Python-only syntax; JavaScript validators reject it
    patterns = re.findall(r'"pattern": "((?:[^"\\]|\\.)*)"', text)
    assert patterns
    assert '"^INC-(20[0-9][0-9])-[0-9]{4}$"' in text


def test_the_pydantic_models_read_the_export_back() -> None:
    text = dumps(catalog_document(load_catalog(FIXTURE), BASE))
    parsed = read_catalog_document(text)
    assert parsed.schema_version == SCHEMA_VERSION
    assert [m.id for m in parsed.failure_modes] == ["FM-0001", "FM-0002", "FM-0003"]

"""The shapes of the exports, as pydantic models, and the JSON Schemas made from them.

The JSON Schemas are generated from the same pydantic models the loader
validates with, extended by the derived fields (URLs, backlinks), so the
schema cannot drift from what is exported; a test validates every export
against them.

`schema_version` changes its major number only when a field is removed or
changes meaning; adding a field bumps the minor number.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from fmcat.core.dimensions import gather_dimensions
from fmcat.core.model import CaseStudy, FailureMode, Incident, Playbook, StrictModel
from fmcat.core.settings import DEFAULT_NAME
from fmcat.core.taxonomy import Taxonomy
from fmcat.exports.worksheet_schema import WorksheetShape

SCHEMA_VERSION = "2.0"
"""Version of the export format; see the module docstring for when it changes.
1.1: signals carry their kind (gauge or counter); 1.2: records carry
`external_ids` and the taxonomy its `external_schemes`; 2.0: tag dimensions
are declared in the taxonomy (`dimensions`, `axes`, `unknown_allowed`) and its
four top-level tag vocabularies are gone."""

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"



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

    model_config = ConfigDict(title=DEFAULT_NAME)  # the catalog's own name, by json_schemas
    schema_version: Literal["2.0"]

    generator: str
    base_url: str | None
    taxonomy: Taxonomy
    failure_modes: list[ExportedFailureMode]
    playbooks: list[ExportedPlaybook]
    case_studies: list[ExportedCaseStudy]
    incidents: list[ExportedIncident]


def read_catalog_document(text: str) -> ExportedCatalog:
    """A written `catalog.json` read back into the models.

    Its records carry each dimension as a field of its own, which the
    document's own taxonomy names; they are gathered into `dimensions` first,
    as the loader does with front matter.
    """
    data = json.loads(text)
    declared = data.get("taxonomy", {}).get("dimensions", {}) if isinstance(data, dict) else {}
    if isinstance(declared, dict):
        for group, kind in (("failure_modes", "failure-mode"), ("playbooks", "playbook"),
                            ("case_studies", "case-study"), ("incidents", "incident")):
            keys = {key for key, d in declared.items()
                    if isinstance(d, dict) and kind in d.get("applies_to", ["failure-mode"])}
            if isinstance(data.get(group), list):
                data[group] = [gather_dimensions(item, keys, contexts=kind == "case-study")
                               for item in data[group]]
    return ExportedCatalog.model_validate_json(json.dumps(data))


_RECORD_SCHEMAS: dict[str, type[BaseModel]] = {
    "failure-mode.json": ExportedFailureMode,
    "playbook.json": ExportedPlaybook,
    "case-study.json": ExportedCaseStudy,
    "incident.json": ExportedIncident,
    # Not a record: the output of `fmcat assess --format json`.
    "assess-worksheet.json": WorksheetShape,
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


def schema_names() -> list[str]:
    """The file names `json_schemas` returns, in its order, without making any schema
    (the site lists the files it writes on every preview save)."""
    return sorted(["catalog.json", *_RECORD_SCHEMAS, *_SOURCE_SCHEMAS])


def json_schemas(taxonomy: Taxonomy | None = None,
                 name: str = DEFAULT_NAME) -> dict[str, dict[str, Any]]:
    """JSON Schemas by file name: the catalog document, titled with the catalog's
    `name` (from its `fmcat.yml`), each exported record kind, and (under
    `source/`) the files contributors write.

    Exported shapes use pydantic's serialization mode (what `model_dump(
    mode="json")` writes: dates as strings, every field present); source
    shapes use validation mode (what the loader accepts). The tag dimensions
    are the catalog's: with its taxonomy each becomes a field of its own, with
    its values as an enum (without one, the schemas say only which names are
    free: the file list, for instance, does not depend on it).
    """
    schemas: dict[str, dict[str, Any]] = {}
    exported: dict[str, type[BaseModel]] = {"catalog.json": ExportedCatalog, **_RECORD_SCHEMAS}
    for file, model in exported.items():
        schema = with_dimensions(model.model_json_schema(mode="serialization"),
                                 _KIND_OF_SCHEMA.get(file), taxonomy, exported=True)
        schemas[file] = _portable({"$schema": JSON_SCHEMA_DIALECT, **schema}, require_all=True)
    schemas["catalog.json"]["title"] = name
    for file, model in _SOURCE_SCHEMAS.items():
        schema = with_dimensions(model.model_json_schema(mode="validation"),
                                 _KIND_OF_SCHEMA.get(file.removeprefix("source/")), taxonomy,
                                 exported=False)
        schemas[file] = _portable({"$schema": JSON_SCHEMA_DIALECT, **schema}, require_all=False)
    return dict(sorted(schemas.items()))


_KIND_OF_SCHEMA = {"failure-mode.json": "failure-mode", "playbook.json": "playbook",
                   "incident.json": "incident"}
_KIND_OF_DEF = {"FailureMode": "failure-mode", "ExportedFailureMode": "failure-mode",
                "Playbook": "playbook", "ExportedPlaybook": "playbook",
                "Incident": "incident", "ExportedIncident": "incident",
                "Context": "case-study"}
"""Which kind's dimensions replace `dimensions` in a schema or one of its $defs
(a case study carries its own in each context)."""


def with_dimensions(schema: dict[str, Any], kind: str | None, taxonomy: Taxonomy | None, *,
                    exported: bool) -> dict[str, Any]:
    """The schema with `dimensions` replaced by one field per declared dimension,
    where the export and the source files write them."""
    if kind is not None:
        schema = _replace_dimensions(schema, kind, taxonomy, exported=exported)
    defs = schema.get("$defs")
    if isinstance(defs, dict):
        schema = {**schema, "$defs": {
            name: _replace_dimensions(node, _KIND_OF_DEF[name], taxonomy, exported=exported)
            if name in _KIND_OF_DEF else node for name, node in defs.items()}}
    return schema


def _replace_dimensions(node: dict[str, Any], kind: str, taxonomy: Taxonomy | None, *,
                        exported: bool) -> dict[str, Any]:
    properties = node.get("properties", {})
    if "dimensions" not in properties:
        return node
    single = kind in ("incident", "case-study")
    declared = taxonomy.dimensions_of(kind) if taxonomy is not None else {}
    replaced: dict[str, Any] = {}
    for name, value in properties.items():
        if name != "dimensions":
            replaced[name] = value
            continue
        for key, dimension in declared.items():
            values = {"type": "string", "enum": list(dimension.values)}
            replaced[key] = {"title": dimension.title, **(
                {"description": dimension.description} if dimension.description else {}),
                **(values if single else {"type": "array", "items": values})}
    result = {**node, "properties": replaced}
    if taxonomy is None:
        # Without the taxonomy any other field may be a dimension: say only its shape.
        result["additionalProperties"] = {"type": "string"} if single else {
            "type": "array", "items": {"type": "string"}}
    required = [name for name in node.get("required", []) if name != "dimensions"]
    if not exported:
        required += [key for key, d in declared.items() if d.required]
    result["required"] = required
    if not required:
        del result["required"]
    return result


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


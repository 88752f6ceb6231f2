"""Tag dimensions in records: front-matter fields the taxonomy declares.

A record writes a dimension as a field of its own (`attack_surface:
[public-api]`), but which such fields exist is the catalog's choice, not the
engine's. Before model validation the loader moves the fields the taxonomy
declares for the record's kind into the model's `dimensions` mapping, so the
models stay fixed while a catalog adds, renames or removes dimensions, and any
other unknown key is still refused. Exports put them back where they were
written (`flatten_dimensions`), so `catalog.json` keeps one field per
dimension.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

from fmcat.core.findings import did_you_mean, finding
from fmcat.core.frontmatter import Document, Loc
from fmcat.core.model import Context
from fmcat.core.taxonomy import TAXONOMY_FILE, TagDimension, Taxonomy

FIELD = "dimensions"
"""The model field the declared front-matter fields are gathered in."""

_LEFT_FOR_VALIDATION = frozenset({"render_macros"})
"""Keys `validate_document` reports itself, with a finding of their own."""

_PLURALS = {"failure-mode": "failure modes", "playbook": "playbooks",
            "case-study": "case-study contexts", "incident": "incidents"}


def lift_dimensions(doc: Document, kind: str, model: type[BaseModel],
                    taxonomy: Taxonomy | None) -> None:
    """Move the document's dimension fields into `dimensions`; report the rest.

    Without a taxonomy (it failed to load, an error already) every field the
    model does not know is taken as a dimension, unchecked: one broken file
    must not bury its own finding under one per record.
    """
    if not isinstance(doc.data, dict):
        return
    data = dict(doc.data)
    if kind == "case-study":
        for loc, context in _contexts(data):
            data_at = dict(context)
            _lift(doc, loc, data_at, Context, kind="case-study", taxonomy=taxonomy)
            _put(data, loc, data_at)
    elif kind in ("failure-mode", "playbook", "incident"):
        _lift(doc, (), data, model, kind=kind, taxonomy=taxonomy)
    doc.data = data


def _contexts(data: dict[str, Any]) -> list[tuple[Loc, dict[str, Any]]]:
    found: list[tuple[Loc, dict[str, Any]]] = []
    if isinstance(data.get("origin"), dict):
        found.append((("origin",), data["origin"]))
    if isinstance(data.get("reused_in"), list):
        found.extend((("reused_in", i), c) for i, c in enumerate(data["reused_in"])
                     if isinstance(c, dict))
    return found


def _put(data: dict[str, Any], loc: Loc, value: dict[str, Any]) -> None:
    if len(loc) == 1:
        data[str(loc[0])] = value
    else:
        items = list(data[str(loc[0])])
        items[int(loc[1])] = value
        data[str(loc[0])] = items


def _lift(doc: Document, loc: Loc, data: dict[str, Any], model: type[BaseModel], *,
          kind: str, taxonomy: Taxonomy | None) -> None:
    fields = set(model.model_fields) - {FIELD}
    declared = taxonomy.dimensions_of(kind) if taxonomy is not None else None
    lifted: dict[str, Any] = {}
    for key in list(data):
        if key in fields or key in _LEFT_FOR_VALIDATION:
            continue
        if declared is None or key in declared:
            lifted[key] = data.pop(key)
        else:
            # Refused here rather than by the model so the hint can name the
            # dimensions the taxonomy declares, which the model cannot know.
            data.pop(key)
            doc.findings.append(finding(
                "FMC010", doc.path, doc.line_of((*loc, key)), _dotted((*loc, key)),
                f"unknown field '{key}'", unknown_field_hint(str(key), fields, declared, kind)))
    for key, dimension in (declared or {}).items():
        if dimension.required and key not in lifted:
            doc.findings.append(finding(
                "FMC011", doc.path, doc.line_of(loc), _dotted((*loc, key)),
                f"required field '{key}' is missing", required_hint(key, dimension, kind)))
    data[FIELD] = lifted


def _dotted(loc: Loc) -> str:
    return ".".join(str(part) for part in loc)


def unknown_field_hint(key: str, fields: Iterable[str], declared: dict[str, TagDimension],
                       kind: str) -> str:
    """"Did you mean", and which dimensions this kind may carry: the field may be
    a dimension the taxonomy does not declare (yet) for it."""
    close = did_you_mean(key, [*fields, *declared])
    names = ", ".join(declared) or "none"
    return (f"{close}; tag dimensions of {_PLURALS[kind]} in {TAXONOMY_FILE}: {names} "
            f"(a new one is declared under `dimensions:` there)")


def required_hint(key: str, dimension: TagDimension, kind: str) -> str:
    example = f"{key}: [{next(iter(dimension.values))}]" if kind in (
        "failure-mode", "playbook") else f"{key}: {next(iter(dimension.values))}"
    return (f"{TAXONOMY_FILE} declares {dimension.title} a required dimension of "
            f"{_PLURALS[kind]}: add e.g. '{example}'")


def flatten_dimensions(data: dict[str, Any]) -> dict[str, Any]:
    """A dumped record with its dimensions back in place of `dimensions`, as written."""
    result: dict[str, Any] = {}
    for key, value in data.items():
        if key == FIELD and isinstance(value, dict):
            result.update(value)
        elif key == "origin" and isinstance(value, dict):
            result[key] = flatten_dimensions(value)
        elif key == "reused_in" and isinstance(value, list):
            result[key] = [flatten_dimensions(c) if isinstance(c, dict) else c for c in value]
        else:
            result[key] = value
    return result


def gather_dimensions(data: Any, keys: set[str], *, contexts: bool) -> Any:
    """The inverse of `flatten_dimensions` for the given dimension keys: a
    written record (or, with `contexts`, its origin and reuse contexts) with
    those fields moved back into `dimensions`."""
    if not isinstance(data, dict):
        return data
    if contexts:
        result = dict(data)
        for loc, context in _contexts(data):
            _put(result, loc, gather_dimensions(context, keys, contexts=False))
        return result
    return {**{k: v for k, v in data.items() if k not in keys},
            FIELD: {k: v for k, v in data.items() if k in keys}}


def tags_of(record: BaseModel, key: str) -> list[str]:
    """A record's (or a context's, an incident's) values of one dimension: none
    when it does not carry it."""
    value = getattr(record, FIELD, {}).get(key, [])
    return [value] if isinstance(value, str) else list(value)

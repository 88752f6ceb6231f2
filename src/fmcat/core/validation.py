"""Turning pydantic validation errors into coded findings with lines and hints.

Shared by every reader of YAML in the project (records, incidents, the
targets file, import mappings), so a mistake reads the same wherever it is.
"""

from __future__ import annotations

import re
import typing
import unicodedata
from datetime import date
from typing import Any

from pydantic import BaseModel, ValidationError

from fmcat.core.findings import Finding, did_you_mean, finding
from fmcat.core.frontmatter import Document, Loc

_ID_HINTS = {
    "FM": "failure modes are FM- and four digits, e.g. FM-0007",
    "MP": "playbooks are MP- and four digits, e.g. MP-0003",
    "CS": "case studies are CS- and four digits, e.g. CS-0002",
    "INC": "incidents are INC-, the year and four digits, e.g. INC-2026-0001",
}

_M = typing.TypeVar("_M", bound=BaseModel)


def validate_document(doc: Document, model: type[_M]) -> _M | None:
    """Validate a parsed document; problems become findings on the document."""
    if doc.data is None:
        return None
    data = doc.data
    if "render_macros" in data:
        doc.findings.append(finding(
            "FMC052", doc.path, doc.line_of(("render_macros",)), "render_macros",
            "records are contributed text and are never rendered as templates",
            "remove render_macros; {{ }} in a record is shown literally",
        ))
        data = {k: v for k, v in data.items() if k != "render_macros"}
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            doc.findings.append(error_to_finding(doc, model, error))
        return None


def error_to_finding(doc: Document, model: type[BaseModel], error: Any) -> Finding:
    # `dimensions` gathers fields written at the top level (see core.dimensions).
    loc: Loc = tuple(p for p in error["loc"] if not _is_pydantic_tag(p) and p != "dimensions")
    dotted = ".".join(str(p) for p in loc)
    kind = error["type"]
    value = error.get("input")
    line = doc.line_of(loc)
    if kind == "extra_forbidden":
        allowed = _fields_at(model, loc[:-1])
        return finding("FMC010", doc.path, line, dotted,
                       f"unknown field '{loc[-1]}'", did_you_mean(str(loc[-1]), allowed))
    if kind == "missing":
        return finding("FMC011", doc.path, line, dotted,
                       f"required field '{loc[-1]}' is missing",
                       f"add '{loc[-1]}:'; see docs/contributing.md for what it holds")
    if loc and loc[-1] == "id" and kind == "string_pattern_mismatch":
        prefix = (str(value).split("-")[0] if isinstance(value, str) else "")
        hint = _ascii_digits_hint(value) or _ID_HINTS.get(prefix, "; ".join(_ID_HINTS.values()))
        return finding("FMC020", doc.path, line, dotted, f"{value!r} is not a valid ID", hint)
    return finding("FMC012", doc.path, line, dotted, _message(error, value),
                   _type_hint(error, value))


def _is_pydantic_tag(part: Any) -> bool:
    # Unions and tagged models add synthetic location parts such as 'str' or
    # 'function-after[...]'; they name no field of the file.
    return isinstance(part, str) and ("[" in part or part in {"str", "int", "float", "bool"})


def _message(error: Any, value: Any) -> str:
    kind = error["type"]
    if kind == "literal_error":
        expected = re.findall(r"'([^']*)'", error["ctx"]["expected"])
        return f"{value!r} is not one of {', '.join(expected)}"
    if kind == "string_pattern_mismatch":
        return f"{value!r} does not have the expected form ({error['ctx']['pattern']})"
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return f"{error['msg'][0].lower()}{error['msg'][1:]} (got {shown})"


def _ascii_digits_hint(value: Any) -> str:
    """For a value spelt with digits of another script, such as FM-００１３ or FM-٠٠١٣."""
    if not isinstance(value, str) or not any(c.isdigit() and not c.isascii() for c in value):
        return ""
    spelt = "".join(str(unicodedata.digit(c, c)) if c.isdigit() else c for c in value)
    return f"write the digits as ASCII 0-9: {spelt!r}"


def _type_hint(error: Any, value: Any) -> str:
    kind = error["type"]
    if kind == "invisible_text":
        return ("write a title people can read; zero-width, direction-control and space "
                "characters do not count")
    if kind == "bidi_control":
        return ("remove the direction controls (U+202A-U+202E, U+2066-U+2069) from the title; "
                "right-to-left text displays correctly without them")
    if kind == "string_pattern_mismatch" and _ascii_digits_hint(value):
        return _ascii_digits_hint(value)
    if kind == "literal_error":
        expected = re.findall(r"'([^']*)'", error["ctx"]["expected"])
        return did_you_mean(str(value), expected)
    if isinstance(value, bool):
        return "YAML reads yes/no/on/off/true/false as a boolean: quote the value"
    if isinstance(value, int | float) and "string" in error["msg"]:
        return f"YAML reads this as a number: quote it, e.g. \"{value}\""
    if isinstance(value, date) and "string" in error["msg"]:
        return "YAML reads this as a date: quote it"
    if kind == "string_pattern_mismatch" and "[mhdw]" in str(error["ctx"]["pattern"]):
        return "durations are a number and a unit: 30m, 6h, 1d, 2w"
    if kind == "string_pattern_mismatch" and "FM-" in str(error["ctx"]["pattern"]):
        return _ID_HINTS["FM"]
    if kind == "string_pattern_mismatch" and "MP-" in str(error["ctx"]["pattern"]):
        return _ID_HINTS["MP"]
    if kind == "finite_number":
        return "write a finite number: YAML reads .nan and .inf as numbers no export can hold"
    if kind == "timezone_aware":
        return "add a time zone, e.g. 2026-03-01T10:00:00Z"
    if kind.startswith("too_short"):
        return "add at least one item"
    if "date" in kind:
        return "write dates as YYYY-MM-DD"
    return "see docs/contributing.md for this field"


def _fields_at(model: type[BaseModel], loc: Loc) -> list[str]:
    """The field names allowed at a location, for 'did you mean' hints."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        field_info = current.model_fields.get(part) if _is_model(current) else None
        if field_info is None:
            return []
        current = _inner_model(field_info.annotation)
    return list(current.model_fields) if _is_model(current) else []


def _is_model(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)


def _inner_model(annotation: Any) -> Any:
    if _is_model(annotation):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None

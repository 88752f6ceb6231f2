"""`fmcat new`: a complete template with the next free ID.

The template fails validation until every placeholder is filled in, and its
comments list the allowed values from this catalog's taxonomy, so the
contributor is guided by the same checks that CI runs.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import jinja2
from pydantic import TypeAdapter, ValidationError

from fmcat.core.clock import build_date
from fmcat.core.load import load_catalog
from fmcat.core.model import (
    CASE_STUDY,
    FAILURE_MODE,
    INCIDENTS_FOLDER,
    KINDS,
    PLAYBOOK,
    Kind,
    Title,
)
from fmcat.core.taxonomy import Taxonomy

NEW_KINDS = {FAILURE_MODE.name: FAILURE_MODE, PLAYBOOK.name: PLAYBOOK,
             CASE_STUDY.name: CASE_STUDY}

# Any spelling of a record ID in any text: `FM-0042`, `fm-0042` in an alias,
# `[x](FM-0042#detection)` in a body. ASCII digits only; a longer run of digits
# is another number, not an ID.
_CITED_ID = re.compile(rb"(?<![A-Za-z0-9])(FM|MP|CS)-([0-9]{4,6})(?![0-9])", re.IGNORECASE)

_CHUNK = 1 << 20
"""Files are scanned in pieces, so a huge stray file costs no more memory than this."""

_TITLE = TypeAdapter(Title)

# A title is one line of text: line and paragraph separators and control
# characters (newline, tab, NUL, ...) have no place in it, and a lone surrogate
# (undecodable bytes in the command line) cannot be written as UTF-8.
_NOT_IN_TITLE = {"Cc", "Cs", "Zl", "Zp"}


class ScaffoldError(Exception):
    pass


def slugify(title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return slug[:48].rstrip("-") or "untitled"


def next_id(root: Path, kind: Kind) -> str:
    """One more than the highest number that appears anywhere in the catalog.

    IDs are never reused, and an ID lives on after its file is gone: in
    references, aliases, incidents, body links and the names of files that
    do not load. So every file of every record folder is read as bytes and
    every ID-shaped text counts, whatever field (or comment) it is in.
    Counting too much leaves a gap, which is harmless; counting too little
    hands out an ID that already means something else.
    """
    highest = 0
    for name, chunk in _catalog_text(root):
        for match in _CITED_ID.finditer(name + b"\n" + chunk):
            if match.group(1).upper().decode() == kind.prefix:
                highest = max(highest, int(match.group(2)))
    if highest >= 999_999:
        raise ScaffoldError(f"no free {kind.prefix} ID left")
    return f"{kind.prefix}-{highest + 1:04d}"


def _catalog_text(root: Path) -> Iterator[tuple[bytes, bytes]]:
    """(file name, piece of its content) for every file under the record folders.

    A file that exists but cannot be read may cite any ID, so it stops
    `fmcat new`; a dangling or looping symlink has no content, only its name.
    """
    for folder in [*(kind.folder for kind in KINDS), INCIDENTS_FOLDER]:
        base = root / folder
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if path.is_dir():
                continue
            name = path.name.encode("utf-8", "surrogateescape")
            if path.is_symlink() and not path.exists():
                yield name, b""
                continue
            try:
                with path.open("rb") as handle:
                    tail = b""
                    while chunk := handle.read(_CHUNK):
                        yield name, tail + chunk
                        tail = chunk[-16:]  # an ID cut in two is whole in the next piece
            except OSError as exc:
                relative = path.relative_to(root).as_posix()
                raise ScaffoldError(
                    f"{relative}: cannot read it ({exc.strerror or exc}), so the IDs it "
                    "cites are unknown; fix or remove it, then run fmcat new again") from None
            yield name, b""  # an empty file still has a name


def check_title(title: str) -> str:
    """The title as it will be stored (surrounding whitespace removed), or a ScaffoldError.

    A title is kept exactly as typed otherwise: what the record shows is what
    the author wrote, so nothing is collapsed or replaced behind their back.
    """
    title = title.strip()
    for char in title:
        if unicodedata.category(char) in _NOT_IN_TITLE:
            raise ScaffoldError(f"the title contains {_describe(char)}; a title is one line "
                                "of plain text")
    if re.search(r"[<>]", title):
        raise ScaffoldError("the title must be plain text, without '<' or '>'")
    try:
        return _TITLE.validate_python(title)
    except ValidationError as exc:
        message = exc.errors()[0]["msg"].lower()
        raise ScaffoldError(f"the title is not valid: {message}") from None


def _describe(char: str) -> str:
    name = {"\n": "a line break", "\r": "a carriage return", "\t": "a tab"}.get(char)
    return name or f"the control character U+{ord(char):04X}"


def yaml_string(value: str) -> str:
    """A YAML double-quoted scalar on one line, for a template.

    Every printable character is written as itself in UTF-8, emoji and other
    characters beyond the Basic Multilingual Plane included (PyYAML's emitter
    escapes those, and JSON's `\\ud83d` surrogate escapes are not valid YAML);
    only quotes, backslashes, line breaks and what YAML cannot show are escaped.
    """
    out = ['"']
    for char in value:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif _printable_in_yaml(code):
            out.append(char)
        elif code <= 0xFF:
            out.append(f"\\x{code:02X}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04X}")
        else:
            out.append(f"\\U{code:08X}")
    out.append('"')
    return "".join(out)


def _printable_in_yaml(code: int) -> bool:
    """YAML's printable set, minus line breaks, tab and the byte-order mark, which a
    one-line scalar must escape."""
    if code in (0x2028, 0x2029, 0xFEFF):
        return False
    return (0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
            or 0x10000 <= code <= 0x10FFFF)


def tag_lines(taxonomy: Taxonomy, kind: str) -> list[str]:
    """One `key: []  # values` line per dimension the taxonomy declares for the kind,
    comments aligned as in the rest of the template."""
    return [f"{f'{key}: []':<21} # {', '.join(sorted(d.values))}"
            + ("" if d.required else " (optional)")
            for key, d in taxonomy.dimensions_of(kind).items()]


SECTION_PROMPTS: dict[str, str] = {
    "symptoms": "What an on-call engineer or a business owner sees first.",
    "latent-conditions": "The circumstances that let this failure happen.",
    "reproduction": ("1. Steps someone can follow to trigger the failure in a test "
                     "environment.\n2. …"),
    "detection": "Why each detector's threshold and window are where they are.",
    "mitigation": "What to do, in order, and what to check before rolling back.",
    "rationale": "Why these choices, so other teams can adapt them.",
    "checklist": "- [ ] A check a reviewer or an on-call engineer can tick.",
    "when-to-use": ("Which failure modes this playbook answers, each linked by its ID: "
                    "[its title](FM-0000)."),
    "verification": "How you know the remedy worked.",
}
"""What the template asks for under a section, by its fixed anchor; a section a
catalog adds gets its heading alone."""


def section_body(taxonomy: Taxonomy, kind: str) -> str:
    """The record's body: one heading per section the taxonomy declares for the
    kind, in its order and with its titles, so a catalog that renames or adds
    sections gets a template its checks accept."""
    parts = [f"## {spec.title}" + (f"\n\n{SECTION_PROMPTS[spec.anchor]}"
                                   if spec.anchor in SECTION_PROMPTS else "")
             for spec in taxonomy.sections_of(kind)]
    return "\n\n".join(parts) + "\n"


def context_line(taxonomy: Taxonomy) -> str:
    """A case study's context as a flow mapping: the team and each case-study dimension."""
    keys = ["team", *taxonomy.dimensions_of("case-study")]
    return "{" + ", ".join(f'{key}: ""' for key in keys) + "}"


def create_record(root: Path, kind_name: str, title: str, *, steward: str = "",
                  today: date | None = None) -> Path:
    """Write a template for a new record and return its path.

    `today` (the `created` and `last_reviewed` date) defaults to the build
    clock, so a pinned SOURCE_DATE_EPOCH gives the same file on any day.
    """
    kind = NEW_KINDS[kind_name]
    title = check_title(title)
    # The ID first: it refuses a file it cannot read, which the loader may not.
    record_id = next_id(root, kind)
    catalog = load_catalog(root)
    if catalog.taxonomy is None:
        raise ScaffoldError("taxonomy.yml does not load; run fmcat validate")
    taxonomy = catalog.taxonomy
    if steward and steward not in taxonomy.stewards:
        raise ScaffoldError(f"unknown steward {steward!r}; known: "
                            + ", ".join(sorted(taxonomy.stewards)))
    path = root / kind.folder / f"{record_id}-{slugify(title)}.md"
    vocab = {name: ", ".join(sorted(taxonomy.vocabulary(name)))
             for name in ("stewards", "categories", "stages", "causes", "severities",
                          "frequencies", "signals", "mitigation_kinds")}
    env = jinja2.Environment(loader=jinja2.PackageLoader("fmcat.authoring", "templates"),
                             keep_trailing_newline=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True,
                             autoescape=False)  # noqa: S701 - YAML/Markdown, values via yaml_string
    env.filters["yaml_string"] = yaml_string
    text = env.get_template(f"new/{kind.name}.md").render(
        body=section_body(taxonomy, kind.name),
        id=record_id, title=title, steward=steward or sorted(taxonomy.stewards)[0],
        today=(today or build_date()).isoformat(), vocab=vocab,
        tag_lines=tag_lines(taxonomy, kind.name), context=context_line(taxonomy))
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        raise ScaffoldError(f"{path} appeared meanwhile; run fmcat new again") from None
    return path

"""The one front-matter parser: YAML with line numbers, and nothing swallowed.

MkDocs (and python-frontmatter) parse front matter with plain `yaml.load`:
broken YAML silently becomes `{}` in MkDocs, duplicate keys silently keep
the last value, and neither keeps line numbers. Every record of the catalog
is read here instead, once, so that each finding can name file, line and
field. We compose the YAML node tree (with libyaml when it is available,
which matters at 20,000 entries) and construct values ourselves, which is
where duplicate keys, unsupported tags and alias bombs are caught.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from fmcat.core.findings import Finding, finding

# libyaml is an optional speed-up of PyYAML that matters at 20,000 entries.
_Loader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_FILE_BYTES = 1_000_000
"""Largest record accepted; a legitimate entry is a few kilobytes."""

MAX_NODES = 20_000
"""Nodes visited while constructing one document (stops alias bombs)."""

MAX_DEPTH = 32
"""Nesting depth allowed; records are at most four levels deep."""

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}

_STR = "tag:yaml.org,2002:str"

FORBIDDEN_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
"""What no value may hold: the characters XML 1.0 forbids (C0 but tab, LF and
CR; lone surrogates; U+FFFE and U+FFFF), which make the Atom feed malformed,
and DEL and C1, which terminals act on. YAML lets a record write them as
escapes in a double-quoted string ("\\x01")."""

Loc = tuple[str | int, ...]


@dataclass
class Document:
    """A parsed source file: its data, where each field is, and its body.

    `data` is None when the front matter could not be read at all; then
    `findings` says why. The catalog also drops it once the record is
    validated, as nothing reads it again.
    """

    path: str
    data: dict[str, Any] | None = None
    body: str = ""
    body_line: int = 1
    start_line: int = 1
    findings: list[Finding] = field(default_factory=list)
    front: str = ""
    """The YAML text, kept to work out line numbers when a finding needs them."""
    front_line: int = 1
    digest: str = ""
    """A digest of the file's bytes: what a preview compares to tell a file changed."""
    _lines: dict[Loc, int] | None = None

    @property
    def lines(self) -> dict[Loc, int]:
        """The line of every field and list item, worked out on first use.

        A map for every record would cost more memory than the records
        themselves (about 0.3 GB at 20,000 entries), while only records with
        findings ever need one: so the YAML is composed again, for those only.
        """
        if self._lines is None:
            self._lines = _line_map(self.front, self.front_line) if self.front else {}
        return self._lines

    def release(self) -> None:
        """Drop the raw YAML values and text once the record is validated and checked.

        Only validation and the checks read them; a site build would
        otherwise hold them to the end. Findings made later carry the line
        of the front matter's start.
        """
        self.data = None
        self.front = ""
        self._lines = {}

    def line_of(self, loc: Loc) -> int:
        """The line of a field, or of its nearest parent that has one."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.start_line


class _UnsupportedError(Exception):
    def __init__(self, message: str, line: int, hint: str) -> None:
        super().__init__(message)
        self.message, self.line, self.hint = message, line, hint


def read_file(path: Path, shown: str) -> tuple[bytes | None, list[Finding]]:
    """The bytes of one record file, or the finding that says why there are none.

    The size is taken from the open file before a byte is read, and at most
    one byte past the limit is ever read (the file may grow in between), so
    a 3 GB file costs a `stat`, not 3 GB of memory. The open does not block
    on a FIFO, so one that took a file's place after the folder was listed
    is reported instead of hanging the build. `shown` is the name findings use.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        return None, [unreadable(shown, exc)]
    try:
        kind = os.fstat(fd)
        if not stat.S_ISREG(kind.st_mode):
            return None, [finding("FMC071", shown, 0, "", "is not a regular file",
                                  "records are plain files; replace it with one")]
        if kind.st_size > MAX_FILE_BYTES:
            return None, [_too_large(shown, kind.st_size)]
        handle = os.fdopen(fd, "rb")
        fd = -1  # the handle closes it now
        with handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return None, [unreadable(shown, exc)]
    finally:
        if fd >= 0:
            os.close(fd)
    if len(raw) > MAX_FILE_BYTES:
        return None, [_too_large(shown, None)]
    return raw, []


def unreadable(shown: str, exc: OSError, *, folder: bool = False) -> Finding:
    """The finding for a file or folder the operating system would not let us read."""
    what = "folder" if folder else "file"
    reason = exc.strerror or type(exc).__name__
    hint = (f"make the {what} readable by the user who runs fmcat and the build"
            + ("; every record in it is missing until then" if folder else ""))
    return finding("FMC074", shown, 0, "", f"cannot read this {what}: {reason}", hint)


def _too_large(shown: str, size: int | None) -> Finding:
    """FMC009; `size` is None when the file grew past the limit while it was read."""
    message = (f"file has {size:,} bytes, more than the {MAX_FILE_BYTES:,} allowed"
               if size is not None else
               f"file grew past the {MAX_FILE_BYTES:,} bytes allowed while it was read")
    return finding("FMC009", shown, 0, "", message,
                   "split the material or link to it as an artifact")


def read_source(path: str, raw: bytes) -> tuple[str | None, list[Finding]]:
    """Decode a file's bytes, reporting size and encoding problems."""
    if len(raw) > MAX_FILE_BYTES:
        return None, [_too_large(path, len(raw))]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [
            finding(
                "FMC001", path, line, "",
                f"byte 0x{raw[exc.start]:02x} at offset {exc.start} is not valid UTF-8",
                "save the file as UTF-8",
            )
        ]
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return None, [finding("FMC001", path, line, "", "file contains a NUL character",
                              "save the file as plain UTF-8 text")]
    if not text.strip():
        return None, [finding("FMC002", path, 0, "", "file is empty",
                              "start from `fmcat new` to get a complete template")]
    return text, []


def parse_markdown(path: str, raw: bytes) -> Document:
    """Split a Markdown record into front matter and body and parse the former."""
    doc = Document(path=path)
    text, problems = read_source(path, raw)
    if text is None:
        doc.findings = problems
        return doc
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        doc.findings.append(finding(
            "FMC003", path, 1, "", "the file does not start with a front matter block",
            "put a line '---' first, then the YAML fields, then another '---'",
        ))
        return doc
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        doc.findings.append(finding(
            "FMC004", path, 1, "", "the front matter block opened on line 1 is never closed",
            "add a line '---' after the last YAML field",
        ))
        return doc
    doc.body = "\n".join(lines[end + 1:])
    doc.body_line = end + 2
    _parse_yaml_into(doc, "\n".join(lines[1:end]), first_line=2)
    return doc


def parse_yaml(path: str, raw: bytes) -> Document:
    """Parse a plain YAML record (an incident, the taxonomy)."""
    doc = Document(path=path)
    text, problems = read_source(path, raw)
    if text is None:
        doc.findings = problems
        return doc
    _parse_yaml_into(doc, text, first_line=1)
    return doc


def _parse_yaml_into(doc: Document, text: str, *, first_line: int) -> None:
    doc.start_line = max(first_line - 1, 1)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark is not None else doc.start_line
        problem = exc.problem or "malformed YAML"
        context = f" ({exc.context})" if exc.context else ""
        doc.findings.append(finding(
            "FMC005", doc.path, line, "", f"YAML syntax error: {problem}{context}",
            "check indentation; quote values containing ': ' or '#', "
            "or starting with '@', '*', '&'",
        ))
        return
    except yaml.YAMLError as exc:
        doc.findings.append(finding("FMC005", doc.path, doc.start_line, "",
                                    f"YAML error: {exc}", "check the front matter syntax"))
        return
    except RecursionError:
        doc.findings.append(finding("FMC008", doc.path, doc.start_line, "",
                                    "YAML nested too deeply to read",
                                    f"records need at most {MAX_DEPTH} levels"))
        return
    if node is None:
        doc.findings.append(finding("FMC007", doc.path, doc.start_line, "",
                                    "the front matter is empty", "add the record's fields"))
        return
    if not isinstance(node, MappingNode):
        doc.findings.append(finding(
            "FMC007", doc.path, node.start_mark.line + first_line, "",
            "the front matter must be a mapping of field names to values",
            "write one 'field: value' per line",
        ))
        return
    builder = _Builder(doc, first_line)
    try:
        data = builder.build(node, (), 0)
    except _UnsupportedError as exc:
        doc.findings.append(finding("FMC008", doc.path, exc.line, "", exc.message, exc.hint))
        return
    doc.data = data
    doc.front, doc.front_line = text, first_line


def _line_map(text: str, first_line: int) -> dict[Loc, int]:
    """Compose a document again, recording where each field and item is."""
    scratch = Document(path="")
    builder = _Builder(scratch, first_line, lines={})
    try:
        node = yaml.compose(text, Loader=_Loader)
        if node is not None:
            builder.build(node, (), 0)
    except (yaml.YAMLError, _UnsupportedError, RecursionError):  # pragma: no cover
        pass  # the first pass reported it; keep the lines found so far
    return builder.lines or {}


class _Builder:
    """Constructs Python values from YAML nodes, recording where each came from."""

    def __init__(self, doc: Document, first_line: int,
                 lines: dict[Loc, int] | None = None) -> None:
        self.doc = doc
        self.first_line = first_line
        self.lines = lines  # recorded only when a map is asked for
        self.visited = 0
        self.scalars = SafeConstructor()

    def line(self, node: Node) -> int:
        return int(node.start_mark.line) + self.first_line

    def build(self, node: Node, loc: Loc, depth: int) -> Any:
        self.visited += 1
        if self.visited > MAX_NODES:
            raise _UnsupportedError(f"YAML expands to more than {MAX_NODES:,} values",
                               self.line(node), "remove anchors and aliases (&, *)")
        if depth > MAX_DEPTH:
            raise _UnsupportedError("YAML nested too deeply", self.line(node),
                               f"records need at most {MAX_DEPTH} levels")
        if isinstance(node, ScalarNode):
            if node.tag == _STR:  # most values: skip the generic constructor
                self.check_characters(node, loc)
                return node.value
            if node.tag not in _SCALAR_TAGS:
                raise _UnsupportedError(f"YAML tag '{node.tag}' is not supported", self.line(node),
                                   "remove the '!' tag; write a plain value")
            try:
                return self.scalars.construct_object(node)
            except (yaml.YAMLError, ValueError) as exc:
                raise _UnsupportedError(f"cannot read value: {exc}", self.line(node),
                                   "quote the value") from None
        if isinstance(node, SequenceNode):
            items = []
            for index, child in enumerate(node.value):
                if self.lines is not None:
                    self.lines.setdefault((*loc, index), self.line(child))
                items.append(self.build(child, (*loc, index), depth + 1))
            return items
        if isinstance(node, MappingNode):
            return self.build_mapping(node, loc, depth)
        raise _UnsupportedError("unsupported YAML node", self.line(node), "")  # pragma: no cover

    def check_characters(self, node: ScalarNode, loc: Loc) -> None:
        """Report, once per value, a character no output can carry; the value is kept."""
        bad = FORBIDDEN_CHARS.search(node.value)
        if bad is None or self.lines is not None:  # the line map is a second pass
            return
        self.doc.findings.append(finding(
            "FMC053", self.doc.path, self.line(node), ".".join(str(p) for p in loc),
            f"the value holds the control character U+{ord(bad.group()):04X}",
            "remove it: text may hold tabs and line breaks, no other control character",
        ))

    def build_mapping(self, node: MappingNode, loc: Loc, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                raise _UnsupportedError("merge keys and complex keys are not supported",
                                   self.line(key_node), "write every field out in full")
            key = self.build(key_node, loc, depth + 1)
            if not isinstance(key, str):
                raise _UnsupportedError(
                    f"field name {key_node.value!r} is read as {type(key).__name__}, "
                    "not as text", self.line(key_node),
                    f"quote it: \"{key_node.value}\"",
                )
            key_line = self.line(key_node)
            if key in seen:
                dotted = ".".join(str(p) for p in (*loc, key))
                self.doc.findings.append(finding(
                    "FMC006", self.doc.path, key_line, dotted,
                    f"'{key}' is given twice (first on line {seen[key]})",
                    "keep one of the two; YAML would silently use the last",
                ))
                continue
            seen[key] = key_line
            if self.lines is not None:
                self.lines[(*loc, key)] = key_line
            result[key] = self.build(value_node, (*loc, key), depth + 1)
        return result

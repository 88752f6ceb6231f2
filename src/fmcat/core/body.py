"""The Markdown body of a record: sections, links, unsafe markup, site rewriting.

This is a line scanner, not a Markdown parser: it knows just enough (fenced
code, ATX headings, inline and reference links, code spans) to give findings
with line numbers and to rewrite ID links. Which lines are fenced code is
decided by the renderer's own fence reader (pymdownx.superfences, configured
as in mkdocs.yml), not by a second set of rules: a one-line ```span``` or an
unclosed fence is what the page shows. A full Markdown parse per record was
measured at 2.7 s per 1,000 bodies, which would make validation slower than a
tenth of a build; tests compare the scanner with the real parse instead. The HTML sanitiser in
`sanitize.py` remains the guarantee for what reaches the browser; the scan
here exists so that a contributor learns about unsafe markup in review
instead of seeing it silently disappear.
"""

from __future__ import annotations

import functools
import html
import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import markdown  # type: ignore[import-untyped]  # no stubs; only the fence reader is used

from fmcat.core.ids import ID_LINK
from fmcat.core.memo import memoized

MARKDOWN_EXTENSIONS = ["toc", "attr_list", "admonition", "tables", "def_list",
                       "pymdownx.details", "pymdownx.superfences", "pymdownx.tasklist",
                       "pymdownx.highlight"]
"""The Markdown extensions of mkdocs.yml, in its order (a test keeps them equal)."""
MARKDOWN_CONFIG: dict[str, dict[str, Any]] = {
    "toc": {"permalink": True},
    "pymdownx.tasklist": {"custom_checkbox": True},
    "pymdownx.highlight": {"use_pygments": True},
}
_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_ATTR_LIST = re.compile(r"\s*\{[^}]*\}\s*$")
_CODE_SPAN = re.compile(r"(`+)(?:.+?)\1")
_INLINE_LINK = re.compile(r"(!?\[[^\]]*\])\(\s*<?([^)\s>]*)>?(\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
_REF_DEF = re.compile(r"^( {0,3}\[[^\]]+\]:[ \t]*)<?(\S+?)>?(\s.*)?$")
_REF_DEF_LINES = re.compile(r"^( {0,3}\[[^\]]+\]:[ \t]*)<?(\S+?)>?([ \t].*)?$", re.MULTILINE)
_AUTOLINK = re.compile(r"<([a-zA-Z][a-zA-Z0-9+.-]*:[^>\s]*)>")
_NUMBERED = re.compile(r"^ {0,3}\d+[.)][ \t]+\S")
_CHECKBOX = re.compile(r"^\s*[-*+][ \t]+\[[ xX]\][ \t]+\S")

_DANGEROUS_TAGS = re.compile(
    r"<\s*/?\s*(script|iframe|frame|frameset|object|embed|applet|style|link|meta|base|form|"
    r"input|button|textarea|select|svg|math|template|noscript|xml|img|video|audio|source)\b",
    re.IGNORECASE,
)
_EVENT_HANDLER = re.compile(r"<[^>]*[\s/\"']on[a-z]+\s*=", re.IGNORECASE)
_STYLE_ATTR = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)
_UNSAFE_SCHEME = re.compile(r"^(javascript|vbscript|data|file):", re.IGNORECASE)
_RAW_URL_ATTR = re.compile(
    r"""\s(?:href|src|action|formaction|xlink:href|poster|background)\s*=\s*"""
    r"""(?:"([^"]*)"|'([^']*)'|([^\s>]+))""",
    re.IGNORECASE,
)
_TEMPLATE_TAG = re.compile(r"\{%-?\s*(raw|endraw)\b")
# attr_list's `{#id}` / `{: #id .class}` and a raw HTML id attribute.
_ATTR_ID = re.compile(r"\{:?[^{}\n]*?(?<![^\s{:])#[^\s{}#]+[^{}\n]*\}")
_HTML_ID = re.compile(r"<[a-zA-Z][^>]*?\sid\s*=", re.IGNORECASE)

SAFE_SCHEMES = ("http://", "https://", "mailto:")


@dataclass(frozen=True)
class Heading:
    line: int
    level: int
    text: str


@dataclass(frozen=True)
class BodyLink:
    """A link target found in a record body, with the line it is on (for findings)."""

    line: int
    target: str


@dataclass(frozen=True)
class Problem:
    """Something unsafe in the body, before it is ever rendered."""

    line: int
    message: str
    hint: str


@memoized()
def _lines_outside_code(body: str, first_line: int) -> tuple[tuple[int, str], ...]:
    """(file line, text) for lines outside fenced code, code spans blanked.

    Cached like `_segments`: several checks walk the same lines.
    """
    return tuple(
        (start + offset, _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)
         if "`" in line else line)
        for start, text, is_code in _segments(body, first_line) if not is_code
        for offset, line in enumerate(text.split("\n")))


def _segments(body: str, first_line: int) -> tuple[tuple[int, str, bool], ...]:
    """Split a body into (first file line, text, is_code) runs of whole lines.

    Cached: the checks look at the same body several times (sections, links,
    unsafe markup), and splitting it once is what keeps validation fast.
    """
    return _split_segments(body, first_line)


@memoized()
def _split_segments(body: str, first_line: int) -> tuple[tuple[int, str, bool], ...]:
    return tuple(_iter_segments(body, first_line))


@functools.lru_cache(maxsize=1)
def _fence_reader() -> Any:
    """The superfences preprocessor of a Markdown set up as the site's.

    Only which lines it takes as fenced code is used; highlighting them is
    skipped because the output is thrown away.
    """
    md = markdown.Markdown(extensions=MARKDOWN_EXTENSIONS, extension_configs=MARKDOWN_CONFIG)
    reader = md.preprocessors["fenced_code_block"]
    # Superfences took its formatters (the default one is the reader's bound
    # `highlight`) when it was set up: replace them, not the method. A
    # formatter must return a string for the block to be recorded.
    for fence in reader.extension.superfences:
        if fence["formatter"] is not None:
            fence["formatter"] = lambda **kwargs: ""
    return reader


def _fenced_lines(lines: list[str]) -> list[tuple[int, int]]:
    """(first, end) line indexes of each fenced block, as superfences finds them."""
    reader = _fence_reader()
    found: list[tuple[int, int]] = []

    def keep(current: list[str]) -> list[str]:
        found.extend((start, end) for _, start, end in reader.stack)
        return current

    reader.reassemble = keep
    # As Python-Markdown's whitespace normaliser hands lines to it.
    reader.run([line.expandtabs(4) if line.strip() else "" for line in lines])
    return sorted(found)


def _iter_segments(body: str, first_line: int) -> Iterator[tuple[int, str, bool]]:
    lines = body.split("\n")
    position = 0
    for start, end in _fenced_lines(lines):
        if start < position:
            continue  # a fence nested in a fence is part of the outer one
        if start > position:
            yield first_line + position, "\n".join(lines[position:start]), False
        yield first_line + start, "\n".join(lines[start:end]), True
        position = end
    if position < len(lines):
        yield first_line + position, "\n".join(lines[position:]), False


def headings(body: str, first_line: int) -> list[Heading]:
    """ATX headings outside code, with their file lines."""
    return list(_headings(body, first_line))


@memoized()
def _headings(body: str, first_line: int) -> tuple[Heading, ...]:
    result = []
    for number, line in _lines_outside_code(body, first_line):
        match = _HEADING.match(line)
        if match:
            text = _ATTR_LIST.sub("", match.group(2)).strip()
            result.append(Heading(number, len(match.group(1)), text))
    return tuple(result)


def sections(body: str, first_line: int) -> dict[str, tuple[Heading, str]]:
    """Level-2 sections by lower-cased title: their heading and their text."""
    return dict(_sections(body, first_line))


@memoized()
def _sections(body: str, first_line: int) -> tuple[tuple[str, tuple[Heading, str]], ...]:
    lines = body.split("\n")
    heads = [h for h in headings(body, first_line) if h.level <= 2]
    result: dict[str, tuple[Heading, str]] = {}
    for index, head in enumerate(heads):
        if head.level != 2:
            continue
        end = heads[index + 1].line if index + 1 < len(heads) else first_line + len(lines)
        text = "\n".join(lines[head.line - first_line + 1: end - first_line]).strip()
        result.setdefault(head.text.lower(), (head, text))
    return tuple(result.items())


@memoized()
def links(body: str, first_line: int) -> tuple[BodyLink, ...]:
    """Every link target outside code, with the line its target is on.

    Link text may run over several lines, so links are matched per run of
    text rather than per line. Cached like the other scans: the checks and
    `unsafe_markup` both ask for the links of the body in hand.
    """
    found = []
    for start, text, is_code in _segments(body, first_line):
        if is_code:
            continue
        plain = _CODE_SPAN.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
        for match in _INLINE_LINK.finditer(plain):
            found.append(BodyLink(start + plain.count("\n", 0, match.start(2)), match.group(2)))
        for match in _AUTOLINK.finditer(plain):
            found.append(BodyLink(start + plain.count("\n", 0, match.start(1)), match.group(1)))
        for offset, line in enumerate(plain.split("\n")):
            ref = _REF_DEF.match(line)
            if ref:
                found.append(BodyLink(start + offset, ref.group(2)))
    return tuple(sorted(found, key=lambda link: link.line))


def id_target(target: str) -> tuple[str, str] | None:
    """`'FM-0012#detection'` → `('FM-0012', 'detection')`; None if not an ID link."""
    match = ID_LINK.match(target)
    return (match.group("id"), match.group("anchor") or "") if match else None


def normalized_scheme_url(url: str) -> str:
    """Decode entities and drop the characters browsers ignore inside a scheme."""
    decoded = html.unescape(html.unescape(url))
    return re.sub(r"[\x00-\x20\x7f]+", "", decoded)


def is_unsafe_url(url: str) -> bool:
    return bool(_UNSAFE_SCHEME.match(normalized_scheme_url(url)))


def is_external(url: str) -> bool:
    return normalized_scheme_url(url).lower().startswith(SAFE_SCHEMES)


def count_numbered_steps(text: str) -> int:
    return sum(1 for line in text.split("\n") if _NUMBERED.match(line))


def count_checkboxes(text: str) -> int:
    return sum(1 for line in text.split("\n") if _CHECKBOX.match(line))


def unsafe_markup(body: str, first_line: int) -> list[Problem]:
    """Raw HTML and URLs that could run in a reader's browser."""
    return list(_unsafe_markup(body, first_line))


@memoized()
def _unsafe_markup(body: str, first_line: int) -> tuple[Problem, ...]:
    problems = []
    for number, line in _lines_outside_code(body, first_line):
        if "<" not in line and "=" not in line and "{%" not in line:
            continue  # every pattern below needs one of these; most lines have none
        tag = _DANGEROUS_TAGS.search(line)
        if tag:
            problems.append(Problem(number, f"raw HTML <{tag.group(1).lower()}> is not allowed",
                                    "use Markdown; images and media go in artifacts"))
        if _EVENT_HANDLER.search(line):
            problems.append(Problem(number, "HTML event-handler attribute (on…=) is not allowed",
                                    "remove the attribute; contributed pages run no scripts"))
        if _STYLE_ATTR.search(line):
            problems.append(Problem(number, "inline style attributes are not allowed",
                                    "remove the style; the theme styles the page"))
        for match in _RAW_URL_ATTR.finditer(line):
            url = next(g for g in match.groups() if g is not None)
            if is_unsafe_url(url):
                problems.append(Problem(number, f"unsafe URL '{url[:40]}'",
                                        "only http(s) and mailto links are allowed"))
        if _TEMPLATE_TAG.search(line):
            problems.append(Problem(number, "template raw/endraw tags are not allowed",
                                    "write the text plainly; it is never rendered as a template"))
    for link in links(body, first_line):
        if is_unsafe_url(link.target):
            problems.append(Problem(link.line, f"unsafe link target '{link.target[:40]}'",
                                    "only http(s), mailto, anchors and record IDs are allowed"))
    return tuple(problems)


def explicit_ids(body: str, first_line: int) -> list[Problem]:
    """Element ids written into the body (`{#id}`, `{: #id}`, `id="…"`), outside code.

    Every id of a record page belongs to the build: the fixed section
    anchors are the URL contract, and the card, the detectors and the link
    lists carry ids of their own. An id written by hand would duplicate one
    of them or be a link target that no check keeps stable.
    """
    return list(_explicit_ids(body, first_line))


@memoized()
def _explicit_ids(body: str, first_line: int) -> tuple[Problem, ...]:
    problems = []
    for number, line in _lines_outside_code(body, first_line):
        if ("#" in line and "{" in line and _ATTR_ID.search(line)) or \
                ("=" in line and _HTML_ID.search(line)):
            problems.append(Problem(number, "explicit element id in a record body",
                                    "remove it: section anchors are fixed and added by the "
                                    "build; link sections with [text](FM-0012#detection)"))
    return tuple(problems)


@memoized()
def code_lines(body: str) -> frozenset[int]:
    """0-based indexes of the lines of a body that are fenced code."""
    return frozenset(start - 1 + offset for start, text, is_code in _segments(body, 1)
                     if is_code for offset in range(text.count("\n") + 1))


def rewrite_for_site(
    body: str,
    anchors: dict[str, str],
    resolve: Callable[[str, str], str | None],
) -> str:
    """Fix section anchors and turn ID links into links MkDocs can check.

    `anchors` maps lower-cased section titles to their fixed anchors;
    `resolve(record_id, anchor)` returns the relative `.md` path for an ID
    link, or None to leave the link alone (the checks report it).
    """
    out = []
    for _start, text, is_code in _segments(body, 1):
        if is_code:
            out.append(text)
            continue
        lines = []
        for line in text.split("\n"):
            heading = _HEADING.match(line)
            anchor = None
            if heading and len(heading.group(1)) == 2:
                title = _ATTR_LIST.sub("", heading.group(2)).strip()
                anchor = anchors.get(title.lower())
            lines.append(f"## {title} {{#{anchor}}}" if anchor else line)
        out.append(_rewrite_links("\n".join(lines), resolve))
    return "\n".join(out)


def _rewrite_links(line: str, resolve: Callable[[str, str], str | None]) -> str:
    def inline(match: re.Match[str]) -> str:
        target = id_target(match.group(2))
        if target is None:
            return match.group(0)
        path = resolve(*target)
        if path is None:
            return match.group(0)
        return f"{match.group(1)}({path}{match.group(3) or ''})"

    def reference(match: re.Match[str]) -> str:
        target = id_target(match.group(2))
        path = resolve(*target) if target else None
        return match.group(0) if path is None else f"{match.group(1)}{path}{match.group(3) or ''}"

    line = _INLINE_LINK.sub(inline, line)
    return _REF_DEF_LINES.sub(reference, line)


def relative_md_path(from_src_uri: str, to_src_uri: str, anchor: str = "") -> str:
    path = posixpath.relpath(to_src_uri, posixpath.dirname(from_src_uri) or ".")
    return f"{path}#{anchor}" if anchor else path

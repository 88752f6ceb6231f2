"""Rendering of HTML fragments from finished view objects.

Fragments are trusted templates shipped in the package; everything they
print comes from records and is escaped by autoescape. No contributed text
is ever compiled as a template.
"""

from __future__ import annotations

import marshal
import re
import secrets
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
from markupsafe import Markup

_BLANK_LINES = re.compile(r"\n\s*\n")


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("fmcat.site", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


def render(template: str, **context: Any) -> str:
    """Render a template with the given view objects."""
    return _environment().get_template(template).render(**context)


def render_part(template: str, **context: Any) -> Markup:
    """Render a fragment to be printed by another: its output is escaped
    already, so the outer fragment must not escape it again."""
    return Markup(render(template, **context))  # noqa: S704 - autoescaped template output


def join_parts(separator: str, parts: Iterable[Markup]) -> Markup:
    """Rendered parts joined by a literal separator. Only `Markup` parts, so
    nothing unescaped can enter: `Markup.join` would escape each part again
    (a no-op that cost tens of thousands of copies on the browse pages)."""
    return Markup(str.join(separator, parts))  # noqa: S704 - escaped parts, literal separator


def render_block(template: str, **context: Any) -> str:
    """Render a fragment that is embedded in Markdown as a raw HTML block.

    Python-Markdown ends a raw HTML block at a blank line in some contexts,
    so fragments are folded to contain none.
    """
    return _BLANK_LINES.sub("\n", render(template, **context)).strip()


_SLOT = "fmcatslot"


class Slots:
    """Generated HTML kept out of Markdown, put back after it is rendered.

    Python-Markdown parses every raw HTML block with `html.parser`, which
    made our generated tables the slowest part of a build (the catalog
    table alone is thousands of lines). Trusted, already-escaped blocks are
    replaced by a marker paragraph before Markdown runs and restored into the
    HTML afterwards. The marker carries a random nonce per page, so
    contributed text cannot name a slot; it never reaches the output, so
    builds stay byte-identical.

    Only generated text may be held: contributed Markdown must go through
    Markdown and the sanitiser. Between planning and rendering the blocks
    can wait on disk (`park`).
    """

    def __init__(self, nonce: str = "", blocks: dict[str, str] | None = None) -> None:
        self.nonce = nonce or secrets.token_hex(6)
        self.blocks: dict[str, str] = dict(blocks or {})
        self._parked: Path | None = None

    def park(self, path: Path) -> None:
        """Keep the blocks in the file `path` until `fill` reads them back (once).

        A build plans every page before the generator renders any, and the
        generated tables of all of them held in memory were the largest
        share of a big build's peak (every record's detectors, links and
        history, and the listings). `marshal`: the file is this process's
        own, read back by it, and a dict of strings round-trips in half the
        time JSON takes with its escaping.
        """
        if not self.blocks:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(marshal.dumps(self.blocks))
        self.blocks = {}
        self._parked = path

    def _key(self) -> str:
        return f"{_SLOT}{self.nonce}n{len(self.blocks)}"

    def hold(self, markdown: str) -> str:
        """Replace each raw HTML block (a run of lines starting with '<') by a marker."""
        out: list[str] = []
        block: list[str] = []
        lines = markdown.split("\n")
        start = 0
        if lines and lines[0] == "---":  # front matter we wrote ourselves
            end = lines.index("---", 1)
            out.extend(lines[: end + 1])
            start = end + 1

        def flush() -> None:
            if block:
                key = self._key()
                self.blocks[key] = "\n".join(block)
                out.extend(["", key, ""])
                block.clear()

        for line in lines[start:]:
            if block and line.strip() and not line.startswith("#"):
                block.append(line)
                continue
            flush()
            if line.startswith("<"):
                block.append(line)
            else:
                out.append(line)
        flush()
        return "\n".join(out)

    def fill(self, html: str) -> str:
        if self._parked is not None:
            # Our own file, written by `park` in this build's private scratch folder.
            self.blocks = marshal.loads(self._parked.read_bytes())  # noqa: S302
            self._parked.unlink()
            self._parked = None
        if not self.blocks:
            return html
        pattern = re.compile(rf"<p>({_SLOT}{self.nonce}n\d+)</p>")
        # Each block is used once: pop it, so that a build does not hold
        # every page's generated HTML twice (here and in the page).
        return pattern.sub(lambda match: self.blocks.pop(match.group(1)), html)


class CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept for the life of the process, checked against their source.

    The generator makes a new Jinja environment for every build, so a
    preview compiled the theme's templates again on every save (about a
    third of a second). Jinja stores each template's code with a checksum of
    its source and compiles it again when the source changed.
    """

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()


class RenderOnce:
    """Keeps one rendering of a template part per key, for parts that only the
    key can change (the nav of pages that are not in it).

    Called from a template as `{% call cache(key) %}…{% endcall %}`: the body
    is rendered the first time a key is seen and reused after that.
    """

    def __init__(self) -> None:
        self._rendered: dict[str, str] = {}

    def __call__(self, key: str, caller: Callable[[], str]) -> str:
        if key not in self._rendered:
            self._rendered[key] = caller()
        return self._rendered[key]

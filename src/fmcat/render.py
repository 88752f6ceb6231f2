"""Rendering of HTML fragments from finished view objects.

Fragments are trusted templates shipped in the package; everything they
print comes from records and is escaped by autoescape. No contributed text
is ever compiled as a template.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import jinja2

_BLANK_LINES = re.compile(r"\n\s*\n")


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("fmcat", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


def render(template: str, **context: Any) -> str:
    """Render a template with the given view objects."""
    return _environment().get_template(template).render(**context)


def render_block(template: str, **context: Any) -> str:
    """Render a fragment that is embedded in Markdown as a raw HTML block.

    Python-Markdown ends a raw HTML block at a blank line in some contexts,
    so fragments are folded to contain none.
    """
    return _BLANK_LINES.sub("\n", render(template, **context)).strip()

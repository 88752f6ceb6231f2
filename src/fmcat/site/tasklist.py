"""Accessible names for task-list checkboxes.

pymdownx.tasklist (with `custom_checkbox`) wraps each checkbox in a label that
holds only a drawn indicator, so the item's text sits outside it and screen
readers (and axe's `label` rule) find a form control with no name. The text
is copied onto the checkbox as `aria-label`. This runs on the HTML the
sanitiser serialised (or on Markdown's own output for hand-written pages),
whose task-list markup has one fixed shape, so a pattern is enough.
"""

from __future__ import annotations

import html
import re

_ITEM = re.compile(
    r'(<label class="task-list-control"><input\b)([^>]*>)'
    r'(<span class="task-list-indicator"></span></label>)'
    r"(.*?)(?=</li>|</p>|<li\b|<ul\b|<ol\b)",
    re.DOTALL,
)
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def _named(match: re.Match[str]) -> str:
    opening, rest, indicator, text = match.groups()
    name = _SPACE.sub(" ", html.unescape(_TAG.sub("", text))).strip()
    if not name or "aria-label" in rest:
        return match.group(0)
    return f'{opening} aria-label="{html.escape(name, quote=True)}"{rest}{indicator}{text}'


def label_task_lists(page_html: str) -> str:
    """`page_html` with each task-list checkbox named by its item's text."""
    if "task-list-control" not in page_html:
        return page_html
    return _ITEM.sub(_named, page_html)

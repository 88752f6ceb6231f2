"""Helpers every page view shares: the generated page and the severity classes."""

from __future__ import annotations

import json


def page(title: str, content: str, *, heading: bool = True, wide: bool = False) -> str:
    """A generated Markdown page with front matter we write ourselves.

    `wide` hides Material's sidebars so that a big table gets the full width.
    """
    meta: dict[str, object] = {"title": title}
    if wide:
        meta["hide"] = ["navigation", "toc"]
    head = f"# {title}\n\n" if heading else ""
    return f"---\n{json.dumps(meta)}\n---\n\n{head}{content}\n"


def severity_class(severity: str) -> str:
    """The CSS classes of a severity badge (coloured by the site's stylesheet)."""
    return f"fmcat-severity fmcat-severity--{severity}"


def dot_class(severity: str) -> str:
    """The CSS classes of a severity dot (the matrix and its legend)."""
    return f"fmcat-dot fmcat-dot--{severity}"

"""Helpers every page view shares: the generated page and the severity classes."""

from __future__ import annotations

import json

from markupsafe import Markup, escape


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


def breakable(name: str) -> Markup:
    """A machine name (`train_test_overlap`) that wraps after its underscores only.

    Browsers break a long token anywhere once it overflows ("train_te st_overl
    ap"); a `<wbr>` after each underscore offers them a better place. The
    name is escaped first: only the `<wbr>` are markup.
    """
    return Markup("_<wbr>").join(escape(part) for part in name.split("_"))


SHORT_TITLE = 36
"""Characters of a title a matrix cell shows at full width; the whole title is its
tooltip, and the cards of a narrow screen show it whole."""

_DANGLING = frozenset({"a", "an", "and", "at", "by", "for", "from", "in", "of", "on", "or",
                       "the", "to", "with"})


def short_title(title: str, limit: int = SHORT_TITLE) -> str:
    """A title cut at a word boundary to fit a compact cell, marked with an ellipsis.

    A cut never ends on a dangling little word ("Null-rate spike in a…").
    """
    if len(title) <= limit:
        return title
    words = title[: limit - 1].split(" ")
    if len(words) > 1:
        words.pop()  # the word the cut went through
    while len(words) > 1 and words[-1].lower() in _DANGLING:
        words.pop()
    return " ".join(words).rstrip(" ,;:-–—") + "…"

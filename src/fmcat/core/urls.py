"""URLs: every one derived from an ID or a vocabulary value, never a file name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fmcat.core.model import KIND_BY_PREFIX


def relative_url(page_url: str, target: str) -> str:
    """A link from one directory URL to another, working under any base path.

    Both are site-root-relative (`failure-modes/FM-0001/`). Computed on the
    path segments directly: `posixpath.relpath` resolves against the working
    directory and was a visible cost with tens of thousands of links.
    """
    path, _, anchor = target.partition("#")
    source = [part for part in page_url.split("/") if part]
    dest = [part for part in path.split("/") if part]
    common = 0
    while common < min(len(source), len(dest)) and source[common] == dest[common]:
        common += 1
    rel = "/".join([".."] * (len(source) - common) + dest[common:])
    if not rel:
        rel = "./"
    elif path.endswith("/") or not path:
        rel += "/"
    return f"{rel}#{anchor}" if anchor else rel


def record_url(record_id: str) -> str:
    """`FM-0007` → `failure-modes/FM-0007/`."""
    return KIND_BY_PREFIX[record_id[:2]].url(record_id)


def rel_from(page_url: str) -> Callable[[str], str]:
    """The URL helper handed to fragments: site-root URL → link from `page_url`."""
    return lambda target: relative_url(page_url, target)


@dataclass(frozen=True)
class Link:
    """A labelled site-root-relative URL, as views hand them to templates."""

    label: str
    url: str
    note: str = ""

"""The change feed, as Atom and as JSON Feed, written from our own data.

We do not use mkdocs-rss-plugin: it reads dates from git through GitPython
and conflicts with git-based plugins. The records' `revisions` are the
history readers care about, one item per amendment, and they make the feed
reproducible: its `updated` time is the newest amendment, not the build time.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from urllib.parse import urljoin
from xml.sax.saxutils import escape, quoteattr

from fmcat.analysis.governance import Change

FEED_LIMIT = 100
ATOM_NS = "http://www.w3.org/2005/Atom"

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 forbids even as character references."""


def _clean(text: str) -> str:
    """Text without the characters no feed can carry.

    Validation refuses them (FMC053), so a valid catalog has none; this is
    the second line of defence, because one of them makes the whole Atom
    feed malformed and a lone surrogate cannot even be written as UTF-8.
    """
    return _NOT_XML.sub("", text)


def _text(text: str) -> str:
    return escape(_clean(text), {"\r": "&#13;"})  # a parser reads a raw CR as LF


def _link(site_url: str | None, path: str) -> str:
    return _clean(urljoin(site_url, path) if site_url else path)


def _stamp(change: Change) -> str:
    return f"{change.date.isoformat()}T00:00:00Z"


def _title(change: Change) -> str:
    verb = "added" if change.added else "amended"
    return _clean(f"{change.id} {verb}: {change.title}")


def atom_feed(changes: Sequence[Change], *, site_name: str, site_url: str | None) -> str:
    items = list(changes)[:FEED_LIMIT]
    updated = _stamp(items[0]) if items else "1970-01-01T00:00:00Z"
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="{ATOM_NS}">',
        f"  <title>{_text(site_name)}: changes</title>",
        f"  <id>urn:fmcat:feed:{_text(site_name.lower().replace(' ', '-'))}</id>",
        f"  <updated>{updated}</updated>",
        f"  <link rel=\"self\" href={quoteattr(_link(site_url, 'feed.xml'))}/>",
        f"  <link rel=\"alternate\" href={quoteattr(_link(site_url, 'whats-new/'))}/>",
        f"  <author><name>{_text(site_name)} stewards</name></author>",
    ]
    for change in items:
        lines += [
            "  <entry>",
            f"    <id>{_text(change.uid)}</id>",
            f"    <title>{_text(_title(change))}</title>",
            f"    <updated>{_stamp(change)}</updated>",
            f"    <link href={quoteattr(_link(site_url, change.url + '#history'))}/>",
            f"    <summary>{_text(change.note)}</summary>",
            "  </entry>",
        ]
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


def json_feed(changes: Sequence[Change], *, site_name: str, site_url: str | None) -> str:
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": _clean(f"{site_name}: changes"),
        "home_page_url": _link(site_url, "whats-new/"),
        "feed_url": _link(site_url, "feed.json"),
        "items": [
            {
                "id": _clean(change.uid),
                "title": _title(change),
                "url": _link(site_url, change.url + "#history"),
                "date_published": _stamp(change),
                "content_text": _clean(change.note),
                "tags": [change.id, "added" if change.added else "amended"],
            }
            for change in list(changes)[:FEED_LIMIT]
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"

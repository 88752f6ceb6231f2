"""The change feed, as Atom and as JSON Feed, written from our own data.

We do not use mkdocs-rss-plugin: it reads dates from git through GitPython
and conflicts with git-based plugins. The records' `revisions` are the
history readers care about, one item per amendment, and they make the feed
reproducible: its `updated` time is the newest amendment, not the build time.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from urllib.parse import urljoin
from xml.sax.saxutils import escape, quoteattr

from .governance import Change

FEED_LIMIT = 100
ATOM_NS = "http://www.w3.org/2005/Atom"


def _link(site_url: str | None, path: str) -> str:
    return urljoin(site_url, path) if site_url else path


def _stamp(change: Change) -> str:
    return f"{change.date.isoformat()}T00:00:00Z"


def _title(change: Change) -> str:
    verb = "added" if change.added else "amended"
    return f"{change.id} {verb}: {change.title}"


def atom_feed(changes: Sequence[Change], *, site_name: str, site_url: str | None) -> str:
    items = list(changes)[:FEED_LIMIT]
    updated = _stamp(items[0]) if items else "1970-01-01T00:00:00Z"
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="{ATOM_NS}">',
        f"  <title>{escape(site_name)}: changes</title>",
        f"  <id>urn:fmcat:feed:{escape(site_name.lower().replace(' ', '-'))}</id>",
        f"  <updated>{updated}</updated>",
        f"  <link rel=\"self\" href={quoteattr(_link(site_url, 'feed.xml'))}/>",
        f"  <link rel=\"alternate\" href={quoteattr(_link(site_url, 'whats-new/'))}/>",
        "  <author><name>Failure Mode Catalog stewards</name></author>",
    ]
    for change in items:
        lines += [
            "  <entry>",
            f"    <id>{escape(change.uid)}</id>",
            f"    <title>{escape(_title(change))}</title>",
            f"    <updated>{_stamp(change)}</updated>",
            f"    <link href={quoteattr(_link(site_url, change.url + '#history'))}/>",
            f"    <summary>{escape(change.note)}</summary>",
            "  </entry>",
        ]
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


def json_feed(changes: Sequence[Change], *, site_name: str, site_url: str | None) -> str:
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": f"{site_name}: changes",
        "home_page_url": _link(site_url, "whats-new/"),
        "feed_url": _link(site_url, "feed.json"),
        "items": [
            {
                "id": change.uid,
                "title": _title(change),
                "url": _link(site_url, change.url + "#history"),
                "date_published": _stamp(change),
                "content_text": change.note,
                "tags": [change.id, "added" if change.added else "amended"],
            }
            for change in list(changes)[:FEED_LIMIT]
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"

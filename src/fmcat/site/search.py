"""Site search with Pagefind: a static, chunked index built with the site.

Material's lunr index holds every page's full text in one JSON file that a
browser downloads before its first query; at 20,000 entries that is hundreds
of megabytes. Pagefind splits the index into small fragments and a browser
fetches only those its query needs. The index is built by the Pagefind
binary shipped in the `pagefind-bin` wheel, locally, with no network.

Only the part of a page marked `data-pagefind-body` is indexed: for records
that are not withdrawn, their title, search terms and summary card; for
hand-written pages, their content. Generated listings are left out so that
an entry always ranks above the pages that list it.

Pagefind is not pointed at the built site. As each page is written, the
indexed part is copied into a small stand-in document at the same path in a
scratch folder, and Pagefind indexes that folder. Reading and parsing every
full page (Material's chrome is most of each file) made up most of
Pagefind's time and memory: on 5,000 record pages, 9.8 s and 630 MB against
3.2 s and 210 MB for the stand-ins (`benchmarks/`). The results are the
same, because the indexed markup is the same bytes.

Incidents have no page of their own: each is shown in the Incidents list
of the failure modes it cites, under an anchor named by its ID. Search gets
a stand-in for each incident, written straight to the scratch folder, whose
`target` meta sends the reader to that anchor on the first listed failure
mode it cites (fmcat-search.js follows `target` instead of the stand-in's
own URL, which the site does not have).

Ranking: a record's ID, the forms of its title readers type, and its
signal names are indexed at the top weight; tags and cited IDs lower (see
fmcat-record.html). Result text comes from the `summary` meta (the record's
summary), not Pagefind's excerpt, which would often be the hidden terms.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from fmcat.core.catalog import Catalog, Entry, IncidentEntry
from fmcat.core.urls import record_url
from fmcat.site.render import render

BUNDLE = "pagefind"

# Keep IDs (FM-0007) and signal names (null_rate) as single words.
INCLUDE_CHARACTERS = "-_"

# The templates wrap the indexed part of a page in exactly these two strings.
BODY_START = "<div data-pagefind-body>"
BODY_END = "<!--fmcat:search-end-->"

_HTML_TAG = re.compile(r"<html\b[^>]*>")
_TITLE = re.compile(r"<title>[^<]*</title>")
_WORD = re.compile(r"[\w-]+")

# A reader searches for the quantity ("calibration"), the title may name its
# failure ("Miscalibration"): title words are indexed without these prefixes too.
NEGATING_PREFIXES = ("mis", "non", "un")
_SHORTEST_STEM = 5


def title_keywords(title: str) -> list[str]:
    """The forms of a title's words a reader may type that the title does not hold.

    `Null-rate spike` → `null_rate` (signal names are written with `_`);
    `Miscalibration after retraining` → `calibration`.
    """
    forms: list[str] = []
    for word in _WORD.findall(title.lower()):
        if "-" in word:
            forms.append(word.replace("-", "_"))
        for prefix in NEGATING_PREFIXES:
            stem = word[len(prefix):].lstrip("-")
            if word.startswith(prefix) and len(stem) >= _SHORTEST_STEM:
                forms.append(stem)
    return list(dict.fromkeys(forms))


def incident_shown_on(item: IncidentEntry, catalog: Catalog) -> Entry | None:
    """The first listed failure mode an incident cites: search leads there."""
    for record_id in item.record.failure_modes:
        target = catalog.resolve(record_id)
        if target is not None and target.record.is_listed:
            return target
    return None


@dataclass(frozen=True)
class IncidentHit:
    """What search shows for an incident, and where it leads (site-root-relative)."""

    id: str
    title: str
    summary: str
    target: str


def incident_hit(item: IncidentEntry, catalog: Catalog) -> IncidentHit | None:
    """The search view of an incident; None if no listed page shows it."""
    shown_on = incident_shown_on(item, catalog)
    if shown_on is None:
        return None
    incident = item.record
    facts = (f"Incident detected {incident.detected:%Y-%m-%d} by {incident.team}, "
             f"severity {incident.severity}; see {shown_on.id}: {shown_on.record.title}.")
    summary = incident.summary.strip()
    return IncidentHit(incident.id, incident.title, f"{summary} {facts}" if summary else facts,
                       f"{record_url(shown_on.id)}#{incident.id}")


class SearchIndexError(Exception):
    """Pagefind failed, or a page's indexed part is malformed: the message says which."""


def search_document(page_html: str) -> str | None:
    """The stand-in Pagefind indexes for a rendered page; None if the page is not indexed."""
    start = page_html.find(BODY_START)
    if start < 0:
        return None
    end = page_html.find(BODY_END, start)
    if end < 0:
        raise SearchIndexError("a page marks data-pagefind-body without the end marker "
                               f"{BODY_END!r}; the template that opens it must close it")
    html_tag = _HTML_TAG.search(page_html)
    title = _TITLE.search(page_html)
    return "".join([
        "<!doctype html>\n", html_tag.group(0) if html_tag else "<html>",
        "<head><meta charset=\"utf-8\">", title.group(0) if title else "", "</head><body>\n",
        page_html[start:end], "\n</body></html>\n",
    ])


class SearchIndex:
    """Collects the stand-ins of one build, then writes the Pagefind bundle.

    The stand-ins go to `scratch` (a new temporary folder by default). Use
    as a context manager, or call `close`, so that the folder is removed
    whether or not the build gets as far as `write`.
    """

    def __init__(self, scratch: Path | None = None) -> None:
        self._scratch = scratch or Path(tempfile.mkdtemp(prefix="fmcat-search-"))
        self._scratch.mkdir(parents=True, exist_ok=True)
        self.pages = 0

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        shutil.rmtree(self._scratch, ignore_errors=True)

    def add(self, dest_path: str, page_html: str) -> None:
        """Record a rendered page written at `dest_path` (site-relative, e.g. `a/index.html`)."""
        document = search_document(page_html)
        target = self._scratch / dest_path
        if document is None:
            # A preview keeps the stand-ins of earlier builds: a page that
            # is no longer indexed (withdrawn) must lose its own.
            target.unlink(missing_ok=True)
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(document, encoding="utf-8")
        self.pages += 1

    def add_incidents(self, catalog: Catalog) -> None:
        """Index each incident a listed failure mode shows (see the module's docstring)."""
        # All of them, every build: drop a preview's stand-ins of the last one.
        shutil.rmtree(self._scratch / "incidents", ignore_errors=True)
        for incident_id, item in catalog.incidents.items():
            hit = incident_hit(item, catalog)
            if hit is None:
                continue
            document = render("fragments/search-incident.html", v=hit)
            # Not a site path: the stand-in exists only for Pagefind.
            target = self._scratch / "incidents" / incident_id / "index.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(document, encoding="utf-8")
            self.pages += 1

    def write(self, site_dir: Path) -> None:
        """Write the search bundle into `site_dir/pagefind/`."""
        # Written beside the bundle and swapped in: Pagefind names fragments
        # by content and would leave a preview's stale ones in place.
        fresh = site_dir / f".{BUNDLE}-next"
        shutil.rmtree(fresh, ignore_errors=True)
        command = [sys.executable, "-m", "pagefind", "--site", str(self._scratch),
                   "--output-path", str(fresh),
                   f"--include-characters={INCLUDE_CHARACTERS}", "--quiet"]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise SearchIndexError((result.stdout + result.stderr).strip()[-2000:])
        shutil.rmtree(site_dir / BUNDLE, ignore_errors=True)
        fresh.rename(site_dir / BUNDLE)

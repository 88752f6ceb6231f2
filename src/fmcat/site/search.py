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
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BUNDLE = "pagefind"

# Keep IDs (FM-0007) and signal names (null_rate) as single words.
INCLUDE_CHARACTERS = "-_"

# The templates wrap the indexed part of a page in exactly these two strings.
BODY_START = "<div data-pagefind-body>"
BODY_END = "<!--fmcat:search-end-->"

_HTML_TAG = re.compile(r"<html\b[^>]*>")
_TITLE = re.compile(r"<title>[^<]*</title>")


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
        if document is None:
            return
        target = self._scratch / dest_path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(document, encoding="utf-8")
        self.pages += 1

    def write(self, site_dir: Path) -> None:
        """Write the search bundle into `site_dir/pagefind/`."""
        command = [sys.executable, "-m", "pagefind", "--site", str(self._scratch),
                   "--output-path", str(site_dir / BUNDLE),
                   f"--include-characters={INCLUDE_CHARACTERS}", "--quiet"]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise SearchIndexError((result.stdout + result.stderr).strip()[-2000:])

"""Site search with Pagefind: a static, chunked index built after the site.

Material's lunr index holds every page's full text in one JSON file that a
browser downloads before its first query; at 20,000 entries that is hundreds
of megabytes. Pagefind splits the index into small fragments and a browser
fetches only those its query needs. The index is built by the Pagefind
binary shipped in the `pagefind-bin` wheel, locally, with no network.

Only pages marked `data-pagefind-body` are indexed: records that are not
withdrawn (their title, search terms and summary card) and hand-written
pages. Generated listings are left out so that an entry always ranks above
the pages that list it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BUNDLE = "pagefind"

# Keep IDs (FM-0007) and signal names (null_rate) as single words.
INCLUDE_CHARACTERS = "-_"


class SearchIndexError(Exception):
    """Pagefind failed: the message carries its output."""


def index_site(site_dir: Path) -> None:
    """Write the search bundle into `site_dir/pagefind/`."""
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir),
               "--output-subdir", BUNDLE, f"--include-characters={INCLUDE_CHARACTERS}",
               "--quiet"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SearchIndexError((result.stdout + result.stderr).strip()[-2000:])

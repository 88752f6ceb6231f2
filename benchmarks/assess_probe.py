"""What the Assess page costs a reader: bytes fetched and time to the worksheet.

Serves a built site on loopback, opens `assess/` with a profile in its
address in headless Chromium and records the size of `api/assess.json`
(raw, and gzip-compressed as a static server would send it), the time from
navigation to the drawn worksheet, and the time from ticking one more
signal to the redrawn worksheet. Targets (issue #18): at most 2 MB
compressed and the worksheet within 1 s at 20,000 entries. Needs Debian's
chromium; without it the probe reports nothing rather than guessing.

`--entries N` swaps in the index of a synthetic catalog of N entries
(generate.py) without building its whole site: the page itself does not
depend on the catalog's size, only its index does.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from search_probe import CHROMIUM, _Quiet

QUERY = "?name=probe&data_domain=tabular&model_family=tree-ensembles&monitors=psi,null_rate"


@dataclass
class AssessProbe:
    raw_bytes: int
    gzip_bytes: int
    first_seconds: float
    rerate_seconds: float
    rows: int


def probe(site: Path) -> AssessProbe | None:
    if not Path(CHROMIUM).exists():
        return None
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - only with Chromium

    body = (site / "api" / "assess.json").read_bytes()
    handler = functools.partial(_Quiet, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_context().new_page()
            start = time.perf_counter()
            page.goto(f"{url}assess/{QUERY}", wait_until="commit")
            page.wait_for_selector("[data-fmcat-assess-row]", timeout=60_000)
            first = time.perf_counter() - start
            page.click(".fmcat-assess-group--wide summary")
            start = time.perf_counter()
            page.check("input[name=monitors][value=calibration_error]")
            page.wait_for_function("() => location.search.includes('calibration_error')")
            rerate = time.perf_counter() - start
            rows = page.locator("[data-fmcat-assess-row]").count()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return AssessProbe(len(body), len(gzip.compress(body, 6)), first, rerate, rows)


def synthetic_index(site: Path, entries: int, dest: Path) -> Path:
    """A copy of `site` whose `api/assess.json` is that of a synthetic catalog."""
    from fmcat.core.load import load_catalog  # noqa: PLC0415
    from fmcat.exports.assess import index_from_catalog  # noqa: PLC0415
    from fmcat.exports.assess.published import render_published  # noqa: PLC0415
    from generate import generate  # noqa: PLC0415

    catalog = load_catalog(generate(dest / "catalog", entries))
    copy = dest / "site"
    shutil.copytree(site, copy)
    (copy / "api" / "assess.json").write_text(render_published(index_from_catalog(catalog)),
                                              encoding="utf-8")
    return copy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("site", type=Path, help="a built site")
    parser.add_argument("--entries", type=int, default=0,
                        help="swap in the index of a synthetic catalog of N entries")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site = synthetic_index(args.site, args.entries, Path(tmp)) if args.entries \
            else args.site
        found = probe(site)
    if found is None:
        print("chromium not found: nothing measured")
        return
    print(f"api/assess.json: {found.raw_bytes / 1e6:.2f} MB, {found.gzip_bytes / 1e6:.2f} MB "
          f"gzip (target <= 2 MB); worksheet of {found.rows} rows drawn "
          f"{found.first_seconds:.2f} s after navigation, redrawn "
          f"{found.rerate_seconds:.2f} s after a tick (target <= 1 s)")


if __name__ == "__main__":
    main()

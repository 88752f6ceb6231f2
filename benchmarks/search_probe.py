"""What a reader's first search costs: bytes fetched and time to results.

Serves a built site on loopback, opens it in headless Chromium, types a
query into the search box and records every response under `pagefind/`
until the results are shown. Needs Debian's chromium; without it the probe
reports nothing rather than guessing.
"""

from __future__ import annotations

import argparse
import functools
import shutil
import threading
import time
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@dataclass
class Probe:
    query: str
    bytes_fetched: int
    seconds: float
    results: int


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def probe(site: Path, queries: list[str]) -> list[Probe]:
    """One fresh browser context per query, so nothing is cached between them."""
    if not Path(CHROMIUM).exists():
        return []
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - only with Chromium

    handler = functools.partial(_Quiet, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    found = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            for query in queries:
                context = browser.new_context()
                page = context.new_page()
                sizes: list[int] = []
                page.on("response", lambda r, sizes=sizes: sizes.append(len(r.body()))
                        if "/pagefind/" in r.url else None)
                page.goto(url)
                start = time.perf_counter()
                page.fill(".md-search__input", query)
                page.wait_for_function(
                    "() => /matching document/i.test(document.querySelector("
                    "'[data-fmcat-search-meta]').textContent)", timeout=60_000)
                elapsed = time.perf_counter() - start
                count = page.locator(".md-search-result__item").count()
                found.append(Probe(query, sum(sizes), elapsed, count))
                context.close()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("site", type=Path)
    parser.add_argument("queries", nargs="*", default=["FM-0007", "calibration", "null_rate"])
    args = parser.parse_args()
    for item in probe(args.site, args.queries):
        print(f"{item.query!r}: {item.bytes_fetched / 1e6:.2f} MB fetched, "
              f"{item.seconds:.2f} s to {item.results} results")


if __name__ == "__main__":
    main()

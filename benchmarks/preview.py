"""Edit-to-reload benchmark of the preview (issue #16).

    .venv/bin/python benchmarks/preview.py --sizes 42 1000 5000 [--edits 3] [--memory 50]

For each size N it generates a catalog (generate.py; N = 42 is the
repository's own size), starts the README's serve command on it
(`mkdocs serve --dirty`, what `make serve` runs) and a plain Material
`mkdocs serve` of the same Markdown (the baseline run.py builds), waits for
the first build of each, then changes one entry's title and times until the
entry page served over HTTP shows the new title. The two servers are timed
in turns, so that a slow spell of a shared machine hits both; the fastest
and the median of `--edits` saves are reported. `--memory K` then saves the
entry K more times on our server and reports its resident memory (VmRSS of
the `mkdocs` process) after 5 and after K saves: a long session must not
grow with saves.

`benchmarks/phases.py --rebuild CATALOG` shows where a save's rebuild
spends its time.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate
from run import baseline_project, run_sizes

BIN = Path(sys.executable).parent
EDITED = "FM-0001"
FIRST_BUILD_TIMEOUT = 3600.0
RELOAD_TIMEOUT = 600.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def shows(url: str, text: str) -> bool:
    """Whether `url` answers with a page that contains `text`."""
    try:
        with urllib.request.urlopen(url, timeout=RELOAD_TIMEOUT) as response:  # noqa: S310
            return text in response.read().decode()
    except (OSError, urllib.error.HTTPError):
        return False


def wait_until(url: str, text: str, timeout: float) -> float:
    """Seconds until `url` shows `text`, polled every 50 ms."""
    start = time.perf_counter()
    while not shows(url, text):
        if time.perf_counter() - start > timeout:
            raise SystemExit(f"{url} never showed {text!r} within {timeout:.0f} s")
        time.sleep(0.05)
    return time.perf_counter() - start


def rss_mib(pid: int) -> float:
    """Resident memory of a process (Linux /proc)."""
    status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
    assert match, status
    return int(match.group(1)) / 1024


@dataclass
class Server:
    """A running `mkdocs serve` and the entry page and file it is timed on."""

    process: subprocess.Popen[bytes]
    page: str
    source: Path
    title: str

    def save(self, title: str) -> float:
        """Replace the entry's title, as an editor's save does; seconds until served."""
        text = self.source.read_text(encoding="utf-8")
        self.source.write_text(text.replace(self.title, title, 1), encoding="utf-8")
        self.title = title
        start = time.perf_counter()
        wait_until(self.page, title, RELOAD_TIMEOUT)
        return time.perf_counter() - start


@contextmanager
def serving(project: Path, source: Path, url_path: str, dirty: bool) -> Iterator[Server]:
    """`mkdocs serve` on `project`, once its first build serves the entry page."""
    port = free_port()
    argv = [str(BIN / "mkdocs"), "serve", *(["--dirty"] if dirty else []),
            "--dev-addr", f"127.0.0.1:{port}"]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    process = subprocess.Popen(argv, cwd=project, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        match = re.search(r"^title: \"?(.*?)\"?$", source.read_text(encoding="utf-8"),
                          re.MULTILINE)
        assert match, source
        page = f"http://127.0.0.1:{port}/{url_path}"
        wait_until(page, match.group(1), FIRST_BUILD_TIMEOUT)
        yield Server(process, page, source, match.group(1))
    finally:
        process.terminate()
        process.wait(timeout=60)


def bench(n: int, work: Path, edits: int, memory: int) -> dict[str, float]:
    catalog = generate(work / f"catalog-{n}", n)
    base_dir = baseline_project(catalog, work / f"baseline-{n}")
    ours_source = next((catalog / "entries").glob(f"{EDITED}-*.md"))
    base_source = base_dir / "docs" / "failure-modes" / f"{EDITED}.md"
    ours_times: list[float] = []
    base_times: list[float] = []
    row: dict[str, float] = {"entries": n}
    with serving(catalog, ours_source, f"failure-modes/{EDITED}/", dirty=True) as ours, \
            serving(base_dir, base_source, f"failure-modes/{EDITED}/", dirty=False) as base:
        for edit in range(edits):
            ours_times.append(ours.save(f"Benchmark edit {edit} of ours"))
            base_times.append(base.save(f"Benchmark edit {edit} of the baseline"))
    row.update(reload_s=min(ours_times), reload_median_s=statistics.median(ours_times),
               baseline_s=min(base_times), baseline_median_s=statistics.median(base_times))
    row["ratio"] = row["reload_median_s"] / row["baseline_median_s"]
    if memory:
        with serving(catalog, ours_source, f"failure-modes/{EDITED}/", dirty=True) as ours:
            for edit in range(memory):
                ours.save(f"Memory edit {edit}")
                if edit + 1 == min(5, memory):
                    row["rss_5_mib"] = rss_mib(ours.process.pid)
            row["rss_last_mib"] = rss_mib(ours.process.pid)
            row["memory_edits"] = memory
    return row


def report(rows: list[dict[str, float]]) -> str:
    columns = [("entries", "N", "{:.0f}"), ("reload_s", "reload s (best)", "{:.2f}"),
               ("reload_median_s", "reload s (median)", "{:.2f}"),
               ("baseline_s", "Material s (best)", "{:.2f}"),
               ("baseline_median_s", "Material s (median)", "{:.2f}"),
               ("ratio", "ours/Material", "{:.2f}"),
               ("rss_5_mib", "RSS MiB after 5", "{:.0f}"),
               ("rss_last_mib", "RSS MiB after all", "{:.0f}"),
               ("memory_edits", "saves", "{:.0f}")]
    lines = ["| " + " | ".join(title for _, title, _ in columns) + " |",
             "|" + "---|" * len(columns)]
    for row in rows:
        lines.append("| " + " | ".join(fmt.format(row[key]) if key in row else "-"
                                        for key, _, fmt in columns) + " |")
    lines.append("targets: reload <= 2 s and <= 1/3 of Material at N=1000; <= 5 s at N=5000; "
                 "RSS flat in the number of saves")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[42, 1000])
    parser.add_argument("--edits", type=int, default=3, help="timed saves per server")
    parser.add_argument("--memory", type=int, default=0,
                        help="then save this many times and report RSS after 5 and after all")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()
    run_sizes(args.sizes, lambda n, work: bench(n, work, args.edits, args.memory), report,
              keep=args.keep, json_path=args.json, prefix="fmcat-preview-bench-")


if __name__ == "__main__":
    main()

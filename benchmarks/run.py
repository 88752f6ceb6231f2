"""Benchmark harness: validate and build synthetic catalogs, report the figures.

For each size N it generates a catalog (see generate.py) and measures, each
in a fresh process: `fmcat validate`, the full site build with our hooks, and
a plain mkdocs-material build of the same Markdown without them (the
baseline). It reports wall time, peak memory (max RSS of the process), the
hook overhead against the baseline, entry-page HTML size, total site size and
the search payload a browser fetches for its first query.

Targets (issue #8) are printed next to the figures; they are reported, not
enforced, because timings depend on the machine. On a shared machine, use
`--repeat 3`: the three commands run interleaved and the fastest time of
each is reported.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate
from search_probe import probe

BIN = Path(sys.executable).parent


@dataclass
class Run:
    seconds: float
    peak_mib: float


def measure(argv: list[str], cwd: Path) -> Run:
    """Run a command and return its wall time and peak resident memory."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    stderr = process.stderr.read().decode() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{stderr[-3000:]}")
    return Run(elapsed, usage.ru_maxrss / 1024)


def baseline_project(catalog: Path, dest: Path) -> Path:
    """The same Markdown as a plain Material site: no hooks, no macros.

    Its nav lists only the home page, as ours keeps entries out of the nav; a
    nav of every page would make the baseline quadratic and flatter our hooks.
    """
    docs = dest / "docs"
    shutil.copytree(catalog / "docs", docs)
    for folder, url_dir in [("entries", "failure-modes"), ("playbooks", "playbooks"),
                            ("case-studies", "case-studies")]:
        (docs / url_dir).mkdir(exist_ok=True)
        for path in (catalog / folder).glob("*.md"):
            # FM-0001-title.md -> FM-0001.md; IDs grow past four digits (FM-10000).
            record_id = "-".join(path.name.split("-")[:2])
            (docs / url_dir / f"{record_id}.md").write_text(
                path.read_text(encoding="utf-8"), encoding="utf-8")
    (dest / "mkdocs.yml").write_text(
        "site_name: Baseline\ntheme:\n  name: material\n  font: false\n"
        "plugins:\n  - search\nmarkdown_extensions:\n  - toc:\n      permalink: true\n"
        "  - attr_list\n  - admonition\n  - tables\n  - pymdownx.superfences\n"
        "  - pymdownx.tasklist\nnav:\n  - Home: index.md\n"
        "validation:\n  nav:\n    omitted_files: ignore\n"
        "  links:\n    not_found: ignore\n    unrecognized_links: ignore\n", encoding="utf-8")
    return dest


def size_of(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def first_search(site: Path) -> tuple[float, float]:
    """Worst (bytes, seconds) of a first search in headless Chromium; (0, 0) without it."""
    probes = probe(site, ["FM-0007", "calibration", "null_rate"])
    if not probes:
        return 0.0, 0.0
    return (max(p.bytes_fetched for p in probes), max(p.seconds for p in probes))


def fastest(runs: list[Run]) -> Run:
    """The run least disturbed by other load; peak memory is the largest seen."""
    return Run(min(r.seconds for r in runs), max(r.peak_mib for r in runs))


def bench(n: int, work: Path, repeat: int = 1) -> dict[str, float]:
    catalog = generate(work / f"catalog-{n}", n)
    site = catalog / "site"
    base_dir = baseline_project(catalog, work / f"baseline-{n}")
    validates, fulls, bases = [], [], []
    # Interleaved, so that a slow spell of a shared machine hits all three.
    for _ in range(repeat):
        validates.append(measure([str(BIN / "fmcat"), "validate", "--root", str(catalog)],
                                 catalog))
        fulls.append(measure([str(BIN / "mkdocs"), "build", "-q", "-d", str(site)], catalog))
        bases.append(measure([str(BIN / "mkdocs"), "build", "-q", "-d",
                              str(base_dir / "site")], base_dir))
    validate, full, base = fastest(validates), fastest(fulls), fastest(bases)
    entry_page = site / "failure-modes" / "FM-0001" / "index.html"
    search_bytes, search_seconds = first_search(site)
    return {
        "entries": n,
        "validate_s": validate.seconds, "validate_mib": validate.peak_mib,
        "build_s": full.seconds, "build_mib": full.peak_mib,
        "baseline_s": base.seconds, "baseline_mib": base.peak_mib,
        "overhead": full.seconds / base.seconds - 1,
        "build_over_validate": full.seconds / validate.seconds,
        "entry_page_kib": entry_page.stat().st_size / 1024,
        "site_mib": size_of(site) / 2**20,
        "search_payload_mib": search_bytes / 2**20,
        "search_s": search_seconds,
    }


def report(rows: list[dict[str, float]]) -> str:
    columns = [("entries", "N", "{:.0f}"), ("validate_s", "validate s", "{:.2f}"),
               ("validate_mib", "validate MiB", "{:.0f}"), ("build_s", "build s", "{:.1f}"),
               ("build_mib", "build MiB", "{:.0f}"), ("baseline_s", "baseline s", "{:.1f}"),
               ("overhead", "hook overhead", "{:+.0%}"),
               ("build_over_validate", "build/validate", "{:.0f}x"),
               ("entry_page_kib", "entry page KiB", "{:.1f}"), ("site_mib", "site MiB", "{:.1f}"),
               ("search_payload_mib", "first search MiB", "{:.2f}"),
               ("search_s", "first search s", "{:.2f}")]
    lines = ["| " + " | ".join(title for _, title, _ in columns) + " |",
             "|" + "---|" * len(columns)]
    for row in rows:
        lines.append("| " + " | ".join(fmt.format(row[key]) for key, _, fmt in columns) + " |")
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        scale = last["entries"] / first["entries"]
        lines.append(f"\nbuild time grew {last['build_s'] / first['build_s']:.1f}x for "
                     f"{scale:.0f}x entries (target: at most {scale * 1.1:.0f}x)")
    lines.append("targets: hook overhead <= +25% at N=1000; build MiB < 2048 at N=20000; "
                 "entry page size flat in N; build/validate >= 10x; first search <= 2 MB "
                 "and < 1 s (headless Chromium; 0 when Chromium is missing)")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000])
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--repeat", type=int, default=1,
                        help="time each command this many times and keep the fastest")
    args = parser.parse_args()
    run_sizes(args.sizes, lambda n, work: bench(n, work, args.repeat), report,
              keep=args.keep, json_path=args.json, prefix="fmcat-bench-")


def run_sizes(sizes: list[int], measure: Callable[[int, Path], dict[str, float]],
              show: Callable[[list[dict[str, float]]], str], *, keep: Path | None,
              json_path: Path | None, prefix: str) -> None:
    """Measure each size in a work folder (kept if `keep`), printing the table as it grows.

    Printed as we go: a 20,000-entry run takes a while, and a later failure
    must not lose the earlier figures.
    """
    work = keep or Path(tempfile.mkdtemp(prefix=prefix))
    rows = []
    for n in sizes:
        rows.append(measure(n, work))
        print(show(rows), flush=True)
        if json_path:
            json_path.write_text(json.dumps(rows, indent=2))
    if not keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""The benchmark harness measures what it claims to measure."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

from fmcat.core.load import errors_of, load_catalog  # noqa: E402
from generate import generate  # noqa: E402
from run import Run, baseline_project, fastest  # noqa: E402


def test_baseline_gets_every_entry_including_five_digit_ids(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    (catalog / "docs").mkdir(parents=True)
    (catalog / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (catalog / "entries").mkdir()
    names = ["FM-0999-a.md", "FM-1000-b.md", "FM-10000-c.md", "FM-10001-d.md"]
    for name in names:
        (catalog / "entries" / name).write_text(f"# {name}\n", encoding="utf-8")
    base = baseline_project(catalog, tmp_path / "baseline")
    copied = sorted(p.name for p in (base / "docs" / "failure-modes").glob("*.md"))
    assert copied == ["FM-0999.md", "FM-1000.md", "FM-10000.md", "FM-10001.md"]
    assert (base / "docs" / "failure-modes" / "FM-10001.md").read_text() == "# FM-10001-d.md\n"


def test_fastest_keeps_the_shortest_time_and_the_largest_memory() -> None:
    assert fastest([Run(3.0, 100), Run(2.0, 90), Run(4.0, 120)]) == Run(2.0, 120)


def test_synthetic_catalogs_smaller_than_the_real_one_have_no_broken_links(
        tmp_path: Path) -> None:
    """Links are renumbered to synthetic positions, so any size validates.

    Bodies and playbooks used to keep real IDs, which broke as soon as the real
    catalog had more entries than a synthetic one (FM-0064 cited from a
    60-entry catalog).
    """
    real = len(list((REPO / "entries").glob("FM-*.md")))
    for n in (real // 2, real + 11):
        assert errors_of(load_catalog(generate(tmp_path / f"n{n}", n))) == [], n

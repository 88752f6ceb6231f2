"""What validates, builds: small mutated catalogs, validated and then really built.

Each example edits the fixture catalog where past bugs lived (titles,
aliases, thresholds, headings, code spans, explicit ids, Unicode), runs the
same checks as `fmcat validate`, and, when they report no error, a real
MkDocs build: it must succeed, publish every record and give each element
id of a record page once. Builds take seconds, so the examples are few and
derandomized: the same 16 catalogs on every run.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fmcat.core.findings import Severity
from fmcat.core.load import load_checked
from tests.conftest import FIXTURE, build_site, site_config_text

pytestmark = pytest.mark.slow  # the last test counts the builds of the first

FM1 = "entries/FM-0001-covariate-shift.md"
FM2 = "entries/FM-0002-prior-shift.md"
CS1 = "case-studies/CS-0001-drift-reuse.md"

SNIPPETS = [
    "```pip install x``` first.", "```", "~~~", "``` `` ```", "### Detection", "### History",
    "### Incidents", "## Symptoms {#detection}", "A paragraph.\n{: #summary }",
    '<span id="checklist">x</span>', "`{#detection}`", "Ünïcödé ✓ 🚀 \u202e text",
    "    ## indented code", "1. step\n2. step", "- [ ] item",
]
ALIASES = ["old/x/", "feed.xml", "matrix", "fm-0001", "api/catalog.json", "404.html",
           "FM-0098", "failure-modes/old/", "browse/x", "MP-0001", "Old/Prior-Shift"]
TITLES = ["Covariate shift ✓ in inputs", "Ünïcödé 🚀 drift", "日本語のタイトル",
          "{{ 7*7 }} and {% raw %}", "a < b & c > d", "שינוי התפלגות"]
BUILT: list[dict[str, object]] = []  # the examples that reached a build (see the last test)
SECTIONS = ["## Symptoms", "## Detection", "## Mitigation", "## Checklist"]

catalogs = st.fixed_dictionaries({
    # Hostile values are drawn a third of the time: the property only speaks of
    # catalogs that validate, so most examples must.
    "title": st.one_of(st.sampled_from(TITLES), st.sampled_from(TITLES), st.text(max_size=30)),
    "threshold": st.one_of(st.just(0.25), st.floats(allow_nan=True, allow_infinity=True),
                           st.floats(min_value=-1e9, max_value=1e9)),
    "before": st.one_of(st.just(21), st.floats(allow_nan=True, allow_infinity=True),
                        st.integers(-10**6, 10**6)),
    "alias": st.one_of(st.just("old/x/"), st.just("old/y/"), st.sampled_from(ALIASES)),
    "snippet": st.sampled_from(SNIPPETS),
    "section": st.sampled_from(SECTIONS),
})


def _write(root: Path, change: dict[str, object]) -> None:
    def edit(rel: str, old: str, new: str) -> None:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    title = yaml.safe_dump(change["title"], allow_unicode=True).split("\n...")[0].strip()
    edit(FM1, "title: Covariate shift in input features", f"title: {title}")
    edit(FM1, "threshold: 0.25", f"threshold: {yaml.safe_dump(change['threshold']).split()[0]}")
    edit(CS1, "before: 21", f"before: {yaml.safe_dump(change['before']).split()[0]}")
    edit(FM2, '"old/prior-shift/"', f'"{change["alias"]}"')
    edit(FM1, f"{change['section']}\n", f"{change['section']}\n\n{change['snippet']}\n")


@settings(max_examples=16, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(catalogs)
def test_a_catalog_that_validates_builds(change: dict[str, object]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "catalog"
        shutil.copytree(FIXTURE, root)
        (root / "mkdocs.yml").write_text(site_config_text(), encoding="utf-8")
        _write(root, change)
        catalog = load_checked(root)
        if any(f.severity is Severity.ERROR for f in catalog.findings):
            return
        BUILT.append(change)
        site = build_site(root)
        for entry in catalog.entries.values():
            page = site / entry.kind.url(entry.id) / "index.html"
            assert page.is_file(), entry.id
        html = BeautifulSoup((site / "failure-modes/FM-0001/index.html").read_text(
            encoding="utf-8"), "html.parser")
        ids = [tag["id"] for tag in html.find_all(id=True)]
        assert sorted(ids) == sorted(set(ids))


def test_some_examples_reached_a_build() -> None:
    """Runs after the property test in this file: it must not refuse them all."""
    assert len(BUILT) >= 5, BUILT

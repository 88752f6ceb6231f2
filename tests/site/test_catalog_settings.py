"""What the site says about a catalog comes from its `fmcat.yml`: the example-data
notices, and a warning when the generator's site_name says another name."""

from __future__ import annotations

import logging
from pathlib import Path

from bs4 import BeautifulSoup

from fmcat.authoring.init import init_catalog
from fmcat.core.load import load_catalog
from fmcat.site.build import SiteBuild
from fmcat.site.derived import derive
from fmcat.site.home import home_summary
from fmcat.site.plan import plan_site


def _pages(root: Path) -> dict[str, str]:
    return {f.src_uri: f.content for f in plan_site(load_catalog(root)).files}


def test_example_data_notices_follow_the_flag(root: Path) -> None:
    pages = _pages(root)  # the fixture says example_data: true
    for uri in ("trends/index.md", "metrics/index.md"):
        assert "Example data" in BeautifulSoup(pages[uri], "html.parser").get_text()
    (root / "fmcat.yml").write_text("name: Real KB\nexample_data: false\n", encoding="utf-8")
    pages = _pages(root)
    for uri in ("trends/index.md", "metrics/index.md"):
        assert "xample data" not in pages[uri]
    catalog = load_catalog(root)
    assert home_summary(catalog, derive(catalog))["example_data"] is False


def test_a_catalog_without_fmcat_yml_claims_no_example_data(root: Path) -> None:
    (root / "fmcat.yml").unlink()
    assert not [uri for uri, text in _pages(root).items() if "xample data" in text]


def _messages(root: Path, site_name: str) -> list[tuple[int, str]]:
    build = SiteBuild(root, root / "docs", site_name=site_name, site_url=None,
                      directory_urls=True, serving=True)
    build.close()
    return build.messages


def test_a_site_name_other_than_the_catalogs_name_is_a_warning(root: Path) -> None:
    (root / "fmcat.yml").write_text("name: Adversarial ML KB\n", encoding="utf-8")
    assert not [m for m in _messages(root, "Adversarial ML KB") if "site_name" in m[1]]
    warned = [m for m in _messages(root, "Failure Mode Catalog") if "site_name" in m[1]]
    assert warned == [(logging.WARNING, "mkdocs.yml: site_name 'Failure Mode Catalog' differs "
                       "from name 'Adversarial ML KB' in fmcat.yml; set both to the same name")]
    (root / "fmcat.yml").write_text("example_data: true\n", encoding="utf-8")  # no name: no claim
    assert not [m for m in _messages(root, "Anything") if "site_name" in m[1]]


def test_a_new_catalogs_home_lists_say_none_yet(tmp_path: Path) -> None:
    """A catalog from `fmcat init` has no records: its home page's lists say so
    instead of leaving a heading over nothing."""
    root = tmp_path / "kb"
    init_catalog(root)
    catalog = load_catalog(root)
    summary = home_summary(catalog, derive(catalog))
    for key in ("most_severe", "most_frequent", "recent_changes"):
        assert summary[key] == "<p>None yet.</p>", key

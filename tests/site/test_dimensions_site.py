"""A catalog that adds, renames and removes a tag dimension, retitles an axis and
says "unknown" builds a site that follows its taxonomy (issue #15 items 1, 2, 4)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from fmcat.core.load import load_checked
from tests.conftest import build_site, copy_repo, read_page, site_config_text

ATTACK_SURFACE = """
  attack_surface:
    title: Attack surface
    short: Surface
    applies_to: [failure-mode, playbook]
    values:
      public-api:
        title: Public API
        description: Anyone on the internet can send inputs.
      training-pipeline:
        title: Training pipeline
"""


def _sub(path: Path, pattern: str, replacement: str, *, count: int = 0) -> None:
    text = path.read_text(encoding="utf-8")
    new, done = re.subn(pattern, replacement, text, count=count, flags=re.MULTILINE)
    assert done, (path, pattern)
    path.write_text(new, encoding="utf-8")


def _retaxonomize(root: Path) -> None:
    taxonomy = root / "taxonomy.yml"
    # removed: environment (failure modes and incidents lose the field)
    _sub(taxonomy, r"^  environment:\n(?:    .*\n|      .*\n)+", "", count=1)
    # renamed: customer_segment becomes audience
    _sub(taxonomy, r"^  customer_segment:\n    title: Customer segment\n    short: Segment\n",
         "  audience:\n    title: Audience\n", count=1)
    # added: attack_surface, optional, on failure modes and playbooks
    _sub(taxonomy, r"^dimensions:\n", "dimensions:" + ATTACK_SURFACE, count=1)
    _sub(taxonomy, r"^review_every_days: 180\n", "review_every_days: 180\n"
         "unknown_allowed: [severity, time_to_remediate]\n"
         "axes:\n  category: {title: Tactic, plural: Tactics}\n", count=1)
    for path in [*(root / "entries").glob("*.md"), *(root / "incidents").rglob("*.yml")]:
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"^environment: .*\n", "", text, flags=re.MULTILINE)
        text = re.sub(r"^customer_segment:", "audience:", text, flags=re.MULTILINE)
        path.write_text(text, encoding="utf-8")
    fm1 = next((root / "entries").glob("FM-0001-*.md"))
    _sub(fm1, r"^audience:", "attack_surface: [public-api]\naudience:", count=1)
    _sub(fm1, r"^severity: \w+", "severity: unknown", count=1)
    mp1 = next((root / "playbooks").glob("MP-0001-*.md"))
    _sub(mp1, r"^time_to_remediate: \w+", "time_to_remediate: unknown", count=1)
    _sub(mp1, r"^owner:", "attack_surface: [training-pipeline]\nowner:", count=1)


@pytest.fixture(scope="module")
def changed_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = copy_repo(tmp_path_factory.mktemp("dims") / "repo").resolve()
    (root / "mkdocs.yml").write_text(site_config_text(root), encoding="utf-8")
    _retaxonomize(root)
    return root, build_site(root)


@pytest.mark.slow
def test_the_changed_taxonomy_validates_with_only_the_unknowns_to_finish(
        changed_site: tuple[Path, Path]) -> None:
    root, _ = changed_site
    findings = load_checked(root).findings
    assert [(f.file.split("/")[0], f.field, f.code) for f in findings
            if f.severity.value != "notice"] == [
        ("entries", "severity", "FMC110"), ("playbooks", "time_to_remediate", "FMC110")]


@pytest.mark.slow
def test_the_card_and_the_browse_pages_follow_the_taxonomy(
        changed_site: tuple[Path, Path]) -> None:
    _, site = changed_site
    card = read_page(site, "failure-modes/FM-0001/").find("section", id="summary")
    groups = [dt.get_text(strip=True).rstrip(":") for dt in card.select(".fmcat-card__chips dt")]
    assert groups == ["Tactic", "Latent condition", "Lifecycle stage", "Attack surface",
                      "Data domain", "Model family", "Audience"]
    chips = {a.get_text(): a["href"] for a in card.select("a.fmcat-chip")}
    assert chips["Public API"] == "../../browse/attack-surface/public-api/"
    facts = {dt.get_text(strip=True): dd.get_text(" ", strip=True)
             for dt, dd in zip(card.select(".fmcat-card__facts dt"),
                               card.select(".fmcat-card__facts dd"), strict=True)}
    assert facts["Severity"] == "Unknown"
    value = read_page(site, "browse/attack-surface/public-api/")
    assert value.find("h1").get_text(strip=True).rstrip("¶") == "Attack surface: Public API"
    assert [a["href"] for a in value.select(".fmcat-listing a")] == [
        "../../../failure-modes/FM-0001/"]
    assert (site / "browse/audience/enterprise/index.html").is_file()
    assert not (site / "browse/environment").exists()
    assert not (site / "browse/customer-segment").exists()
    assert read_page(site, "browse/category/").find("h1").get_text(strip=True).rstrip("¶") \
        == "Tactic"
    playbook = read_page(site, "playbooks/MP-0001/").find("section", id="summary")
    assert "Unknown" in playbook.get_text(" ", strip=True)
    assert playbook.select_one('a.fmcat-chip[href$="browse/attack-surface/training-pipeline/"]')


@pytest.mark.slow
def test_the_catalog_table_facets_follow_the_taxonomy(changed_site: tuple[Path, Path]) -> None:
    _, site = changed_site
    page = read_page(site, "failure-modes/")
    selects = [s["name"] for s in page.select("#fmcat-filters select")]
    assert selects == ["severity", "category", "stages", "causes", "attack-surface",
                       "data-domain", "model-family", "audience", "status"]
    headers = [th.get_text(strip=True) for th in page.select("table.fmcat-catalog th")]
    assert headers[5:10] == ["Tactic", "Stages", "Surface", "Data domain", "Model family"]
    assert "Audience" in headers and "Environment" not in headers
    row = page.select_one('table.fmcat-catalog tr[data-id="FM-0001"]')
    assert row["data-attack-surface"] == "public-api"
    assert row.find_all("td")[2].get_text(strip=True) == "Unknown"


@pytest.mark.slow
def test_the_api_and_the_schemas_follow_the_taxonomy(changed_site: tuple[Path, Path]) -> None:
    _, site = changed_site
    document = json.loads((site / "api/catalog.json").read_text(encoding="utf-8"))
    fm1 = next(m for m in document["failure_modes"] if m["id"] == "FM-0001")
    assert fm1["attack_surface"] == ["public-api"]
    assert "audience" in fm1 and "environment" not in fm1 and "dimensions" not in fm1
    assert fm1["severity"] == "unknown"  # the literal, never a number
    assert all("environment" not in i for i in document["incidents"])
    schema = json.loads((site / "api/schema/failure-mode.json").read_text(encoding="utf-8"))
    assert schema["properties"]["attack_surface"]["items"]["enum"] == [
        "public-api", "training-pipeline"]
    assert {"audience", "data_domain"} <= set(schema["properties"])
    assert not {"environment", "customer_segment", "dimensions"} & set(schema["properties"])
    source = json.loads((site / "api/schema/source/failure-mode.json").read_text("utf-8"))
    assert "audience" in source["required"] and "attack_surface" not in source["required"]

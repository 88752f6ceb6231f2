"""The catalog's own name, from its `fmcat.yml`, in everything the engine writes
for it: feeds, JSON Schemas, alert rules. The engine names no catalog."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml

from fmcat.cli.main import main
from fmcat.core.load import load_catalog
from fmcat.exports.alerts import render_prometheus
from fmcat.exports.documents import write_api_stream
from fmcat.site.plan import plan_site

NAME = "Adversarial ML KB"
ATOM = "{http://www.w3.org/2005/Atom}"
PRODUCT = "Failure Mode Catalog"


@pytest.fixture
def named(root: Path) -> Path:
    (root / "fmcat.yml").write_text(f"name: {NAME}\n", encoding="utf-8")
    return root


def test_the_feeds_carry_the_catalogs_name_as_title_and_author(named: Path) -> None:
    files = {f.src_uri: f.content for f in plan_site(load_catalog(named)).files}
    atom = ElementTree.fromstring(files["feed.xml"])
    assert atom.findtext(f"{ATOM}title") == f"{NAME}: changes"
    assert atom.findtext(f"{ATOM}author/{ATOM}name") == f"{NAME} stewards"
    assert json.loads(files["feed.json"])["title"] == f"{NAME}: changes"
    assert PRODUCT not in files["feed.xml"] + files["feed.json"]


def test_the_published_catalog_schema_is_titled_with_the_catalogs_name(
        named: Path, tmp_path: Path) -> None:
    write_api_stream(load_catalog(named), tmp_path / "site")
    schema = tmp_path / "site" / "api" / "schema" / "catalog.json"
    assert json.loads(schema.read_text(encoding="utf-8"))["title"] == NAME
    texts = [p.read_text(encoding="utf-8") for p in (tmp_path / "site").rglob("*.json")]
    assert not [text for text in texts if PRODUCT in text]


def test_export_schema_reads_the_name_from_root(named: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "schema", "--root", str(named)]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == NAME
    (named / "fmcat.yml").write_text("name: KB\nnmae: typo\n", encoding="utf-8")
    assert main(["export", "schema", "--root", str(named)]) == 1
    err = capsys.readouterr().err
    assert "fmcat.yml:2" in err and "FMC010" in err
    assert main(["export", "schema", "--root", str(tmp_path / "missing")]) == 2


def test_alert_rules_say_which_catalog_made_them(named: Path) -> None:
    text = render_prometheus(load_catalog(named), "https://kb.example.com/")
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert f"# {NAME}. Do not edit: change the entry's detectors instead." in header
    assert PRODUCT not in text
    assert yaml.safe_load(text)["groups"]  # the header is only comments


def test_a_name_that_would_start_a_ci_command_is_inert_in_the_alert_header(root: Path) -> None:
    (root / "fmcat.yml").write_text('name: "KB ##[error]x"\n', encoding="utf-8")
    text = render_prometheus(load_catalog(root), None)
    assert "##[" not in text

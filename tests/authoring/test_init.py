"""`fmcat init`: a new catalog folder that validates, takes its first records and
builds strictly, with the engine's theme and no trace of this repository."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from fmcat.cli.main import main
from fmcat.core.load import load_catalog
from tests.conftest import REPO, build_site, read_page

NAME = "Payments ML: failure modes"


def _init(dest: Path, *args: str) -> int:
    return main(["init", str(dest), *args])


def test_init_writes_a_catalog_that_passes_strict_validation_with_zero_records(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "kb"
    assert _init(root, "--name", NAME) == 0
    written = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert written == [".github/workflows/catalog.yml", ".gitignore", "CODEOWNERS", "README.md",
                       "docs/contributing.md", "docs/index.md", "fmcat.yml",
                       "hooks/fmcat_hooks.py", "mkdocs.yml", "taxonomy.yml"]
    assert (root / "hooks" / "fmcat_hooks.py").read_bytes() == \
        (REPO / "hooks" / "fmcat_hooks.py").read_bytes()
    site_config = yaml.load((root / "mkdocs.yml").read_text(encoding="utf-8"),
                            Loader=_EnvLoader)
    assert site_config["site_name"] == NAME
    assert "custom_dir" not in site_config["theme"] and "extra_css" not in site_config
    catalog = load_catalog(root)
    assert catalog.settings.name == NAME and not catalog.settings.example_data
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert readme.startswith(f"# {NAME}\n")
    assert "fmcat validate --strict" in readme and "mkdocs build --strict" in readme
    capsys.readouterr()
    assert main(["validate", "--strict", "--root", str(root)]) == 0
    assert main(["codeowners", "--check", "--root", str(root)]) == 0
    text = "\n".join(p.read_text(encoding="utf-8") for p in root.rglob("*") if p.is_file())
    assert "Failure Mode Catalog" not in text and "@fmcat/" not in text


class _EnvLoader(yaml.SafeLoader):
    """mkdocs.yml's `!ENV [NAME, default]` read as its default."""


_EnvLoader.add_constructor("!ENV", lambda loader, node: loader.construct_sequence(node)[-1])


@pytest.mark.parametrize("existing", ["file", "folder"])
def test_init_refuses_a_folder_that_is_not_empty(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], existing: str) -> None:
    root = tmp_path / "kb"
    root.mkdir()
    if existing == "file":
        (root / "notes.md").write_text("mine\n", encoding="utf-8")
    else:
        (root / "entries").mkdir()
    before = sorted(root.rglob("*"))
    assert _init(root) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and "not empty" in err
    assert sorted(root.rglob("*")) == before  # nothing written


def test_init_refuses_a_file_and_a_name_that_is_not_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert _init(tmp_path / "file") == 2
    assert _init(tmp_path / "kb", "--name", "KB\nsite_name: injected") == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and "one line" in err[1]
    assert not (tmp_path / "kb").exists()


def test_init_names_the_catalog_after_its_folder_by_default(tmp_path: Path) -> None:
    assert _init(tmp_path / "fraud-ml_kb") == 0
    assert load_catalog(tmp_path / "fraud-ml_kb").settings.name == "Fraud ml kb"


def test_starter_copies_this_repositorys_catalog_as_example_data(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "kb"
    assert _init(root, "--starter") == 0
    for item in ("entries", "playbooks", "case-studies", "incidents"):
        ours = sorted(p.name for p in (REPO / item).rglob("*") if p.is_file())
        assert sorted(p.name for p in (root / item).rglob("*") if p.is_file()) == ours
    assert (root / "taxonomy.yml").read_bytes() == (REPO / "taxonomy.yml").read_bytes()
    catalog = load_catalog(root)
    assert catalog.settings.example_data
    assert len(catalog.entries) == len(load_catalog(REPO).entries) > 0
    capsys.readouterr()
    assert main(["validate", "--strict", "--root", str(root)]) == 0
    assert main(["codeowners", "--check", "--root", str(root)]) == 0


# --- a first record, built ------------------------------------------------------

VOCABULARY = {
    "categories": {"payments-data": {"title": "Payments data"}},
    "stages": {"serving": {"title": "Serving"}},
    "causes": {"schema-change": {"title": "Schema change"}},
    "dimensions": {
        "payment_method": {"title": "Payment method", "required": True,
                           "values": {"card": {"title": "Card"}}},
        "model_family": {"title": "Model family",
                         "values": {"gbdt": {"title": "Gradient-boosted trees"}}},
    },
    "signals": {"null_rate": {"title": "Share of null values", "unit": "ratio",
                              "metric": "payments_feature_null_rate", "kind": "gauge"}},
    "stewards": {"@payments/ml": {"title": "Payments ML"}},
}

PLAYBOOK_FIELDS = {
    'summary: ""': "summary: Re-map renamed upstream fields and backfill the affected features.",
    "kinds: []": "kinds: [respond]",
    'steps:\n  - ""': "steps:\n  - Freeze the model's input contract.\n  - Re-map the fields.",
    'fallback: ""': "fallback: Serve the previous model version.",
    'rollback: ""': "rollback: Restore the previous field mapping.",
    'when: ""': "when: The null rate stays above target after the re-map.",
    'tradeoffs:\n  - ""': "tradeoffs:\n  - A frozen contract delays upstream changes.",
    'title: ""\n    url: ""': "title: Contract test\n    url: https://ci.example.com/contract",
    "references: []": "references:\n  - {title: Schema evolution, url: https://example.com/s}",
    "[its title](FM-0000)": "[the renamed field](FM-0001)",
}

FAILURE_MODE_FIELDS = {
    'summary: ""': "summary: An upstream rename turns a feature into nulls the model scores.",
    'category: ""': "category: payments-data",
    "stages: []": "stages: [serving]",
    "causes: []": "causes: [schema-change]",
    'effects:\n  - ""': "effects:\n  - Fraud scores drift low.",
    "payment_method: []": "payment_method: [card]",
    "model_family: []": "model_family: [gbdt]",
    'severity: ""          #': "severity: high          #",
    'frequency: ""': "frequency: occasional",
    'description: ""': "description: Missed fraud on merchant payments.",
    "kpis: []": "kpis: [fraud loss]",
    '- signal: ""': "- signal: null_rate",
    "threshold: 0": "threshold: 0.05",
    'severity: ""\n': "severity: high\n",
    'scope: ""': "scope: each model input, against its training share",
    "playbook: MP-0000": "playbook: MP-0001",
    'kind: ""': "kind: respond",
    'use: ""': "use: Re-map the renamed field.",
    'title: ""\n    url: ""': "title: Null rates\n    url: https://dash.example.com/nulls",
    "references: []": "references:\n  - {title: Schema evolution, url: https://example.com/s}",
    "Why each detector's threshold and window are where they are.":
        "A null rate of 0.05 is five times the share seen in training.",
}


def _fill(path: Path, fields: dict[str, str]) -> None:
    text = path.read_text(encoding="utf-8")
    for placeholder, value in fields.items():
        assert placeholder in text, f"{path.name}: no {placeholder!r} in the template"
        text = text.replace(placeholder, value, 1)
    path.write_text(text.replace("status: draft", "status: active"), encoding="utf-8")


@pytest.mark.slow
def test_a_new_catalog_takes_its_first_records_and_builds_strictly(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "kb"
    assert _init(root, "--name", NAME) == 0
    taxonomy_path = root / "taxonomy.yml"
    taxonomy = yaml.safe_load(taxonomy_path.read_text(encoding="utf-8"))
    taxonomy_path.write_text(yaml.safe_dump({**taxonomy, **VOCABULARY}), encoding="utf-8")
    capsys.readouterr()
    steward = ["--steward", "@payments/ml", "--root", str(root)]
    assert main(["new", "playbook", "Re-map renamed fields", *steward]) == 0
    assert main(["new", "failure-mode", "Renamed upstream field", *steward]) == 0
    created = capsys.readouterr().out.split()
    assert created == ["playbooks/MP-0001-re-map-renamed-fields.md",
                       "entries/FM-0001-renamed-upstream-field.md"]
    _fill(root / created[0], PLAYBOOK_FIELDS)
    _fill(root / created[1], FAILURE_MODE_FIELDS)
    assert main(["validate", "--strict", "--root", str(root)]) == 0, capsys.readouterr().out
    assert main(["codeowners", "--check", "--root", str(root)]) == 0

    site = build_site(root, strict=True)
    page = read_page(site, "failure-modes/FM-0001/")
    assert page.find("h1").get_text(" ", strip=True) == "FM-0001 Renamed upstream field"
    assert page.select_one(".fmcat-card") is not None  # the engine's theme, from the package
    assert {link["href"].rsplit("/", 1)[-1] for link in page.select("link[rel=stylesheet]")
            if "assets/fmcat" in link["href"]} == {"fmcat.css", "fmcat-charts.css"}
    assert (site / "assets" / "fmcat.css").is_file() and (site / "assets" / "fmcat.js").is_file()
    home = read_page(site, "")
    assert home.find("h1").get_text(strip=True).rstrip("¶") == NAME
    assert re.search(r"holds\s+1 failure modes", home.get_text())
    assert "example data" not in home.get_text()
    assert read_page(site, "playbooks/MP-0001/").find("a", href="../../failure-modes/FM-0001/")
    feed = (site / "feed.xml").read_text(encoding="utf-8")
    assert f"<author><name>{NAME} stewards</name></author>" in feed
    leaked = [p.relative_to(site).as_posix() for p in site.rglob("*")
              if p.suffix in {".html", ".xml", ".json"}
              and "Failure Mode Catalog" in p.read_text(encoding="utf-8")]
    assert leaked == []

"""`fmcat.yml`: the catalog's name and example-data flag, and its mistakes as findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from fmcat.core.load import load_catalog
from fmcat.core.settings import DEFAULT_NAME, SETTINGS_FILE, CatalogSettings, load_settings


def test_a_catalog_without_fmcat_yml_has_a_neutral_name_and_real_data(root: Path) -> None:
    (root / SETTINGS_FILE).unlink()
    settings, findings = load_settings(root)
    assert (settings, findings) == (CatalogSettings(), [])
    assert settings.name == DEFAULT_NAME and not settings.example_data
    assert not settings.names_itself


def test_the_catalog_reads_its_name_and_flag(root: Path) -> None:
    (root / SETTINGS_FILE).write_text("name: Adversarial ML KB\nexample_data: false\n",
                                      encoding="utf-8")
    catalog = load_catalog(root)
    assert catalog.settings.name == "Adversarial ML KB"
    assert catalog.settings.names_itself and not catalog.settings.example_data
    assert [f for f in catalog.findings if f.file == SETTINGS_FILE] == []


@pytest.mark.parametrize(("text", "code", "line", "field"), [
    ("name: KB\nexampel_data: true\n", "FMC010", 2, "exampel_data"),
    ("name: KB\nexample_data: maybe\n", "FMC012", 2, "example_data"),
    ('name: "KB\\nInjected: line"\n', "FMC012", 1, "name"),
    ('name: "KB\\u2028"\n', "FMC012", 1, "name"),
    ('name: "   "\n', "FMC012", 1, "name"),
    ("name: KB\nexample_data: [true\n", "FMC005", 3, ""),
])
def test_a_broken_fmcat_yml_is_a_finding_naming_file_line_and_field(
        root: Path, text: str, code: str, line: int, field: str) -> None:
    (root / SETTINGS_FILE).write_text(text, encoding="utf-8")
    catalog = load_catalog(root)
    found = [f for f in catalog.findings if f.file == SETTINGS_FILE]
    assert [(f.code, f.line) for f in found][:1] == [(code, line)], found
    assert found[0].field == field and found[0].hint
    assert catalog.settings == CatalogSettings()  # the defaults, not half a file

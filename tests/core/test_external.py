"""External ID schemes: the taxonomy's declarations, the record rules and the links."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from fmcat.core.external import ExternalScheme, id_sort_key
from fmcat.core.load import load_catalog
from fmcat.core.taxonomy import load_taxonomy
from tests.conftest import FIXTURE, REPO

FM1 = "entries/FM-0001-covariate-shift.md"
FM2 = "entries/FM-0002-prior-shift.md"
TODAY = date(2026, 11, 25)
GOOD_ATLAS = """  atlas:
    title: MITRE ATLAS
    pattern: 'AML\\.T[0-9]{4}(\\.[0-9]{3})?'
    url: https://atlas.mitre.org/techniques/{id}
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "catalog"
    shutil.copytree(FIXTURE, root)
    return root


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, marker: str) -> int:
    text = path.read_text(encoding="utf-8")
    return text[: text.index(marker)].count("\n") + 1


def test_the_fixture_declares_schemes_and_loads_them(root: Path) -> None:
    taxonomy, findings = load_taxonomy(root)
    assert findings == []
    assert taxonomy is not None
    assert set(taxonomy.external_schemes) == {"atlas", "ticket"}


def test_the_repository_schemes_accept_the_ids_its_entries_cite() -> None:
    taxonomy, findings = load_taxonomy(REPO)
    assert findings == []
    assert taxonomy is not None
    atlas, owasp = taxonomy.external_schemes["atlas"], taxonomy.external_schemes["owasp-llm"]
    assert atlas.matches("AML.T0051") and atlas.matches("AML.T0051.001")
    assert not atlas.matches("AML.T051") and not atlas.matches("xAML.T0051")
    assert not atlas.matches("AML.T0051.1")
    assert all(owasp.matches(f"LLM{n:02d}:2025") for n in range(1, 11))
    assert not owasp.matches("LLM11:2025") and not owasp.matches("LLM01:2023")
    assert not owasp.matches("LLM00:2025")


@pytest.mark.parametrize(("scheme", "field", "message", "hint"), [
    ("  atlas:\n    title: ATLAS\n    pattern: 'AML\\.T[0-9'\n", "external_schemes.atlas.pattern",
     "does not compile", "regular expression"),
    ("  atlas:\n    title: ATLAS\n    pattern: x\n    url: https://atlas.mitre.org/\n",
     "external_schemes.atlas.url", "has no {id}", "holding {id}"),
    ("  atlas:\n    title: ATLAS\n    pattern: x\n    url: javascript:alert({id})\n",
     "external_schemes.atlas.url", "not an absolute http(s) URL", "holding {id}"),
    ("  atlas:\n    title: ATLAS\n    pattern: x\n    url: //atlas.mitre.org/{id}\n",
     "external_schemes.atlas.url", "not an absolute http(s) URL", "holding {id}"),
    ("  atlas:\n    title: ATLAS\n    pattern: x\n    home: ftp://atlas.mitre.org/\n",
     "external_schemes.atlas.home", "not an absolute http(s) URL", "own list"),
    ("  Atlas:\n    title: ATLAS\n    pattern: x\n", "external_schemes.Atlas.[key]",
     "should match pattern", "slug"),
    ("  atlas:\n    title: ATLAS\n    pattern: x\n    link: https://x/{id}\n",
     "external_schemes.atlas.link", "Extra inputs", "{title, pattern"),
])
def test_a_bad_scheme_is_a_finding_naming_the_taxonomy_line_and_a_hint(
        root: Path, scheme: str, field: str, message: str, hint: str) -> None:
    path = root / "taxonomy.yml"
    text = path.read_text(encoding="utf-8")
    start = text.index("external_schemes:\n")
    path.write_text(text[:start] + "external_schemes:\n" + scheme, encoding="utf-8")
    taxonomy, findings = load_taxonomy(root)
    assert taxonomy is None  # fail closed: a broken pattern never reaches the checks
    [found] = findings
    assert (found.code, found.file, found.field) == ("FMC031", "taxonomy.yml", field)
    assert message in found.message
    assert hint in found.hint
    key_line = _line_of(path, "  " + field.split(".")[1] + ":")
    assert key_line <= found.line <= key_line + 3


def test_an_unknown_scheme_suggests_the_closest(root: Path) -> None:
    _edit(root / FM1, "  atlas: [", "  atlass: [")
    [found] = [f for f in load_catalog(root, today=TODAY).findings if f.code == "FMC037"]
    assert found.field == "external_ids.atlass"
    assert found.line == _line_of(root / FM1, "  atlass:")
    assert found.hint == "did you mean 'atlas'?"


def test_a_catalog_without_schemes_says_where_to_declare_one(root: Path) -> None:
    path = root / "taxonomy.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:text.index("external_schemes:\n")], encoding="utf-8")
    found = [f for f in load_catalog(root, today=TODAY).findings if f.code == "FMC037"]
    assert {f.field for f in found} == {"external_ids.atlas", "external_ids.ticket"}
    assert "external_schemes: in taxonomy.yml" in found[0].hint


def test_an_id_off_pattern_names_the_pattern_and_an_example(root: Path) -> None:
    _edit(root / FM1, '["AML.T0031"]', '["AML.T0031", "aml.t0031 "]')
    [found] = [f for f in load_catalog(root, today=TODAY).findings if f.code == "FMC038"]
    assert found.field == "external_ids.atlas.1"
    assert "'aml.t0031' is not a MITRE ATLAS ID" in found.message  # stripped, whole-ID match
    assert "AML\\.T[0-9]{4}" in found.hint and "e.g. AML.T0051" in found.hint


def test_an_alias_shaped_like_an_external_id_is_refused(root: Path) -> None:
    """Several records may share an ID (a technique covers several failure
    modes), so a redirect from it would pick one of them."""
    _edit(root / FM2, '"old/prior-shift/"', '"aml.t0031"')
    [found] = [f for f in load_catalog(root, today=TODAY).findings if f.code == "FMC023"]
    assert found.field == "aliases.1"
    assert "MITRE ATLAS" in found.message and "external_ids" in found.hint


def test_the_url_template_cannot_be_steered_by_the_id() -> None:
    scheme = ExternalScheme(title="T", pattern=".+", url="https://example.org/t/{id}")
    assert scheme.link("AML.T0051") == "https://example.org/t/AML.T0051"
    assert scheme.link("../../evil?x=1#y") == "https://example.org/t/..%2F..%2Fevil%3Fx%3D1%23y"
    assert scheme.link("LLM01:2025") == "https://example.org/t/LLM01%3A2025"


def test_without_a_template_an_id_links_to_the_schemes_home_or_nowhere() -> None:
    home = ExternalScheme(title="T", pattern=".+", home="https://example.org/list/")
    assert home.link("LLM01:2025") == "https://example.org/list/"
    assert ExternalScheme(title="T", pattern=".+").link("OPS-1") == ""


def test_ids_sort_naturally_and_techniques_before_their_sub_techniques() -> None:
    ids = ["LLM10:2025", "AML.T0051.001", "LLM02:2025", "AML.T0051", "AML.T0010.002",
           "OPS-100", "OPS-9"]
    assert sorted(ids, key=id_sort_key) == [
        "AML.T0010.002", "AML.T0051", "AML.T0051.001", "LLM02:2025", "LLM10:2025",
        "OPS-9", "OPS-100"]

"""Vocabularies and labels a catalog sets in taxonomy.yml (issue #15, item 2):
severities (colour, pages), mitigation kinds, units, sections, completeness rules."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from fmcat.cli.main import main
from fmcat.core.findings import Finding
from fmcat.core.load import load_checked
from fmcat.core.taxonomy import Taxonomy, load_taxonomy
from fmcat.core.vocabularies import MIN_CONTRAST, STYLE_TOKENS, contrast_with_white
from fmcat.site.records.sections import detector_rows
from fmcat.site.views import severity_css
from tests.conftest import build_site, read_page

FIVE_LEVELS = """severities:
  negligible: {rank: 1, definition: Nothing to see., colour: teal, pages: false}
  minor: {rank: 2, definition: A nuisance., colour: "#1565c0", pages: false}
  moderate: {rank: 3, definition: Someone should look., colour: brown, pages: false}
  major: {rank: 4, definition: Someone must look today., colour: "#b00", pages: true}
  catastrophic: {rank: 5, definition: Wake everyone., colour: "#4a148c", pages: true}
"""


def _replace_block(text: str, key: str, block: str) -> str:
    """The taxonomy with its top-level `key:` block replaced by `block`."""
    pattern = re.compile(rf"^{key}:\n(?:[ #].*\n|\n)*?(?=^\S)", re.MULTILINE)
    assert pattern.search(text), key
    return pattern.sub(block.replace("\\", "\\\\") + "\n", text, count=1)


def _edit(root: Path, key: str, block: str) -> None:
    path = root / "taxonomy.yml"
    path.write_text(_replace_block(path.read_text(encoding="utf-8"), key, block),
                    encoding="utf-8")


def _append(root: Path, text: str) -> None:
    path = root / "taxonomy.yml"
    path.write_text(path.read_text(encoding="utf-8") + "\n" + text, encoding="utf-8")


def _replace(root: Path, name: str, old: str, new: str, count: int = -1) -> None:
    path = next(root.glob(name))
    text = path.read_text(encoding="utf-8")
    assert old in text, (name, old)
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _five_level_catalog(root: Path) -> None:
    """The fixture on a five-level scale: high → major, the rest spread over it."""
    _edit(root, "severities", FIVE_LEVELS)
    renames = {"low": "negligible", "medium": "moderate", "high": "major",
               "critical": "catastrophic"}
    for path in [*root.glob("entries/*.md"), *root.glob("incidents/**/*.yml")]:
        text = path.read_text(encoding="utf-8")
        for old, new in renames.items():
            text = re.sub(rf"(severity: ){old}\b", rf"\g<1>{new}", text)
        path.write_text(text, encoding="utf-8")


def _taxonomy_findings(root: Path) -> tuple[Taxonomy | None, list[Finding]]:
    return load_taxonomy(root)


def _line_of(root: Path, text: str) -> int:
    lines = (root / "taxonomy.yml").read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


# --- severities -----------------------------------------------------------------

def test_every_style_token_carries_white_text_readably() -> None:
    for token, colour in STYLE_TOKENS.items():
        assert contrast_with_white(colour) >= MIN_CONTRAST, token


@pytest.mark.parametrize(("colour", "message"), [
    ("rebeccapurple", "is not a colour"),
    ("red; } body { display: none", "is not a colour"),
    ("#ffeb3b", "contrast"),
])
def test_a_bad_severity_colour_is_a_finding_with_line_and_hint(root: Path, colour: str,
                                                               message: str) -> None:
    _edit(root, "severities", FIVE_LEVELS.replace("colour: brown", f"colour: '{colour}'"))
    taxonomy, found = _taxonomy_findings(root)
    assert taxonomy is not None
    problems = [f for f in found if f.code == "FMC031"]
    assert len(problems) == 1, found
    problem = problems[0]
    assert problem.file == "taxonomy.yml"
    assert problem.field == "severities.moderate.colour"
    assert problem.line == _line_of(root, "moderate:")
    assert message in problem.message
    assert "#rrggbb" in problem.hint or "darker" in problem.hint


def test_a_severity_name_that_is_not_a_slug_is_a_finding(root: Path) -> None:
    _edit(root, "severities", FIVE_LEVELS.replace("minor:", "'Minor }':"))
    _, found = _taxonomy_findings(root)
    assert [(f.code, f.field) for f in found] == [("FMC031", "severities.Minor }")]


def test_the_severe_levels_are_those_that_page(root: Path) -> None:
    _edit(root, "severities", FIVE_LEVELS)
    taxonomy, found = _taxonomy_findings(root)
    assert taxonomy is not None and found == []
    assert taxonomy.severe == ("major", "catastrophic")


def test_a_taxonomy_without_pages_keeps_the_old_severe_levels_and_says_so(root: Path) -> None:
    text = (root / "taxonomy.yml").read_text(encoding="utf-8")
    (root / "taxonomy.yml").write_text(re.sub(r"\n    pages: \w+", "", text), encoding="utf-8")
    taxonomy, found = _taxonomy_findings(root)
    assert taxonomy is not None
    assert taxonomy.severe == ("high", "critical")
    assert [(f.code, f.field, f.line) for f in found] == [
        ("FMC033", "severities", _line_of(root, "severities:"))]
    assert "pages: true" in found[0].hint
    # A notice: the old taxonomy stays valid, even strictly.
    assert main(["validate", "--strict", "--root", str(root)]) == 0


def test_the_severity_stylesheet_colours_every_level_of_the_taxonomy(root: Path) -> None:
    _edit(root, "severities", FIVE_LEVELS)
    taxonomy, _ = _taxonomy_findings(root)
    assert taxonomy is not None
    css = severity_css(taxonomy)
    assert "--fmcat-severity-negligible: #00695c;" in css
    assert "--fmcat-severity-major: #bb0000;" in css
    assert ".fmcat-severity--catastrophic, .fmcat-dot--catastrophic, " \
           ".fmcat-mark--catastrophic { background: var(--fmcat-severity-catastrophic); }" in css


def test_severities_without_colours_take_the_original_four(root: Path) -> None:
    taxonomy, _ = _taxonomy_findings(root)  # the fixture names no colour
    assert taxonomy is not None
    assert taxonomy.severity_colours == {"low": "#546e7a", "medium": "#9a5c00",
                                         "high": "#c62828", "critical": "#6a1b9a"}


# --- mitigation kinds and units ---------------------------------------------------

def test_custom_mitigation_kinds_are_the_only_ones_allowed(root: Path) -> None:
    _append(root, "mitigation_kinds:\n  harden: {title: Harden}\n  respond: {title: Respond}\n"
                  "  prevent: {title: Prevent}\n  recover: {title: Recover}\n")
    _replace(root, "entries/FM-0001-*.md", "kind: detect", "kind: harden")
    catalog = load_checked(root)
    found = [(f.code, f.field) for f in catalog.findings if f.code == "FMC030"]
    # `detect` is no longer a kind: the records that still say it are findings.
    detect = [f for f in catalog.findings if "'detect' is not a known mitigation kind"
              in f.message]
    assert detect and all(f.hint and f.line > 0 for f in detect)
    assert all(field.startswith(("kinds.", "mitigations.")) for _, field in found)
    assert not any("harden" in f.message for f in catalog.findings)


def test_custom_units_give_their_symbol_and_unknown_units_are_findings(root: Path) -> None:
    catalog = load_checked(root)
    assert catalog.taxonomy is not None
    record = catalog.entries["FM-0001"].record
    signal = record.detectors[0].signal  # type: ignore[attr-defined]
    unit = catalog.taxonomy.signals[signal].unit
    _append(root, "units:\n  ratio: {title: Ratio}\n  count: {title: Count}\n"
                  "  minutes: {title: Minutes, symbol: min}\n  hours: {title: Hours, symbol: h}\n"
                  "  ms: {title: Milliseconds, symbol: ms}\n  nats: {title: Nats, symbol: nat}\n"
                  "  bits: {title: Bits, symbol: bit}\n"
                  "  percent: {title: Percent, symbol: pct}\n")
    text = (root / "taxonomy.yml").read_text(encoding="utf-8")
    head, _, tail = text.partition(f"\n  {signal}:\n")
    tail = tail.replace(f"unit: {unit}", "unit: percent", 1)
    (root / "taxonomy.yml").write_text(f"{head}\n  {signal}:\n{tail}", encoding="utf-8")
    catalog = load_checked(root)
    assert catalog.taxonomy is not None
    assert [f for f in catalog.findings if f.file == "taxonomy.yml"] == []
    rows = detector_rows(catalog.entries["FM-0001"].record,  # type: ignore[arg-type]
                         catalog.taxonomy)
    assert rows[0].threshold.endswith(" pct")
    _replace(root, "taxonomy.yml", "  percent: {title: Percent, symbol: pct}\n", "")
    _, found = _taxonomy_findings(root)
    problems = [f for f in found if f.code == "FMC031"]
    assert [f.field for f in problems] == [f"signals.{signal}.unit"]
    assert "'percent'" in problems[0].message and problems[0].line > 0
    assert problems[0].hint.startswith(("allowed:", "did you mean"))


# --- sections ---------------------------------------------------------------------

SECTIONS = """sections:
  failure-mode:
    - {title: Symptoms, anchor: symptoms}
    - {title: Preconditions, anchor: latent-conditions}
    - {title: Reproduction, anchor: reproduction, required: false}
    - {title: Detection, anchor: detection}
    - {title: Mitigation, anchor: mitigation}
    - {title: Rationale, anchor: rationale}
    - {title: Checklist, anchor: checklist}
    - {title: Impact, anchor: impact, required: false}
"""


def test_sections_can_be_renamed_added_and_made_optional(root: Path) -> None:
    _append(root, SECTIONS)
    for path in root.glob("entries/*.md"):
        text = path.read_text(encoding="utf-8").replace("## Latent conditions",
                                                        "## Preconditions")
        start = text.find("## Reproduction")
        end = text.find("\n## ", start + 1)
        path.write_text(text[:start] + text[end + 1:], encoding="utf-8")
    catalog = load_checked(root)
    body = [f for f in catalog.findings if f.code in ("FMC040", "FMC041", "FMC045")]
    assert body == []
    # The old title is now an unknown section: nothing requires it, nothing breaks.
    _replace(root, "entries/FM-0001-*.md", "## Preconditions", "## Latent conditions")
    missing = [f for f in load_checked(root).findings if f.code == "FMC040"]
    assert [f.message for f in missing] == ["required section '## Preconditions' is missing"]


@pytest.mark.parametrize(("block", "field", "message"), [
    (SECTIONS.replace("anchor: detection", "anchor: spotting"), "sections.failure-mode",
     "'detection'"),
    (SECTIONS.replace("anchor: impact", "anchor: symptoms"), "sections.failure-mode.7.anchor",
     "appears twice"),
    (SECTIONS.replace("anchor: impact", "anchor: evidence"), "sections.failure-mode.7.anchor",
     "generates"),
    (SECTIONS.replace("failure-mode:", "failure-modes:"), "sections.failure-modes",
     "not a record kind"),
])
def test_bad_sections_are_findings(root: Path, block: str, field: str, message: str) -> None:
    _append(root, block)
    _, found = _taxonomy_findings(root)
    problems = [f for f in found if f.code == "FMC031"]
    assert [f.field for f in problems] == [field]
    assert message in problems[0].message and problems[0].hint and problems[0].line > 0


# --- completeness -------------------------------------------------------------------

def _empty_detectors(root: Path) -> None:
    """Every failure mode honestly without detectors: `detectors: []`."""
    for path in root.glob("entries/*.md"):
        lines = path.read_text(encoding="utf-8").split("\n")
        if "detectors:" not in lines:
            continue
        start = lines.index("detectors:")
        end = start + 1
        while lines[end].startswith(" "):
            end += 1
        lines[start:end] = ["detectors: []"]
        path.write_text("\n".join(lines), encoding="utf-8")


def test_a_rule_switched_off_lets_an_honest_catalog_pass_strict(root: Path) -> None:
    _empty_detectors(root)
    assert main(["validate", "--strict", "--root", str(root)]) != 0
    _append(root, "completeness:\n  detectors: false\n")
    assert main(["validate", "--strict", "--root", str(root)]) == 0
    catalog = load_checked(root)
    assert catalog.taxonomy is not None
    assert "FMC101" not in catalog.taxonomy.completeness_codes


def test_an_unknown_completeness_rule_is_a_finding(root: Path) -> None:
    _append(root, "completeness:\n  detector: false\n")
    _, found = _taxonomy_findings(root)
    assert [(f.code, f.field) for f in found] == [("FMC031", "completeness.detector")]
    assert found[0].hint == "did you mean 'detectors'?"
    assert found[0].line == _line_of(root, "  detector: false")


# --- the site ------------------------------------------------------------------------

@pytest.mark.slow
def test_a_five_level_scale_shows_its_own_colours_on_the_card(catalog_dir: Path) -> None:
    _five_level_catalog(catalog_dir)
    site = build_site(catalog_dir, strict=True)
    page = read_page(site, "failure-modes/FM-0001/")
    badge = page.select_one(".fmcat-card .fmcat-severity")
    assert badge is not None and badge.get_text(strip=True) == "major"
    assert "fmcat-severity--major" in badge["class"]
    css = (site / "assets" / "fmcat-charts.css").read_text(encoding="utf-8")
    assert "--fmcat-severity-major: #bb0000;" in css
    assert ".fmcat-severity--major," in css
    linked = [link["href"] for link in page.select("link[rel=stylesheet]")]
    assert any(href.endswith("assets/fmcat-charts.css") for href in linked)
    # The severe share counts what pages, and says which levels those are.
    metrics = BeautifulSoup((site / "metrics" / "index.html").read_text(encoding="utf-8"),
                            "html.parser")
    table = metrics.select_one("#releases ~ details table") or metrics
    assert "Major or catastrophic" in table.get_text(" ")

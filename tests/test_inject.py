"""Contributed text stays inert in what the CLI prints: no workflow command, no raw line break.

A GitHub Actions runner reads every line a step prints, and takes a line that
starts with `::` (after leading whitespace) as a workflow command, and `##[`
anywhere in a line as a legacy one (actions/runner, ActionCommand.TryParseV2
and TryParse). A record must not be able to print either, in any output
format of any command.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
import yaml

from fmcat.analysis.governance import Change
from fmcat.cli.main import main
from fmcat.core.findings import Finding, format_github, format_text
from fmcat.core.inert import escape_github, escape_text
from fmcat.core.load import load_catalog
from fmcat.exports.feeds import ATOM_NS, atom_feed, json_feed

FM1 = "entries/FM-0001-covariate-shift.md"
PAYLOAD = "\\n::error file=x::pwned\\r::warning::cr ##[error]legacy"
"""YAML double-quoted escapes: the value holds LF, CR and both command forms."""

ATOM = f"{{{ATOM_NS}}}"
RAW = "\n::error file=x::pwned\r::warning::cr ##[error]legacy"


def _edit(root: Path, path: str, old: str, new: str) -> None:
    file = root / path
    text = file.read_text()
    assert old in text
    file.write_text(text.replace(old, new, 1))


def _poison(root: Path) -> None:
    """Hostile text in FM-0001 that still validates: title, summary, use, body."""
    _edit(root, FM1, "title: Covariate shift in input features",
          f'title: "Covariate shift{PAYLOAD}"')
    _edit(root, FM1, "summary: >-\n", f'summary: "Moves away.{PAYLOAD}"\nx_old_summary: >-\n')
    _edit(root, FM1, "x_old_summary: >-\n  The distribution of input features in production "
          "moves away from the\n  training distribution, so the model extrapolates and its "
          "error rises.\n", "")
    wrapped = " ".join(f"::error word{n}" for n in range(40))
    _edit(root, FM1, "use: Route the shifted segment to the rules baseline.",
          f'use: "Route it. {wrapped}{PAYLOAD}"')
    _edit(root, FM1, "3. Compute PSI per feature against the reference.",
          "3. Compute PSI per feature against the reference.\n"
          "::error file=x::body\n  ::warning::indented ##[warning]legacy")


def _commands(text: str) -> list[str]:
    """Lines a runner would execute; splitlines() breaks on more than the runner does."""
    return [line for line in text.splitlines()
            if line.lstrip().startswith("::") or "##[" in line]


def test_the_poisoned_catalog_validates(root: Path) -> None:
    _poison(root)
    catalog = load_catalog(root)
    assert [f for f in catalog.findings if f.severity == "error"] == []
    assert "\n::error" in catalog.entries["FM-0001"].record.title


def test_review_due_prints_no_command(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _poison(root)
    assert main(["review", "due", "--root", str(root), "--today", "2027-05-01"]) == 0
    out = capsys.readouterr().out
    assert "Covariate shift\\n:" in out
    assert _commands(out) == []


def test_review_sample_prints_no_command(root: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    _poison(root)
    assert main(["review", "sample", "--root", str(root), "--n", "9"]) == 0
    out = capsys.readouterr().out
    assert "FM-0001" in out
    assert _commands(out) == []


def test_recommend_text_prints_no_command(root: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    _poison(root)
    assert main(["recommend", "--root", str(root), "--signal", "psi=0.4"]) == 0
    out = capsys.readouterr().out
    assert "FM-0001 Covariate shift" in out
    assert "word39" in out  # the wrapped text is there, escaped
    assert _commands(out) == []


def test_recommend_json_round_trips(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _poison(root)
    assert main(["recommend", "--root", str(root), "--signal", "psi=0.4",
                 "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert _commands(out) == []
    titles = [m["title"] for m in json.loads(out)["matches"]]
    assert f"Covariate shift{RAW}" in titles


def test_drill_prints_no_command(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _poison(root)
    assert main(["drill", "FM-0001", "--root", str(root)]) == 0
    out = capsys.readouterr().out
    assert "# Game day: FM-0001 Covariate shift" in out
    assert "file=x::body" in out  # the body line is kept, made inert
    assert _commands(out) == []


def _poison_findings(root: Path) -> None:
    """Hostile text quoted in finding messages (an unknown tag value)."""
    _edit(root, FM1, "data_domain: [tabular]", f'data_domain: ["tabular{PAYLOAD}"]')


def test_validate_text_prints_no_command(root: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    _poison_findings(root)
    assert main(["validate", "--root", str(root)]) == 1
    out = capsys.readouterr().out
    assert "FMC030" in out
    assert "tabular\\n:" in out
    assert _commands(out) == []


def test_validate_github_prints_only_its_own_annotations(
        root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _poison_findings(root)
    findings = load_catalog(root).findings
    assert main(["validate", "--root", str(root), "--format", "github"]) == 1
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert len(lines) == len(findings)
    assert all(line.startswith(("::error file=", "::warning file=")) for line in lines)
    assert "##[" not in out


def test_validate_json_round_trips_exactly(root: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    _poison_findings(root)
    findings = load_catalog(root).findings
    assert main(["validate", "--root", str(root), "--format", "json"]) == 1
    out = capsys.readouterr().out
    assert _commands(out) == []
    assert json.loads(out) == [f.as_dict() for f in sorted(findings)]
    assert any(RAW in f.message for f in findings)


def test_file_names_and_fields_are_escaped_too() -> None:
    hostile = Finding(file=f"entries/FM-0009{RAW}.md", line=3, code="FMC030",
                      field=f"tags{RAW}", message=f"bad{RAW}", hint=f"hint{RAW}")
    assert _commands(format_text([hostile])) == []
    github = format_github([hostile])
    assert len(github.splitlines()) == 1
    assert "##[" not in github


def _unescape_github(value: str, *, prop: bool = False) -> str:
    """What the runner does to a value (ActionCommand.UnescapeData/UnescapeProperty)."""
    value = value.replace("%0D", "\r").replace("%0A", "\n")
    if prop:
        value = value.replace("%3A", ":").replace("%2C", ",")
    return value.replace("%25", "%")


@pytest.mark.parametrize("prop", [False, True])
def test_github_escaping_follows_the_runner(prop: bool) -> None:
    value = "100% sure: a, b\r\nc %0A d::e"
    escaped = escape_github(value, prop=prop)
    assert "\n" not in escaped
    assert "\r" not in escaped
    assert _unescape_github(escaped, prop=prop) == value
    if prop:
        assert ":" not in escaped
        assert "," not in escaped


@pytest.mark.parametrize("value", [
    "a\nb", "a\rb", "a\x01b", "a\x1b[2Kb", "a\x85b", "a\u2028b", "a\u2029b", "a\x0bb",
    "a\x0cb", "a\u202eb", "a\ud800b",
])
def test_control_characters_are_shown_visibly(value: str) -> None:
    escaped = escape_text(value)
    assert escaped.isprintable()
    assert escaped.startswith("a\\") and escaped.endswith("b")
    assert len(escaped.splitlines()) == 1
    escaped.encode("utf-8")  # a lone surrogate would not print


@pytest.mark.parametrize("value", ["::error::x", "  ::error::x", "a ::error::x", "\t::x::y",
                                   "a\u00a0::error::x", "a ##[error]x", "##[stop-commands]t"])
def test_no_escaped_value_can_start_a_command(value: str) -> None:
    escaped = escape_text(value)
    assert not escaped.lstrip().startswith("::")
    assert all(not word.startswith("::") for word in escaped.split())
    assert "##[" not in escaped


def test_ordinary_text_is_unchanged() -> None:
    plain = "Route the shifted segment: 30% of traffic, see std::vector and C#."
    assert escape_text(plain) == plain
    assert escape_text("tab\tkept") == "tab\tkept"


XML_FORBIDDEN = "a\x01b\x08c\x0bd\x1fe\ufffef\uffffg\ud800h"
"""Characters XML 1.0 does not allow in a document, even escaped."""


def _change(title: str, note: str) -> Change:
    return Change(date(2026, 10, 12), "FM-0001", title, "failure-modes/FM-0001/", note,
                  added=False, index=1)


def test_feeds_stay_well_formed_whatever_a_record_holds() -> None:
    changes = [_change(f"Shift {XML_FORBIDDEN}", f"Note {XML_FORBIDDEN}\ttab\nline")]
    atom = atom_feed(changes, site_name=f"Site{XML_FORBIDDEN}", site_url=None)
    feed = ET.fromstring(atom.encode("utf-8"))
    entry = feed.find(f"{ATOM}entry")
    assert entry is not None
    assert entry.findtext(f"{ATOM}title") == "FM-0001 amended: Shift abcdefgh"
    assert entry.findtext(f"{ATOM}summary") == "Note abcdefgh\ttab\nline"
    document = json.loads(json_feed(changes, site_name="Site", site_url=None)
                          .encode("utf-8"))
    assert document["items"][0]["title"] == "FM-0001 amended: Shift abcdefgh"
    assert document["items"][0]["content_text"] == "Note abcdefgh\ttab\nline"


@pytest.mark.parametrize(("field", "old", "new"), [
    ("title", "title: Covariate shift in input features", 'title: "Covariate\\x01shift"'),
    ("revisions.0.note", "note: Added the prediction-mean detector.",
     'note: "Added\\x1b[2K the detector."'),
    ("summary", "summary: >-\n", 'summary: "Nul-free but \\uFFFE"\nx_summary: >-\n'),
])
def test_characters_xml_forbids_are_refused_with_a_finding(
        root: Path, capsys: pytest.CaptureFixture[str], field: str, old: str, new: str) -> None:
    _edit(root, FM1, old, new)
    found = [f for f in load_catalog(root).findings if f.code == "FMC053"]
    assert [f.field for f in found] == [field]
    assert found[0].file == FM1
    assert found[0].hint
    assert main(["validate", "--root", str(root)]) == 1
    assert "FMC053" in capsys.readouterr().out


def test_export_catalog_prints_no_command(root: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """`fmcat export catalog` without -o prints the document into the CI log."""
    _poison(root)
    assert main(["export", "catalog", "--root", str(root)]) == 0
    out = capsys.readouterr().out
    assert _commands(out) == []
    titles = [r["title"] for r in json.loads(out)["failure_modes"]]
    assert f"Covariate shift{RAW}" in titles


def test_export_alerts_prints_no_command(root: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """The rule file is printed (and often `cat` in CI); it must still load as written."""
    _poison(root)
    assert main(["export", "alerts", "--root", str(root),
                 "--base-url", "https://catalog.example.com/"]) == 0
    out = capsys.readouterr().out
    assert _commands(out) == []
    rules = [rule for group in yaml.safe_load(out)["groups"] for rule in group["rules"]]
    shown = " ".join(str(rule["annotations"]) for rule in rules)
    assert "##[error]legacy" in shown


def test_a_plain_title_with_the_legacy_form_is_escaped_in_the_rule_file(
        root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Without a line break YAML would single-quote it, where no escape exists."""
    _edit(root, FM1, "title: Covariate shift in input features",
          "title: 'Covariate shift ##[error]x'")
    assert main(["export", "alerts", "--root", str(root)]) == 0
    out = capsys.readouterr().out
    assert _commands(out) == []
    assert "Covariate shift ##[error]x" in out.replace("#\\x23[", "##[")
    summaries = [rule["annotations"]["summary"] for group in yaml.safe_load(out)["groups"]
                 for rule in group["rules"] if rule["labels"]["failure_mode"] == "FM-0001"]
    assert summaries and all("Covariate shift ##[error]x" in s for s in summaries)

"""Every finding code, triggered by one realistic mistake in the fixture catalog.

Each case edits one file of a copy of the fixture catalog and expects one
coded finding with the right file, line and field. The expected line is the
line the edit put the marker on, so the cases stay correct when the fixture
grows.
"""

from __future__ import annotations

import os
import shutil
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from fmcat.core.findings import RULES, Finding, has_errors
from fmcat.core.load import load_catalog
from fmcat.core.model import CaseStudy, FailureMode, Incident, Playbook
from fmcat.core.targets import TargetsFile
from tests.conftest import FIXTURE

FM1 = "entries/FM-0001-covariate-shift.md"
FM2 = "entries/FM-0002-prior-shift.md"
FM3 = "entries/FM-0003-withdrawn-duplicate.md"
MP9 = "playbooks/MP-0009-circuit-breaker-with-fallback.md"
CS1 = "case-studies/CS-0001-drift-reuse.md"
INC1 = "incidents/2026/INC-2026-0001.yml"
TODAY = date(2026, 11, 25)


@dataclass(frozen=True)
class Case:
    code: str
    file: str
    old: str
    new: str
    field: str
    marker: str | None = None  # text on the expected line; default: first line of `new`
    line: int | None = None  # fixed line, for whole-file findings

    @property
    def id(self) -> str:
        return f"{self.code}-{self.field or 'file'}"


CASES = [
    Case("FMC001", FM1, "## Symptoms", "## Sympt\udcffoms", "", marker="## Sympt"),
    Case("FMC002", FM1, "*", "", "", line=0),
    Case("FMC003", FM1, "---\nid: FM-0001", "id: FM-0001", "", line=1),
    Case("FMC004", FM1, "\n---\n\n## Symptoms", "\n\n## Symptoms", "", line=1),
    Case("FMC005", FM1, "category: distribution-shift", "category: [distribution-shift",
         "", marker="stages:"),
    Case("FMC006", FM1, "frequency: frequent", "frequency: frequent\nseverity: low", "severity",
         marker="severity: low"),
    Case("FMC007", FM1, "*front*", "- just\n- a list", "", line=2),
    Case("FMC008", FM1, "category: distribution-shift", "category: !!python/name:os.system ''",
         "", marker="category:"),
    Case("FMC009", FM1, "## Checklist", "## Checklist\n\n" + "x" * 1_100_000, "", line=0),
    Case("FMC010", FM1, "severity: high", "severty: high", "severty"),
    Case("FMC011", FM1, "frequency: frequent\n", "", "frequency", line=1),
    Case("FMC012", FM1, "severity: high", "severity: no", "severity"),
    Case("FMC020", FM1, "id: FM-0001", "id: FM-1", "id"),
    Case("FMC021", FM2, "id: FM-0002", "id: FM-0001", "id"),
    Case("FMC022", FM1, "related: [FM-0002]", "related: [FM-0042]", "related.0"),
    Case("FMC023", FM2, 'aliases: [FM-0099, "old/prior-shift/"]',
         'aliases: [FM-0001, "old/prior-shift/"]', "aliases.0"),
    Case("FMC024", FM1, "id: FM-0001", "id: FM-0004", "id"),
    Case("FMC025", FM1, "related: [FM-0002]", "related: [FM-0001]", "related.0"),
    Case("FMC026", "entries/FM-0001 covariate shift.md", "*move*", FM1, "id", marker="id:"),
    Case("FMC027", FM1, 'stewards: ["@fmcat/model-quality"]',
         'stewards: ["@fmcat/model-quality", "@fmcat/sre * @evil"]', "stewards.1",
         marker="stewards:"),
    Case("FMC030", FM1, "severity: high", "severity: hgh", "severity"),
    Case("FMC031", "taxonomy.yml", "review_every_days: 180", "review_every_days: often",
         "review_every_days"),
    Case("FMC032", "taxonomy.yml", "    metric: fmcat_feature_psi\n    kind: gauge",
         "    metric: fmcat_feature_psi\n    kind: counter", "signals.psi.kind",
         marker="    kind: counter"),
    Case("FMC037", FM1, 'ticket: ["OPS-42", "OPS-7"]', 'tickets: ["OPS-42", "OPS-7"]',
         "external_ids.tickets"),
    Case("FMC038", FM1, 'atlas: ["AML.T0031"]', 'atlas: ["AML.T031"]', "external_ids.atlas.0"),
    Case("FMC039", FM1, 'ticket: ["OPS-42", "OPS-7"]', 'ticket: ["OPS-42", "OPS-42"]',
         "external_ids.ticket.1"),
    Case("FMC040", FM1, "## Rationale\n", "## Reasoning\n", "body", marker="*body*"),
    Case("FMC041", FM1, "Labels arrive late, so input monitoring is the earliest signal.\n", "",
         "body", marker="## Rationale"),
    Case("FMC042", FM1, "[the drift playbook](MP-0013)", "[the drift playbook](../playbooks/x.md)",
         "body"),
    Case("FMC043", FM1, "## Checklist", "## Symptoms\n\nAgain.\n\n## Checklist", "body",
         marker="## Symptoms\n\nAgain."),
    Case("FMC044", FM1, "## Checklist", "## Checklist {#detection}", "body"),
    Case("FMC045", FM1, "## Checklist", "### History\n\nOlder.\n\n## Checklist", "body"),
    Case("FMC050", FM1, "No reference distribution", "<script>alert(1)</script> No reference",
         "body"),
    Case("FMC051", FM1, "[the drift playbook](MP-0013)",
         "[the drift playbook](jav&#x61;script:alert(1))", "body"),
    Case("FMC052", FM1, "status: active", "status: active\nrender_macros: true",
         "render_macros", marker="render_macros"),
    Case("FMC053", FM1, "title: Covariate shift in input features",
         'title: "Covariate\\x1b[2Kshift"', "title"),
    Case("FMC060", FM3, "status_reason: Merged into FM-0002, which covers the same failure.\n",
         "", "status", marker="status: withdrawn"),
    Case("FMC061", FM1, "last_reviewed: 2026-10-12", "last_reviewed: 2024-01-01",
         "last_reviewed"),
    Case("FMC062", INC1, "resolved: 2026-03-14T12:00:00Z", "resolved: 2027-03-14T12:00:00Z",
         "resolved"),
    Case("FMC063", FM2, "last_reviewed: 2026-09-01", "last_reviewed: 2025-01-01",
         "last_reviewed"),
    Case("FMC064", FM1, "status: active", "status: active\nsuperseded_by: FM-0003",
         "superseded_by", marker="superseded_by"),
    Case("FMC070", FM1.replace(".md", ".MD"), "*rename*", FM1, "", line=0),
    Case("FMC071", "entries/FM-0009-pipe.md", "*fifo*", "", "", line=0),
    Case("FMC072", "entries/FM-0009-gone.md", "*link*", "FM-0009-renamed.md", "", line=0),
    Case("FMC073", "entries/FM-0009-elsewhere.md", "*link*", "../../outside.md", "", line=0),
    Case("FMC074", "incidents/2026", "*unreadable*", "", "", line=0),
    Case("FMC101", FM1, "detectors:\n  - signal: psi\n    op: \">=\"\n    threshold: 0.25\n"
         "    window: 1d\n    severity: high\n    action: alert\n"
         "    scope: Top-20 features against the training reference.\n", "", "detectors",
         line=1),
    Case("FMC102", FM2, "mitigations:\n  - playbook: MP-0011\n    kind: respond\n"
         "    use: Re-estimate priors and adjust the threshold.\n", "", "mitigations", line=1),
    Case("FMC103", FM2, "artifacts:\n  - type: notebook\n    title: Prior estimate\n"
         "    url: https://git.example.com/notebooks/prior.ipynb\n", "", "artifacts", line=1),
    Case("FMC104", FM1, "1. Train on a window that excludes one region.\n2. Score",
         "- Train on a window that excludes one region.\n- Score", "body",
         marker="## Reproduction"),
    Case("FMC105", FM2, "references:\n  - title: Detecting and Correcting for Label Shift with "
         "Black Box Predictors\n    url: https://arxiv.org/abs/1802.03916\n", "", "references",
         line=1),
    Case("FMC106", FM1, "- [ ] A reference", "- A reference", "body", marker="## Checklist"),
    Case("FMC107", FM1, "PSI of 0.25 or more is the conventional", "A high PSI is the",
         "body", marker="## Detection"),
    Case("FMC108", CS1, "revisions:\n  - date: 2026-01-10\n    note: First version.\n", "",
         "revisions", line=1),
    Case("FMC109", FM1, "customer_segment: [consumer]", "customer_segment: []",
         "customer_segment"),
]


def _apply(root: Path, case: Case) -> None:
    path = root / case.file
    if case.old in ("*move*", "*rename*"):  # the file is renamed from `new` to `file`
        (root / case.new).rename(path)
        return
    if case.old == "*fifo*":
        os.mkfifo(path)
        return
    if case.old == "*link*":  # new: where the link points
        (root.parent / "outside.md").write_text((root / FM1).read_text(encoding="utf-8"))
        path.symlink_to(case.new)
        return
    text = path.read_text(encoding="utf-8")
    if case.old == "*":
        path.write_bytes(b"")
        return
    if case.old == "*front*":
        body = text.split("\n---\n", 1)[1]
        path.write_text(f"---\n{case.new}\n---\n{body}", encoding="utf-8")
        return
    assert case.old in text, f"fixture changed: {case.old!r} not in {case.file}"
    new_text = text.replace(case.old, case.new, 1)
    path.write_bytes(new_text.encode("utf-8", "surrogateescape"))


def _expected_line(root: Path, case: Case) -> int:
    if case.line is not None:
        return case.line
    marker = case.marker or case.new.split("\n")[0]
    text = (root / case.file).read_bytes().decode("utf-8", "replace")
    if marker == "*body*":
        return text.split("\n").index("---", 1) + 2
    return text[: text.index(marker)].count("\n") + 1


@pytest.fixture
def fresh_catalog(tmp_path: Path) -> Path:
    root = tmp_path / "catalog"
    shutil.copytree(FIXTURE, root)
    return root


def test_fixture_catalog_is_clean() -> None:
    catalog = load_catalog(FIXTURE, today=TODAY)
    assert catalog.findings == []
    assert len(catalog.entries) == 7
    assert len(catalog.incidents) == 2


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_each_mistake_gives_its_coded_finding(fresh_catalog: Path, case: Case,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    if case.old == "*unreadable*":
        _refuse_to_list(monkeypatch, fresh_catalog / case.file)
    else:
        _apply(fresh_catalog, case)
    findings = load_catalog(fresh_catalog, today=TODAY).findings
    matching = [f for f in findings if f.code == case.code]
    assert matching, f"expected {case.code}, got {[(f.code, f.message) for f in findings]}"
    found: Finding = matching[0]
    assert found.file == case.file
    assert found.field == case.field
    assert found.line == _expected_line(fresh_catalog, case)
    assert found.message
    assert found.severity == RULES[case.code].severity


def _refuse_to_list(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """An unreadable folder, in-process: root may list any folder whatever its mode."""
    real_scandir, denied = os.scandir, os.path.realpath(folder)

    def scandir(path: Any = ".") -> Any:
        if not isinstance(path, int) and os.path.realpath(path) == denied:
            raise PermissionError(13, "Permission denied", denied)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_every_rule_has_a_case() -> None:
    assert {case.code for case in CASES} == set(RULES)


def test_duplicate_id_names_both_files(fresh_catalog: Path) -> None:
    _apply(fresh_catalog, CASES[[c.code for c in CASES].index("FMC021")])
    finding = next(f for f in load_catalog(fresh_catalog, today=TODAY).findings
                   if f.code == "FMC021")
    names = {finding.file, finding.message.split(" by ")[1].split(":")[0]}
    assert names == {FM1, FM2} or names == {FM2, FM1}


def test_unknown_value_suggests_the_closest(fresh_catalog: Path) -> None:
    _apply(fresh_catalog, Case("FMC030", FM1, "severity: high", "severity: hgh", "severity"))
    finding = next(f for f in load_catalog(fresh_catalog, today=TODAY).findings
                   if f.code == "FMC030")
    assert finding.hint == "did you mean 'high'?"


def test_unknown_field_suggests_the_closest(fresh_catalog: Path) -> None:
    _apply(fresh_catalog, Case("FMC010", FM1, "    threshold: 0.25", "    treshold: 0.25",
                               "detectors.0.treshold"))
    findings = load_catalog(fresh_catalog, today=TODAY).findings
    unknown = next(f for f in findings if f.code == "FMC010")
    assert unknown.field == "detectors.0.treshold"
    assert unknown.hint == "did you mean 'threshold'?"
    assert unknown.line == 28


def test_a_broken_record_is_reported_not_dropped(fresh_catalog: Path) -> None:
    _apply(fresh_catalog, CASES[[c.code for c in CASES].index("FMC005")])
    catalog = load_catalog(fresh_catalog, today=TODAY)
    assert "FM-0001" not in catalog.entries
    assert any(f.file == FM1 and f.severity == "error" for f in catalog.findings)
    assert has_errors(catalog.findings)


NON_FINITE = [".nan", ".NaN", ".inf", "-.inf", ".Inf"]


@pytest.mark.parametrize("value", NON_FINITE)
@pytest.mark.parametrize(("file", "old", "new", "field"), [
    (FM1, "threshold: 0.25", "threshold: {v}", "detectors.0.threshold"),
    (CS1, "before: 21", "before: {v}", "metrics.0.before"),
    (CS1, "after: 1,", "after: {v},", "metrics.0.after"),
], ids=["detector-threshold", "case-metric-before", "case-metric-after"])
def test_non_finite_numbers_are_refused_with_their_field(
        fresh_catalog: Path, file: str, old: str, new: str, field: str, value: str) -> None:
    """JSON has no NaN or infinity: a record holding one validated and then
    broke the build's API export with a traceback."""
    new = new.format(v=value)
    _apply(fresh_catalog, Case("FMC012", file, old, new, field))
    findings = load_catalog(fresh_catalog, today=TODAY).findings
    refused = [f for f in findings if f.code == "FMC012" and f.field == field]
    assert refused, [(f.code, f.field) for f in findings]
    assert refused[0].file == file
    assert refused[0].line == _expected_line(fresh_catalog, Case("FMC012", file, old, new,
                                                                   field))
    assert "finite" in refused[0].message
    assert ".nan" in refused[0].hint


def _floats(annotation: Any, path: str, guarded: bool = False) -> Iterator[tuple[str, bool]]:
    """(field path, refuses NaN and infinity) for every float in a type annotation."""
    if annotation is float:
        yield path, guarded
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        for name, info in annotation.model_fields.items():
            own = any(getattr(m, "allow_inf_nan", None) is False for m in info.metadata)
            yield from _floats(info.annotation, f"{path}.{name}", own)
    else:
        metadata = getattr(annotation, "__metadata__", ())
        guarded = guarded or any(getattr(m, "allow_inf_nan", None) is False
                                 for item in metadata for m in (item, *getattr(
                                     item, "metadata", ())))
        for inner in typing.get_args(annotation):
            yield from _floats(inner, path, guarded)


@pytest.mark.parametrize("model", [FailureMode, Playbook, CaseStudy, Incident, TargetsFile],
                         ids=lambda m: m.__name__)
def test_every_float_field_of_every_kind_refuses_nan_and_infinity(
        model: type[BaseModel]) -> None:
    """A float field added later gets the same guard, or this test names it."""
    found = list(_floats(model, model.__name__))
    assert all(guarded for _, guarded in found), [p for p, g in found if not g]
    assert found or model in (Playbook, Incident)


def _add_failure_modes(root: Path, count: int) -> None:
    source = (root / FM2).read_text(encoding="utf-8")
    for number in range(20, 20 + count):
        record_id = f"FM-{number:04d}"
        text = source.replace("id: FM-0002", f"id: {record_id}").replace(
            'aliases: [FM-0099, "old/prior-shift/"]\n', "")
        (root / "entries" / f"{record_id}-copy.md").write_text(text, encoding="utf-8")


@pytest.mark.parametrize(("file", "old", "new", "field"), [
    (INC1, "failure_modes: [FM-0001]", "failure_modes: [FM-7777]", "failure_modes.0"),
    (FM1, "related: [FM-0002]", "related: [FM-7777]", "related.0"),
    (FM1, "[the drift playbook](MP-0013)", "[the drift playbook](FM-7777)", "body"),
])
def test_an_unknown_id_hint_points_at_records_not_the_taxonomy(
        fresh_catalog: Path, file: str, old: str, new: str, field: str) -> None:
    """With more than a dozen records, the hint said "see taxonomy.yml for the
    N allowed values": IDs are not in the taxonomy."""
    _add_failure_modes(fresh_catalog, 14)
    _apply(fresh_catalog, Case("FMC022", file, old, new, field))
    found = [f for f in load_catalog(fresh_catalog, today=TODAY).findings
             if f.code == "FMC022" and f.field == field]
    assert found, field
    assert "taxonomy" not in found[0].hint
    assert "entries/" in found[0].hint


def test_a_vocabulary_hint_still_points_at_the_taxonomy(fresh_catalog: Path) -> None:
    _apply(fresh_catalog, Case("FMC030", FM1, "causes: [data-drift]", "causes: [qqqq]",
                               "causes.0"))
    found = next(f for f in load_catalog(fresh_catalog, today=TODAY).findings
                 if f.code == "FMC030")
    assert "taxonomy.yml" in found.hint or found.hint.startswith("allowed:")


@pytest.mark.parametrize("alias", [
    "feed.xml", "feed.json", "404.html", "sitemap.xml", "api/catalog.json", "api",
    "api/failure-modes/x/", "matrix", "matrix/", "/matrix/", "fm-0001", "fm-0001/",
    "mp-0009", "failure-modes", "failure-modes/fm-0001/", "playbooks/mp-0013",
    "browse/x/", "drills/fm-0001.txt", "assets/x/", "search", "pagefind", "review/",
    "whats-new", "trends", "metrics", "stewards", "quality", "case-studies",
])
def test_an_alias_may_not_take_a_url_the_site_produces(fresh_catalog: Path, alias: str) -> None:
    """Each of these validated, then broke the build (a redirect written over
    feed.xml or matrix/) or silently took over another record's permalink."""
    _apply(fresh_catalog, Case("FMC023", FM2, '"old/prior-shift/"', f'"{alias}"', "aliases.1"))
    found = [f for f in load_catalog(fresh_catalog, today=TODAY).findings
             if f.code == "FMC023"]
    assert found, alias
    assert found[0].file == FM2
    assert found[0].field == "aliases.1"
    assert found[0].line == _expected_line(fresh_catalog, Case("FMC023", FM2, "", "aliases:",
                                                                 ""))
    assert found[0].hint


def test_an_alias_may_not_take_a_hand_written_page(fresh_catalog: Path) -> None:
    (fresh_catalog / "docs" / "about.md").write_text("# About\n", encoding="utf-8")
    _apply(fresh_catalog, Case("FMC023", FM2, '"old/prior-shift/"', '"about/"', "aliases.1"))
    assert any(f.code == "FMC023" and f.field == "aliases.1"
               for f in load_catalog(fresh_catalog, today=TODAY).findings)


@pytest.mark.parametrize("alias", ["old/prior-shift/", "failure-modes/prior-shift/",
                                   "kb/ml/prior-shift"])
def test_old_paths_outside_the_sites_own_urls_stay_allowed(fresh_catalog: Path,
                                                           alias: str) -> None:
    _apply(fresh_catalog, Case("FMC023", FM2, '"old/prior-shift/"', f'"{alias}"', "aliases.1"))
    assert load_catalog(fresh_catalog, today=TODAY).findings == []


def test_two_aliases_that_differ_only_in_case_or_slashes_collide(fresh_catalog: Path) -> None:
    _apply(fresh_catalog, Case("FMC023", FM1, "status: active", "status: active\n"
                               'aliases: ["old/prior-shift"]', "aliases.0"))
    found = [f for f in load_catalog(fresh_catalog, today=TODAY).findings
             if f.code == "FMC023"]
    assert found

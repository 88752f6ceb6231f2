"""Game-day scripts: reproduction, detectors, playbook steps, criteria, rollback, URLs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fmcat.core import body
from fmcat.core.catalog import Catalog
from fmcat.core.findings import has_errors
from fmcat.core.load import load_catalog
from fmcat.core.model import FailureMode, Playbook
from fmcat.core.text import duration_text
from fmcat.exports.drill import DrillError, drill_script
from tests.conftest import FIXTURE, REPO

BASE = "https://catalog.example.com/"


@pytest.fixture(scope="module")
def fixture() -> Catalog:
    return load_catalog(FIXTURE)


@pytest.fixture(scope="module")
def repo() -> Catalog:
    return load_catalog(REPO)


def _section(script: str, heading: str) -> str:
    _, _, rest = script.partition(f"\n## {heading}\n")
    assert rest, f"no section {heading!r}"
    return rest.split("\n## ", 1)[0]


def test_fixture_drill_has_every_part(fixture: Catalog) -> None:
    script = drill_script(fixture, "FM-0001", BASE)
    assert script.startswith("# Game day: FM-0001 Covariate shift")
    induce = _section(script, "1. Induce the failure")
    assert "1. Train on a window that excludes one region." in induce
    assert "3. Compute PSI per feature against the reference." in induce
    detection = _section(script, "2. Expected detection")
    assert "| psi | `fmcat_feature_psi` | psi >= 0.25 | 1 day | high | alert |" in detection
    assert "the first should fire within 1 day" in detection
    respond = _section(script, "3. Respond: playbook steps to exercise")
    mp9 = fixture.entries["MP-0009"].record
    assert isinstance(mp9, Playbook)
    for step in mp9.steps:
        assert f"- [ ] {step}" in respond
    assert f"Fallback, if the first remedy fails: {mp9.fallback}" in respond
    assert respond.index("MP-0013") < respond.index("MP-0009")  # detect, then recover
    criteria = _section(script, "4. Success criteria")
    assert "Time to detect (induced → first notifying detector fired) is at most 1 day" \
        in criteria
    assert (f"MP-0009 was carried out by {mp9.owner} within "
            f"{duration_text(mp9.time_to_remediate)} of detection" in criteria)
    assert "MP-0013 (detect) is in place: its steps above were checked" in criteria
    assert "The incident log cites FM-0001 in 1 incident, median time to detect 1 d 3 h " \
        "20 min, median time to mitigate 5 h 45 min." in criteria
    restore = _section(script, "5. Restore")
    assert f"Roll back MP-0009: {mp9.rollback}" in restore
    assert f"{BASE}failure-modes/FM-0001/#reproduction" in script
    assert f"{BASE}failure-modes/FM-0001/#detection" in script
    assert f"{BASE}failure-modes/FM-0001/#mitigation" in script
    assert f"{BASE}playbooks/MP-0009/" in script


def test_id_links_in_the_reproduction_become_stable_urls(tmp_path: Path) -> None:
    root = tmp_path / "catalog"
    shutil.copytree(FIXTURE, root)
    path = root / "entries" / "FM-0001-covariate-shift.md"
    text = path.read_text(encoding="utf-8").replace(
        "3. Compute PSI per feature against the reference.",
        "3. Compute PSI per feature, as in [prior shift](FM-0002#detection).")
    path.write_text(text, encoding="utf-8")
    catalog = load_catalog(root)
    assert not has_errors(catalog.findings)
    script = drill_script(catalog, "FM-0001", BASE)
    assert f"[prior shift]({BASE}failure-modes/FM-0002/#detection)" in script
    assert "[prior shift](failure-modes/FM-0002/#detection)" in drill_script(catalog, "FM-0001")


def test_drills_are_deterministic(fixture: Catalog) -> None:
    assert drill_script(fixture, "FM-0001") == drill_script(load_catalog(FIXTURE), "FM-0001")


def test_an_alias_drills_the_entry_it_was_merged_into(fixture: Catalog) -> None:
    script = drill_script(fixture, "FM-0099")
    assert script.startswith("# Game day: FM-0002 ")
    assert "FM-0099 was merged into FM-0002" in script
    assert "failure-modes/FM-0002/#detection" in script


@pytest.mark.parametrize(("record_id", "message"), [
    ("FM-0003", "FM-0003 is withdrawn; drill FM-0002 instead"),
    ("FM-0404", "FM-0404 is not in the catalog"),
    ("MP-0009", "MP-0009 is a mitigation playbook, not a failure mode"),
])
def test_no_drill_for_what_cannot_be_drilled(fixture: Catalog, record_id: str,
                                             message: str) -> None:
    with pytest.raises(DrillError, match=message):
        drill_script(fixture, record_id)


def _repo_failure_modes() -> list[str]:
    return sorted(p.name[:7] for p in (REPO / "entries").glob("FM-*.md"))


@pytest.mark.parametrize("fm_id", _repo_failure_modes())
def test_every_repo_failure_mode_has_a_complete_drill(repo: Catalog, fm_id: str) -> None:
    record = repo.entries[fm_id].record
    assert isinstance(record, FailureMode)
    if record.status == "withdrawn":
        pytest.skip("withdrawn")
    script = drill_script(repo, fm_id, BASE)
    induce = _section(script, "1. Induce the failure")
    assert body.count_numbered_steps(induce) >= 2
    detection = _section(script, "2. Expected detection")
    for detector in record.detectors:
        assert f"{detector.signal} {detector.op} {detector.threshold:g}" in detection
    respond = _section(script, "3. Respond: playbook steps to exercise")
    for mitigation in record.mitigations:
        assert f"{BASE}playbooks/{mitigation.playbook}/" in respond
    criteria = _section(script, "4. Success criteria")
    assert "- [ ]" in criteria
    assert "Roll back" in _section(script, "5. Restore")
    assert "](FM-" not in script and "](MP-" not in script  # every ID link resolved

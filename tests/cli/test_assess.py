"""`fmcat assess` in-process: every format, --after, --alerts, exit codes, bad input."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

from fmcat.cli.main import main
from fmcat.core.load import load_catalog
from fmcat.exports.documents import catalog_document, dumps
from fmcat.exports.schema import json_schemas
from tests.conftest import REPO

PROFILE = """\
name: churn-scoring
data_domain: [tabular]
model_family: [tree-ensembles]
environment: batch
monitors: [psi, null_rate]
"""


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    path = tmp_path / "project.yml"
    path.write_text(PROFILE, encoding="utf-8")
    return path


def _json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    code, out, _ = _run([*argv, "--format", "json", "--root", str(REPO)], capsys)
    return code, json.loads(out)


def test_json_is_ranked_described_by_its_schema_and_gates_on_high(
        profile: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, data = _json(["assess", str(profile)], capsys)
    jsonschema.Draft202012Validator(json_schemas()["assess-worksheet.json"]).validate(data)
    rows = data["rows"]
    assert rows and [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    order = {"H": 0, "M": 1, "L": 2}
    keys = [(order[r["action_priority"]], -r["severity_level"], -r["occurrence"]) for r in rows]
    assert keys == sorted(keys)
    assert code == (1 if any(r["action_priority"] == "H" for r in rows) else 0)
    assert data["summary"]["high"] == sum(r["action_priority"] == "H" for r in rows)
    # Every row applies: shares a value with the profile or is not specific.
    catalog = load_catalog(REPO)
    for row in rows:
        record = catalog.entries[row["id"]].record
        assert not record.data_domain or "tabular" in record.data_domain  # type: ignore[attr-defined]
        assert not record.environment or "batch" in record.environment  # type: ignore[attr-defined]
        monitored = {"psi", "null_rate"}
        signals = {d.signal for d in record.detectors}  # type: ignore[attr-defined]
        assert {d["signal"] for d in row["missing_detectors"]} == signals - monitored
        assert row["detection_url"] == f"failure-modes/{row['id']}/#detection"
    # Modes of another data domain only are left out.
    ids = {r["id"] for r in rows}
    assert not any(set(e.record.data_domain) == {"text"}  # type: ignore[attr-defined]
                   for e in catalog.failure_modes if e.id in ids)
    assert any("customer_segment" in text for text in data["assumptions"])


def test_after_action_shows_both_ratings_and_exits_on_what_remains(
        profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, before = _json(["assess", str(profile)], capsys)
    signals = sorted({d["signal"] for r in before["rows"] for d in r["missing_detectors"]})
    prevent = sorted({p["id"] for r in before["rows"] for p in r["playbooks"]
                      if p["kind"] == "prevent"})
    after = tmp_path / "after.yml"
    after.write_text(PROFILE.replace("monitors: [psi, null_rate]",
                                     f"monitors: [psi, null_rate, {', '.join(signals)}]\n"
                                     f"playbooks: [{', '.join(prevent)}]"), encoding="utf-8")
    code, data = _json(["assess", str(profile), "--after", str(after)], capsys)
    assert [r["id"] for r in data["rows"]] == [r["id"] for r in before["rows"]]
    order = {"H": 0, "M": 1, "L": 2}
    improved = 0
    for row in data["rows"]:
        assert row["after"]["detection"] == ("all" if row["missing_detectors"] or
                                             row["detection"] == "all" else row["detection"])
        assert order[row["after"]["action_priority"]] >= order[row["action_priority"]]
        improved += row["after"]["action_priority"] != row["action_priority"]
    assert improved
    remaining = sum(r["after"]["action_priority"] == "H" for r in data["rows"])
    assert data["summary"]["high_remaining"] == remaining
    assert code == (1 if remaining else 0)
    code, out, _ = _run(["assess", str(profile), "--after", str(after), "--root", str(REPO)],
                        capsys)
    assert " → " in out and "AP before → after" in out


def test_exit_zero_when_no_high_remains(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    # A profile no failure mode applies to: nothing to fix before launch.
    path = tmp_path / "p.yml"
    path.write_text("name: tiny\nstages: [labelling]\ndata_domain: [image]\n"
                    "model_family: [forecasting]\nenvironment: [edge]\n", encoding="utf-8")
    code, data = _json(["assess", str(path)], capsys)
    assert code == (1 if data["summary"]["high_remaining"] else 0)
    assert all(r["action_priority"] != "H" for r in data["rows"]) == (code == 0)


def test_markdown_and_csv_carry_the_same_rows_in_the_same_order(
        profile: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, data = _json(["assess", str(profile)], capsys)
    _, markdown, _ = _run(["assess", str(profile), "--root", str(REPO)], capsys)
    _, text, _ = _run(["assess", str(profile), "--format", "csv", "--root", str(REPO)], capsys)
    table = list(csv.DictReader(io.StringIO(text)))
    assert [r["id"] for r in table] == [r["id"] for r in data["rows"]]
    assert [r["action_priority"] for r in table] == [r["action_priority"]
                                                      for r in data["rows"]]
    lines = [line for line in markdown.splitlines() if line.startswith("| ") and
             line.split("|")[1].strip().isdigit()]
    assert [line.split("[")[1].split(" ")[0] for line in lines] == [r["id"]
                                                                   for r in data["rows"]]
    first = data["rows"][0]
    assert f"[detection]({first['detection_url']})" in markdown
    assert "### Assumptions" in markdown


def test_contributed_text_is_inert_in_markdown_and_csv(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "repo"
    shutil.copytree(REPO, root, ignore=shutil.ignore_patterns("site", ".venv", ".git"))
    entry = root / "entries" / "FM-0001-covariate-shift.md"
    if not entry.exists():
        entry = next((root / "entries").glob("FM-0001*.md"))
    text = entry.read_text(encoding="utf-8")
    hostile = 'title: "=HYPERLINK(1) | **x** [y](z) ##[error]"'
    entry.write_text(text.replace("title: Covariate shift in input features", hostile),
                     encoding="utf-8")
    path = tmp_path / "p.yml"
    path.write_text("name: x\ndata_domain: [tabular]\n", encoding="utf-8")
    code, markdown, err = _run(["assess", str(path), "--root", str(root)], capsys)
    assert code in (0, 1), err
    assert "=HYPERLINK(1) \\| \\*\\*x\\*\\* \\[y\\](z)" in markdown
    assert "##[" not in markdown
    _, text, _ = _run(["assess", str(path), "--format", "csv", "--root", str(root)], capsys)
    row = next(r for r in csv.DictReader(io.StringIO(text)) if r["id"] == "FM-0001")
    assert row["title"].startswith("'=")


def test_a_published_catalog_json_ranks_as_the_repository(
        profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    published = tmp_path / "catalog.json"
    published.write_text(dumps(catalog_document(load_catalog(REPO))), encoding="utf-8")
    _, repo = _json(["assess", str(profile)], capsys)
    _, out, _ = _run(["assess", str(profile), "--format", "json", "--catalog",
                         str(published)], capsys)
    site = json.loads(out)
    strip = [{k: v for k, v in r.items() if k != "checklist"} for r in repo["rows"]]
    assert strip == [{k: v for k, v in r.items() if k != "checklist"} for r in site["rows"]]
    assert any(r["checklist"] for r in repo["rows"])
    assert not any(r["checklist"] for r in site["rows"])
    assert any("#checklist" in a for a in site["assumptions"])


PROMTOOL = shutil.which("promtool")


@pytest.mark.skipif(PROMTOOL is None, reason="needs promtool")
def test_alerts_file_that_promtool_accepts_counts_its_metrics_as_monitored(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = tmp_path / "rules.yml"
    rules.write_text(yaml.safe_dump({"groups": [{"name": "team", "rules": [
        {"alert": "Drift", "expr": "avg_over_time(fmcat_feature_psi[1d]) >= 0.2", "for": "5m"},
        {"record": "job:skew", "expr": "max by (job) (fmcat_training_serving_skew)"},
        # A metric name inside a label matcher is not the metric read.
        {"alert": "Up", "expr": 'up{job="fmcat_null_rate"} == 0'},
    ]}]}), encoding="utf-8")
    assert PROMTOOL is not None
    checked = subprocess.run([PROMTOOL, "check", "rules", str(rules)], capture_output=True,
                             text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    path = tmp_path / "p.yml"
    path.write_text("name: x\ndata_domain: [tabular]\n", encoding="utf-8")
    _, without = _json(["assess", str(path)], capsys)
    _, data = _json(["assess", str(path), "--alerts", str(rules)], capsys)
    assert data["profile"]["monitors"] == ["psi", "training_serving_skew"]
    for before, row in zip(without["rows"], data["rows"], strict=False):
        assert not {d["signal"] for d in row["missing_detectors"]} & {
            "psi", "training_serving_skew"}
        del before
    assert any(d["signal"] == "null_rate" for r in data["rows"]
               for d in r["missing_detectors"])


@pytest.mark.parametrize(("text", "expected"), [
    ("name: x\nmodel_family: [tree-ensemble]\n",
     "project.yml:2: model_family: 'tree-ensemble' is not a model_family value of this "
     "catalog (did you mean 'tree-ensembles'?)"),
    ("name: x\nmodel_familly: [llm]\n",
     "project.yml:2: model_familly: unknown key (did you mean 'model_family'?)"),
    ("name: x\nmonitors:\n  - psi\n  - nul_rate\n",
     "project.yml:4: monitors: 'nul_rate' is not a signal of this catalog "
     "(did you mean 'null_rate'?)"),
    ("data_domain: [tabular]\n", "project.yml:1: name: missing or empty"),
    ("name: x\nstages: {a: 1}\n", "project.yml:2: stages: expected a value or a list"),
    ("name: [x\n", "project.yml:2: YAML syntax error"),
])
def test_bad_profiles_exit_two_with_file_line_and_hint(
        tmp_path: Path, text: str, expected: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "project.yml"
    path.write_text(text, encoding="utf-8")
    code, out, err = _run(["assess", str(path), "--root", str(REPO)], capsys)
    assert code == 2 and not out
    assert expected in err.replace(str(tmp_path) + "/", "")
    assert "Traceback" not in err


@pytest.mark.parametrize(("text", "expected"), [
    ("groups:\n  - name: a\n    rules: [\n", "rules.yml:4"),
    ("groups:\n  - name: a\n    rules:\n      - alert: X\n        for: 5m\n",
     "rules.yml:4: groups[0].rules[0].expr: missing"),
    ("rule_files: []\n", "rules.yml:1: groups: missing or not a list"),
])
def test_unreadable_rules_files_exit_two_naming_file_and_line(
        profile: Path, tmp_path: Path, text: str, expected: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    rules = tmp_path / "rules.yml"
    rules.write_text(text, encoding="utf-8")
    code, out, err = _run(["assess", str(profile), "--alerts", str(rules), "--root",
                           str(REPO)], capsys)
    assert code == 2 and not out
    assert expected in err.replace(str(tmp_path) + "/", "")


def test_missing_files_and_a_changed_project_are_usage_errors(
        profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["assess", str(tmp_path / "none.yml"), "--root", str(REPO)], capsys)
    assert code == 2 and "none.yml: cannot read" in err
    other = tmp_path / "other.yml"
    other.write_text(PROFILE.replace("environment: batch", "environment: realtime"),
                     encoding="utf-8")
    code, _, err = _run(["assess", str(profile), "--after", str(other), "--root", str(REPO)],
                        capsys)
    assert code == 2 and "environment differs" in err


def test_the_example_profile_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["assess", str(REPO / "examples" / "project.yml"), "--root",
                         str(REPO)], capsys)
    assert code in (0, 1), err

"""A commit's result does not depend on the day it runs.

Overdue reviews (FMC063) grow with the calendar, not with a change to the
files, so they are notices: shown in the review queue, annotated and
counted, and failed on only by the scheduled `fmcat review due --check`,
never by `--strict` or the strict build every pull request goes through.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import textwrap
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from fmcat.analysis.governance import review_queue
from fmcat.cli.main import main
from fmcat.core.findings import (
    Finding,
    Severity,
    finding,
    format_github,
    format_json,
    format_text,
    has_errors,
    summarize,
)
from fmcat.core.load import load_catalog
from tests.conftest import REPO, build_site, copy_repo, read_page, site_config_text

LATER = date(2028, 6, 1)  # after the repository's first review falls due (2027-05-24)


def _set_today(monkeypatch: pytest.MonkeyPatch, day: date) -> None:
    epoch = int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))


def _overdue() -> Finding:
    return finding("FMC063", "entries/FM-0001-x.md", 7, "last_reviewed",
                   "review was due on 2027-05-24 (9 days ago)", "review the entry")


def test_an_overdue_review_is_a_notice() -> None:
    assert _overdue().severity is Severity.NOTICE


def test_notices_never_fail_not_even_strict() -> None:
    notice = _overdue()
    warning = finding("FMC101", "entries/FM-0001-x.md", 1, "detectors", "no detector")
    assert not has_errors([notice], strict=True)
    assert has_errors([notice, warning], strict=True)


def test_notices_are_printed_annotated_and_counted_apart() -> None:
    notice = _overdue()
    warning = finding("FMC101", "entries/FM-0002-y.md", 1, "detectors", "no detector")
    found = [notice, warning]
    assert "entries/FM-0001-x.md:7: notice: last_reviewed: review was due" in \
        format_text(found)
    assert format_github([notice]).startswith(
        "::notice file=entries/FM-0001-x.md,line=7,title=FMC063 last_reviewed::")
    assert summarize(found) == "0 error(s), 1 warning(s), 1 notice(s)"
    assert summarize([warning]) == "0 error(s), 1 warning(s)"


def test_strict_validate_of_the_repo_catalog_passes_after_reviews_fall_due(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _set_today(monkeypatch, LATER)
    assert main(["validate", "--root", str(REPO), "--strict"]) == 0
    captured = capsys.readouterr()
    assert ": notice: last_reviewed: review was due on 2027-05-24" in captured.out
    assert "(FMC063)" in captured.out
    assert captured.err.startswith("ok: ")
    assert "notice(s) (strict)" in captured.err


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.mark.slow
def test_strict_build_of_the_repo_catalog_passes_after_reviews_fall_due(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The repository's own site, built strictly on a day when every review is overdue."""
    _set_today(monkeypatch, LATER)
    root = copy_repo(tmp_path / "repo")
    (root / "mkdocs.yml").write_text(site_config_text(root), encoding="utf-8")
    collect = _Collect()
    logger = logging.getLogger("mkdocs.plugins.fmcat")
    level = logger.level
    logger.setLevel(logging.INFO)  # build_site quiets "mkdocs" to warnings
    logger.addHandler(collect)
    try:
        site = build_site(root, strict=True)
    finally:
        logger.removeHandler(collect)
        logger.setLevel(level)
    notices = [r for r in collect.records if "FMC063" in r.getMessage()]
    assert notices
    assert all(r.levelno == logging.INFO for r in notices)
    overdue = [i for i in review_queue(load_catalog(root, today=LATER), LATER)
               if i.state == "overdue"]
    assert overdue
    queue = read_page(site, "review/")
    text = queue.get_text(" ")
    assert f"of {LATER}" in text
    linked = {a.get_text(strip=True) for a in queue.find_all("a")}
    for item in overdue:
        assert any(item.id in label for label in linked), item.id


def test_review_due_check_fails_only_when_something_is_overdue(
        root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The fixture's first review falls due on 2027-02-28 (FM-0002), FM-0001's on 2027-04-10.
    assert main(["review", "due", "--root", str(root), "--today", "2027-02-01",
                 "--check"]) == 0
    capsys.readouterr()
    assert main(["review", "due", "--root", str(root), "--today", "2027-04-11",
                 "--check"]) == 1
    captured = capsys.readouterr()
    assert "FM-0001  overdue   due 2027-04-10" in captured.out
    assert "overdue" in captured.err
    # Without --check the list is information only.
    assert main(["review", "due", "--root", str(root), "--today", "2027-04-11"]) == 0
    # With --steward, only that steward's overdue records count (MP-0009 is due 2027-04-10).
    assert main(["review", "due", "--root", str(root), "--today", "2027-03-01",
                 "--steward", "@fmcat/sre", "--check"]) == 0
    assert main(["review", "due", "--root", str(root), "--today", "2027-03-01",
                 "--steward", "@fmcat/model-quality", "--check"]) == 1


EXAMPLES = REPO / "examples"


def _load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_github_example_checks_reviews_on_a_schedule_not_on_pull_requests() -> None:
    workflow = _load(EXAMPLES / "github" / "catalog.yml")
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["schedule"][0]["cron"]
    jobs = workflow["jobs"]
    scheduled = [name for name, job in jobs.items()
                 if any("fmcat review due --check" in step.get("run", "")
                        for step in job["steps"])]
    assert scheduled == ["review"]
    assert jobs["review"]["if"] == "github.event_name == 'schedule'"
    # The site is republished on the schedule, so its review queue is current.
    assert "'schedule'" in jobs["publish"]["if"]


def test_gitlab_example_checks_reviews_in_a_scheduled_pipeline() -> None:
    pipeline = _load(EXAMPLES / "gitlab" / ".gitlab-ci.yml")
    review = pipeline["review"]
    assert review["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "schedule"'}]
    assert "fmcat review due --check" in review["script"]
    for name, job in pipeline.items():
        if name != "review" and isinstance(job, dict) and "script" in job:
            assert not any("review due" in line for line in job["script"]), name


def test_gitlab_code_quality_shows_a_notice_as_info(tmp_path: Path) -> None:
    script = next(line for line in _load(EXAMPLES / "gitlab" / ".gitlab-ci.yml")
                  ["validate"]["script"] if line.startswith("python - <<'PY'"))
    code = textwrap.dedent(script.split("<<'PY'\n", 1)[1].rsplit("PY", 1)[0])
    (tmp_path / "findings.json").write_text(format_json([_overdue()]), encoding="utf-8")
    subprocess.run([sys.executable, "-c", code], cwd=tmp_path, check=True)
    report = json.loads((tmp_path / "gl-code-quality.json").read_text(encoding="utf-8"))
    assert [r["severity"] for r in report] == ["info"]

"""The CI and deploy-gate examples: they parse, call real commands, and gate correctly."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from fmcat.cli import UsageError, build_parser
from fmcat.core.load import load_catalog
from fmcat.core.model import FailureMode
from fmcat.exports.documents import catalog_document, dumps
from tests.conftest import FIXTURE, REPO

EXAMPLES = REPO / "examples"
GITHUB = EXAMPLES / "github" / "catalog.yml"
GITLAB = EXAMPLES / "gitlab" / ".gitlab-ci.yml"
GATE = EXAMPLES / "deploy-gate.sh"


def _load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _commands(text: str) -> list[list[str]]:
    """Every `fmcat ...` command line of a file, split like a shell would."""
    found = []
    for raw in text.replace("\\\n", " ").splitlines():
        line = raw.strip().removeprefix("- ").removeprefix("run: ")
        if line.startswith("fmcat "):
            words = shlex.split(line.split("||")[0].split(">")[0], comments=True)
            found.append(words[1:])
    return found


@pytest.mark.parametrize("path", [GITHUB, GITLAB, GATE], ids=lambda p: p.name)
def test_every_fmcat_command_in_the_examples_parses(path: Path) -> None:
    commands = _commands(path.read_text(encoding="utf-8"))
    assert commands
    for words in commands:
        argv = [w if not w.startswith("$") else "x" for w in words]
        try:
            build_parser().parse_args(argv)
        except UsageError as exc:  # pragma: no cover - the failure message
            pytest.fail(f"{path.name}: fmcat {' '.join(argv)}: {exc}")


def test_github_workflow_validates_prs_and_publishes_main() -> None:
    workflow = _load(GITHUB)
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert "pull_request" in triggers
    assert triggers["push"]["branches"] == ["main"]
    validate = workflow["jobs"]["validate"]
    runs = [step.get("run", "") for step in validate["steps"]]
    assert "fmcat validate --strict --format github" in runs
    assert any("pip-audit --strict" in run for run in runs)
    publish = workflow["jobs"]["publish"]
    assert publish["needs"] == "validate"
    assert "refs/heads/main" in publish["if"]
    assert publish["permissions"]["pages"] == "write"
    uses = [step.get("uses", "") for step in publish["steps"]]
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    build = next(s for s in publish["steps"] if s.get("run") == "mkdocs build --strict")
    assert "FMCAT_SITE_URL" in build["env"]


def test_gitlab_pipeline_validates_merge_requests_and_publishes_pages() -> None:
    pipeline = _load(GITLAB)
    validate = pipeline["validate"]
    assert {"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'} in validate["rules"]
    assert "fmcat validate --strict" in validate["script"]
    assert validate["artifacts"]["reports"]["codequality"] == "gl-code-quality.json"
    pages = pipeline["pages"]
    assert "public" in pages["artifacts"]["paths"]
    assert any("--site-dir public" in line for line in pages["script"])


def test_gitlab_code_quality_conversion(tmp_path: Path) -> None:
    script = next(line for line in _load(GITLAB)["validate"]["script"]
                  if line.startswith("python - <<'PY'"))
    code = textwrap.dedent(script.split("<<'PY'\n", 1)[1].rsplit("PY", 1)[0])
    findings = [{"code": "FMC030", "severity": "error", "file": "entries/FM-0001-x.md",
                 "line": 20, "field": "severity", "message": "'hgh' is not a known severity",
                 "hint": "did you mean 'high'?"},
                {"code": "FMC031", "severity": "warning", "file": "taxonomy.yml", "line": 0,
                 "field": "", "message": "m", "hint": "h"}]
    (tmp_path / "findings.json").write_text(json.dumps(findings))
    subprocess.run([sys.executable, "-c", code], cwd=tmp_path, check=True)
    report = json.loads((tmp_path / "gl-code-quality.json").read_text())
    assert [r["severity"] for r in report] == ["major", "minor"]
    assert report[0]["location"] == {"path": "entries/FM-0001-x.md", "lines": {"begin": 20}}
    assert report[1]["location"]["lines"]["begin"] == 1
    assert len({r["fingerprint"] for r in report}) == 2


# --- the deploy gate, run for real -----------------------------------------------


@pytest.fixture(scope="module")
def gate_env(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A published catalog.json and an `fmcat` on PATH that runs the integration commands."""
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    folder = tmp_path_factory.mktemp("gate")
    (folder / "catalog.json").write_text(dumps(catalog_document(
        load_catalog(REPO), "https://catalog.example.com/")))
    bin_dir = folder / "bin"
    bin_dir.mkdir()
    fmcat = bin_dir / "fmcat"
    fmcat.write_text(
        "#!/bin/sh\n"
        f'exec "{sys.executable}" -c "import sys; from fmcat.cli.main import '
        'main; sys.exit(main(sys.argv[1:]))" "$@"\n')
    fmcat.chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "PYTHON": sys.executable,
           "HOME": str(folder), "LC_ALL": "C.UTF-8"}
    return folder, env


def _gate(gate_env: tuple[Path, dict[str, str]], signals: object, *,
          catalog: str = "catalog.json",
          extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    folder, env = gate_env
    path = folder / "signals.json"
    path.write_text(json.dumps(signals))
    return subprocess.run(["bash", str(GATE), str(folder / catalog), str(path)],
                          env={**env, **(extra or {})}, capture_output=True, text=True,
                          check=False, timeout=120)


def test_gate_blocks_a_critical_match(gate_env: tuple[Path, dict[str, str]]) -> None:
    result = _gate(gate_env, [{"signal": "guardrail_block_rate", "value": 0.12}])
    assert result.returncode == 1, result.stderr
    assert "BLOCK FM-0020 Direct prompt injection [critical]" in result.stdout
    assert "https://catalog.example.com/failure-modes/FM-0020/#mitigation" in result.stdout
    assert result.stdout.rstrip().endswith("deploy gate: BLOCKED")


def test_gate_passes_with_warnings_below_the_blocking_severity(
        gate_env: tuple[Path, dict[str, str]]) -> None:
    signals = [{"signal": "psi", "value": 0.3, "labels": {"feature": "age"}}]
    result = _gate(gate_env, signals)
    assert result.returncode == 0, result.stderr
    assert "warn  FM-0001" in result.stdout
    assert "passed with warnings" in result.stdout
    # Blocking FM-0001's own severity (read from the catalog, which re-rates
    # entries) turns its warning into a block.
    record = load_catalog(REPO).entries["FM-0001"].record
    assert isinstance(record, FailureMode) and record.severity != "critical"
    stricter = _gate(gate_env, signals,
                     extra={"FMCAT_BLOCK_SEVERITIES": f"critical,{record.severity}"})
    assert stricter.returncode == 1
    assert "BLOCK FM-0001" in stricter.stdout


def test_gate_passes_when_nothing_matches(gate_env: tuple[Path, dict[str, str]]) -> None:
    result = _gate(gate_env, [{"signal": "psi", "value": 0.01}])
    assert result.returncode == 0
    assert "no failure mode matches" in result.stdout


@pytest.mark.parametrize(("signals", "catalog"), [
    ([{"signal": "psi", "value": "high"}], "catalog.json"),
    ([{"signal": "psi", "value": 0.3}], "missing.json"),
])
def test_gate_fails_closed_when_it_cannot_decide(gate_env: tuple[Path, dict[str, str]],
                                                 signals: object, catalog: str) -> None:
    result = _gate(gate_env, signals, catalog=catalog)
    assert result.returncode == 2
    assert "failing closed" in result.stderr


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed")
def test_gate_passes_shellcheck() -> None:
    result = subprocess.run(["shellcheck", str(GATE)], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stdout


# --- the gate fails closed: only a clean 0 or 1 with a matching result decides -----------

DEEP = 100_000
HUGE, HUGER = "9" * 401, "9" * 5000

HOSTILE_SIGNALS: dict[str, bytes] = {
    "401-digits": b'[{"signal": "psi", "value": ' + HUGE.encode() + b"}]",
    "5000-digits": b'[{"signal": "psi", "value": ' + HUGER.encode() + b"}]",
    "NaN": b'[{"signal": "psi", "value": NaN}]',
    "Infinity": b'[{"signal": "psi", "value": Infinity}]',
    "-Infinity": b'[{"signal": "psi", "value": -Infinity}]',
    "1e999": b'[{"signal": "psi", "value": 1e999}]',
    "true": b'[{"signal": "psi", "value": true}]',
    "deep": b"[" * DEEP + b"]" * DEEP,
    "not-utf-8": b'[{"signal": "psi", "value": 0.3, "labels": {"f": "\xff"}}]',
    "empty": b"",
}


def _blocked(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "failing closed" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("content", HOSTILE_SIGNALS.values(), ids=HOSTILE_SIGNALS.keys())
def test_gate_blocks_signals_it_cannot_evaluate(gate_env: tuple[Path, dict[str, str]],
                                               tmp_path: Path, content: bytes) -> None:
    folder, env = gate_env
    signals = tmp_path / "signals.json"
    signals.write_bytes(content)
    _blocked(subprocess.run(["bash", str(GATE), str(folder / "catalog.json"), str(signals)],
                            env=env, capture_output=True, text=True, check=False, timeout=120))


def _threshold(text: str, value: str) -> str:
    """The first detector's threshold replaced by `value`."""
    return re.sub(r'"threshold": [0-9.]+', f'"threshold": {value}', text, count=1)


HOSTILE_CATALOGS: dict[str, Callable[[str], str]] = {
    "deep": lambda text: "[" * DEEP + "]" * DEEP,
    "5000-digits": lambda text: text.replace('"generator"', f'"x": {HUGER}, "generator"', 1),
    "401-digit-threshold": lambda text: _threshold(text, HUGE),
    "NaN-threshold": lambda text: _threshold(text, "NaN"),
    "wrong-shape": lambda text: text.replace('"detectors": [', '"detectors": 7, "x": [', 1),
    "truncated": lambda text: text[: len(text) // 2],
}


@pytest.mark.parametrize("change", HOSTILE_CATALOGS.values(), ids=HOSTILE_CATALOGS.keys())
def test_gate_blocks_a_catalog_it_cannot_evaluate(gate_env: tuple[Path, dict[str, str]],
                                                 change: Callable[[str], str]) -> None:
    folder, _ = gate_env
    text = (folder / "catalog.json").read_text(encoding="utf-8")
    changed = change(text)
    assert changed != text
    (folder / "hostile.json").write_text(changed, encoding="utf-8")
    _blocked(_gate(gate_env, [{"signal": "guardrail_block_rate", "value": 0.01}],
                   catalog="hostile.json"))


FAKE_FMCAT = {
    "crash-exit-1": "echo 'RuntimeError: an uncaught exception exits 1' >&2; exit 1",
    "exit-1-with-a-match": 'cat "$RESULT"; exit 1',
    "exit-0-empty": "exit 0",
    "exit-0-not-json": "echo '{\"matched\": tr'; exit 0",
    "exit-0-wrong-shape": "echo '{\"matched\": true, \"matches\": {}}'; exit 0",
    "exit-0-nothing-matched": "echo '{\"version\": \"1.0\", \"matched\": false, "
                              "\"matches\": [], \"unknown_signals\": []}'; exit 0",
    "exit-0-newer-major": 'sed "s/\\"version\\": \\"1.0\\"/\\"version\\": \\"2.0\\"/" '
                          '"$RESULT"; exit 0',
    "exit-3": "exit 3",
    "killed": "kill -KILL $$",
    "missing": None,
}


@pytest.fixture(scope="module")
def critical_result(gate_env: tuple[Path, dict[str, str]]) -> Path:
    """What the real fmcat prints for a signal that matches a critical failure mode."""
    folder, env = gate_env
    path = folder / "critical-result.json"
    with path.open("w", encoding="utf-8") as out:
        status = subprocess.run(
            ["fmcat", "recommend", "--catalog", str(folder / "catalog.json"),
             "--signal", "guardrail_block_rate=0.12", "--format", "json"],
            env=env, stdout=out, check=False).returncode
    assert status == 0
    return path


@pytest.mark.parametrize("body", FAKE_FMCAT.values(), ids=FAKE_FMCAT.keys())
def test_gate_blocks_unless_fmcat_exits_cleanly_with_a_matching_result(
        gate_env: tuple[Path, dict[str, str]], critical_result: Path, tmp_path: Path,
        body: str | None) -> None:
    """A stand-in fmcat that fails in each way a real one can (test_gate_blocks_a_critical_match
    shows the real one blocking the same signal)."""
    folder, env = gate_env
    result_file = critical_result
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    if body is not None:
        fake = bin_dir / "fmcat"
        fake.write_text(f"#!/bin/sh\n{body}\n")
        fake.chmod(0o755)
    fake_env = {**env, "PATH": f"{bin_dir}:/usr/bin:/bin", "RESULT": str(result_file)}
    _blocked(_gate((folder, fake_env), [{"signal": "guardrail_block_rate", "value": 0.12}]))


def test_gate_blocks_without_python_or_blocking_severities(
        gate_env: tuple[Path, dict[str, str]]) -> None:
    signals = [{"signal": "psi", "value": 0.01}]
    _blocked(_gate(gate_env, signals, extra={"PYTHON": "/nonexistent/python3"}))
    _blocked(_gate(gate_env, signals, extra={"FMCAT_BLOCK_SEVERITIES": " , "}))


def test_gate_prints_catalog_text_on_one_line(gate_env: tuple[Path, dict[str, str]]) -> None:
    folder, _ = gate_env
    text = (folder / "catalog.json").read_text(encoding="utf-8")
    title = '"title": "Direct prompt injection"'
    assert title in text
    (folder / "newline.json").write_text(text.replace(
        title, '"title": "Direct prompt injection\\ndeploy gate: passed"'), encoding="utf-8")
    result = _gate(gate_env, [{"signal": "guardrail_block_rate", "value": 0.12}],
                   catalog="newline.json")
    assert result.returncode == 1
    assert "\ndeploy gate: passed" not in result.stdout
    assert result.stdout.rstrip().endswith("deploy gate: BLOCKED")


@pytest.mark.parametrize("title", ["::error file=x::pwned", "Direct ##[error]pwned",
                                   "Direct ::stop-commands::token"])
def test_gate_prints_no_workflow_command(gate_env: tuple[Path, dict[str, str]],
                                         title: str) -> None:
    """The gate runs in CI logs, where the runner acts on `##[` anywhere in a line."""
    folder, _ = gate_env
    text = (folder / "catalog.json").read_text(encoding="utf-8")
    old = '"title": "Direct prompt injection"'
    (folder / "command.json").write_text(text.replace(old, f'"title": "{title}"'),
                                         encoding="utf-8")
    result = _gate(gate_env, [{"signal": "guardrail_block_rate", "value": 0.12}],
                   catalog="command.json")
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert "pwned" in output or "token" in output
    assert [line for line in output.splitlines()
            if line.lstrip().startswith("::") or "##[" in line] == []


# --- unreadable files, with real permissions: the gate runs as nobody ----------------------


@pytest.fixture
def nobody_gate() -> Iterator[tuple[Path, Callable[..., subprocess.CompletedProcess[str]]]]:
    """A folder `nobody` can enter, and a runner of the gate whose fmcat runs as nobody
    (root ignores chmod; the gate's shell and python stay root's, as only fmcat reads)."""
    setpriv = shutil.which("setpriv")
    if os.geteuid() != 0 or setpriv is None or shutil.which("bash") is None:
        pytest.skip("needs root, setpriv and bash to run the gate as another user")
    folder = Path(tempfile.mkdtemp(prefix="fmcat-gate-"))
    folder.chmod(0o755)
    shutil.copytree(FIXTURE, folder / "catalog")
    (folder / "catalog.json").write_text(dumps(catalog_document(load_catalog(FIXTURE))),
                                         encoding="utf-8")
    (folder / "signals.json").write_text('[{"signal": "psi", "value": 0.01}]', encoding="utf-8")
    bin_dir = folder / "bin"
    bin_dir.mkdir()
    (bin_dir / "fmcat").write_text(
        "#!/bin/sh\n"
        f'exec "{setpriv}" --reuid=nobody --regid=nogroup --clear-groups "{sys.executable}" '
        '-c "import sys; from fmcat.cli.main import main; sys.exit(main(sys.argv[1:]))" "$@"\n')
    (bin_dir / "fmcat").chmod(0o755)

    def run(catalog: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", str(GATE), str(folder / catalog), str(folder / "signals.json")],
            env={"PATH": f"{bin_dir}:/usr/bin:/bin", "PYTHON": sys.executable,
                 "HOME": str(folder), "LC_ALL": "C.UTF-8",
                 "SOURCE_DATE_EPOCH": os.environ["SOURCE_DATE_EPOCH"]},
            capture_output=True, text=True, check=False, timeout=120)

    yield folder, run
    shutil.rmtree(folder)


@pytest.mark.parametrize(("locked", "catalog"), [
    (None, "catalog.json"),
    (None, "catalog"),
    ("catalog.json", "catalog.json"),
    ("signals.json", "catalog.json"),
    ("catalog/entries/FM-0002-prior-shift.md", "catalog"),
    ("catalog/entries", "catalog"),
], ids=["readable-json", "readable-folder", "catalog.json", "signals", "record", "folder"])
def test_gate_blocks_on_unreadable_files(
        nobody_gate: tuple[Path, Callable[..., subprocess.CompletedProcess[str]]],
        locked: str | None, catalog: str) -> None:
    folder, run = nobody_gate
    if locked is None:  # the same run with everything readable passes
        result = run(catalog)
        assert result.returncode == 0, result.stderr
        assert "no failure mode matches" in result.stdout
        return
    (folder / locked).chmod(0)
    _blocked(run(catalog))

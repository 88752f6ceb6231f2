"""export, recommend, drill and link, in-process through `main`: output and exit codes."""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

from fmcat.cli import recommend
from fmcat.cli.main import main
from fmcat.core.load import load_catalog
from fmcat.exports.documents import catalog_document, dumps, write_api_stream
from fmcat.exports.schema import json_schemas
from tests.conftest import FIXTURE


@pytest.fixture(autouse=True)
def _no_site_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FMCAT_SITE_URL", raising=False)


@pytest.fixture
def published(root: Path, tmp_path: Path) -> Path:
    """A built site's api/ folder, as a pipeline would download it."""
    site = tmp_path / "site"
    write_api_stream(load_catalog(root), site)
    return site


@pytest.fixture(scope="module")
def published_text() -> str:
    """The fixture catalog's api/catalog.json, built once for tests that only read it."""
    return dumps(catalog_document(load_catalog(FIXTURE)))


def _break(root: Path) -> None:
    path = root / "entries" / "FM-0001-covariate-shift.md"
    path.write_text(path.read_text().replace("severity: high", "severity: hgh", 1))


def test_a_command_group_registers_on_any_parser() -> None:
    parser = argparse.ArgumentParser(prog="x")
    recommend.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["recommend", "--signal", "psi=0.3", "--format", "json"])
    assert args.signal == ["psi=0.3"]
    assert callable(args.func)


# --- export ---------------------------------------------------------------------


def test_export_catalog_prints_the_document(root: Path, published: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "catalog", "--root", str(root)]) == 0
    out = capsys.readouterr().out
    assert out == (published / "api" / "catalog.json").read_text(encoding="utf-8")


def test_export_catalog_to_a_file_with_a_base_url(
        root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out" / "catalog.json"
    assert main(["export", "catalog", "--root", str(root), "-o", str(target),
                "--base-url", "https://c.example.com"]) == 0
    assert capsys.readouterr().out.strip() == target.as_posix()
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["base_url"] == "https://c.example.com/"
    assert data["failure_modes"][0]["url"] == "https://c.example.com/failure-modes/FM-0001/"


def test_base_url_defaults_to_the_site_url_variable(
        root: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("FMCAT_SITE_URL", "https://env.example.com/catalog/")
    assert main(["export", "catalog", "--root", str(root)]) == 0
    assert json.loads(capsys.readouterr().out)["base_url"] == "https://env.example.com/catalog/"
    monkeypatch.setenv("FMCAT_SITE_URL", "not a url")
    assert main(["export", "catalog", "--root", str(root)]) == 2
    assert "$FMCAT_SITE_URL" in capsys.readouterr().err


def test_export_refuses_a_catalog_with_errors(root: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    _break(root)
    for command in (["export", "catalog"], ["export", "alerts"], ["drill", "FM-0002"]):
        assert main([*command, "--root", str(root)]) == 1
        captured = capsys.readouterr()
        assert captured.out == ""
        assert "FM-0001-covariate-shift.md" in captured.err
        assert "FAILED" in captured.err


@pytest.mark.parametrize("argv", [
    ["export"], ["export", "catalog", "--base-url", "ftp://x"], ["export", "nothing"],
    ["export", "alerts", "--format", "nagios"], ["export", "catalog", "--root", "/nonexistent"],
])
def test_export_usage_errors(argv: list[str],
                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert capsys.readouterr().err.startswith("error: ")


def test_export_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # a folder without fmcat.yml: the default name
    assert main(["export", "schema"]) == 0
    assert json.loads(capsys.readouterr().out) == json_schemas()["catalog.json"]
    folder = tmp_path / "schema"
    assert main(["export", "schema", "-o", str(folder)]) == 0
    written = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.json"))
    assert written == sorted(json_schemas())
    assert len(capsys.readouterr().out.splitlines()) == len(written)
    (tmp_path / "file").write_text("x")
    assert main(["export", "schema", "-o", str(tmp_path / "file")]) == 2


def test_export_alerts(root: Path, tmp_path: Path,
                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "alerts", "--format", "prometheus", "--root", str(root)]) == 0
    captured = capsys.readouterr()
    assert "runbook_url values are site-relative" in captured.err
    rules = yaml.safe_load(captured.out)["groups"][0]["rules"]
    assert rules[0]["annotations"]["runbook_url"] == "failure-modes/FM-0001/#detection"
    target = tmp_path / "rules.yml"
    assert main(["export", "alerts", "--root", str(root), "--base-url", "https://c.example.com/",
                "-o", str(target)]) == 0
    assert capsys.readouterr().err == ""
    rules = yaml.safe_load(target.read_text())["groups"][0]["rules"]
    assert rules[0]["annotations"]["runbook_url"] == \
        "https://c.example.com/failure-modes/FM-0001/#detection"


# --- recommend ------------------------------------------------------------------


def test_recommend_exit_zero_on_a_match(root: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["recommend", "--root", str(root), "--signal", "psi=0.25"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1 failure mode match 1 observed signal.")
    assert "FM-0001" in out


def test_recommend_exit_one_when_nothing_matches(root: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["recommend", "--root", str(root), "--signal", "psi=0.2499",
                "--signal", "psy=3", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["matched"] is False
    assert data["unknown_signals"] == ["psy"]


def test_recommend_from_a_published_catalog(published: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    signals = tmp_path / "signals.json"
    signals.write_text(json.dumps([{"signal": "positive_rate", "value": 0.21,
                                    "labels": {"model": "triage"}}]))
    for source in (published, published / "api", published / "api" / "catalog.json"):
        assert main(["recommend", "--catalog", str(source), "--input", str(signals),
                    "--format", "json"]) == 0
        data = json.loads(capsys.readouterr().out)
        assert [m["id"] for m in data["matches"]] == ["FM-0002"]
        assert data["matches"][0]["fired"][0]["observations"][0]["labels"] == {
            "model": "triage"}


def test_recommend_from_a_catalog_folder_and_stdin(
        root: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(
        {"signals": [{"signal": "psi", "value": 0.3}]})))
    assert main(["recommend", "--catalog", str(root), "--input", "-",
                "--signal", "positive_rate=0.3", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [m["id"] for m in data["matches"]] == ["FM-0001", "FM-0002"]


def test_recommend_refuses_a_broken_catalog_with_two(
        root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _break(root)
    assert main(["recommend", "--root", str(root), "--signal", "psi=1"]) == 2
    assert "cannot recommend from a catalog with errors" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [
    ["recommend"],
    ["recommend", "--signal", "psi"],
    ["recommend", "--signal", "psi=high"],
    ["recommend", "--root", ".", "--catalog", ".", "--signal", "psi=1"],
    ["recommend", "--catalog", "/nonexistent.json", "--signal", "psi=1"],
    ["recommend", "--input", "/nonexistent.json"],
    ["recommend", "--signal", "psi=1", "--format", "yaml"],
])
def test_recommend_usage_errors(root: Path, argv: list[str],
                                monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(root)
    assert main(argv) == 2
    assert capsys.readouterr().err.startswith("error: ")


@pytest.mark.parametrize(("content", "message"), [
    ("not json", "not JSON"),
    ('{"schema_version": "9.0"}', "schema_version '9.0' is not supported"),
    ('{"schema_version": "1.0"}', "taxonomy: missing"),
])
def test_recommend_rejects_unusable_catalog_files(
        tmp_path: Path, content: str, message: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "catalog.json"
    path.write_text(content)
    assert main(["recommend", "--catalog", str(path), "--signal", "psi=1"]) == 2
    assert message in capsys.readouterr().err


def test_recommend_rejects_bad_input_files(root: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "signals.json"
    path.write_text('[{"signal": "psi", "value": "0.3"}]')
    assert main(["recommend", "--root", str(root), "--input", str(path)]) == 2
    assert "value: expected a finite number" in capsys.readouterr().err


def test_recommend_help_documents_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["recommend", "--help"]) == 0
    out = capsys.readouterr().out
    assert "0  at least one failure mode matched" in out
    assert "1  nothing matched" in out
    assert "2  usage error" in out


# --- drill and link ------------------------------------------------------------------


def test_drill(root: Path, tmp_path: Path,
               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["drill", "fm-0001", "--root", str(root)]) == 0
    assert capsys.readouterr().out.startswith("# Game day: FM-0001 ")
    target = tmp_path / "drill.md"
    assert main(["drill", "FM-0099", "--root", str(root), "-o", str(target),
                "--base-url", "https://c.example.com/"]) == 0
    text = target.read_text()
    assert text.startswith("# Game day: FM-0002 ")
    assert "https://c.example.com/failure-modes/FM-0002/#detection" in text


@pytest.mark.parametrize(("record_id", "message"), [
    ("FM-0003", "withdrawn"), ("FM-0404", "not in the catalog"), ("MP-0009", "not a failure"),
    ("FM-7", "not a failure-mode ID"),
])
def test_drill_errors(root: Path, record_id: str, message: str,
                      capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["drill", record_id, "--root", str(root)]) == 2
    assert message in capsys.readouterr().err


def test_link_without_a_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["link", "FM-0007"]) == 0
    assert capsys.readouterr().out == "failure-modes/FM-0007/\n"
    assert main(["link", "fm-0007", "--section", "#detection",
                "--base-url", "https://c.example.com/ml"]) == 0
    assert capsys.readouterr().out == "https://c.example.com/ml/failure-modes/FM-0007/#detection\n"
    assert main(["link", "MP-0003", "--section", "steps"]) == 0
    assert capsys.readouterr().out == "playbooks/MP-0003/#steps\n"
    assert main(["link", "CS-0002", "--section", "lessons"]) == 0
    assert capsys.readouterr().out == "case-studies/CS-0002/#lessons\n"
    assert main(["link", "MP-0003", "--section", "evidence"]) == 0
    assert capsys.readouterr().out == "playbooks/MP-0003/#evidence\n"


def test_link_checks_against_the_catalog(root: Path,
                                         monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["link", "FM-0099", "--root", str(root), "--section", "mitigation"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "failure-modes/FM-0002/#mitigation\n"
    assert "FM-0099 was merged into FM-0002" in captured.err
    monkeypatch.chdir(root)  # a catalog folder: checked without --root
    assert main(["link", "FM-0404"]) == 1
    assert "FM-0404 is not in the catalog" in capsys.readouterr().err
    assert main(["link", "FM-0003"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "failure-modes/FM-0003/\n"
    assert "withdrawn; link FM-0002 instead" in captured.err


@pytest.mark.parametrize(("argv", "message"), [
    (["link", "FM-0007", "--section", "detectoin"], "did you mean 'detection'"),
    (["link", "MP-0003", "--section", "detection"], "playbook page has no such section"),
    (["link", "INC-2026-0001"], "incidents have no page"),
    (["link", "FM-7"], "not a record ID"),
])
def test_link_usage_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                           argv: list[str], message: str,
                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    assert message in capsys.readouterr().err


# --- fail closed: anything recommend cannot fully evaluate is exit 2, in one line ---------


def _one_line_error(err: str) -> str:
    """The whole of stderr: one short `error:` line, never a traceback."""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err[:2000]
    assert lines[0].startswith("error: ")
    assert len(lines[0]) < 300, lines[0]
    return lines[0]


def _refusal(err: str) -> None:
    """Findings may come first; the last line says the command refused."""
    assert "Traceback" not in err
    assert err.splitlines()[-1].startswith("error: "), err[:2000]


HUGE, HUGER = "9" * 401, "9" * 5000
DEEP = 100_000


@pytest.mark.parametrize("value", [
    HUGE, HUGER, "-" + HUGE, "nan", "NaN", "inf", "-inf", "infinity", "1e999", "-1e999",
    "true", "false", "",
], ids=["401-digits", "5000-digits", "-401-digits", "nan", "NaN", "inf", "-inf", "infinity",
        "1e999", "-1e999", "true", "false", "empty"])
def test_recommend_refuses_signal_values_it_cannot_evaluate(
        root: Path, value: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["recommend", "--root", str(root), "--signal", f"psi={value}"]) == 2
    assert "--signal" in _one_line_error(capsys.readouterr().err)


HOSTILE_INPUTS: dict[str, bytes] = {
    "401-digits": b'[{"signal": "psi", "value": ' + HUGE.encode() + b"}]",
    "-401-digits": b'[{"signal": "psi", "value": -' + HUGE.encode() + b"}]",
    "5000-digits": b'[{"signal": "psi", "value": ' + HUGER.encode() + b"}]",
    "5000-digit-float": b'[{"signal": "psi", "value": ' + HUGER.encode() + b".5}]",
    "NaN": b'[{"signal": "psi", "value": NaN}]',
    "Infinity": b'[{"signal": "psi", "value": Infinity}]',
    "-Infinity": b'[{"signal": "psi", "value": -Infinity}]',
    "1e999": b'[{"signal": "psi", "value": 1e999}]',
    "true": b'[{"signal": "psi", "value": true}]',
    "false": b'[{"signal": "psi", "value": false}]',
    "deep-list": b"[" * DEEP + b"]" * DEEP,
    "deep-object": b'{"signals": ' * DEEP + b"[]" + b"}" * DEEP,
    "deep-labels": b'[{"signal": "psi", "value": 1, "labels": ' + b'{"a": ' * DEEP + b"1"
                   + b"}" * DEEP + b"}]",
    "not-utf-8": b'[{"signal": "psi", "value": 0.3, "labels": {"f": "\xff\xfe"}}]',
    "utf-16": '[{"signal": "psi", "value": 0.3}]'.encode("utf-16"),
    "empty": b"",
    "huge-key": b'[{"signal": "psi", "value": 1, "' + b"k" * 100_000 + b'": 1}]',
}


@pytest.mark.parametrize("content", HOSTILE_INPUTS.values(), ids=HOSTILE_INPUTS.keys())
def test_recommend_refuses_input_files_it_cannot_evaluate(
        root: Path, tmp_path: Path, content: bytes,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "signals.json"
    path.write_bytes(content)
    assert main(["recommend", "--root", str(root), "--input", str(path)]) == 2
    assert "signals.json" in _one_line_error(capsys.readouterr().err)


def test_recommend_refuses_hostile_stdin(root: Path,
                                         monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    for content in HOSTILE_INPUTS.values():
        stdin = io.TextIOWrapper(io.BytesIO(content), encoding="utf-8")
        monkeypatch.setattr("sys.stdin", stdin)
        assert main(["recommend", "--root", str(root), "--input", "-"]) == 2
        assert "stdin" in _one_line_error(capsys.readouterr().err)


def _threshold(text: str, value: str) -> bytes:
    assert '"threshold": 0.25' in text
    return text.replace('"threshold": 0.25', f'"threshold": {value}', 1).encode()


HOSTILE_CATALOGS: dict[str, Callable[[str], bytes]] = {
    "deep": lambda text: b"[" * DEEP + b"]" * DEEP,
    "deep-inside": lambda text: text.replace(
        '"generator"', '"x": ' + "[" * DEEP + "]" * DEEP + ', "generator"', 1).encode(),
    "5000-digits": lambda text: text.replace(
        '"generator"', f'"x": {HUGER}, "generator"', 1).encode(),
    "401-digit-threshold": lambda text: _threshold(text, HUGE),
    "NaN-threshold": lambda text: _threshold(text, "NaN"),
    "Infinity-threshold": lambda text: _threshold(text, "-Infinity"),
    "1e999-threshold": lambda text: _threshold(text, "1e999"),
    "true-threshold": lambda text: _threshold(text, "true"),
    "string-threshold": lambda text: _threshold(text, '"0.25"'),
    "bad-window": lambda text: text.replace('"window": "1d"', '"window": "a day"', 1).encode(),
    "detectors-not-a-list": lambda text: text.replace(
        '"detectors": [', '"detectors": 7, "was": [', 1).encode(),
    "a-list": lambda text: b"[" + text.encode() + b"]",
    "null": lambda text: b"null",
    "empty": lambda text: b"",
    "not-utf-8": lambda text: text.encode().replace(b'"title": "', b'"title": "\xff', 1),
}


@pytest.mark.parametrize("change", HOSTILE_CATALOGS.values(), ids=HOSTILE_CATALOGS.keys())
def test_recommend_refuses_catalog_files_it_cannot_evaluate(
        published_text: str, tmp_path: Path, change: Callable[[str], bytes],
        capsys: pytest.CaptureFixture[str]) -> None:
    text = published_text
    path = tmp_path / "catalog.json"
    path.write_bytes(change(text))
    assert path.read_bytes() != text.encode()
    assert main(["recommend", "--catalog", str(path), "--signal", "psi=0.3"]) == 2
    assert "catalog.json" in _one_line_error(capsys.readouterr().err)


def test_recommend_turns_an_unexpected_failure_into_exit_two(
        root: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A traceback exits 1, which a deploy gate reads as "nothing matched"."""
    def crash(*args: object) -> None:
        raise RuntimeError("something nobody foresaw\nsecond line")

    monkeypatch.setattr("fmcat.exports.recommend.recommend", crash)
    assert main(["recommend", "--root", str(root), "--signal", "psi=0.3"]) == 2
    line = _one_line_error(capsys.readouterr().err)
    assert "RuntimeError: something nobody foresaw" in line
    assert "FMCAT_DEBUG" in line


def test_recommend_reports_an_unreadable_file_in_one_line(
        root: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """An OSError the loader lets through; simulated, as we run as root
    (test_unreadable_files_as_another_user does it with real permissions)."""
    def unreadable(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(root / "entries" / "FM-0002.md"))

    monkeypatch.setattr("fmcat.cli.common.load_checked", unreadable)
    assert main(["recommend", "--root", str(root), "--signal", "psi=0.3"]) == 2
    assert "FM-0002.md: Permission denied" in _one_line_error(capsys.readouterr().err)


# --- -o: a path that cannot be written is a one-line usage error ----------------------


def _bad_outputs(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    (tmp_path / "a-file").write_text("keep me", encoding="utf-8")
    return {
        "a-directory": folder,
        "under-a-file": tmp_path / "a-file" / "out.txt",
        "deep-under-a-file": tmp_path / "a-file" / "sub" / "out.txt",
        "unwritable": Path("/proc/self/fmcat-cannot-create-this"),
    }


OUTPUT_COMMANDS = {
    "export-catalog": ["export", "catalog", "--root", "{root}", "-o"],
    "export-alerts": ["export", "alerts", "--root", "{root}", "--base-url",
                      "https://c.example.com/", "-o"],
    "export-schema": ["export", "schema", "-o"],
    "drill": ["drill", "FM-0001", "--root", "{root}", "-o"],
}


@pytest.mark.parametrize("kind", ["a-directory", "under-a-file", "deep-under-a-file",
                                  "unwritable"])
@pytest.mark.parametrize("command", OUTPUT_COMMANDS.values(), ids=OUTPUT_COMMANDS.keys())
def test_an_output_path_that_cannot_be_written_is_exit_two(
        root: Path, tmp_path: Path, command: list[str], kind: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    target = _bad_outputs(tmp_path)[kind]
    if command[1] == "schema" and kind == "a-directory":
        target = tmp_path / "a-file"  # a folder is what schema wants; a file is not
    argv = [word.replace("{root}", str(root)) for word in command]
    assert main([*argv, str(target)]) == 2
    captured = capsys.readouterr()
    assert str(target) in _one_line_error(captured.err)
    assert captured.out == ""
    assert (tmp_path / "a-file").read_text(encoding="utf-8") == "keep me"


# --- metrics.yml: what validate and the build refuse, the exports refuse too ------------


def test_exports_refuse_a_catalog_whose_metrics_file_has_errors(
        root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (root / "metrics.yml").write_text("window_quarters: 0\ntargets:\n  median_tmie: {}\n",
                                      encoding="utf-8")
    assert main(["validate", "--root", str(root)]) == 1
    capsys.readouterr()
    for command in (["export", "catalog"], ["export", "alerts"], ["drill", "FM-0001"]):
        assert main([*command, "--root", str(root)]) == 1
        captured = capsys.readouterr()
        assert captured.out == ""
        assert "metrics.yml" in captured.err
        assert "FAILED" in captured.err
    assert main(["recommend", "--root", str(root), "--signal", "psi=0.3"]) == 2
    err = capsys.readouterr().err
    assert "metrics.yml" in err
    assert "cannot recommend from a catalog with errors" in err


# --- real permissions: the commands run as `nobody` ------------------------------------
# We run as root, for whom chmod 000 changes nothing; `setpriv` runs fmcat as
# nobody, for whom the same file is really unreadable.

SETPRIV = shutil.which("setpriv")


@pytest.fixture
def shared(tmp_path: Path) -> Iterator[Path]:
    """A folder `nobody` can enter (pytest's own are root's alone), with a catalog."""
    if os.geteuid() != 0 or SETPRIV is None:
        pytest.skip("needs root and setpriv to run a command as another user")
    folder = Path(tempfile.mkdtemp(prefix="fmcat-as-nobody-"))
    folder.chmod(0o755)
    shutil.copytree(FIXTURE, folder / "catalog")
    (folder / "catalog.json").write_text(dumps(catalog_document(load_catalog(FIXTURE))),
                                         encoding="utf-8")
    (folder / "signals.json").write_text('[{"signal": "psi", "value": 0.3}]',
                                         encoding="utf-8")
    yield folder
    shutil.rmtree(folder)


def as_nobody(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    assert SETPRIV is not None
    return subprocess.run(
        [SETPRIV, "--reuid=nobody", "--regid=nogroup", "--clear-groups", sys.executable,
         "-c", "import sys; from fmcat.cli.main import main; sys.exit(main(sys.argv[1:]))", *argv],
        cwd=cwd, env={"PATH": "/usr/bin:/bin", "HOME": str(cwd), "LC_ALL": "C.UTF-8",
                      "SOURCE_DATE_EPOCH": os.environ["SOURCE_DATE_EPOCH"]},
        capture_output=True, text=True, check=False, timeout=120)


def test_the_commands_run_as_nobody(shared: Path) -> None:
    result = as_nobody(["recommend", "--catalog", "catalog.json", "--input", "signals.json"],
                       shared)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(("locked", "argv"), [
    ("catalog.json", ["recommend", "--catalog", "catalog.json", "--input", "signals.json"]),
    ("signals.json", ["recommend", "--catalog", "catalog.json", "--input", "signals.json"]),
    ("catalog/entries/FM-0002-prior-shift.md",
     ["recommend", "--root", "catalog", "--signal", "psi=0.3"]),
    ("catalog/entries/FM-0002-prior-shift.md",
     ["recommend", "--catalog", "catalog", "--signal", "psi=0.3"]),
    ("catalog/entries", ["recommend", "--root", "catalog", "--signal", "psi=0.3"]),
    ("catalog/metrics.yml", ["recommend", "--root", "catalog", "--signal", "psi=0.3"]),
    ("catalog/entries/FM-0002-prior-shift.md", ["export", "catalog", "--root", "catalog"]),
    ("catalog/entries/FM-0002-prior-shift.md", ["drill", "FM-0001", "--root", "catalog"]),
], ids=["catalog.json", "signals", "record-root", "record-catalog", "entries-folder",
        "metrics.yml", "export-record", "drill-record"])
def test_unreadable_files_as_another_user(shared: Path, locked: str, argv: list[str]) -> None:
    path = shared / locked
    if not path.exists():
        path.write_text("window_quarters: 4\n", encoding="utf-8")
    path.chmod(0)
    result = as_nobody(argv, shared)
    assert result.stdout == ""
    if locked.endswith(".json"):
        assert result.returncode == 2, (result.returncode, result.stderr)
        assert locked in _one_line_error(result.stderr)
    elif argv[0] == "recommend":  # a gate: a catalog it cannot read in full is exit 2
        assert result.returncode == 2, (result.returncode, result.stderr)
        assert "FMC074" in result.stderr
        _refusal(result.stderr)
    else:  # export and drill: an unreadable record is a finding (FMC074), exit 1
        assert result.returncode == 1, (result.returncode, result.stderr)
        assert "FMC074" in result.stderr and "Traceback" not in result.stderr


def test_an_output_folder_nobody_may_write_to_is_exit_two(shared: Path) -> None:
    locked = shared / "locked"
    locked.mkdir(mode=0o755)  # root's: nobody may not create files in it
    for argv in (["export", "catalog", "--root", "catalog"], ["export", "schema"],
                 ["drill", "FM-0001", "--root", "catalog"],
                 ["export", "alerts", "--root", "catalog", "--base-url", "https://c.example/"]):
        result = as_nobody([*argv, "-o", "locked/out/file.txt"], shared)
        assert result.returncode == 2, (argv, result.stderr)
        assert "locked/out" in _one_line_error(result.stderr)
    result = as_nobody(["codeowners", "--root", "catalog", "--output", "locked/CODEOWNERS"],
                       shared)
    assert result.returncode == 2, result.stderr
    assert "Permission denied" in _one_line_error(result.stderr)

"""The helpers every command shares (`fmcat.cli.common`), without the commands."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from fmcat.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_USAGE,
    Parser,
    UsageError,
    base_url,
    catalog_root,
    emit,
    failure_text,
    require_valid,
    run_command,
    write_output,
)
from fmcat.core.catalog import Catalog


@pytest.fixture(autouse=True)
def _no_site_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FMCAT_SITE_URL", raising=False)
    monkeypatch.delenv("FMCAT_DEBUG", raising=False)


# --- Parser -----------------------------------------------------------------------


def test_parser_errors_raise_a_usage_error_named_by_prog() -> None:
    parser = Parser(prog="fmcat thing")
    parser.add_argument("--n", type=int)
    with pytest.raises(UsageError, match=r"^fmcat thing: argument --n: invalid int value"):
        parser.parse_args(["--n", "x"])


def test_parser_says_what_a_missing_required_option_is_for() -> None:
    parser = Parser(prog="p", explain={"--mapping": "how columns map", "--other": "unused"})
    parser.add_argument("--mapping", required=True)
    with pytest.raises(UsageError) as caught:
        parser.parse_args([])
    assert str(caught.value) == ("p: the following arguments are required: --mapping "
                                 "(how columns map)")


# --- catalog_root -------------------------------------------------------------------


def test_catalog_root_accepts_a_folder_with_a_taxonomy(root: Path) -> None:
    assert catalog_root(str(root)) == root


def test_catalog_root_defaults_to_the_current_folder(
        root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(root)
    assert catalog_root(None) == Path.cwd()


def test_catalog_root_refuses_a_file_and_a_folder_without_taxonomy(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x", encoding="utf-8")
    with pytest.raises(UsageError, match="not a directory"):
        catalog_root(str(tmp_path / "f"))
    with pytest.raises(UsageError, match=r"has no taxonomy\.yml"):
        catalog_root(str(tmp_path))


# --- base_url -----------------------------------------------------------------------


def test_base_url_is_none_without_an_option_or_variable() -> None:
    assert base_url(None) is None


def test_base_url_gets_a_trailing_slash() -> None:
    assert base_url("https://c.example.com/docs") == "https://c.example.com/docs/"
    assert base_url("http://c.example.com/") == "http://c.example.com/"


def test_base_url_falls_back_to_the_site_url_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FMCAT_SITE_URL", "https://env.example.com")
    assert base_url(None) == "https://env.example.com/"
    assert base_url("https://opt.example.com/") == "https://opt.example.com/"
    assert base_url("") is None  # an explicit empty option wins: site-relative


@pytest.mark.parametrize("value", ["catalog.example.com", "ftp://x.example/", "https://",
                                   "/docs/"])
def test_base_url_refuses_what_is_not_an_absolute_http_url(
        value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(UsageError, match=r"^--base-url .*expected an absolute http\(s\) URL"):
        base_url(value)
    monkeypatch.setenv("FMCAT_SITE_URL", value)
    with pytest.raises(UsageError, match=r"^\$FMCAT_SITE_URL "):
        base_url(None)


# --- require_valid ------------------------------------------------------------------


def test_require_valid_returns_a_clean_catalog(
        root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    catalog = require_valid(root)
    assert isinstance(catalog, Catalog)
    assert "FM-0001" in catalog.entries
    assert capsys.readouterr().err == ""


def test_require_valid_refuses_a_catalog_with_errors_and_says_why(
        root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = root / "entries" / "FM-0001-covariate-shift.md"
    path.write_text(path.read_text().replace("severity: high", "severity: hgh", 1))
    assert require_valid(root) is None
    err = capsys.readouterr().err
    assert "FMC030" in err
    assert err.splitlines()[-1].startswith("FAILED: the catalog has 1 error(s)")


def test_require_valid_counts_metrics_yml_findings(
        root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (root / "metrics.yml").write_text("window_quarters: 0\n", encoding="utf-8")
    assert require_valid(root) is None
    assert "metrics.yml" in capsys.readouterr().err


# --- write_output and emit ------------------------------------------------------------


def test_write_output_creates_missing_folders(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "out.txt"
    write_output(target, "ü\n")
    assert target.read_bytes() == "ü\n".encode()


@pytest.mark.parametrize(("kind", "message"), [
    ("a-folder", "-o {path}: is a folder; give a file name"),
    ("under-a-file", "-o {path}: {tmp}/file is a file, not a folder"),
])
def test_write_output_says_why_it_cannot_write(tmp_path: Path, kind: str,
                                               message: str) -> None:
    (tmp_path / "file").write_text("keep", encoding="utf-8")
    path = {"a-folder": tmp_path, "under-a-file": tmp_path / "file" / "out.txt"}[kind]
    with pytest.raises(UsageError) as caught:
        write_output(path, "x", "-o")
    assert str(caught.value) == message.format(path=path, tmp=tmp_path)
    assert (tmp_path / "file").read_text(encoding="utf-8") == "keep"


def test_write_output_turns_an_os_error_into_a_usage_error() -> None:
    path = Path("/proc/self/fmcat-cannot-create-this")
    with pytest.raises(UsageError, match=r"^/proc/self/fmcat-cannot-create-this: cannot write"):
        write_output(path, "x")


def test_emit_writes_stdout_through_printable(capsys: pytest.CaptureFixture[str]) -> None:
    emit("raw", None, printable=str.upper)
    assert capsys.readouterr().out == "RAW"


def test_emit_writes_a_file_verbatim_and_prints_its_path(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out.txt"
    emit("raw", str(target), printable=str.upper)
    assert target.read_text(encoding="utf-8") == "raw"
    assert capsys.readouterr().out == f"{target.as_posix()}\n"


# --- run_command and failure_text -------------------------------------------------------


def _parser(func: object) -> argparse.ArgumentParser:
    parser = Parser(prog="t")
    parser.add_argument("--flag", action="store_true")
    parser.set_defaults(func=func)
    return parser


def test_run_command_returns_the_command_exit_code() -> None:
    assert run_command(_parser(lambda args: EXIT_FINDINGS if args.flag else EXIT_OK),
                       ["--flag"]) == EXIT_FINDINGS


def test_run_command_reports_a_usage_error_in_one_line(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert run_command(_parser(lambda args: EXIT_OK), ["--nope"]) == EXIT_USAGE
    assert capsys.readouterr().err == "error: t: unrecognized arguments: --nope\n"


def test_run_command_turns_help_into_exit_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_command(_parser(lambda args: EXIT_FINDINGS), ["--help"]) == EXIT_OK
    assert "usage: t" in capsys.readouterr().out


def _crash(args: argparse.Namespace) -> int:
    raise RuntimeError("boom\nsecond line")


def test_run_command_turns_a_crash_into_exit_two(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_command(_parser(_crash), []) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("error: fmcat stopped unexpectedly (RuntimeError: boom); ")


def test_run_command_lets_a_crash_through_with_fmcat_debug(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FMCAT_DEBUG", "1")
    with pytest.raises(RuntimeError, match="boom"):
        run_command(_parser(_crash), [])


def test_failure_text_names_the_file_of_an_os_error() -> None:
    error = PermissionError(13, "Permission denied", "/x/FM-0002.md")
    assert failure_text(error) == "/x/FM-0002.md: Permission denied"


def test_failure_text_keeps_the_first_line_short() -> None:
    text = failure_text(ValueError("x" * 500 + "\nmore"))
    assert f"(ValueError: {'x' * 150}); nothing was decided" in text
    assert "more" not in text
    assert failure_text(KeyError()).startswith("fmcat stopped unexpectedly (KeyError); ")

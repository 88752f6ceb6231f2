"""The fmcat CLI, in-process: exit codes, output formats, scaffolding."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from fmcat.analysis import governance
from fmcat.authoring.scaffold import ScaffoldError, create_record
from fmcat.cli.main import main
from fmcat.core.findings import RULES
from fmcat.core.frontmatter import parse_markdown
from tests.conftest import FIXTURE, copy_repo


def _break(root: Path) -> Path:
    path = root / "entries" / "FM-0001-covariate-shift.md"
    path.write_text(path.read_text().replace("severity: high", "severity: hgh", 1))
    return path


def test_clean_catalog_exits_zero(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--root", str(root)]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("ok: 9 files, 9 records, 0 error(s), 0 warning(s)")


def test_error_exits_one_and_names_file_line_field(
        root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _break(root)
    assert main(["validate", "--root", str(root)]) == 1
    out = capsys.readouterr().out
    assert ("entries/FM-0001-covariate-shift.md:20: error: severity: 'hgh' is not a known "
            "severity (FMC030)") in out
    assert "hint: did you mean 'high'?" in out


def test_warnings_fail_only_with_strict(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = root / "entries" / "FM-0001-covariate-shift.md"
    text = path.read_text()
    start = text.index("references:")
    end = text.index("\n", text.index("url:", start))
    path.write_text(text[:start] + "references: []" + text[end:])
    assert main(["validate", "--root", str(root)]) == 0
    assert main(["validate", "--root", str(root), "--strict"]) == 1
    assert "warning: references: " in capsys.readouterr().out


def test_json_format(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _break(root)
    assert main(["validate", "--root", str(root), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data == [{
        "code": "FMC030", "severity": "error", "file": "entries/FM-0001-covariate-shift.md",
        "line": 20, "field": "severity", "message": "'hgh' is not a known severity",
        "hint": "did you mean 'high'?",
    }]


def test_github_format(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _break(root)
    assert main(["validate", "--root", str(root), "--format", "github"]) == 1
    assert capsys.readouterr().out.strip() == (
        "::error file=entries/FM-0001-covariate-shift.md,line=20,title=FMC030 severity::"
        "'hgh' is not a known severity (hint: did you mean 'high'?)")


@pytest.mark.parametrize("argv", [
    ["validate", "--format", "xml"],
    ["validate", "--root", "/nonexistent/catalog"],
    ["frobnicate"],
    ["new", "incident", "x"],
    [],
])
def test_usage_errors_exit_two(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert "Traceback" not in err


def test_folder_without_taxonomy_is_a_usage_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--root", str(tmp_path)]) == 2
    assert "has no taxonomy.yml" in capsys.readouterr().err


def test_new_writes_template_with_next_free_id(
        root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # FM-0099 is a retired alias: IDs are never reused, so the next is FM-0100.
    assert main(["new", "failure-mode", "Label leakage via joins", "--root", str(root),
                 "--steward", "@fmcat/sre"]) == 0
    printed = capsys.readouterr().out.strip()
    assert printed == "entries/FM-0100-label-leakage-via-joins.md"
    text = (root / printed).read_text()
    assert text.startswith("---\nid: FM-0100\ntitle: \"Label leakage via joins\"\n")
    assert main(["validate", "--root", str(root), "--format", "json"]) == 1
    findings = json.loads(capsys.readouterr().out)
    mine = [f for f in findings if f["file"] == printed]
    # The template parses; what remains are placeholders the author must fill in.
    assert mine and {f["code"] for f in mine} <= {"FMC012", "FMC011", "FMC030", "FMC022",
                                                  "FMC041", "FMC051"}


@pytest.mark.parametrize(("kind", "expected"), [("playbook", "playbooks/MP-0014-"),
                                                ("case-study", "case-studies/CS-0002-")])
def test_new_other_kinds(root: Path, kind: str, expected: str,
                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", kind, "Something useful", "--root", str(root)]) == 0
    assert capsys.readouterr().out.startswith(expected)


def test_new_rejects_unknown_steward(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "playbook", "X y z", "--root", str(root), "--steward", "@nobody"]) == 2
    assert "unknown steward" in capsys.readouterr().err


def test_rules_lists_every_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    assert all(code in out for code in RULES)


MAPPING_EXAMPLE = "examples/incident-import-mapping.yml"


def test_import_without_mapping_is_a_usage_error_that_explains_it(
        root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = tmp_path / "export.csv"
    export.write_text("id,title\nA-1,Something broke\n", encoding="utf-8")
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    assert main(["import", "incidents", str(export), "--root", str(root)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.splitlines()
    assert line.startswith("error: ")
    assert "--mapping" in line
    assert "which column of the export holds each incident field" in line
    assert MAPPING_EXAMPLE in line
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


def test_import_help_shows_mapping_as_required(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "incidents", "--help"]) == 0
    out = capsys.readouterr().out
    usage = " ".join(out.split("\n\n", 1)[0].split())
    assert "--mapping MAPPING.yml" in usage
    assert "[--mapping" not in usage
    assert MAPPING_EXAMPLE in " ".join(out.split())


def test_new_never_reuses_an_id_cited_after_its_file_was_deleted(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The repository's FM-0042 is cited by other records; deleting its file frees nothing."""
    repo = copy_repo(tmp_path / "repo")
    [deleted] = (repo / "entries").glob("FM-0042-*.md")
    deleted.unlink()
    cited = [p for p in repo.rglob("*") if p.is_file() and "FM-0042" in p.read_text("utf-8")]
    assert cited, "the test needs records that still cite FM-0042"
    assert main(["new", "failure-mode", "Something new", "--root", str(repo)]) == 0
    printed = capsys.readouterr().out.strip()
    assert printed.startswith("entries/FM-")
    assert int(printed.split("-")[1]) > 42


CITATIONS = {
    "a body link": ("entries/FM-0001-covariate-shift.md", "\nSee [the old entry]({id}).\n"),
    "an incident": ("incidents/2026/INC-2026-0009.yml",
                    "id: INC-2026-0009\nfailure_modes: [{id}]\nplaybooks_used: [{id}]\n"),
    "a case study's front matter": ("case-studies/CS-0001-drift-reuse.md", None),
    "an alias": ("entries/FM-0002-prior-shift.md", None),
    "the name of a file that does not load": ("{folder}/{id}-broken.md", "not a record\n"),
    "a file with another suffix": ("{folder}/{id}-draft.MD", "---\nid: {id}\n---\n"),
}


@pytest.mark.parametrize("where", CITATIONS)
@pytest.mark.parametrize(("kind", "prefix", "folder"), [
    ("failure-mode", "FM", "entries"), ("playbook", "MP", "playbooks"),
    ("case-study", "CS", "case-studies")])
def test_new_skips_every_id_that_appears_anywhere(
        root: Path, where: str, kind: str, prefix: str, folder: str) -> None:
    cited = f"{prefix}-0150"
    name, text = CITATIONS[where]
    path = root / name.format(folder=folder, id=cited)
    if text is None:
        # Put the ID into an existing list field of the front matter.
        original = path.read_text("utf-8")
        field = "aliases: [" if "aliases: [" in original else "failure_modes: ["
        path.write_text(original.replace(field, f"{field}{cited}, ", 1), "utf-8")
        assert cited in path.read_text("utf-8")
    elif path.exists():
        path.write_text(path.read_text("utf-8") + text.format(id=cited), "utf-8")
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.format(id=cited), "utf-8")
    created = create_record(root, kind, "A new record")
    assert created.name.startswith(f"{prefix}-0151-")


def test_new_refuses_when_a_record_cannot_be_read(
        root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """An unreadable file may cite any ID. Simulated by making opening that one file
    raise PermissionError (root can read anything, so chmod would not do)."""
    locked = root / "playbooks" / "MP-0009-circuit-breaker-with-fallback.md"
    real = Path.open

    def open_(self: Path, *args: object, **kwargs: object) -> object:
        if self == locked:
            raise PermissionError(13, "Permission denied")
        return real(self, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", open_)
    before = sorted(p.name for p in (root / "entries").iterdir())
    assert main(["new", "failure-mode", "Something new", "--root", str(root)]) == 2
    monkeypatch.undo()
    [line] = capsys.readouterr().err.splitlines()
    assert "playbooks/MP-0009-circuit-breaker-with-fallback.md" in line
    assert "Permission denied" in line
    assert sorted(p.name for p in (root / "entries").iterdir()) == before


TITLES = ["Drift after the \U0001f680 launch", "Quotes \"double\" and 'single'",
          "Colon: then text", "# starts like a comment", "ends with #", "a #b", "- dash",
          "[brackets] and {braces}", "&anchor *alias !tag %percent @at `tick`",
          "back\\slash", "yes", "null", "2026-01-01", "0x1F", "tab\tinside", "\ufeffbom",
          "  padded title  ", "日本語のタイトル", "\U0001d400 math bold"]


def _loaded_title(path: Path) -> object:
    doc = parse_markdown(path.name, path.read_bytes())
    assert doc.data is not None, [f.message for f in doc.findings]
    return doc.data["title"]


@pytest.mark.parametrize("title", TITLES)
def test_new_writes_titles_as_valid_utf8_yaml(root: Path, title: str) -> None:
    try:
        path = create_record(root, "failure-mode", title)
    except ScaffoldError as exc:
        assert "\t" in title, exc          # a tab is a control character: refused
        return
    raw = path.read_bytes()
    assert b"\\ud83d" not in raw.lower()
    assert _loaded_title(path) == title.strip()


@pytest.mark.parametrize("title", ["two\nlines", "carriage\rreturn", "nul\x00byte",
                                   "line\u2028separator", "bell\x07"])
def test_new_refuses_line_breaks_and_control_characters(
        root: Path, title: str, capsys: pytest.CaptureFixture[str]) -> None:
    before = sorted(p.name for p in (root / "entries").iterdir())
    assert main(["new", "failure-mode", title, "--root", str(root)]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("error: ") and "title" in line
    assert sorted(p.name for p in (root / "entries").iterdir()) == before


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=130))
@example("\U0001f600 emoji only")
def test_any_accepted_title_loads_back_unchanged(root: Path, title: str) -> None:
    try:
        path = create_record(root, "playbook", title)
    except ScaffoldError:
        return
    try:
        assert _loaded_title(path) == title.strip()
    finally:
        path.unlink()


def test_new_dates_the_record_by_the_build_clock(
        root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1925078400")   # 2031-01-02
    text = create_record(root, "case-study", "Dated by the clock").read_text("utf-8")
    assert "created: 2031-01-02\nlast_reviewed: 2031-01-02\n" in text


@pytest.mark.parametrize("existing", [False, True])
def test_codeowners_check_passes_right_after_new(
        tmp_path: Path, existing: bool, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "catalog"
    shutil.copytree(FIXTURE, root)
    if existing:
        assert main(["codeowners", "--root", str(root)]) == 0
    assert main(["new", "failure-mode", "Owned from the start", "--root", str(root),
                 "--steward", "@fmcat/sre"]) == 0
    err = capsys.readouterr().err
    assert "CODEOWNERS" in err
    assert main(["codeowners", "--check", "--root", str(root)]) == 0, capsys.readouterr()


def test_new_says_how_to_update_codeowners_when_it_cannot(
        root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def refuse(*_: object) -> Path:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(governance, "write_codeowners", refuse)
    assert main(["new", "failure-mode", "Owned later", "--root", str(root)]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith("entries/FM-0100-owned-later.md")
    assert f"run `fmcat codeowners --root {root}`" in captured.err


# --- every command fails in one line, with exit 2 -------------------------------------


def _one_line_error(err: str) -> str:
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err[:2000]
    assert lines[0].startswith("error: ")
    assert len(lines[0]) < 300, lines[0]
    return lines[0]


@pytest.mark.parametrize("error", [RuntimeError("boom"), RecursionError("too deep"),
                                   KeyError("x"), MemoryError()],
                         ids=lambda e: type(e).__name__)
def test_an_unexpected_failure_is_exit_two_in_one_line(
        root: Path, error: Exception, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """1 means "findings" to CI; a crash is not a verdict on the catalog."""
    def crash(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr("fmcat.cli.validate.load_checked", crash)
    assert main(["validate", "--root", str(root)]) == 2
    line = _one_line_error(capsys.readouterr().err)
    assert type(error).__name__ in line


def test_fmcat_debug_shows_the_traceback(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("fmcat.cli.validate.load_checked", crash)
    monkeypatch.setenv("FMCAT_DEBUG", "1")
    with pytest.raises(RuntimeError, match="boom"):
        main(["validate", "--root", str(root)])


def test_an_unreadable_file_is_exit_two_in_one_line_naming_it(
        root: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """An OSError no command handled (simulated: we run as root) names its file."""
    def unreadable(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(root / "entries" / "FM-0002.md"))

    monkeypatch.setattr("fmcat.cli.validate.load_checked", unreadable)
    monkeypatch.setattr("fmcat.cli.codeowners.load_catalog", unreadable)
    monkeypatch.setattr("fmcat.cli.review.load_catalog", unreadable)
    for argv in (["validate"], ["codeowners", "--check"], ["review", "due"]):
        assert main([*argv, "--root", str(root)]) == 2
        line = _one_line_error(capsys.readouterr().err)
        assert line == f"error: {root / 'entries' / 'FM-0002.md'}: Permission denied"


@pytest.mark.parametrize("kind", ["a-directory", "under-a-file", "unwritable"])
def test_codeowners_output_that_cannot_be_written_is_exit_two(
        root: Path, tmp_path: Path, kind: str, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a-folder").mkdir()
    (tmp_path / "a-file").write_text("keep me", encoding="utf-8")
    target = {"a-directory": tmp_path / "a-folder",
              "under-a-file": tmp_path / "a-file" / "CODEOWNERS",
              "unwritable": Path("/proc/self/fmcat-cannot-create-this")}[kind]
    assert main(["codeowners", "--root", str(root), "--output", str(target)]) == 2
    assert str(target) in _one_line_error(capsys.readouterr().err)
    assert (tmp_path / "a-file").read_text(encoding="utf-8") == "keep me"

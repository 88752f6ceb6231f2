"""The one parser: line numbers, and every way a file can be unreadable."""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

import pytest

from fmcat.core.frontmatter import MAX_FILE_BYTES, MAX_NODES, parse_markdown, parse_yaml, read_file

RECORD = b"""---
id: FM-0001
title: Example
detectors:
  - signal: psi
    threshold: 0.25
  - signal: null_rate
    threshold: 0.1
nested:
  deeper:
    key: value
---

## Symptoms
"""


def test_line_numbers_follow_the_file() -> None:
    doc = parse_markdown("entries/x.md", RECORD)
    assert doc.findings == []
    assert doc.lines[("id",)] == 2
    assert doc.lines[("detectors", 1)] == 7
    assert doc.lines[("detectors", 1, "threshold")] == 8
    assert doc.lines[("nested", "deeper", "key")] == 11
    assert doc.body_line == 13
    assert doc.line_of(("detectors", 1, "missing")) == 7
    assert doc.line_of(("absent",)) == 1


def test_crlf_and_bom_do_not_shift_lines() -> None:
    raw = b"\xef\xbb\xbf" + RECORD.replace(b"\n", b"\r\n")
    doc = parse_markdown("entries/x.md", raw)
    assert doc.findings == []
    assert doc.lines[("detectors", 1, "threshold")] == 8


def test_yaml_types_are_kept_for_strict_validation() -> None:
    doc = parse_markdown("x.md", b"---\nsev: no\nversion: 1.10\nwhen: 2026-01-02\n---\n")
    assert doc.data == {"sev": False, "version": 1.1, "when": __import__("datetime").date(
        2026, 1, 2)}


@pytest.mark.parametrize(
    ("raw", "code", "line"),
    [
        (b"", "FMC002", 0),
        (b"   \n\n", "FMC002", 0),
        (b"---\nid: x\n\xff\n---\n", "FMC001", 3),
        (b"id: x\n", "FMC003", 1),
        (b"---\nid: x\n", "FMC004", 1),
        (b"---\nid: [x\n---\n", "FMC005", 3),
        (b"---\nid: x\n  bad: indent\n---\n", "FMC005", 3),
        (b"---\nid: x\nid: y\n---\n", "FMC006", 3),
        (b"---\n- a\n---\n", "FMC007", 2),
        (b"---\n---\n", "FMC007", 1),
        (b"---\nid: !custom x\n---\n", "FMC008", 2),
        (b"---\n<<: {a: 1}\n---\n", "FMC008", 2),
        (b"---\n? [a]\n: b\n---\n", "FMC008", 2),
        (b"---\nyes: 1\n---\n", "FMC008", 2),
        (b"---\nid: x\x00\n---\n", "FMC001", 2),
    ],
)
def test_unreadable_files_are_coded_findings(raw: bytes, code: str, line: int) -> None:
    doc = parse_markdown("entries/bad.md", raw)
    assert [(f.code, f.line, f.file) for f in doc.findings][:1] == [(code, line, "entries/bad.md")]
    assert all(f.hint for f in doc.findings)


def test_alias_bomb_is_stopped() -> None:
    lines = ["---", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    lines.append("---")
    doc = parse_markdown("bomb.md", "\n".join(lines).encode())
    assert doc.data is None
    assert doc.findings[0].code == "FMC008"
    assert str(MAX_NODES)[:2] in doc.findings[0].message


def test_deep_nesting_is_stopped() -> None:
    raw = b"---\nk: " + b"[" * 5000 + b"]" * 5000 + b"\n---\n"
    doc = parse_markdown("deep.md", raw)
    assert doc.data is None
    assert doc.findings[0].code in {"FMC008", "FMC005"}


def test_plain_yaml_files_number_from_line_one() -> None:
    doc = parse_yaml("incidents/x.yml", b"# comment\nid: INC-2026-0001\nseverity: high\n")
    assert doc.lines[("severity",)] == 3


def test_read_file_refuses_a_large_file_from_its_size(tmp_path: Path) -> None:
    path = tmp_path / "huge.md"
    with path.open("wb") as handle:  # sparse: no disk used
        handle.truncate(3_000_000_000)
    raw, problems = read_file(path, "entries/huge.md")
    assert raw is None
    assert [(f.code, f.file) for f in problems] == [("FMC009", "entries/huge.md")]
    assert "3,000,000,000 bytes" in problems[0].message


def test_read_file_reads_at_most_one_byte_past_the_limit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A file that grows after its size was taken: the read itself stops.
    path = tmp_path / "growing.md"
    with path.open("wb") as handle:
        handle.truncate(3_000_000_000)
    real_fstat = os.fstat

    def small_fstat(fd: int) -> os.stat_result:
        status = real_fstat(fd)
        return os.stat_result((*status[:6], 10, *status[7:10]))

    monkeypatch.setattr(os, "fstat", small_fstat)
    tracemalloc.start()
    try:
        raw, problems = read_file(path, "entries/growing.md")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert raw is None
    assert [f.code for f in problems] == ["FMC009"]
    assert peak < 3 * MAX_FILE_BYTES


def test_read_file_does_not_block_on_a_fifo_or_read_a_folder(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.md")
    (tmp_path / "folder.md").mkdir()
    for name in ("pipe.md", "folder.md"):
        raw, problems = read_file(tmp_path / name, name)
        assert raw is None
        assert [(f.code, f.file) for f in problems] == [("FMC071", name)]


def test_read_file_reports_a_missing_file(tmp_path: Path) -> None:
    raw, problems = read_file(tmp_path / "gone.md", "entries/gone.md")
    assert raw is None
    assert [(f.code, f.file) for f in problems] == [("FMC074", "entries/gone.md")]
    assert "No such file" in problems[0].message


def test_read_file_returns_the_bytes_of_a_record(tmp_path: Path) -> None:
    (tmp_path / "x.md").write_bytes(RECORD)
    assert read_file(tmp_path / "x.md", "x.md") == (RECORD, [])

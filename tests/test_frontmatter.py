"""The one parser: line numbers, and every way a file can be unreadable."""

from __future__ import annotations

import pytest

from fmcat.frontmatter import MAX_NODES, parse_markdown, parse_yaml

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

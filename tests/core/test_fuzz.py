"""Fuzzing the parser and the checks: a clean pass or coded findings, never a crash.

Three generators: arbitrary bytes, arbitrary YAML documents as front matter,
and random mutations of a valid entry. For every input the only outcomes
allowed are a loaded record or at least one finding naming the file; an
exception, a hang or a silently dropped file fails the test.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fmcat.core.frontmatter import parse_markdown
from fmcat.core.load import load_catalog
from tests.conftest import FIXTURE

ENTRY = "entries/FM-0001-covariate-shift.md"
VALID = (FIXTURE / ENTRY).read_bytes()
FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


@contextmanager
def _catalog_with(content: bytes) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "catalog"
        shutil.copytree(FIXTURE, root)
        (root / ENTRY).write_bytes(content)
        yield root


def _assert_loaded_or_reported(content: bytes) -> None:
    with _catalog_with(content) as root:
        catalog = load_catalog(root)
        loaded = any(e.path == ENTRY for e in catalog.entries.values())
        reported = any(f.file == ENTRY for f in catalog.findings)
        assert loaded or reported, "the file was dropped without a finding"
        for finding in catalog.findings:
            assert finding.code.startswith("FMC")
            assert finding.file


@FUZZ
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_crash_the_parser(raw: bytes) -> None:
    doc = parse_markdown("entries/x.md", raw)
    assert doc.data is not None or doc.findings
    assert all(f.file == "entries/x.md" for f in doc.findings)


@FUZZ
@given(st.binary(max_size=400))
def test_arbitrary_bytes_after_the_fence_never_crash(tail: bytes) -> None:
    doc = parse_markdown("entries/x.md", b"---\n" + tail + b"\n---\n")
    assert doc.data is not None or doc.findings


_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                     st.text(max_size=30), st.dates())
_yaml_values = st.recursive(
    _scalars,
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.text(max_size=12), children, max_size=4)),
    max_leaves=25,
)


@FUZZ
@given(st.dictionaries(st.sampled_from(["id", "title", "summary", "status", "severity",
                                        "detectors", "related", "stewards", "created",
                                        "last_reviewed", "revisions", "review_every",
                                        "category", "x", "aliases", "mitigations"]),
                       _yaml_values, max_size=8))
def test_arbitrary_yaml_front_matter_is_reported(data: dict[str, object]) -> None:
    front = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    body = VALID.split(b"\n---\n", 1)[1]
    _assert_loaded_or_reported(b"---\n" + front.encode() + b"---\n" + body)


@FUZZ
@given(st.data())
def test_mutated_valid_entries_are_loaded_or_reported(data: st.DataObject) -> None:
    lines = VALID.split(b"\n")
    for _ in range(data.draw(st.integers(1, 4))):
        index = data.draw(st.integers(0, len(lines) - 1))
        action = data.draw(st.sampled_from(["delete", "duplicate", "insert", "truncate",
                                            "indent", "garble"]))
        if action == "delete" and len(lines) > 1:
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        elif action == "insert":
            lines.insert(index, data.draw(st.text(max_size=40)).encode("utf-8", "replace"))
        elif action == "truncate":
            lines[index] = lines[index][: data.draw(st.integers(0, len(lines[index])))]
        elif action == "indent":
            lines[index] = b"  " + lines[index]
        elif action == "garble":
            lines[index] = data.draw(st.binary(max_size=20))
    _assert_loaded_or_reported(b"\n".join(lines))


def test_extreme_dates_are_findings_not_overflows() -> None:
    text = VALID.replace(b"last_reviewed: 2026-10-12", b"last_reviewed: 9999-12-31")
    _assert_loaded_or_reported(text)
    with _catalog_with(text) as root:
        codes = {f.code for f in load_catalog(root).findings}
        assert "FMC012" in codes


def test_huge_and_deep_inputs_are_reported_quickly() -> None:
    _assert_loaded_or_reported(b"---\nid: FM-0001\n" + b"k: [" * 20000 + b"\n---\n")
    _assert_loaded_or_reported(b"---\n" + b"x: " + b"a" * 2_000_000 + b"\n---\n")
    bomb = ["---", "a0: &a0 [x, x, x, x, x, x, x, x]"]
    bomb += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 8) + "]" for i in range(1, 12)]
    _assert_loaded_or_reported(("\n".join(bomb) + "\n---\n").encode())

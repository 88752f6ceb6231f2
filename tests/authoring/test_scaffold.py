"""`fmcat new`'s pure parts: slugs, titles, YAML strings and the next free ID.

Writing whole templates is tested through the CLI in tests/cli/test_cli.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from fmcat.authoring.scaffold import (
    ScaffoldError,
    check_title,
    create_record,
    next_id,
    slugify,
    yaml_string,
)
from fmcat.core.load import load_checked
from fmcat.core.model import FAILURE_MODE, PLAYBOOK
from tests.conftest import SECOND


@pytest.mark.parametrize(("title", "slug"), [
    ("Label leakage: the Sequel!", "label-leakage-the-sequel"),
    ("---", "untitled"),
    ("Ünïcode only ☃", "n-code-only"),
    ("a" * 47 + " b", "a" * 47),
])
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_check_title_strips_and_refuses() -> None:
    assert check_title("  Drift after launch ") == "Drift after launch"
    for title, message in (("two\nlines", "a line break"), ("nul\x00", r"U\+0000"),
                           ("<b>bold</b>", "without '<' or '>'"), ("", "not valid")):
        with pytest.raises(ScaffoldError, match=message):
            check_title(title)


@pytest.mark.parametrize("value", ['say "hi"', "back\\slash", "emoji 🙂", "tab\there",
                                   "nbsp\u00a0x", "bom\ufeff", "line\u2028sep", "yes", ""])
def test_yaml_string_reads_back_as_the_same_text(value: str) -> None:
    text = yaml_string(value)
    assert "\n" not in text
    assert yaml.safe_load(f"k: {text}") == {"k": value}


def test_yaml_string_writes_printable_characters_as_themselves() -> None:
    assert yaml_string("café 🙂") == '"café 🙂"'
    assert yaml_string("a\tb\u2028") == '"a\\x09b\\u2028"'


def test_next_id_counts_every_id_cited_anywhere(tmp_path: Path) -> None:
    assert next_id(tmp_path, FAILURE_MODE) == "FM-0001"
    entries = tmp_path / FAILURE_MODE.folder
    entries.mkdir()
    (entries / "FM-0003-x.md").write_text("links [a](fm-0041#x) and MP-0100\n",
                                          encoding="utf-8")
    (entries / "FM-0007-gone.md").symlink_to(tmp_path / "missing")
    incidents = tmp_path / "incidents"
    incidents.mkdir()
    (incidents / "i.yml").write_text("failure_modes: [FM-0040, FM-1234567]\n", encoding="utf-8")
    assert next_id(tmp_path, FAILURE_MODE) == "FM-0042"  # seven digits are another number
    assert next_id(tmp_path, PLAYBOOK) == "MP-0101"


def test_a_new_record_has_the_sections_its_catalog_declares(tmp_path: Path) -> None:
    """A catalog that renames, adds or drops body sections gets a template with its
    own headings, in its order, which its section checks accept as written."""
    root = tmp_path / "catalog"
    shutil.copytree(SECOND, root)
    path = create_record(root, "failure-mode", "Template headings")
    headings = [line[3:] for line in path.read_text(encoding="utf-8").splitlines()
                if line.startswith("## ")]
    assert headings == ["Description", "Preconditions", "Procedure examples", "Detection",
                        "Mitigation", "Impact"]
    catalog = load_checked(root)
    # Sections without a prompt are empty (FMC041) until written; none is missing
    # (FMC040) or doubled (FMC043).
    assert [(f.code, f.message) for f in catalog.findings if f.file.endswith(path.name)
            and f.code in ("FMC040", "FMC043")] == []

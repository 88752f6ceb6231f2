"""The taxonomy reference documents every top-level key of `taxonomy.yml`, and only those."""

from __future__ import annotations

import re

from fmcat.core.taxonomy import Taxonomy
from tests.conftest import REPO


def test_each_top_level_key_has_one_section_with_an_example() -> None:
    text = (REPO / "docs" / "taxonomy-reference.md").read_text(encoding="utf-8")
    sections = re.split(r"^## ", text, flags=re.MULTILINE)[1:]
    keys = [section.split("\n", 1)[0].strip() for section in sections]
    assert sorted(keys) == sorted(Taxonomy.model_fields)
    for key, section in zip(keys, sections, strict=True):
        assert f"```yaml\n{key}:" in section, f"the section {key} has no example"

"""The suite's own machinery: only tests marked `slow` build a site."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pytest

from tests.conftest import build_site, pytest_collection_modifyitems


def test_a_test_not_marked_slow_may_not_build(catalog_dir: Path) -> None:
    with pytest.raises(RuntimeError, match="not marked slow"):
        build_site(catalog_dir)
    assert not (catalog_dir / "site").exists()


class _Item:
    def __init__(self, *fixturenames: str) -> None:
        self.fixturenames = list(fixturenames)
        self.marks: list[str] = []

    def add_marker(self, mark: Any) -> None:
        self.marks.append(mark.name)


def test_a_test_using_a_shared_build_is_marked_slow() -> None:
    items = [_Item("tmp_path"), _Item("built_fixture"), _Item("site_url", "built_repo")]
    pytest_collection_modifyitems(cast(list[pytest.Item], items))
    assert [item.marks for item in items] == [[], ["slow"], ["slow"]]

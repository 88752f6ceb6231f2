"""The engine's theme ships in the package, so a catalog holds content and config only."""

from __future__ import annotations

from fmcat.site.theming import (
    ASSESS_SCRIPT,
    CATALOG_SCRIPT,
    SCRIPTS,
    STYLESHEETS,
    THEME_DIR,
    with_engine_assets,
)
from tests.conftest import REPO


def test_the_theme_ships_with_the_package_not_the_catalog() -> None:
    assert (THEME_DIR / "main.html").is_file()
    assert (THEME_DIR / "partials" / "fmcat-card.html").is_file()
    generated = {"assets/fmcat-charts.css"}  # written by the build, from the package too
    for asset in {*STYLESHEETS, *SCRIPTS, CATALOG_SCRIPT, ASSESS_SCRIPT} - generated:
        assert (THEME_DIR / asset).is_file(), asset
    assert not (REPO / "overrides").exists()
    assert not (REPO / "docs" / "assets").exists()


class _Script:
    """A script entry as the generator holds one (`path`, `type`, …): its str() is its path."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __str__(self) -> str:
        return self.path


def test_engine_assets_come_first_each_once_and_the_catalogs_own_stay() -> None:
    own = _Script("js/team.mjs")
    listed = [own, _Script("assets/fmcat.js")]
    merged = with_engine_assets(listed, SCRIPTS)
    assert [str(item) for item in merged] == [*SCRIPTS, "js/team.mjs"]
    assert merged[-1] is own
    assert with_engine_assets([], STYLESHEETS) == list(STYLESHEETS)

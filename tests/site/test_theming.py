"""The engine's theme ships in the package, so a catalog holds content and config only."""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

from fmcat.site.theming import (
    ASSESS_SCRIPT,
    CATALOG_SCRIPT,
    CSS_ICONS,
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


def test_each_icon_the_stylesheet_draws_is_materials_own() -> None:
    """fmcat.css draws the header's icons (theming.CSS_ICONS) from a copy of
    Material's path: an upgrade of Material that changes one fails here."""
    material = Path(str(files("material"))) / "templates" / ".icons"
    css = (THEME_DIR / "assets" / "fmcat.css").read_text(encoding="utf-8")
    for icon in CSS_ICONS:
        svg = (material / f"{icon}.svg").read_text(encoding="utf-8").strip()
        rule = (f'svg.fmcat-icon[data-fmcat-icon="{icon}"] {{\n'
                f"  --fmcat-icon: url('data:image/svg+xml;charset=utf-8,{svg}');\n}}")
        assert rule in css, icon


def test_pages_carry_no_path_of_an_icon_the_stylesheet_draws(built_repo: Path) -> None:
    """Only the header's search button (Material's header.html, not
    overridden) still writes the magnifying glass inline."""
    material = Path(str(files("material"))) / "templates" / ".icons"
    paths = {icon: re.search(r' d="([^"]+)"', (material / f"{icon}.svg").read_text(
        encoding="utf-8")) for icon in CSS_ICONS}
    for url in ("failure-modes/FM-0001/index.html", "assess/index.html", "index.html"):
        html = (built_repo / url).read_text(encoding="utf-8")
        for icon, path in paths.items():
            assert path is not None
            inline = 1 if icon == "material/magnify" else 0
            assert html.count(path.group(1)) == inline, (url, icon)
        drawn = set(re.findall(r'<svg class="fmcat-icon" data-fmcat-icon="([^"]+)"></svg>', html))
        assert drawn == set(CSS_ICONS), url

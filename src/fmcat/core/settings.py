"""`fmcat.yml`: what a catalog says about itself, so the engine names nothing of its own.

The engine is shared by many catalogs; the name that feeds, JSON Schemas and
alert rules carry, and whether the incident log is illustrative, belong to
one catalog. They live at the catalog root, beside `taxonomy.yml`, so the
command line knows them without the site generator's config. The file is
optional: without it a catalog has a neutral name and real data.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, ValidationError

from fmcat.core.findings import Finding
from fmcat.core.frontmatter import parse_yaml, read_file
from fmcat.core.model import StrictModel
from fmcat.core.validation import error_to_finding

SETTINGS_FILE = "fmcat.yml"

DEFAULT_NAME = "Catalog"
"""The name of a catalog that has no `fmcat.yml`: says nothing about any one catalog."""


# Controls, line and paragraph separators, bidi marks and overrides, BOM.
_INVISIBLE = r"\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff"
_ONE_LINE = rf"^[^{_INVISIBLE}]*[^\s{_INVISIBLE}][^{_INVISIBLE}]*$"


class CatalogSettings(StrictModel):
    """`fmcat.yml`: the catalog's name and whether its incident log is example data."""

    # One line without controls, line separators or bidi overrides: it goes
    # into XML, YAML comments, JSON titles and console output verbatim.
    name: str = Field(default=DEFAULT_NAME, min_length=1, max_length=120, pattern=_ONE_LINE)
    example_data: bool = False
    """True while `incidents/` holds illustrative records (a starter catalog's):
    the trends, metrics and home pages then say so."""

    @property
    def names_itself(self) -> bool:
        """Whether the file sets `name` (the site checks it against the generator's)."""
        return "name" in self.model_fields_set


def load_settings(root: Path) -> tuple[CatalogSettings, list[Finding]]:
    """Read `fmcat.yml`; a missing file means the defaults, a broken one gives
    findings (and the defaults, so that one mistake is reported once)."""
    path = Path(root) / SETTINGS_FILE
    if not path.is_file():
        return CatalogSettings(), []
    raw, problems = read_file(path, SETTINGS_FILE)
    if raw is None:
        return CatalogSettings(), problems
    doc = parse_yaml(SETTINGS_FILE, raw)
    if doc.data is None:
        return CatalogSettings(), list(doc.findings)
    try:
        return CatalogSettings.model_validate(doc.data), list(doc.findings)
    except ValidationError as exc:
        return CatalogSettings(), [
            *doc.findings, *(error_to_finding(doc, CatalogSettings, e) for e in exc.errors())]

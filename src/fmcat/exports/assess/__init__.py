"""A project's risk review: the failure modes that apply to it, rated and ranked by Action Priority.

`index` makes and reads the compact document both the CLI and the site
page assess from (`api/assess.json`); `profile` reads a project's
`project.yml` and the monitored signals of a Prometheus rules file;
`worksheet` applies the rating rules of `fmcat.analysis.assess` to a
profile; `render` writes the worksheet as Markdown, CSV or JSON.
"""

from fmcat.exports.assess.index import (
    INDEX_PATH,
    INDEX_VERSION,
    AssessIndex,
    DocumentError,
    dimension_vocabularies,
    index_from_catalog,
    index_from_document,
    read_index,
    rebased,
)
from fmcat.exports.assess.profile import Profile, ProfileError, monitored_signals, parse_profile
from fmcat.exports.assess.render import render_csv, render_json, render_markdown
from fmcat.exports.assess.worksheet import Rating, Row, Worksheet, applies, assess

__all__ = [
    "INDEX_PATH",
    "INDEX_VERSION",
    "AssessIndex",
    "DocumentError",
    "Profile",
    "ProfileError",
    "Rating",
    "Row",
    "Worksheet",
    "applies",
    "assess",
    "dimension_vocabularies",
    "index_from_catalog",
    "index_from_document",
    "monitored_signals",
    "parse_profile",
    "read_index",
    "rebased",
    "render_csv",
    "render_json",
    "render_markdown",
]

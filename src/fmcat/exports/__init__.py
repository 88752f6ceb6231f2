"""What the catalog publishes for tools rather than readers.

`documents` (api/catalog.json and one file per record) and `schema` (the
exported shapes and their JSON Schemas) are the export contract; `alerts`
(Prometheus rules), `drill` (game-day scripts), `feeds` (Atom and JSON Feed)
and `recommend` (from observed signals to failure modes) are read from the
catalog the same way. The layer imports core and analysis only.

`recommend` is the sub-package here (its function is
`fmcat.exports.recommend.recommend`), so its names are not repeated at
this level.
"""

from fmcat.exports import alerts, documents, drill, feeds, recommend, schema
from fmcat.exports.alerts import alert_rules, render_prometheus
from fmcat.exports.documents import (
    API_DIR,
    ExportError,
    api_path,
    api_paths,
    catalog_document,
    dumps,
    retired_ids,
    site_url,
    stable_url,
    write_api_stream,
)
from fmcat.exports.drill import DrillError, drill_script
from fmcat.exports.feeds import atom_feed, json_feed
from fmcat.exports.schema import SCHEMA_VERSION, json_schemas

__all__ = [
    "API_DIR",
    "SCHEMA_VERSION",
    "DrillError",
    "ExportError",
    "alert_rules",
    "alerts",
    "api_path",
    "api_paths",
    "atom_feed",
    "catalog_document",
    "documents",
    "drill",
    "drill_script",
    "dumps",
    "feeds",
    "json_feed",
    "json_schemas",
    "recommend",
    "render_prometheus",
    "retired_ids",
    "schema",
    "site_url",
    "stable_url",
    "write_api_stream",
]

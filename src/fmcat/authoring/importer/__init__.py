"""Turning an incident tool's export into incident records (`fmcat import incidents`).

The import in order: `mapping` (the mapping file), `read` (the export's
rows, the log's raw records), `draft` (a row to incident data), `write`
(numbering, validating and writing files, and updating a record its source
already has), `report` (what happened, as text); `run` holds the steps.
"""

from fmcat.authoring.importer.mapping import MAPPING_EXPLAINED, ImportMapping, load_mapping
from fmcat.authoring.importer.read import Format
from fmcat.authoring.importer.report import (
    ImportedRow,
    ImportReport,
    RejectedRow,
    SkippedRow,
    UpdatedRow,
    format_report,
)
from fmcat.authoring.importer.run import import_incidents

__all__ = [
    "MAPPING_EXPLAINED",
    "Format",
    "ImportMapping",
    "ImportReport",
    "ImportedRow",
    "RejectedRow",
    "SkippedRow",
    "UpdatedRow",
    "format_report",
    "import_incidents",
    "load_mapping",
]

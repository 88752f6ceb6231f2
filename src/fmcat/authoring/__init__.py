"""Writing records for people: `fmcat new` (`scaffold`) and `fmcat import incidents`
(`importer`). Both write into the catalog's folders, and both refuse rather than
write a file that `fmcat validate` would reject or that would overwrite another."""

from fmcat.authoring.importer import (
    MAPPING_EXPLAINED,
    ImportMapping,
    ImportReport,
    format_report,
    import_incidents,
    load_mapping,
)
from fmcat.authoring.scaffold import NEW_KINDS, ScaffoldError, create_record

__all__ = [
    "MAPPING_EXPLAINED",
    "NEW_KINDS",
    "ImportMapping",
    "ImportReport",
    "ScaffoldError",
    "create_record",
    "format_report",
    "import_incidents",
    "load_mapping",
]

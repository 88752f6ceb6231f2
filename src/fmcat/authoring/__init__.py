"""Writing for people: `fmcat new` (`scaffold`) and `fmcat import incidents`
(`importer`) write records into the catalog's folders, and both refuse rather
than write a file that `fmcat validate` would reject or that would overwrite
another; `fmcat init` (`init`) writes a new catalog folder, only into an
empty one."""

from fmcat.authoring.importer import (
    MAPPING_EXPLAINED,
    ImportMapping,
    ImportReport,
    format_report,
    import_incidents,
    load_mapping,
)
from fmcat.authoring.init import InitError, init_catalog
from fmcat.authoring.scaffold import NEW_KINDS, ScaffoldError, create_record

__all__ = [
    "MAPPING_EXPLAINED",
    "NEW_KINDS",
    "ImportMapping",
    "ImportReport",
    "InitError",
    "ScaffoldError",
    "create_record",
    "format_report",
    "import_incidents",
    "init_catalog",
    "load_mapping",
]

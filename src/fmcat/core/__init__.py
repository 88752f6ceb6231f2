"""The catalog itself: files read into checked records, with no view of them.

Everything above (analysis, exports, authoring, site, cli) builds on what is
named here; core imports nothing from them. The modules, in the order data
flows through them:

- `frontmatter`, `folders`: files read safely into parsed documents;
- `ids`, `model`, `taxonomy`, `targets`: what a record, the vocabulary and
  the metric targets may hold, as strict pydantic models;
- `validation`, `findings`: every mistake as a coded finding with a line;
- `load`, `catalog`: the loaded catalog and its indexes;
- `checks`: the coded rules over a catalog; `body`: the Markdown body;
- `urls`, `text`, `clock`, `inert`: URLs and names the site publishes,
  shared wordings, the build date, text made safe to print.
"""

from fmcat.core.catalog import Catalog, Entry, IncidentEntry, kind_of
from fmcat.core.checks import completeness, find_issues
from fmcat.core.clock import build_date
from fmcat.core.findings import RULES, Finding, Severity, has_errors
from fmcat.core.ids import ANY_RECORD_ID
from fmcat.core.load import load_catalog, load_checked
from fmcat.core.model import (
    CASE_STUDY,
    FAILURE_MODE,
    INCIDENTS_FOLDER,
    KIND_BY_PREFIX,
    KINDS,
    PLAYBOOK,
    CaseStudy,
    FailureMode,
    Incident,
    Kind,
    Playbook,
    Record,
    StrictModel,
)
from fmcat.core.taxonomy import Taxonomy
from fmcat.core.text import duration_text, plural
from fmcat.core.urls import anchors, record_url, relative_url, reserved_by

__all__ = [
    "ANY_RECORD_ID",
    "CASE_STUDY",
    "FAILURE_MODE",
    "INCIDENTS_FOLDER",
    "KINDS",
    "KIND_BY_PREFIX",
    "PLAYBOOK",
    "RULES",
    "CaseStudy",
    "Catalog",
    "Entry",
    "FailureMode",
    "Finding",
    "Incident",
    "IncidentEntry",
    "Kind",
    "Playbook",
    "Record",
    "Severity",
    "StrictModel",
    "Taxonomy",
    "anchors",
    "build_date",
    "completeness",
    "duration_text",
    "find_issues",
    "has_errors",
    "kind_of",
    "load_catalog",
    "load_checked",
    "plural",
    "record_url",
    "relative_url",
    "reserved_by",
]

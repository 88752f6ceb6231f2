"""The checks: coded rules over a loaded catalog, one module per subject.

`find_issues` runs them all (`fmcat.core.load` calls it); `completeness`
scores a record by its warnings; the CODEOWNERS predicates are shared with
the governance analysis.
"""

from fmcat.core.checks.codeowners import codeowners_path_problem, is_codeowner
from fmcat.core.checks.completeness import COMPLETENESS_CODES, completeness
from fmcat.core.checks.engine import check_entry, check_incident, find_issues
from fmcat.core.checks.reporter import unknown_id_hint

__all__ = [
    "COMPLETENESS_CODES",
    "check_entry",
    "check_incident",
    "codeowners_path_problem",
    "completeness",
    "find_issues",
    "is_codeowner",
    "unknown_id_hint",
]

"""What the catalog and its incident log say, as pure functions of a loaded catalog.

`metrics` (trends, current figures, targets), `governance` (review cadence,
sampling, stewardship, change history), `codeowners` (the CODEOWNERS block
from the stewards) and `discovery` (facets, tag indexes, observed frequency,
similarity). Imports only `fmcat.core`; the site, the exports and the CLI
read these results.
"""

from fmcat.analysis import assess, codeowners, discovery, governance, metrics

__all__ = ["assess", "codeowners", "discovery", "governance", "metrics"]

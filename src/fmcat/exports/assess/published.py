"""The index as the site page fetches it: `api/assess.json`, only what the page needs.

At 20,000 entries the page must fetch at most 2 MB, so each failure mode is
an array of its rating inputs (no keys repeated 20,000 times), URLs are
derived from IDs (`failure-modes/<id>/`, `playbooks/<id>/`), and checklist
items are left to each entry's `#checklist` (the CLI prints them). The
positions are named in `MODE_FIELDS`, which the page reads too, so adding a
field is not a silent shift.
"""

from __future__ import annotations

import json
from typing import Any

from fmcat.exports.assess.index import INDEX_VERSION, AssessIndex

MODE_FIELDS = ("id", "title", "severity", "s", "o", "o_source", "frequency", "incidents",
               "recurrences", "dims", "stages", "detectors", "mitigations")
"""What each array of `modes` holds, in order; `dims` in the order of `dimensions`."""


def published_index(index: AssessIndex) -> dict[str, Any]:
    dims = list(index.dimensions)
    return {
        "version": INDEX_VERSION,
        "fields": list(MODE_FIELDS),
        "log_years": index.log_years,
        "table": index.table,
        "dimensions": dims,
        "playbooks": {key: [p.title, p.owner, p.time_to_remediate]
                      for key, p in index.playbooks.items()},
        "modes": [[m.id, m.title, m.severity, m.s, m.o, m.o_source, m.frequency, m.incidents,
                   m.recurrences, [m.dims.get(key, []) for key in dims], m.stages,
                   [[d.signal, d.op, d.threshold, d.window, d.action] for d in m.detectors],
                   [[x.playbook, x.kind] for x in m.mitigations]] for m in index.modes],
    }


def render_published(index: AssessIndex) -> str:
    """Compact JSON (no indentation: it is fetched, not read), byte-stable."""
    return json.dumps(published_index(index), ensure_ascii=False, sort_keys=True,
                      separators=(",", ":"), allow_nan=False) + "\n"

"""The index as the site page fetches it: `api/assess.json`, only what the page needs.

At 20,000 entries the page must fetch at most 2 MB compressed and show the
worksheet within 1 s, so the document is laid out for size and for a quick
parse (benchmarks/assess_probe.py measures both):

* `modes` is columnar, one array per field (named by its key, so adding a
  field is not a silent shift): a column of like values compresses several
  times better than rows of mixed ones.
* Short repeated words (dimension values, stages, severities, frequencies,
  occurrence sources, mitigation kinds) are written once in `strings` and
  referred to by position; a detector, shared by many modes, once in
  `detectors`; a playbook once in `playbooks`.
* URLs are derived from IDs (`failure-modes/<id>/`, `playbooks/<id>/`), and
  checklist items are left to each entry's `#checklist` (the CLI prints
  them).

The order of `modes` is the index's, by ID: the page breaks ranking ties by
position, which is the CLI's tie-break by ID.
"""

from __future__ import annotations

import json
from typing import Any

from fmcat.exports.assess.index import INDEX_VERSION, AssessIndex, IndexDetector

PUBLISHED_VERSION = "2.0"
"""Layout of the published `api/assess.json` (2: columnar, strings once)."""

MODE_COLUMNS = ("id", "title", "severity", "s", "o", "o_source", "frequency", "incidents",
                "recurrences", "dims", "stages", "detectors", "mitigations")
"""The keys of `modes`: each an array with one item per failure mode."""


class _Table:
    """Values written once, referred to by position."""

    def __init__(self) -> None:
        self.positions: dict[Any, int] = {}

    def __call__(self, value: Any) -> int:
        return self.positions.setdefault(value, len(self.positions))

    def values(self) -> list[Any]:
        return list(self.positions)


def published_index(index: AssessIndex) -> dict[str, Any]:
    strings, detectors = _Table(), _Table()
    playbooks = _Table()
    for key in index.playbooks:
        playbooks(key)

    def detector(d: IndexDetector) -> int:
        return detectors((d.signal, d.op, d.threshold, d.window, d.action))

    modes = index.modes
    dims = list(index.dimensions)
    columns: dict[str, Any] = {
        "id": [m.id for m in modes],
        "title": [m.title for m in modes],
        "severity": [strings(m.severity) for m in modes],
        "s": [m.s for m in modes],
        "o": [m.o for m in modes],
        "o_source": [strings(m.o_source) for m in modes],
        "frequency": [strings(m.frequency) for m in modes],
        "incidents": [m.incidents for m in modes],
        "recurrences": [m.recurrences for m in modes],
        "dims": [[[strings(v) for v in m.dims.get(key, [])] for m in modes] for key in dims],
        "stages": [[strings(v) for v in m.stages] for m in modes],
        "detectors": [[detector(d) for d in m.detectors] for m in modes],
        # Pairs flattened: playbook position, kind's string position, …
        "mitigations": [[x for item in m.mitigations
                         for x in (playbooks(item.playbook), strings(item.kind))]
                        for m in modes],
    }
    assert tuple(columns) == MODE_COLUMNS
    known = index.playbooks
    return {
        "version": PUBLISHED_VERSION,
        "index_version": INDEX_VERSION,
        "log_years": index.log_years,
        "table": index.table,
        "dimensions": dims,
        "strings": strings.values(),
        "detectors": [list(d) for d in detectors.values()],
        # A mitigation may name a playbook this catalog lacks: listed with empty fields.
        "playbooks": [[key, known[key].title, known[key].owner, known[key].time_to_remediate]
                      if key in known else [key, "", "", ""] for key in playbooks.values()],
        "count": len(modes),
        "modes": columns,
    }


def render_published(index: AssessIndex) -> str:
    """Compact JSON (no indentation: it is fetched, not read), byte-stable."""
    return json.dumps(published_index(index), ensure_ascii=False, sort_keys=True,
                      separators=(",", ":"), allow_nan=False) + "\n"

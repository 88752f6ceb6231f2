"""The assess index: the incident evidence agrees with the metrics."""

from __future__ import annotations

from fmcat.analysis.metrics import most_frequent_failure_modes, most_recurrent_failure_modes
from fmcat.core.load import load_catalog
from fmcat.exports.assess import index_from_catalog
from tests.conftest import REPO


def test_evidence_counts_as_the_metrics_do_on_the_repository_log() -> None:
    catalog = load_catalog(REPO)
    index = {mode.id: mode for mode in index_from_catalog(catalog).modes}
    recurring = {m.failure_mode: m for m in most_recurrent_failure_modes(catalog, None)}
    frequent = {m.failure_mode: m.count for m in most_frequent_failure_modes(catalog, None)}
    assert recurring and frequent
    for mode_id, mode in index.items():
        assert mode.incidents == frequent.get(mode_id, 0), mode_id
        assert mode.recurrences == (recurring[mode_id].recurrences
                                    if mode_id in recurring else 0), mode_id

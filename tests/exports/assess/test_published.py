"""The published `api/assess.json`: columnar, strings once, every rating input kept."""

from __future__ import annotations

import gzip
import json

from fmcat.core.load import load_catalog
from fmcat.exports.assess import index_from_catalog
from fmcat.exports.assess.published import MODE_COLUMNS, render_published
from tests.conftest import REPO


def test_the_published_index_decodes_to_the_index_the_cli_rates() -> None:
    index = index_from_catalog(load_catalog(REPO))
    data = json.loads(render_published(index))
    columns, strings = data["modes"], data["strings"]
    assert set(columns) == set(MODE_COLUMNS) and data["count"] == len(index.modes)
    per_mode = [column for key, column in columns.items() if key != "dims"] + columns["dims"]
    assert all(len(column) == len(index.modes) for column in per_mode)
    assert data["dimensions"] == list(index.dimensions)
    for m, mode in enumerate(index.modes):
        assert columns["id"][m] == mode.id and columns["title"][m] == mode.title
        assert (columns["s"][m], columns["o"][m]) == (mode.s, mode.o)
        assert strings[columns["severity"][m]] == mode.severity
        assert strings[columns["o_source"][m]] == mode.o_source
        assert strings[columns["frequency"][m]] == mode.frequency
        assert (columns["incidents"][m], columns["recurrences"][m]) == \
            (mode.incidents, mode.recurrences)
        assert [[strings[v] for v in column[m]] for column in columns["dims"]] == \
            [mode.dims[key] for key in index.dimensions]
        assert [strings[v] for v in columns["stages"][m]] == mode.stages
        assert [data["detectors"][d] for d in columns["detectors"][m]] == \
            [[d.signal, d.op, d.threshold, d.window, d.action] for d in mode.detectors]
        pairs = columns["mitigations"][m]
        assert [(data["playbooks"][p][0], strings[k]) for p, k in zip(pairs[::2], pairs[1::2],
                                                                     strict=True)] == \
            [(x.playbook, x.kind) for x in mode.mitigations]
    for key, title, owner, ttr in data["playbooks"]:
        known = index.playbooks[key]
        assert (title, owner, ttr) == (known.title, known.owner, known.time_to_remediate)
    # Each detector and each short word is written once.
    assert len(data["detectors"]) == len({json.dumps(d) for d in data["detectors"]})
    assert len(strings) == len(set(strings))


def test_the_published_index_is_byte_stable_and_compresses_well() -> None:
    index = index_from_catalog(load_catalog(REPO))
    first, second = render_published(index), render_published(index)
    assert first == second
    # The same modes as keyed rows compress to 2.8 times its size on the
    # repository's catalog (and row-wise arrays to 6.7 times at 20,000 entries).
    rows = json.dumps([m.model_dump(mode="json") for m in index.modes],
                      separators=(",", ":")).encode()
    assert len(gzip.compress(first.encode())) * 2 < len(gzip.compress(rows))


def test_the_published_index_is_the_same_without_parsing_checklists() -> None:
    """The site writes it without reading any body (`checklists=False`): that
    is only right while the published index leaves checklists out."""
    catalog = load_catalog(REPO)
    with_items = index_from_catalog(catalog)
    assert any(mode.checklist for mode in with_items.modes)
    assert render_published(index_from_catalog(catalog, checklists=False)) == \
        render_published(with_items)

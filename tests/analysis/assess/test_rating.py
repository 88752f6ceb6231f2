"""The rating rules: every cell of the Action Priority table, and the scales."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from fmcat.analysis import assess
from fmcat.analysis.assess import (
    AP_TABLE,
    DETECTIONS,
    Evidence,
    Occurrence,
    action_priority,
    detection_rating,
    evidence_by_mode,
    observed_occurrence,
    prevented_occurrence,
    rank_key,
    scale_level,
)

# The published table, written here cell by cell in (S, O, D) → AP form, so a
# changed cell in the module fails the test naming that cell.
EXPECTED = {
    (4, 4, "none"): "H", (4, 4, "some"): "H", (4, 4, "all"): "H",
    (4, 3, "none"): "H", (4, 3, "some"): "H", (4, 3, "all"): "H",
    (4, 2, "none"): "H", (4, 2, "some"): "H", (4, 2, "all"): "M",
    (4, 1, "none"): "H", (4, 1, "some"): "M", (4, 1, "all"): "L",
    (3, 4, "none"): "H", (3, 4, "some"): "H", (3, 4, "all"): "H",
    (3, 3, "none"): "H", (3, 3, "some"): "H", (3, 3, "all"): "M",
    (3, 2, "none"): "H", (3, 2, "some"): "M", (3, 2, "all"): "L",
    (3, 1, "none"): "H", (3, 1, "some"): "L", (3, 1, "all"): "L",
    (2, 4, "none"): "H", (2, 4, "some"): "M", (2, 4, "all"): "M",
    (2, 3, "none"): "M", (2, 3, "some"): "M", (2, 3, "all"): "L",
    (2, 2, "none"): "M", (2, 2, "some"): "L", (2, 2, "all"): "L",
    (2, 1, "none"): "L", (2, 1, "some"): "L", (2, 1, "all"): "L",
    (1, 4, "none"): "M", (1, 4, "some"): "L", (1, 4, "all"): "L",
    (1, 3, "none"): "L", (1, 3, "some"): "L", (1, 3, "all"): "L",
    (1, 2, "none"): "L", (1, 2, "some"): "L", (1, 2, "all"): "L",
    (1, 1, "none"): "L", (1, 1, "some"): "L", (1, 1, "all"): "L",
}


@pytest.mark.parametrize(("cell", "priority"), sorted(EXPECTED.items()),
                         ids=[f"S{s}-O{o}-{d}" for s, o, d in sorted(EXPECTED)])
def test_every_cell_of_the_table(cell: tuple[int, int, assess.Detection],
                                 priority: str) -> None:
    assert action_priority(*cell) == priority


def test_the_table_has_exactly_the_cells_of_the_scales() -> None:
    assert set(AP_TABLE) == set(EXPECTED) == set(itertools.product(
        range(1, 5), range(1, 5), DETECTIONS))


def test_a_severe_mode_without_detection_is_high_whatever_its_occurrence() -> None:
    for severity, occurrence in itertools.product((3, 4), range(1, 5)):
        assert action_priority(severity, occurrence, "none") == "H"


def test_a_worse_rating_on_any_scale_never_lowers_the_priority() -> None:
    order = {"H": 0, "M": 1, "L": 2}
    for (s, o, d), ap in AP_TABLE.items():
        worse = [(s + 1, o, d), (s, o + 1, d)]
        if DETECTIONS.index(d):
            worse.append((s, o, DETECTIONS[DETECTIONS.index(d) - 1]))
        for cell in worse:
            if cell in AP_TABLE:
                assert order[AP_TABLE[cell]] <= order[ap], (cell, (s, o, d))


def test_severity_weighs_first() -> None:
    # The top severity at the lowest occurrence with partial detection still
    # outranks the lowest severity at the highest occurrence.
    assert action_priority(4, 1, "some") == "M"
    assert action_priority(1, 4, "some") == "L"


@pytest.mark.parametrize(("rank", "top", "level"), [
    (4, 4, 4), (3, 4, 3), (2, 4, 2), (1, 4, 1),  # the shipped four levels
    (6, 6, 4), (5, 6, 3), (2, 6, 1), (1, 6, 1),  # more levels fold into S1
    (3, 3, 4), (1, 3, 2),                        # fewer keep the top at S4
    (0, 4, None), (9, 4, 4),
])
def test_scale_level_counts_down_from_the_top(rank: int, top: int, level: int | None) -> None:
    assert scale_level(rank, top) == level


@pytest.mark.parametrize(("incidents", "recurrences", "years", "level"), [
    (0, 0, 1.0, None),
    (1, 0, 1.0, 1), (2, 0, 2.0, 1),        # at most once a year: rare
    (2, 0, 1.0, 2), (11, 0, 1.0, 2),       # a few a year: occasional
    (12, 0, 1.0, 3), (30, 0, 2.0, 3),      # monthly or more: frequent
    (1, 1, 1.0, 2), (5, 2, 1.0, 3), (12, 1, 1.0, 4),  # a recurrence adds one
])
def test_observed_occurrence(incidents: int, recurrences: int, years: float,
                             level: int | None) -> None:
    assert observed_occurrence(Evidence(incidents, recurrences, years)) == level


def test_prevention_lowers_occurrence_by_one_and_never_below_one() -> None:
    assert prevented_occurrence(3, True) == 2
    assert prevented_occurrence(1, True) == 1
    assert prevented_occurrence(3, False) == 3


@pytest.mark.parametrize(("signals", "monitored", "rating", "missing"), [
    ((), {"psi"}, "none", ()),
    (("psi", "null_rate"), set(), "none", ("psi", "null_rate")),
    (("psi", "null_rate", "psi"), {"psi"}, "some", ("null_rate",)),
    (("psi", "null_rate"), {"psi", "null_rate", "x"}, "all", ()),
])
def test_detection_rating(signals: tuple[str, ...], monitored: set[str], rating: str,
                          missing: tuple[str, ...]) -> None:
    assert detection_rating(signals, frozenset(monitored)) == (rating, missing)


def test_ranking_is_priority_then_severity_then_occurrence_then_detection() -> None:
    keys = [
        rank_key("L", 4, 4, "none", "FM-0001"),
        rank_key("H", 3, 1, "none", "FM-0002"),
        rank_key("H", 4, 1, "none", "FM-0003"),
        rank_key("H", 4, 2, "some", "FM-0004"),
        rank_key("H", 4, 2, "none", "FM-0005"),
        rank_key("M", 4, 1, "some", "FM-0006"),
    ]
    assert [k[-1] for k in sorted(keys)] == [
        "FM-0005", "FM-0004", "FM-0003", "FM-0002", "FM-0006", "FM-0001"]


def _at(day: int) -> datetime:
    return datetime(2025, 1, 1, tzinfo=UTC) + timedelta(days=day)


def test_evidence_counts_incidents_and_recurrences_per_team() -> None:
    log = [
        Occurrence("INC-1", _at(0), "a", ("FM-0001",)),
        Occurrence("INC-2", _at(90), "a", ("FM-0001", "FM-0001")),  # within 90 days
        Occurrence("INC-3", _at(200), "a", ("FM-0001",)),           # 110 days later
        Occurrence("INC-4", _at(201), "b", ("FM-0001", "FM-0002")),  # another team
        Occurrence("INC-5", _at(730), "b", ("FM-0002",)),
    ]
    found = evidence_by_mode(log)
    assert found["FM-0001"] == Evidence(4, 1, 730 / 365.25)
    assert found["FM-0002"] == Evidence(2, 0, 730 / 365.25)


def test_a_young_log_is_read_over_one_year() -> None:
    found = evidence_by_mode([Occurrence("INC-1", _at(0), "a", ("FM-0001",)),
                              Occurrence("INC-2", _at(20), "a", ("FM-0001",))])
    assert found["FM-0001"].years == 1.0


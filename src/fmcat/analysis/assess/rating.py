"""Severity, occurrence and detection of a failure mode for one project, and its Action Priority.

FMEA rates each failure mode on three scales and combines them into an
Action Priority (AIAG-VDA: High, Medium, Low), weighing severity first. The
handbook's scales have ten points each; ours have the catalog's own few
levels, so we do not claim conformance: we map our scales onto four levels
(and detection onto three) and publish the whole table (`AP_TABLE`), which
the docs page renders from this module so that it cannot drift.

Scales:

* **Severity** S1..S4 from the entry's severity, by its rank in the
  taxonomy counted down from the top: the highest rank is S4, the next S3,
  and so on, never below S1. The shipped taxonomy maps low, medium, high,
  critical to S1..S4. A catalog with more severities folds its lowest ones
  into S1, so its top two (those that need an owner today) stay S4 and S3.
* **Occurrence** O1..O4 the same way from the declared frequency (rare,
  occasional, frequent, pervasive), unless the incident log has evidence
  (`observed_occurrence`), which then replaces the declaration.
* **Detection** from the project's monitors against the entry's detectors:
  `all` their signals monitored, `some`, or `none` (which includes an entry
  with no detector at all: nothing catches it).

The table (rows S, O; columns detection none / some / all) follows the
handbook's shape: at the top severity only a rare, fully detected mode
falls to L; at the lowest only a pervasive, undetected one rises to M. On
top of it, as the issue asks, a high-severity mode (S3 or S4) with no
detection is H whatever its occurrence: the handbook would let a rare one
be L, but a launch review must not wave through a severe failure nobody
would see. The table is monotone: a worse rating on any scale never lowers
the priority (a test checks every cell and this property).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Priority = Literal["H", "M", "L"]
Detection = Literal["none", "some", "all"]

LEVELS = 4
"""Severity and occurrence are rated 1..LEVELS."""

DETECTIONS: tuple[Detection, ...] = ("none", "some", "all")
"""Detection ratings, worst first (the columns of the table)."""

PRIORITIES: tuple[Priority, ...] = ("H", "M", "L")
"""Action Priorities, highest first (the ranking order)."""

SEVERE_LEVEL = 3
"""From this severity level up, a mode with no detection is H whatever its occurrence."""

_TABLE_TEXT = """
S4 O4  H H H
S4 O3  H H H
S4 O2  H H M
S4 O1  H M L
S3 O4  H H H
S3 O3  H H M
S3 O2  H M L
S3 O1  H L L
S2 O4  H M M
S2 O3  M M L
S2 O2  M L L
S2 O1  L L L
S1 O4  M L L
S1 O3  L L L
S1 O2  L L L
S1 O1  L L L
"""


def _parse_table(text: str) -> dict[tuple[int, int, Detection], Priority]:
    table: dict[tuple[int, int, Detection], Priority] = {}
    for line in text.strip().splitlines():
        severity, occurrence, *cells = line.split()
        for detection, cell in zip(DETECTIONS, cells, strict=True):
            assert cell in PRIORITIES
            table[int(severity[1:]), int(occurrence[1:]), detection] = cell
    return table


AP_TABLE: dict[tuple[int, int, Detection], Priority] = _parse_table(_TABLE_TEXT)
"""(severity level, occurrence level, detection) → Action Priority, every cell written out."""


def action_priority(severity: int, occurrence: int, detection: Detection) -> Priority:
    """The Action Priority of one rating: a look-up in `AP_TABLE`."""
    return AP_TABLE[severity, occurrence, detection]


def scale_level(rank: int, top_rank: int) -> int | None:
    """A taxonomy rank (1 = lowest) as a level 1..4 counted down from the top rank.

    None when the rank is unknown (0): the caller decides what to assume,
    and says so.
    """
    if rank < 1 or top_rank < 1:
        return None
    return max(1, LEVELS - (top_rank - min(rank, top_rank)))


@dataclass(frozen=True)
class Evidence:
    """What the incident log says about one failure mode."""

    incidents: int
    recurrences: int
    years: float
    """The span the rate is taken over: the whole log's, at least one year."""

    @property
    def rate(self) -> float:
        """Incidents per year across the organisation."""
        return self.incidents / self.years


def observed_occurrence(evidence: Evidence) -> int | None:
    """The occurrence level the incident log supports, or None without evidence.

    The rate is read against the taxonomy's wording of the frequencies: at
    most once a year is O1 (rare), up to monthly O2 (occasional), monthly or
    more O3 (frequent). A recurrence (the same team again within 90 days,
    the metrics' definition) shows that the failure returns where it was
    already met, so it raises the level by one: only then can evidence
    reach O4 (pervasive).
    """
    if evidence.incidents < 1:
        return None
    rate = evidence.rate
    level = 1 if rate <= 1 else 2 if rate < 12 else 3
    return min(LEVELS, level + (1 if evidence.recurrences else 0))


def prevented_occurrence(level: int, prevented: bool) -> int:
    """Occurrence after the project adopts a `prevent` playbook of the mode: one level lower.

    FMEA lowers occurrence for prevention controls and detection for
    detection controls; severity only changes with the design, never here.
    """
    return max(1, level - 1) if prevented else level


def detection_rating(detector_signals: tuple[str, ...], monitored: frozenset[str]
                     ) -> tuple[Detection, tuple[str, ...]]:
    """How much of a mode's detection the project has, and the signals it lacks.

    A mode without any detector is `none`: nothing would catch it (a catalog
    gap the metrics page counts).
    """
    wanted = tuple(dict.fromkeys(detector_signals))
    missing = tuple(signal for signal in wanted if signal not in monitored)
    if not wanted or len(missing) == len(wanted):
        return "none", missing
    return ("some" if missing else "all"), missing


def rank_key(priority: Priority, severity: int, occurrence: int, detection: Detection,
             mode_id: str) -> tuple[int, int, int, int, str]:
    """Sort key: H before M before L, then severity, occurrence, worse detection, ID."""
    return (PRIORITIES.index(priority), -severity, -occurrence, DETECTIONS.index(detection),
            mode_id)

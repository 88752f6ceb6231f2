"""The rating rules of a project's risk review (FMEA-style Action Priority).

Pure functions of plain values: `rating` holds the scales and the published
Action Priority table, `evidence` what the incident log says per failure
mode. The worksheet that applies them to a profile is in
`fmcat.exports.assess`; the site page applies the same table, shipped in
its index.
"""

from fmcat.analysis.assess.evidence import Occurrence, evidence_by_mode, log_years
from fmcat.analysis.assess.rating import (
    AP_TABLE,
    DETECTIONS,
    LEVELS,
    PRIORITIES,
    SEVERE_LEVEL,
    Detection,
    Evidence,
    Priority,
    action_priority,
    detection_rating,
    observed_occurrence,
    prevented_occurrence,
    rank_key,
    scale_level,
)

__all__ = [
    "AP_TABLE",
    "DETECTIONS",
    "LEVELS",
    "PRIORITIES",
    "SEVERE_LEVEL",
    "Detection",
    "Evidence",
    "Occurrence",
    "Priority",
    "action_priority",
    "detection_rating",
    "evidence_by_mode",
    "log_years",
    "observed_occurrence",
    "prevented_occurrence",
    "rank_key",
    "scale_level",
]

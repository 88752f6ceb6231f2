"""A profile assessed against the index: the failure modes that apply, rated and ranked.

How a failure mode applies to a project: for every dimension, the mode's
values and the profile's must share one; an empty side (the entry is not
specific to the dimension, or the profile does not say) matches anything,
and an empty profile side is listed as an assumption. The same holds for
stages when the profile gives them. `src/fmcat/site/theme/assets/fmcat-assess.js` does
exactly this in the browser; a browser test compares both rankings.
"""

from __future__ import annotations

from dataclasses import dataclass

from fmcat.analysis.assess import (
    Detection,
    Priority,
    detection_rating,
    prevented_occurrence,
    rank_key,
)
from fmcat.exports.assess.index import AssessIndex, IndexDetector, IndexMode
from fmcat.exports.assess.profile import Profile


@dataclass(frozen=True)
class Rating:
    """One rating of a mode for one state of the project (before or after action)."""

    occurrence: int
    prevented: bool
    detection: Detection
    missing: tuple[IndexDetector, ...]
    action_priority: Priority


@dataclass(frozen=True)
class Row:
    mode: IndexMode
    before: Rating
    after: Rating | None


@dataclass(frozen=True)
class Worksheet:
    profile: Profile
    after_profile: Profile | None
    index: AssessIndex
    rows: tuple[Row, ...]
    considered: int
    assumptions: tuple[str, ...]

    @property
    def final(self) -> tuple[Rating, ...]:
        """The ratings that decide the exit code: after action when given."""
        return tuple(row.after or row.before for row in self.rows)

    @property
    def high_remaining(self) -> int:
        return sum(1 for rating in self.final if rating.action_priority == "H")


def applies(mode: IndexMode, profile: Profile) -> bool:
    for key, wanted in profile.dimensions.items():
        values = mode.dims.get(key, [])
        if wanted and values and not set(wanted) & set(values):
            return False
    return not (profile.stages and mode.stages and not set(profile.stages) & set(mode.stages))


def rate(mode: IndexMode, profile: Profile, index: AssessIndex) -> Rating:
    detection, missing = detection_rating(tuple(d.signal for d in mode.detectors),
                                          profile.monitors)
    prevented = any(m.kind == "prevent" and m.playbook in profile.playbooks
                    for m in mode.mitigations)
    occurrence = prevented_occurrence(mode.o, prevented)
    return Rating(occurrence, prevented, detection,
                  tuple(d for d in mode.detectors if d.signal in missing),
                  index.table[str(mode.s)][str(occurrence)][detection])


def assess(index: AssessIndex, profile: Profile, after: Profile | None = None) -> Worksheet:
    """Rate every applicable mode; rank by the first rating (rows keep their place after)."""
    rows = []
    for mode in index.modes:
        if applies(mode, profile):
            rows.append(Row(mode, rate(mode, profile, index),
                            rate(mode, after, index) if after else None))
    rows.sort(key=lambda r: rank_key(r.before.action_priority, r.mode.s, r.before.occurrence,
                                     r.before.detection, r.mode.id))
    return Worksheet(profile, after, index, tuple(rows), len(index.modes),
                     assumptions(index, profile, rows))


def assumptions(index: AssessIndex, profile: Profile, rows: list[Row]) -> tuple[str, ...]:
    """What the worksheet assumed, in words a reviewer can check."""
    said: list[str] = []
    for key, dimension in index.dimensions.items():
        if not profile.dimensions.get(key):
            said.append(f"The profile gives no {key}: failure modes of every "
                        f"{dimension.title.lower()} value are included.")
    if not profile.stages:
        said.append("The profile gives no stages: failure modes of every stage are included.")
    if not profile.monitors:
        said.append("The profile monitors no signal: every detector is counted as missing.")
    undetected = [r.mode.id for r in rows if not r.mode.detectors]
    if undetected:
        said.append(f"{len(undetected)} failure modes have no detector in the catalog, so "
                    f"nothing can detect them: rated detection none ({', '.join(undetected)}).")
    for row in rows:
        if row.mode.s_assumed:
            said.append(f"{row.mode.id}: severity {row.mode.severity!r} is not rated in the "
                        f"taxonomy: assumed S4.")
        if row.mode.o_source == "assumed":
            said.append(f"{row.mode.id}: frequency {row.mode.frequency!r} is not rated and no "
                        "incident cites it: occurrence assumed O4.")
    said.append(f"Occurrence is observed from the incident log ({index.log_years:g} years) "
                "where an incident cites the failure mode, else the declared frequency; "
                "the log covers the whole organisation, not this project.")
    if not index.has_checklists:
        said.append("Checklist items are not in catalog.json: see each entry's #checklist.")
    return tuple(said)

"""Small hand-made knowledge for the unit tests of the recommend modules."""

from __future__ import annotations

from fmcat.exports.recommend import CaseRef, DetectorRule, Knowledge, Mode, PlaybookRef

RANKS = {"low": 1, "medium": 2, "high": 3, "critical": 4}


def rule(signal: str = "psi", op: str = ">=", threshold: float = 0.25,
         severity: str = "high", action: str = "page") -> DetectorRule:
    return DetectorRule(signal=signal, op=op, threshold=threshold, window="6h",
                        severity=severity, action=action, scope="")


def playbook(playbook_id: str = "MP-0001", kind: str = "respond", *,
             steps: tuple[str, ...] = ("Freeze the model.", "Page the owner."),
             title: str = "Roll back") -> PlaybookRef:
    return PlaybookRef(
        id=playbook_id, title=title, kind=kind, use="When drift is confirmed.",
        owner="ml-platform", time_to_remediate="2h", steps=steps,
        fallback="Serve the previous model.", url=f"playbooks/{playbook_id}/",
        case_studies=(CaseRef("CS-0001", "The spring drift", "case-studies/CS-0001/"),))


def mode(mode_id: str = "FM-0001", severity: str = "high", *,
         rules: tuple[DetectorRule, ...] = (), status: str = "active",
         playbooks: tuple[PlaybookRef, ...] = ()) -> Mode:
    return Mode(mode_id, f"Mode {mode_id}", status, severity, f"failure-modes/{mode_id}/",
                rules or (rule(),), playbooks)


def knowledge(*modes: Mode, signals: tuple[str, ...] = ("psi", "latency")) -> Knowledge:
    return Knowledge(modes, RANKS, frozenset(signals))

"""The Evidence section of a record page, and the count the summary card shows.

Artifacts (failure modes), controls (playbooks) and references (every record)
are what a reader jumps into from a page: the notebook behind a threshold,
the dashboard, the test, the paper.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from fmcat.core import body
from fmcat.core.model import FailureMode, Playbook, Record
from fmcat.core.text import plural


@dataclass(frozen=True)
class EvidenceItem:
    """A link out of the site. `url` is "" unless it is a web or mail URL: the
    checks refuse other schemes (FMC051), and the page never links one."""

    type: str
    title: str
    url: str

    @property
    def badge(self) -> str:
        """The type shown before the title; a reference needs none (its heading says it)."""
        return "" if self.type == "reference" else self.type


@dataclass(frozen=True)
class EvidenceView:
    artifacts: tuple[EvidenceItem, ...]
    controls: tuple[EvidenceItem, ...]
    references: tuple[EvidenceItem, ...]
    lists_controls: bool
    """A playbook: its Controls heading (the fixed anchor #controls) stays even when empty."""

    @property
    def is_empty(self) -> bool:
        return not (self.artifacts or self.controls or self.references)


def _item(type_: str, title: str, url: str) -> EvidenceItem:
    return EvidenceItem(type_, title, url if body.is_external(url) else "")


def evidence_view(record: Record) -> EvidenceView:
    artifacts: tuple[EvidenceItem, ...] = ()
    controls: tuple[EvidenceItem, ...] = ()
    if isinstance(record, FailureMode):
        artifacts = tuple(_item(a.type, a.title, a.url) for a in record.artifacts)
    elif isinstance(record, Playbook):
        controls = tuple(_item(c.type, c.title, c.url) for c in record.controls)
    references = tuple(_item("reference", r.title, r.url) for r in record.references)
    return EvidenceView(artifacts, controls, references, isinstance(record, Playbook))


def _typed_count(items: tuple[EvidenceItem, ...], noun: str) -> Iterable[str]:
    if items:
        types = ", ".join(dict.fromkeys(item.type for item in items))
        yield f"{plural(len(items), noun)} ({types})"


def evidence_text(view: EvidenceView) -> str:
    """`1 artifact (dashboard), 1 reference`: the card's pointer to #evidence."""
    parts = [*_typed_count(view.artifacts, "artifact"), *_typed_count(view.controls, "control")]
    if view.references:
        parts.append(plural(len(view.references), "reference"))
    return ", ".join(parts)

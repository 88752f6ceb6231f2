"""The records of the catalog, as pydantic models.

Models check shape and types only. They are strict: YAML 1.1 reads `no` as
false and `1.10` as 1.1, and such surprises must fail loudly rather than turn
a severity into a boolean. Vocabulary values are plain strings here and are
checked against `taxonomy.yml` by the check engine, so that vocabularies stay
data. Unknown keys are errors: a typo must never pass silently.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
)
from pydantic_core import PydanticCustomError

from fmcat.core.ids import (
    CS_ID_PATTERN,
    FM_ID_PATTERN,
    INC_ID_PATTERN,
    MP_ID_PATTERN,
    RECORD_ID_PATTERN,
)

FailureModeId = Annotated[str, StringConstraints(pattern=FM_ID_PATTERN)]
PlaybookId = Annotated[str, StringConstraints(pattern=MP_ID_PATTERN)]
CaseStudyId = Annotated[str, StringConstraints(pattern=CS_ID_PATTERN)]
RecordId = Annotated[str, StringConstraints(pattern=RECORD_ID_PATTERN)]
IncidentId = Annotated[str, StringConstraints(pattern=INC_ID_PATTERN)]

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

# Drawn as nothing: controls, format characters (zero-width, bidi, BOM, tags),
# spaces and separators, marks without a base, and the Hangul fillers and the
# blank Braille cell, which are letters or symbols that render empty.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zs", "Zl", "Zp", "Mn", "Me"})
_BLANK_CHARACTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Embeddings, overrides and isolates reorder the text around them
# ("Trojan Source"), so a title can display as something else than it says.
# The marks LRM, RLM and ALM only nudge neutral characters, and mixed-script
# titles need them, so they are allowed.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _is_invisible(char: str) -> bool:
    return char in _BLANK_CHARACTERS or unicodedata.category(char) in _INVISIBLE_CATEGORIES


def check_title(title: str) -> str:
    """Refuse a title nobody can read, or one that can display as other text.

    A title is the name of a record in every listing, feed and alert; one
    made only of invisible characters shows as a blank link.
    """
    if all(_is_invisible(char) for char in title):
        raise PydanticCustomError("invisible_text", "the title has no visible characters")
    control = next((char for char in title if char in BIDI_CONTROLS), None)
    if control is not None:
        raise PydanticCustomError(
            "bidi_control",
            "the title contains the text direction control U+{code}, which can make "
            "it display as other text", {"code": f"{ord(control):04X}"})
    return title


Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=120),
                  AfterValidator(check_title)]
Summary = Annotated[str, StringConstraints(strip_whitespace=True, min_length=10, max_length=600)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]
Url = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Number = Annotated[float, Field(allow_inf_nan=False)]
"""A finite number. YAML reads `.nan` and `.inf` as floats, but JSON has no such
values, comparisons with NaN are always false, and an alert rule or a chart
cannot use them: they are refused where they are read, not where they break."""

# Dates outside this range are typos (or fuzz) and would overflow date arithmetic.
_EARLIEST, _LATEST = date(2000, 1, 1), date(2999, 12, 31)
Day = Annotated[date, Field(ge=_EARLIEST, le=_LATEST)]
Moment = Annotated[AwareDatetime, Field(ge=datetime(2000, 1, 1, tzinfo=UTC),
                                        le=datetime(2999, 12, 31, tzinfo=UTC))]

DURATION_PATTERN = r"^[1-9][0-9]{0,4}[mhdw]$"
Duration = Annotated[str, StringConstraints(pattern=DURATION_PATTERN)]
"""A duration such as `30m`, `6h`, `1d` or `2w`."""

_UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str) -> timedelta:
    """`'6h'` → six hours. Input is assumed to match DURATION_PATTERN."""
    return timedelta(seconds=int(text[:-1]) * _UNIT_SECONDS[text[-1]])


# --- external IDs (fmcat.core.external checks them against taxonomy.yml) -----
ExternalId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                              max_length=100)]
ExternalIds = dict[str, list[ExternalId]]
"""`{scheme: [ID, …]}`: IDs of the record in other taxonomies (ATLAS, OWASP, CWE)."""

Status = Literal["draft", "active", "deprecated", "withdrawn"]
MitigationKind = Literal["prevent", "detect", "respond", "recover"]
Action = Literal["log", "alert", "page", "auto-rollback"]
Operator = Literal[">", ">=", "<", "<="]


class StrictModel(BaseModel):
    """The base of every model read from a file: unknown keys are errors, YAML's
    guesses (`no` as false) are refused, and a value, once read, never changes."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Reference(StrictModel):
    title: Text
    url: Url


class Revision(StrictModel):
    date: Day
    note: Text


class Record(StrictModel):
    """Fields every catalog record shares."""

    id: str
    title: Title
    summary: Summary
    status: Status
    status_reason: Text | None = None
    superseded_by: RecordId | None = None
    stewards: list[str] = Field(min_length=1)
    created: Day
    last_reviewed: Day
    review_every: int | None = Field(default=None, ge=1, le=3650)
    revisions: list[Revision] = []
    references: list[Reference] = []
    aliases: list[str] = []
    external_ids: ExternalIds = {}

    @property
    def is_active(self) -> bool:
        """In force: counted by the metrics, shown first on the home page."""
        return self.status == "active"

    @property
    def is_current(self) -> bool:
        """Active or still being written: kept under review and owned."""
        return self.status in ("active", "draft")

    @property
    def is_deprecated(self) -> bool:
        """Replaced but still listed: must name its successor."""
        return self.status == "deprecated"

    @property
    def is_listed(self) -> bool:
        """Not withdrawn: shown in listings, search, alert rules and drills."""
        return self.status != "withdrawn"

    @property
    def is_retired(self) -> bool:
        """Deprecated or withdrawn: must say why, and may name a successor."""
        return self.status in ("deprecated", "withdrawn")

    def review_due(self, default_days: int) -> date:
        """The date the next review is due: the one rule every page and check uses."""
        return self.last_reviewed + timedelta(days=self.review_every or default_days)


class BusinessImpact(StrictModel):
    description: Text
    kpis: list[Text] = []


class Detector(StrictModel):
    signal: str
    op: Operator
    threshold: Number
    window: Duration
    severity: str
    action: Action
    scope: str = ""


class Mitigation(StrictModel):
    playbook: PlaybookId
    kind: MitigationKind
    use: Text


class Artifact(StrictModel):
    type: Literal["notebook", "dashboard", "test", "dataset", "runbook"]
    title: Text
    url: Url


class FailureMode(Record):
    id: FailureModeId
    category: str
    stages: list[str] = Field(min_length=1)
    causes: list[str] = Field(min_length=1)
    effects: list[Text] = Field(min_length=1)
    data_domain: list[str]
    model_family: list[str]
    environment: list[str]
    customer_segment: list[str]
    severity: str
    frequency: str
    business_impact: BusinessImpact
    detectors: list[Detector] = []
    mitigations: list[Mitigation] = []
    related: list[FailureModeId] = []
    artifacts: list[Artifact] = []


class Escalation(StrictModel):
    to: str
    after: Duration
    when: Text


class Control(StrictModel):
    type: Literal["data-quality-rule", "test", "policy", "dashboard", "alert", "runbook"]
    title: Text
    url: Url


class Playbook(Record):
    id: PlaybookId
    kinds: list[MitigationKind] = Field(min_length=1)
    owner: str
    time_to_remediate: Duration
    steps: list[Text] = Field(min_length=1)
    fallback: Text
    rollback: Text
    escalation: Escalation
    tradeoffs: list[Text] = Field(min_length=1)
    controls: list[Control] = []


class Context(StrictModel):
    team: Slug
    data_domain: str
    model_family: str


class TimelineEvent(StrictModel):
    date: Day
    event: Text


class CaseMetric(StrictModel):
    name: Text
    before: Number
    after: Number
    unit: Text


class Responsibility(StrictModel):
    who: Text
    did: Text


class CaseStudy(Record):
    id: CaseStudyId
    illustrative: bool
    failure_modes: list[FailureModeId] = Field(min_length=1)
    playbooks: list[PlaybookId] = Field(min_length=1)
    origin: Context
    reused_in: list[Context] = Field(min_length=1)
    timeline: list[TimelineEvent] = Field(min_length=1)
    metrics: list[CaseMetric] = []
    responsibilities: list[Responsibility] = []


class DataChange(StrictModel):
    preceded: bool
    description: str = ""


class Source(StrictModel):
    """Where an imported incident came from.

    The importer records the incident tool and the tool's own ID so that
    importing the same export twice never creates a second record.
    """

    system: Slug
    id: Text


class Incident(StrictModel):
    """One occurrence of one or more failure modes, from the incident log."""

    id: IncidentId
    title: Title
    summary: str = ""
    started: Moment | None = None
    detected: Moment
    mitigated: Moment | None = None
    resolved: Moment | None = None
    failure_modes: list[FailureModeId] = Field(min_length=1)
    playbooks_used: list[PlaybookId] = []
    severity: str
    team: Slug
    project: Slug
    model_family: str
    environment: str
    release: str = ""
    data_change: DataChange
    postmortem: Url | None = None
    source: Source | None = None

    @property
    def time_to_detect(self) -> timedelta | None:
        return self.detected - self.started if self.started else None

    @property
    def time_to_mitigate(self) -> timedelta | None:
        return self.mitigated - self.detected if self.mitigated else None


@dataclass(frozen=True)
class Section:
    """A required body section and its fixed anchor."""

    anchor: str
    title: str


@dataclass(frozen=True)
class Kind:
    """What distinguishes one kind of Markdown record from another."""

    name: str
    label: str
    model: type[Record]
    folder: str
    prefix: str
    url_dir: str
    sections: tuple[Section, ...]

    def src_uri(self, record_id: str) -> str:
        return f"{self.url_dir}/{record_id}.md"

    def url(self, record_id: str) -> str:
        return f"{self.url_dir}/{record_id}/"


FAILURE_MODE = Kind(
    "failure-mode", "Failure mode", FailureMode, "entries", "FM", "failure-modes",
    (
        Section("symptoms", "Symptoms"),
        Section("latent-conditions", "Latent conditions"),
        Section("reproduction", "Reproduction"),
        Section("detection", "Detection"),
        Section("mitigation", "Mitigation"),
        Section("rationale", "Rationale"),
        Section("checklist", "Checklist"),
    ),
)
PLAYBOOK = Kind(
    "playbook", "Mitigation playbook", Playbook, "playbooks", "MP", "playbooks",
    (Section("when-to-use", "When to use"), Section("verification", "Verification")),
)
CASE_STUDY = Kind(
    "case-study", "Case study", CaseStudy, "case-studies", "CS", "case-studies",
    (
        Section("context", "Context"),
        Section("identification", "Identification"),
        Section("validation", "Validation"),
        Section("reuse", "Reuse"),
        Section("lessons", "Lessons"),
    ),
)
KINDS: tuple[Kind, ...] = (FAILURE_MODE, PLAYBOOK, CASE_STUDY)
KIND_BY_PREFIX = {kind.prefix: kind for kind in KINDS}
INCIDENTS_FOLDER = "incidents"

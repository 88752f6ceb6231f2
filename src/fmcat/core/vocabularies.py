"""The vocabularies and labels a catalog may set in `taxonomy.yml` (issue #15, item 2).

Severities (rank, colour, whether they page), mitigation kinds, signal units,
the body sections of each record kind and the completeness rules that apply
were welded into the engine; another team's catalog (a security knowledge
base, say) needs its own. Each has a default equal to what the engine did
before, so a taxonomy that states none of them stays valid.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Annotated

from pydantic import Field, StringConstraints

from fmcat.core.findings import Finding, did_you_mean, finding
from fmcat.core.model import CASE_STUDY, FAILURE_MODE, KINDS, PLAYBOOK, StrictModel
from fmcat.core.urls import COMMON_ANCHORS, GENERATED_ANCHORS

if TYPE_CHECKING:
    from fmcat.core.taxonomy import Taxonomy

TAXONOMY_FILE = "taxonomy.yml"

ANCHOR_PATTERN = r"^[a-z][a-z0-9-]{0,62}$"
Anchor = Annotated[str, StringConstraints(pattern=ANCHOR_PATTERN)]

STYLE_TOKENS: dict[str, str] = {
    "grey": "#546e7a",
    "amber": "#9a5c00",
    "red": "#c62828",
    "purple": "#6a1b9a",
    "blue": "#1565c0",
    "green": "#2e7d32",
    "teal": "#00695c",
    "orange": "#bf360c",
    "pink": "#ad1457",
    "brown": "#5d4037",
    "indigo": "#283593",
}
"""Named colours a severity may use instead of a hex colour; each carries
white badge text at >= 4.5:1 (WCAG AA), which tests/core/test_vocabularies.py checks."""

DEFAULT_SEVERITY_RAMP: tuple[str, ...] = ("grey", "amber", "red", "purple")
"""Colours of severities that name none, least severe first: the four of the
original scale, so an old taxonomy keeps its badges. Further levels take the last."""

MIN_CONTRAST = 4.5
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


class Severity(StrictModel):
    """A severity level: its order, what it means, how it looks and whether it pages.

    `colour` is a `#rgb`/`#rrggbb` colour or a style token, never an arbitrary
    CSS value: the badge's white text must stay readable, which only a colour
    we can compute the contrast of guarantees (and a value written into a
    stylesheet must not be able to carry anything else).
    """

    rank: int = Field(ge=1)
    definition: str
    colour: str | None = None
    pages: bool | None = None


class MitigationKind(StrictModel):
    title: str
    description: str = ""


class Unit(StrictModel):
    """A unit of detector signals; `symbol` follows a threshold (`300 ms`), a
    dimensionless unit (a ratio, a count) has none."""

    title: str
    symbol: str = ""


class SectionSpec(StrictModel):
    """A body section of a record kind: its heading, its fixed anchor (part of
    the URL contract: runbooks link `#detection`) and whether it must be there."""

    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
    anchor: Anchor
    required: bool = True


DEFAULT_MITIGATION_KINDS: dict[str, MitigationKind] = {
    "prevent": MitigationKind(title="Prevent"),
    "detect": MitigationKind(title="Detect"),
    "respond": MitigationKind(title="Respond"),
    "recover": MitigationKind(title="Recover"),
}

DEFAULT_UNITS: dict[str, Unit] = {
    "ratio": Unit(title="Ratio"),
    "count": Unit(title="Count"),
    "ms": Unit(title="Milliseconds", symbol="ms"),
    "minutes": Unit(title="Minutes", symbol="minutes"),
    "hours": Unit(title="Hours", symbol="hours"),
    "nats": Unit(title="Nats", symbol="nats"),
    "bits": Unit(title="Bits", symbol="bits"),
}

DEFAULT_SECTIONS: dict[str, list[SectionSpec]] = {
    kind.name: [SectionSpec(title=s.title, anchor=s.anchor) for s in kind.sections]
    for kind in KINDS
}

COMPLETENESS_RULES: dict[str, str] = {
    "detectors": "FMC101",
    "mitigations": "FMC102",
    "linked-evidence": "FMC103",
    "reproduction-steps": "FMC104",
    "references": "FMC105",
    "checklist-items": "FMC106",
    "threshold-rationale": "FMC107",
    "revisions": "FMC108",
    "tags": "FMC109",
    "unknown-facts": "FMC110",
}
"""The completeness rules a taxonomy may switch off, by name, and their codes."""

SECTION_RULE_ANCHORS: dict[str, str] = {
    "FMC104": "reproduction", "FMC106": "checklist", "FMC107": "detection",
}
"""Completeness rules that read a failure mode's body section, by its fixed anchor."""

FIXED_ANCHORS: dict[str, tuple[str, ...]] = {
    FAILURE_MODE.name: ("detection", "mitigation"),
    PLAYBOOK.name: ("when-to-use",),
    CASE_STUDY.name: (),
}
"""Section anchors the site itself fills (the detector table opens #detection,
the mitigation table #mitigation, a playbook's facts open #when-to-use): a
catalog may rename these sections or make them optional, never drop them."""


def contrast_with_white(colour: str) -> float:
    """WCAG contrast ratio of white text on a `#rgb`/`#rrggbb` background."""
    digits = colour[1:]
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)

    def channel(hex_pair: str) -> float:
        value = int(hex_pair, 16) / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(digits[i:i + 2]) for i in (0, 2, 4))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return 1.05 / (luminance + 0.05)


def colour_problem(colour: str) -> tuple[str, str]:
    """Why a severity colour cannot be used, and the hint; ("", "") if it can."""
    if colour in STYLE_TOKENS:
        return "", ""
    tokens = ", ".join(STYLE_TOKENS)
    if not _HEX_COLOUR.match(colour):
        return (f"{colour!r} is not a colour",
                f"write #rgb or #rrggbb (e.g. #c62828) or a style token: {tokens}")
    ratio = contrast_with_white(colour)
    if ratio < MIN_CONTRAST:
        return (f"white badge text on {colour} has contrast {ratio:.2f}:1, "
                f"below {MIN_CONTRAST}:1", "choose a darker colour, or a style token: " + tokens)
    return "", ""


def severity_colours(severities: Mapping[str, Severity]) -> dict[str, str]:
    """Each severity's hex colour, in rank order: its own, or the default ramp's."""
    ranked = sorted(severities.items(), key=lambda item: (item[1].rank, item[0]))
    colours = {}
    for position, (name, severity) in enumerate(ranked):
        colour = severity.colour or DEFAULT_SEVERITY_RAMP[
            min(position, len(DEFAULT_SEVERITY_RAMP) - 1)]
        colours[name] = _six_digits(STYLE_TOKENS.get(colour, colour).lower())
    return colours


def _six_digits(colour: str) -> str:
    """`#abc` → `#aabbcc`; anything else unchanged."""
    if len(colour) == 4 and colour.startswith("#"):
        return "#" + "".join(c * 2 for c in colour[1:])
    return colour


def paging_severities(severities: Mapping[str, Severity]) -> tuple[str, ...]:
    """The severities that page someone ("severe"), least severe first.

    A taxonomy written before `pages` existed states it for none: then the
    upper half of the scale by rank pages (high and critical of the original
    four), as the engine assumed, and the loader says so in a notice.
    """
    ranked = sorted(severities, key=lambda name: (severities[name].rank, name))
    if any(severities[name].pages is not None for name in ranked):
        return tuple(name for name in ranked if severities[name].pages)
    return tuple(ranked[len(ranked) // 2:])


LineOf = Callable[[tuple[str | int, ...]], int]


def check_vocabularies(taxonomy: Taxonomy, line_of: LineOf) -> list[Finding]:
    """What the model's types cannot say about the vocabularies: colours,
    units, sections and rule names that do not exist or do not fit together."""
    found: list[Finding] = []

    def add(loc: tuple[str | int, ...], message: str, hint: str, code: str = "FMC031") -> None:
        found.append(finding(code, TAXONOMY_FILE, line_of(loc), ".".join(map(str, loc)),
                             message, hint))

    for name, severity in taxonomy.severities.items():
        if not _SLUG.match(name):
            add(("severities", name), f"severity '{name}' is not a slug",
                "use lower-case letters, digits and hyphens: it names a CSS class and a URL")
        if severity.colour is not None:
            message, hint = colour_problem(severity.colour)
            if message:
                add(("severities", name, "colour"), message, hint)
    if taxonomy.severities and all(s.pages is None for s in taxonomy.severities.values()):
        add(("severities",), "no severity says whether it pages; assuming "
            + ", ".join(taxonomy.severe) + " (the upper half by rank)",
            "add pages: true or pages: false to each severity", code="FMC033")
    for name, signal in taxonomy.signals.items():
        if signal.unit not in taxonomy.units:
            add(("signals", name, "unit"), f"'{signal.unit}' is not a unit in units",
                did_you_mean(signal.unit, taxonomy.units, source="taxonomy.yml units"))
    for kind, specs in taxonomy.sections.items():
        if kind not in DEFAULT_SECTIONS:
            add(("sections", kind), f"'{kind}' is not a record kind",
                did_you_mean(kind, DEFAULT_SECTIONS))
            continue
        _check_sections(kind, specs, add)
    for rule in taxonomy.completeness:
        if rule not in COMPLETENESS_RULES:
            add(("completeness", rule), f"'{rule}' is not a completeness rule",
                did_you_mean(rule, COMPLETENESS_RULES))
    return found


def _check_sections(kind: str, specs: list[SectionSpec],
                    add: Callable[[tuple[str | int, ...], str, str], None]) -> None:
    reserved = set(COMMON_ANCHORS) | set(GENERATED_ANCHORS.get(kind, ()))
    anchors: set[str] = set()
    titles: set[str] = set()
    for index, spec in enumerate(specs):
        loc: tuple[str | int, ...] = ("sections", kind, index)
        if spec.anchor in reserved:
            add((*loc, "anchor"), f"anchor '{spec.anchor}' belongs to a part the page "
                "generates", "choose another anchor")
        if spec.anchor in anchors:
            add((*loc, "anchor"), f"anchor '{spec.anchor}' appears twice",
                "give each section its own anchor")
        if spec.title.lower() in titles:
            add((*loc, "title"), f"title '{spec.title}' appears twice",
                "give each section its own title")
        anchors.add(spec.anchor)
        titles.add(spec.title.lower())
    for anchor in FIXED_ANCHORS[kind]:
        if anchor not in anchors:
            add(("sections", kind), f"no section has the anchor '{anchor}', which the site "
                "fills and runbooks link to",
                f"keep a section with anchor: {anchor} (rename its title or set "
                "required: false if you must)")

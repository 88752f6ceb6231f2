"""The "Assess a project" page: a profile form, the worksheet the browser computes, the rules.

The worksheet itself is computed in the browser (`src/fmcat/site/theme/assets/fmcat-assess.js`)
from `api/assess.json`, which the build writes from the same index the CLI
assesses; this module only lays out the form and publishes the rating
rules (scales and the whole Action Priority table, from
`fmcat.analysis.assess`, so the docs cannot drift from the code).
"""

from __future__ import annotations

from dataclasses import dataclass

from fmcat.analysis.assess import AP_TABLE, DETECTIONS, LEVELS
from fmcat.core.taxonomy import Taxonomy
from fmcat.exports.assess import INDEX_PATH
from fmcat.site.render import render_block
from fmcat.site.views import page

ASSESS_URL = "assess/"

_DETECTION_WORDS = {"none": "no detector signal monitored (or the entry has none)",
                    "some": "some of its detector signals monitored",
                    "all": "all of its detector signals monitored"}


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class ChoiceGroup:
    """One fieldset of the form: a profile key and its values."""

    key: str
    title: str
    choices: tuple[Choice, ...]
    collapsed: str
    """The summary line of a long list folded into a <details>; empty: shown open."""


@dataclass(frozen=True)
class TableRow:
    severity: int
    occurrence: int
    cells: tuple[tuple[str, str], ...]
    """(priority, CSS class) per detection column."""


def _groups(taxonomy: Taxonomy, playbooks: tuple[tuple[str, str], ...]
            ) -> tuple[ChoiceGroup, ...]:
    """The profile's fields, then the action planned (the CLI's --after profile).

    The keys are those of `project.yml` and of the page's address; the
    planned signals and playbooks are added to those already in place, which
    is how a team writes its --after profile.
    """
    # The Taxonomy's own dimensions, not an export of it: the published index
    # reads the same ones through `dimension_vocabularies`.
    groups = [ChoiceGroup(key, dimension.title,
                          tuple(Choice(v, term.title) for v, term in dimension.values.items()), "")
              for key, dimension in taxonomy.dimensions_of("failure-mode").items()]
    groups.append(ChoiceGroup("stages", "Stages", tuple(
        Choice(key, term.title) for key, term in taxonomy.stages.items()), ""))
    signals = tuple(Choice(key, f"{key}: {signal.title}")
                    for key, signal in taxonomy.signals.items())
    adoptable = tuple(Choice(key, f"{key}: {title}") for key, title in playbooks)
    groups += [
        ChoiceGroup("monitors", "Signals you monitor", signals, f"{len(signals)} signals"),
        ChoiceGroup("playbooks", "Playbooks you adopted", adoptable,
                    f"{len(adoptable)} playbooks"),
        ChoiceGroup("after_monitors", "After action: signals you will add", signals,
                    f"{len(signals)} signals"),
        ChoiceGroup("after_playbooks", "After action: playbooks you will adopt", adoptable,
                    f"{len(adoptable)} playbooks"),
    ]
    return tuple(groups)


def _table() -> tuple[TableRow, ...]:
    return tuple(
        TableRow(s, o, tuple((AP_TABLE[s, o, d], f"fmcat-ap fmcat-ap--{AP_TABLE[s, o, d]}")
                             for d in DETECTIONS))
        for s in range(LEVELS, 0, -1) for o in range(LEVELS, 0, -1))


def assess_page(taxonomy: Taxonomy, playbooks: tuple[tuple[str, str], ...] = ()) -> str:
    """The page; `playbooks` are the (ID, title) a project may adopt, by ID."""
    severities = sorted(taxonomy.severities, key=taxonomy.severity_rank, reverse=True)
    frequencies = sorted(taxonomy.frequencies, key=lambda f: taxonomy.frequencies[f].rank,
                         reverse=True)
    html = render_block(
        "fragments/assess.html", groups=_groups(taxonomy, playbooks), table=_table(),
        detections=tuple((d, _DETECTION_WORDS[d]) for d in DETECTIONS),
        severity_scale=tuple((f"S{max(1, LEVELS - n)}", name)
                             for n, name in enumerate(severities)),
        occurrence_scale=tuple((f"O{max(1, LEVELS - n)}", name)
                               for n, name in enumerate(frequencies)),
        index_url=f"../{INDEX_PATH}")
    intro = ("Pick your project's values and tick the signals you already monitor: the "
             "failure modes that apply are rated for it and ranked by Action Priority "
             "(H, M, L), with the detectors to add and the playbooks to adopt. The "
             "address keeps the profile; `fmcat assess project.yml` gives the same "
             "worksheet on the command line.")
    return page("Assess a project", f"{intro}\n\n{html}", wide=True)

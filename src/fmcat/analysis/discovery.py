"""The ways into the catalog: facets, tag indexes, observed frequency, similarity.

Every function here is one pass over the records (or over the incidents),
building dicts that the page views read; nothing compares all pairs of
entries, so the site stays linear in the size of the catalog.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from fmcat.core.catalog import Catalog, Entry
from fmcat.core.dimensions import tags_of
from fmcat.core.memo import memoized
from fmcat.core.model import CaseStudy, FailureMode
from fmcat.core.taxonomy import Axes, Taxonomy


@dataclass(frozen=True)
class Dimension:
    """A way to classify failure modes, with its own index pages: one of the
    three axes, or a tag dimension the taxonomy declares (`tag`)."""

    field: str
    slug: str
    title: str
    vocabulary: str
    label: str
    tag: bool = False
    weight: float = 1.0

    def url(self) -> str:
        return f"browse/{self.slug}/"

    def value_url(self, value: str) -> str:
        return f"browse/{self.slug}/{value}/"


def dimensions_of(taxonomy: Taxonomy | None) -> tuple[Dimension, ...]:
    """The axes, then the taxonomy's failure-mode dimensions, in taxonomy order."""
    axes = taxonomy.axes if taxonomy is not None else Axes()
    tags = taxonomy.dimensions_of("failure-mode") if taxonomy is not None else {}
    return (
        Dimension("category", "category", axes.category.title, "categories",
                  axes.category.label, weight=2.0),
        Dimension("causes", "cause", axes.cause.title, "causes", axes.cause.label, weight=3.0),
        Dimension("stages", "stage", axes.stage.title, "stages", axes.stage.label),
        *(Dimension(key, key.replace("_", "-"), d.title, key, d.label, tag=True,
                    weight=d.weight) for key, d in tags.items()),
    )


def dimension_by_field(taxonomy: Taxonomy | None) -> dict[str, Dimension]:
    return {d.field: d for d in dimensions_of(taxonomy)}


def values_of(record: FailureMode, dimension: Dimension) -> list[str]:
    if dimension.tag:
        return tags_of(record, dimension.field)
    value = getattr(record, dimension.field)
    return [value] if isinstance(value, str) else list(value)


def listed(catalog: Catalog) -> list[Entry]:
    """Failure modes that appear in listings: everything but withdrawn ones."""
    return [e for e in catalog.failure_modes if e.record.is_listed]


def tag_index(catalog: Catalog) -> dict[str, dict[str, list[str]]]:
    """dimension field → value → IDs of listed failure modes with that value."""
    dimensions = dimensions_of(catalog.taxonomy)
    index: dict[str, dict[str, list[str]]] = {d.field: defaultdict(list) for d in dimensions}
    for entry in listed(catalog):
        record = entry.record
        assert isinstance(record, FailureMode)
        for dimension in dimensions:
            for value in values_of(record, dimension):
                index[dimension.field][value].append(entry.id)
    return {field: dict(values) for field, values in index.items()}


def context_fields(taxonomy: Taxonomy | None) -> tuple[str, ...]:
    """The dimensions a case study carries itself, in its origin and reuse contexts.
    Playbooks are reached through the failure modes they mitigate."""
    return tuple(taxonomy.dimensions_of("case-study")) if taxonomy is not None else ()


@dataclass(frozen=True)
class Reach:
    """The playbooks and case studies that go with one dimension value, and why.

    Each dict maps a record ID (sorted) to what puts it there: the value's
    failure modes it mitigates or cites, or the contexts ("origin",
    "reused in") in which a case study has the value itself.
    """

    playbooks: dict[str, list[str]]
    cases_citing: dict[str, list[str]]
    cases_context: dict[str, list[str]]


def _sorted(index: dict[str, list[str]]) -> dict[str, list[str]]:
    return {key: index[key] for key in sorted(index)}


def _related_by_mode(catalog: Catalog, tags: dict[str, dict[str, list[str]]]
                     ) -> dict[str, tuple[list[str], list[str]]]:
    """failure mode ID → (listed playbooks that mitigate it, once each; listed case
    studies that cite it), for every failure mode in `tags`: looked up once, not
    once per value a failure mode has."""
    related: dict[str, tuple[list[str], list[str]]] = {}
    for values in tags.values():
        for fm_ids in values.values():
            for fm_id in fm_ids:
                if fm_id in related:
                    continue
                record = catalog.entries[fm_id].record
                assert isinstance(record, FailureMode)
                playbook_ids: list[str] = []
                for mitigation in record.mitigations:
                    playbook = catalog.resolve(mitigation.playbook)
                    if playbook and playbook.record.is_listed and playbook.id not in playbook_ids:
                        playbook_ids.append(playbook.id)
                case_ids = []
                for case_id in catalog.cited_by_cases.get(fm_id, []):
                    case = catalog.entries.get(case_id)
                    if case and isinstance(case.record, CaseStudy) and case.record.is_listed:
                        case_ids.append(case_id)
                related[fm_id] = (playbook_ids, case_ids)
    return related


def reach_index(catalog: Catalog,
                tags: dict[str, dict[str, list[str]]]) -> dict[str, dict[str, Reach]]:
    """dimension field → value → Reach, for every value that has failure modes or
    a case study of its own. Withdrawn records are left out, as in `tag_index`."""
    fields = context_fields(catalog.taxonomy)
    contexts: dict[str, dict[str, dict[str, list[str]]]] = {f: {} for f in fields}
    for entry in catalog.case_studies:
        record = entry.record
        assert isinstance(record, CaseStudy)
        if not record.is_listed:
            continue
        for label, context in [("origin", record.origin),
                               *(("reused in", c) for c in record.reused_in)]:
            for field in fields:
                for value in tags_of(context, field):
                    why = contexts[field].setdefault(value, {}).setdefault(entry.id, [])
                    if label not in why:
                        why.append(label)
    result: dict[str, dict[str, Reach]] = {}
    related = _related_by_mode(catalog, tags)
    for field, values in tags.items():
        result[field] = {}
        for value in sorted({*values, *contexts.get(field, {})}):
            playbooks: dict[str, list[str]] = defaultdict(list)
            citing: dict[str, list[str]] = defaultdict(list)
            for fm_id in values.get(value, []):
                playbook_ids, case_ids = related[fm_id]
                for playbook_id in playbook_ids:
                    playbooks[playbook_id].append(fm_id)
                for case_id in case_ids:
                    citing[case_id].append(fm_id)
            result[field][value] = Reach(_sorted(playbooks), _sorted(citing),
                                         _sorted(contexts.get(field, {}).get(value, {})))
    return result


@dataclass(frozen=True)
class Observed:
    """What the incident log says about one failure mode."""

    count: int
    last_seen: date | None
    teams: tuple[str, ...]


NEVER_OBSERVED = Observed(0, None, ())


def observed_frequency(catalog: Catalog) -> dict[str, Observed]:
    counts: Counter[str] = Counter()
    last: dict[str, date] = {}
    teams: dict[str, set[str]] = defaultdict(set)
    for item in catalog.incidents.values():
        incident = item.record
        seen = incident.detected.date()
        for cited in incident.failure_modes:
            target = catalog.resolve(cited)
            key = target.id if target else cited
            counts[key] += 1
            last[key] = max(last.get(key, seen), seen)
            teams[key].add(incident.team)
    return {key: Observed(counts[key], last.get(key), tuple(sorted(teams[key])))
            for key in counts}


CANDIDATES_PER_FEATURE = 64
"""How many neighbours in each posting list are considered: the bound that
keeps similarity linear in the catalog size however common a tag is."""


def similar_entries(catalog: Catalog, limit: int = 5) -> dict[str, list[str]]:
    """For each listed failure mode, the ones sharing the most causes and tags.

    Built on an inverted index (feature → sorted IDs). For each entry only the
    CANDIDATES_PER_FEATURE IDs nearest to it in each of its posting lists are
    scored, so the cost is entries × features × that constant, never
    entries × entries. Related entries are left out: they are listed already.
    """
    dimensions = dimensions_of(catalog.taxonomy)
    modes = [(entry.id, entry.record) for entry in listed(catalog)
             if isinstance(entry.record, FailureMode)]
    features = tuple((entry_id, tuple((d.field, value) for d in dimensions
                                      for value in values_of(record, d)))
                     for entry_id, record in modes)
    related = tuple((entry_id, tuple(catalog.related.get(entry_id, ())))
                    for entry_id, _ in features)
    weights = tuple((d.field, d.weight) for d in dimensions)
    return {entry_id: list(similar)
            for entry_id, similar in _rank_similar(features, related, weights, limit)}


@memoized()
def _rank_similar(features: tuple[tuple[str, tuple[tuple[str, str], ...]], ...],
                  related: tuple[tuple[str, tuple[str, ...]], ...],
                  weights: tuple[tuple[str, float], ...],
                  limit: int) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """`similar_entries` from the entries' features (in ID order) and related lists.

    A function of those alone, so a preview looks it up: a save that changes
    no tag (a title, a threshold) does not rank the catalog again.
    """
    weight_of = dict(weights)
    postings: dict[tuple[str, str], list[str]] = defaultdict(list)
    for entry_id, own in features:
        for feature in own:
            postings[feature].append(entry_id)
    half = CANDIDATES_PER_FEATURE // 2
    span = CANDIDATES_PER_FEATURE + 1  # the entry itself and its neighbours
    excluded = dict(related)
    result = []
    for entry_id, own in features:
        scores: dict[str, float] = defaultdict(float)
        exclude = {entry_id, *excluded[entry_id]}
        for feature in own:
            ids = postings[feature]
            at = bisect.bisect_left(ids, entry_id)
            # Centred on the entry but shifted inward at either end of the list,
            # so every entry gets a full window and a list that fits is whole.
            start = max(0, min(at - half, len(ids) - span))
            weight = weight_of[feature[0]]
            for other in ids[start: start + span]:
                if other not in exclude:
                    scores[other] += weight
        # Only the few that pass the threshold are ranked (highest score, then ID):
        # sorting every candidate was most of the time.
        ranked = sorted((-score, other) for other, score in scores.items() if score >= 3.0)
        result.append((entry_id, tuple(other for _, other in ranked[:limit])))
    return tuple(result)

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
from fmcat.core.model import FailureMode


@dataclass(frozen=True)
class Dimension:
    """A way to classify failure modes, with its own index pages."""

    field: str
    slug: str
    title: str
    vocabulary: str

    def url(self) -> str:
        return f"browse/{self.slug}/"

    def value_url(self, value: str) -> str:
        return f"browse/{self.slug}/{value}/"


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("category", "category", "Cause category", "categories"),
    Dimension("causes", "cause", "Latent condition", "causes"),
    Dimension("stages", "stage", "Lifecycle stage", "stages"),
    Dimension("data_domain", "data-domain", "Data domain", "data_domain"),
    Dimension("model_family", "model-family", "Model family", "model_family"),
    Dimension("environment", "environment", "Deployment environment", "environment"),
    Dimension("customer_segment", "customer-segment", "Customer segment", "customer_segment"),
)
DIMENSION_BY_FIELD = {d.field: d for d in DIMENSIONS}


def values_of(record: FailureMode, dimension: Dimension) -> list[str]:
    value = getattr(record, dimension.field)
    return [value] if isinstance(value, str) else list(value)


def listed(catalog: Catalog) -> list[Entry]:
    """Failure modes that appear in listings: everything but withdrawn ones."""
    return [e for e in catalog.failure_modes if e.record.is_listed]


def tag_index(catalog: Catalog) -> dict[str, dict[str, list[str]]]:
    """dimension field → value → IDs of listed failure modes with that value."""
    index: dict[str, dict[str, list[str]]] = {d.field: defaultdict(list) for d in DIMENSIONS}
    for entry in listed(catalog):
        record = entry.record
        assert isinstance(record, FailureMode)
        for dimension in DIMENSIONS:
            for value in values_of(record, dimension):
                index[dimension.field][value].append(entry.id)
    return {field: dict(values) for field, values in index.items()}


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


_FEATURE_WEIGHTS = {"causes": 3.0, "category": 2.0, "stages": 1.0, "data_domain": 1.0,
                    "model_family": 1.0, "environment": 0.5, "customer_segment": 0.5}
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
    entries = listed(catalog)
    postings: dict[tuple[str, str], list[str]] = defaultdict(list)
    features: dict[str, list[tuple[str, str]]] = {}
    for entry in entries:
        record = entry.record
        assert isinstance(record, FailureMode)
        own = [(field, value) for field in _FEATURE_WEIGHTS
               for value in values_of(record, DIMENSION_BY_FIELD[field])]
        features[entry.id] = own
        for feature in own:
            postings[feature].append(entry.id)
    half = CANDIDATES_PER_FEATURE // 2
    result: dict[str, list[str]] = {}
    for entry in entries:
        scores: dict[str, float] = defaultdict(float)
        exclude = {entry.id, *catalog.related.get(entry.id, [])}
        for feature in features[entry.id]:
            ids = postings[feature]
            at = bisect.bisect_left(ids, entry.id)
            for other in ids[max(0, at - half): at + half + 1]:
                if other not in exclude:
                    scores[other] += _FEATURE_WEIGHTS[feature[0]]
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        result[entry.id] = [other for other, score in ranked[:limit] if score >= 3.0]
    return result

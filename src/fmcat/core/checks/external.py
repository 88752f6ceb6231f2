"""Rules on `external_ids` (FMC037-FMC039): IDs of a record in other taxonomies.

The schemes and the form of their IDs are declared in `taxonomy.yml`
(`fmcat.core.external`); an ID that does not have its scheme's form would
link to a page that does not exist and list the record under a wrong ID.
"""

from __future__ import annotations

from fmcat.core.checks.reporter import Reporter
from fmcat.core.findings import did_you_mean
from fmcat.core.model import Record
from fmcat.core.taxonomy import Taxonomy


def check_record_external_ids(record: Record, r: Reporter, taxonomy: Taxonomy) -> None:
    schemes = taxonomy.external_schemes
    for key, ids in record.external_ids.items():
        scheme = schemes.get(key)
        if scheme is None:
            hint = did_you_mean(key, schemes, source="taxonomy.yml external_schemes") \
                if schemes else "declare the scheme under external_schemes: in taxonomy.yml"
            r.add("FMC037", ("external_ids", key), f"'{key}' is not a known external scheme",
                  hint)
            continue
        seen: set[str] = set()
        for index, external_id in enumerate(ids):
            loc = ("external_ids", key, index)
            if not scheme.matches(external_id):
                example = f", e.g. {', '.join(scheme.examples)}" if scheme.examples else ""
                r.add("FMC038", loc, f"'{external_id}' is not a {scheme.title} ID",
                      f"{key} IDs match the pattern {scheme.pattern}{example} "
                      "(taxonomy.yml external_schemes)")
            if external_id in seen:
                r.add("FMC039", loc, f"{external_id} is listed twice", "remove the repetition")
            seen.add(external_id)

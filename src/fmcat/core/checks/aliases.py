"""The rule on aliases (FMC023): old IDs and paths that redirect to a record."""

from __future__ import annotations

import re
from collections.abc import Iterator

from fmcat.core.catalog import Catalog
from fmcat.core.checks.reporter import Reporter
from fmcat.core.findings import Finding
from fmcat.core.ids import ANY_RECORD_ID
from fmcat.core.urls import alias_key, reserved_by

_ALIAS_PATH = re.compile(r"^[a-z0-9][a-z0-9_.-]*(/[a-z0-9][a-z0-9_.-]*)*/?$")


def check_aliases(catalog: Catalog) -> Iterator[Finding]:
    """Each alias redirects to its record: it may name a retired ID of the same
    kind or an old path, never a URL the site already produces."""
    claimed: dict[str, str] = {}
    for entry in catalog.entries.values():
        r = Reporter(entry.doc)
        for index, alias in enumerate(entry.record.aliases):
            loc = ("aliases", index)
            if ANY_RECORD_ID.match(alias):
                if alias in catalog.entries or alias in catalog.unreadable:
                    where = catalog.entries[alias].path if alias in catalog.entries \
                        else catalog.unreadable[alias]
                    r.add("FMC023", loc, f"alias {alias} is the ID of a live record ({where})",
                          "withdraw that record with superseded_by instead")
                elif alias[:2] != entry.id[:2]:
                    r.add("FMC023", loc, f"alias {alias} is of another kind than {entry.id}",
                          f"an alias of {entry.id} is a retired {entry.id[:2]}- ID or an old "
                          "path")
            elif not _ALIAS_PATH.match(alias) or ".." in alias:
                r.add("FMC023", loc, f"alias '{alias}' is neither a record ID nor a site path",
                      "use a retired ID (FM-0042) or an old path such as 'old/covariate-shift/'")
            elif scheme := external_scheme_of(alias, catalog):
                r.add("FMC023", loc, f"alias '{alias}' has the form of a {scheme} ID",
                      "an external ID is not this catalog's name for the record: list it "
                      "under external_ids instead, and it is shown on the scheme's page")
            else:
                owner = reserved_by(alias, catalog.root)
                if owner:
                    r.add("FMC023", loc, f"alias '{alias}' is taken by {owner}",
                          "an old path must be one this site does not publish, e.g. "
                          "'old/covariate-shift/'; a retired ID is written as FM-0042")
            key = alias_key(alias)
            if key in claimed:
                r.add("FMC023", loc, f"alias {alias} is also claimed by {claimed[key]}",
                      "an old URL can redirect to one record only")
            claimed.setdefault(key, entry.id)
        yield from r.out


def external_scheme_of(alias: str, catalog: Catalog) -> str:
    """The title of the external scheme an alias path has the form of ("" if none).

    Several records may share an external ID (a technique covers several
    failure modes), so a redirect from it would send readers to one of them
    at random; and a path shaped like an ID would pass for this catalog's
    own page of that ID.
    """
    schemes = catalog.taxonomy.external_schemes if catalog.taxonomy else {}
    text = alias.strip("/")
    return next((scheme.title for scheme in schemes.values()
                 if scheme.matches_ignoring_case(text)), "")

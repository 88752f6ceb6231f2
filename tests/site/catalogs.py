"""The fixture catalog loaded once, for unit tests of the site's views (no build)."""

from __future__ import annotations

import functools
from datetime import date

from fmcat.core.catalog import Catalog
from fmcat.core.load import load_catalog
from fmcat.core.taxonomy import Taxonomy
from fmcat.site.derived import Derived, derive
from tests.conftest import FIXTURE, TODAY_FIXTURE

TODAY = date.fromisoformat(TODAY_FIXTURE)


@functools.cache
def fixture_catalog() -> Catalog:
    """Read-only: tests must not change it (records are frozen models)."""
    return load_catalog(FIXTURE, today=TODAY)


@functools.cache
def fixture_derived() -> Derived:
    return derive(fixture_catalog())


def fixture_taxonomy() -> Taxonomy:
    taxonomy = fixture_catalog().taxonomy
    assert taxonomy is not None
    return taxonomy

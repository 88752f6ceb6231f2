"""External ID schemes: other taxonomies a record can be cross-referenced with.

A security catalog maps its entries to MITRE ATLAS techniques, the OWASP Top
10 for LLM Applications, CWE or an internal ticket system. Which schemes
exist is data in `taxonomy.yml` (`external_schemes:`), so a team adds one
without a release of this package; a record names its IDs under
`external_ids: {scheme: [ID, …]}`.

A scheme's key is a slug because it names a page (`external/<key>/`), whose
URL must stay stable. Its `pattern` is matched against the whole ID, so an
ID with a typo (`AML.T051`) fails instead of linking to a page that does not
exist. Its `url` template holds `{id}`, replaced by the URL-encoded ID, so an
ID cannot change the host or the path the template fixes. A scheme whose
items have no URL derivable from the ID (slug URLs, as OWASP's risk pages
have) leaves `url` out and names its `home` page, which IDs then link to.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Annotated
from urllib.parse import quote

from pydantic import AfterValidator, Field, StringConstraints

from fmcat.core.model import StrictModel

ID_PLACEHOLDER = "{id}"

SCHEME_KEY_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"
SchemeKey = Annotated[str, StringConstraints(pattern=SCHEME_KEY_PATTERN)]

_WEB_URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$", re.IGNORECASE)

PATTERN_HINT = ("write a Python regular expression the whole ID must match, e.g. "
                r"'AML\.T[0-9]{4}(\.[0-9]{3})?'; quote it in single quotes so YAML keeps "
                "the backslashes")
URL_HINT = ("write an absolute http(s) URL holding {id} where the ID goes, e.g. "
            "'https://atlas.mitre.org/techniques/{id}'; leave url out (and give home) "
            "when the scheme's pages cannot be derived from the ID")
HOME_HINT = "write the absolute http(s) URL of the scheme's own list of IDs"


def check_pattern(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"the pattern does not compile: {exc}") from None
    return pattern


def check_url_template(template: str) -> str:
    if ID_PLACEHOLDER not in template:
        raise ValueError(f"the url template has no {ID_PLACEHOLDER}")
    if not _WEB_URL.match(template.replace(ID_PLACEHOLDER, "x")):
        raise ValueError("the url template is not an absolute http(s) URL")
    return template


def check_home(url: str) -> str:
    if not _WEB_URL.match(url):
        raise ValueError("home is not an absolute http(s) URL")
    return url


class ExternalScheme(StrictModel):
    """One external taxonomy: its name, the form of its IDs and where they are described."""

    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                            max_length=120)]
    pattern: Annotated[str, StringConstraints(min_length=1, max_length=500),
                       AfterValidator(check_pattern)]
    url: Annotated[str, StringConstraints(max_length=2000),
                   AfterValidator(check_url_template)] | None = None
    home: Annotated[str, StringConstraints(max_length=2000),
                    AfterValidator(check_home)] | None = None
    description: str = ""
    examples: list[str] = Field(default=[], max_length=5)

    def matches(self, external_id: str) -> bool:
        """Whether an ID has the form of this scheme (the whole ID, not a part of it)."""
        return _compiled(self.pattern).fullmatch(external_id) is not None

    def matches_ignoring_case(self, text: str) -> bool:
        return _compiled(self.pattern, re.IGNORECASE).fullmatch(text) is not None

    def link(self, external_id: str) -> str:
        """Where an ID is described: its own page, else the scheme's home, else ""."""
        if self.url:
            return self.url.replace(ID_PLACEHOLDER, quote(external_id, safe=""))
        return self.home or ""


@cache
def _compiled(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """Compile once per pattern (it compiled when the taxonomy was read)."""
    return re.compile(pattern, flags)


def scheme_hint(loc: tuple[object, ...]) -> str:
    """The hint for a taxonomy error under `external_schemes`, or "" for another key."""
    if loc[:1] != ("external_schemes",):
        return ""
    field = str(loc[-1]) if len(loc) > 2 else "[key]"
    if field == "[key]":
        return ("a scheme key is a slug (lowercase letters, digits, '-'): it names its page "
                "external/<key>/")
    return {"pattern": PATTERN_HINT, "url": URL_HINT, "home": HOME_HINT}.get(
        field, "a scheme is {title, pattern, url (with {id}) or home}")


_NUMBER = re.compile(r"(\d+)")


def id_sort_key(external_id: str) -> tuple[tuple[int, str], ...]:
    """Natural order, so `LLM2` comes before `LLM10` and a technique before its
    sub-techniques."""
    return tuple((int(part), "") if part.isdigit() else (-1, part)
                 for part in _NUMBER.split(external_id) if part)

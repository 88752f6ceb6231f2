"""What every rule reports through: findings bound to one document."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from fmcat.core import body
from fmcat.core.catalog import Catalog
from fmcat.core.findings import Finding, did_you_mean, finding
from fmcat.core.frontmatter import Document, Loc
from fmcat.core.model import KIND_BY_PREFIX


@dataclass
class Reporter:
    """Helpers bound to one document, so rules read as one-liners."""

    doc: Document
    out: list[Finding] = field(default_factory=list)

    def add(self, code: str, loc: Loc, message: str, hint: str = "") -> None:
        """A finding on a front-matter field, at the field's line."""
        dotted = ".".join(str(p) for p in loc)
        self.out.append(finding(code, self.doc.path, self.doc.line_of(loc), dotted, message, hint))

    def at_line(self, code: str, line: int, message: str, hint: str = "") -> None:
        """A finding in the body, at a line of the file."""
        self.out.append(finding(code, self.doc.path, line, "body", message, hint))

    def vocab(self, loc: Loc, value: str, allowed: Iterable[str], what: str) -> None:
        options = list(allowed)
        if value not in options:
            self.add("FMC030", loc, f"'{value}' is not a known {what}",
                     did_you_mean(value, options, source="taxonomy.yml"))

    def ref(self, loc: Loc, value: str, catalog: Catalog, prefix: str | None = None) -> None:
        if catalog.knows(value):
            return
        self.add("FMC022", loc, f"{value} does not exist in this catalog",
                 unknown_id_hint(value, catalog, prefix))

    def url(self, loc: Loc, value: str) -> None:
        if not body.is_external(value) or body.is_unsafe_url(value):
            self.add("FMC051", loc, f"'{value[:60]}' is not an http(s) or mailto URL",
                     "links in front matter must be absolute http(s) URLs")


def unknown_id_hint(value: str, catalog: Catalog, prefix: str | None = None) -> str:
    """The closest ID of the expected kind, or where the IDs are: record IDs
    are file names in the kind's folder, not values of the taxonomy."""
    kind = KIND_BY_PREFIX.get(prefix or value[:2])
    candidates = [i for i in catalog.entries if prefix is None or i.startswith(prefix)]
    if not candidates:
        return "create it first" + (f" (`fmcat new` writes it into {kind.folder}/)"
                                    if kind else "")
    folder = f"{kind.folder}/" if kind else "the record folders"
    close = did_you_mean(value, candidates, source=f"the file names in {folder}")
    return close if "see " in close else f"{close} (IDs are the file names in {folder})"

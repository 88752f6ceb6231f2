"""Rules on a record's Markdown body: its sections (FMC040, FMC041, FMC043),
links (FMC042, FMC022), element ids (FMC044, FMC045) and markup (FMC050, FMC051)."""

from __future__ import annotations

from markdown.extensions.toc import slugify as toc_slugify  # type: ignore[import-untyped]

from fmcat.core import body
from fmcat.core.catalog import Catalog, Entry
from fmcat.core.checks.reporter import Reporter, unknown_id_hint
from fmcat.core.taxonomy import Taxonomy
from fmcat.core.urls import anchors
from fmcat.core.vocabularies import SectionSpec


def check_body(entry: Entry, r: Reporter, catalog: Catalog, taxonomy: Taxonomy) -> None:
    sections = taxonomy.sections_of(entry.kind.name)
    _check_sections(entry, r, sections)
    _check_links(entry, r, catalog)
    _check_ids(entry, r, sections)
    doc = entry.doc
    for problem in body.unsafe_markup(doc.body, doc.body_line):
        code = "FMC051" if "URL" in problem.message or "link" in problem.message else "FMC050"
        r.at_line(code, problem.line, problem.message, problem.hint)


def _check_sections(entry: Entry, r: Reporter, sections: tuple[SectionSpec, ...]) -> None:
    doc = entry.doc
    found = body.sections(doc.body, doc.body_line)
    seen: set[str] = set()
    for heading in body.headings(doc.body, doc.body_line):
        key = heading.text.lower()
        if heading.level != 2:
            continue  # a subsection may share a section's title; only h2 are sections
        if key in seen:
            r.at_line("FMC043", heading.line, f"section '{heading.text}' appears twice",
                      "merge the two sections")
        seen.add(key)
    for section in sections:
        match = found.get(section.title.lower())
        if match is None:
            if not section.required:
                continue
            r.at_line("FMC040", doc.body_line,
                      f"required section '## {section.title}' is missing",
                      f"add a '## {section.title}' heading with its content")
        elif not match[1]:
            r.at_line("FMC041", match[0].line, f"section '{section.title}' is empty",
                      "write its content")


def _check_links(entry: Entry, r: Reporter, catalog: Catalog) -> None:
    doc = entry.doc
    for link in body.links(doc.body, doc.body_line):
        target = link.target
        if not target or target.startswith("#") or body.is_external(target) \
                or body.is_unsafe_url(target):
            continue
        parsed = body.id_target(target)
        if parsed is None:
            r.at_line("FMC042", link.line, f"relative link '{target}' will break",
                      "link records by ID, e.g. [text](FM-0012) or [text](MP-0003#steps)")
        elif not catalog.knows(parsed[0]):
            r.at_line("FMC022", link.line, f"link to unknown record {parsed[0]}",
                      unknown_id_hint(parsed[0], catalog, parsed[0][:2]))


def _check_ids(entry: Entry, r: Reporter, sections: tuple[SectionSpec, ...]) -> None:
    """Every element id of a record page is the build's, and appears once.

    Hand-written ids are refused outright (see `body.explicit_ids`). A
    heading gets an id from its text (toc), which Markdown keeps unique
    among headings but cannot keep apart from the ids of the generated
    parts of the page (`#summary`, `#history`, `#incidents`...).
    """
    doc = entry.doc
    for problem in body.explicit_ids(doc.body, doc.body_line):
        r.at_line("FMC044", problem.line, problem.message, problem.hint)
    own = {section.title.lower() for section in sections}
    section_anchors = [section.anchor for section in sections]
    reserved = set(anchors(entry.kind, section_anchors)) - set(section_anchors)
    for heading in body.headings(doc.body, doc.body_line):
        if heading.level == 2 and heading.text.lower() in own:
            continue
        slug = toc_slugify(heading.text.replace("`", "").replace("*", ""), "-")
        if slug in reserved:
            r.at_line("FMC045", heading.line,
                      f"heading '{heading.text}' would take the anchor #{slug} of the page's "
                      "generated part", f"rename the heading, e.g. '{heading.text} notes'")

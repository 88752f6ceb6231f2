"""The Markdown MkDocs renders for a record page."""

from __future__ import annotations

import html
import json
from collections.abc import Hashable

from fmcat.core import body
from fmcat.core.catalog import Catalog, Entry
from fmcat.core.model import CaseStudy, FailureMode, Playbook
from fmcat.core.taxonomy import Taxonomy
from fmcat.core.urls import rel_from
from fmcat.site.derived import Derived
from fmcat.site.records.backlinks import case_study_links, failure_mode_links, playbook_links
from fmcat.site.records.evidence import evidence_view
from fmcat.site.records.sections import (
    case_study_view,
    detector_rows,
    history_view,
    mitigation_rows,
    playbook_view,
)
from fmcat.site.render import Slots, render, render_block


def record_markdown(entry: Entry, catalog: Catalog, taxonomy: Taxonomy,
                    derived: Derived, slots: Slots) -> str:
    """The Markdown MkDocs renders for a record: fixed anchors, resolved links,
    generated sections, and front matter that we write ourselves."""
    record = entry.record
    src_uri = entry.kind.src_uri(record.id)
    page_url = entry.kind.url(record.id)

    def resolve(record_id: str, anchor: str) -> str | None:
        target = catalog.resolve(record_id)
        if target is None:
            return None
        return body.relative_md_path(src_uri, target.kind.src_uri(target.id), anchor)

    anchors = {s.title.lower(): s.anchor for s in taxonomy.sections_of(entry.kind.name)}
    text = body.rewrite_for_site(entry.doc.body, anchors, resolve)
    inserts: dict[str, str] = {}
    # What on-call acts on opens its section, before the prose that explains it.
    openers: dict[str, str] = {}
    tail: list[str] = []
    rel = rel_from(page_url)
    evidence = render("fragments/evidence.html", evidence=evidence_view(record))
    if isinstance(record, FailureMode):
        openers["detection"] = render_block(
            "fragments/detectors.html", detectors=detector_rows(record, taxonomy))
        openers["mitigation"] = render_block(
            "fragments/mitigations.html", rows=mitigation_rows(record, catalog), rel=rel)
        tail.append(evidence)
        tail.append(render("fragments/links.html", groups=failure_mode_links(
            entry, catalog, derived), rel=rel))
    elif isinstance(record, Playbook):
        inserts["when-to-use"] = render("fragments/playbook.html",
                                        playbook=playbook_view(record))
        tail.append(evidence)
        tail.append(render("fragments/links.html", groups=playbook_links(entry, catalog),
                           rel=rel))
    elif isinstance(record, CaseStudy):
        tail.append(render("fragments/case-study.html", case=case_study_view(record, taxonomy)))
        tail.append(evidence)
        tail.append(render("fragments/links.html", groups=case_study_links(record, catalog),
                           rel=rel))
    tail.append(render("fragments/history.html", history=history_view(record)))
    # Only the generated parts are held out of Markdown; the contributed body
    # goes through Markdown and then the sanitiser.
    inserts = {anchor: slots.hold(block) for anchor, block in inserts.items()}
    openers = {anchor: slots.hold(block) for anchor, block in openers.items()}
    tail = [slots.hold(block) for block in tail]
    text = insert_at_section_starts(insert_at_section_ends(text, inserts), openers)
    meta: dict[str, object] = {"title": html.escape(f"{record.id}: {record.title}")}
    parts = ["---", json.dumps(meta, ensure_ascii=False), "---", "", text.strip(), ""]
    parts.extend(block + "\n" for block in tail if block)
    return "\n".join(parts)


def page_inputs(entry: Entry, catalog: Catalog, derived: Derived) -> tuple[Hashable, ...]:
    """What `record_markdown` reads, as a key a preview looks its page up by.

    The record's own file, and the file of every record and incident its
    page names: the IDs its body links, its mitigations' playbooks, a case
    study's records, and the lists it shows (related, similar, cited by,
    used by), each with the record an ID resolves to (aliases move). The
    taxonomy is not in it: the preview session forgets every page when the
    taxonomy changes. Keep it in step with `record_markdown` (the
    incremental tests compare a preview with a clean build after each kind
    of edit).
    """
    record, record_id = entry.record, entry.id
    named = [target[0] for link in body.links(entry.doc.body, entry.doc.body_line)
             if (target := body.id_target(link.target))]
    if isinstance(record, FailureMode):
        named.extend(m.playbook for m in record.mitigations)
    elif isinstance(record, CaseStudy):
        named.extend([*record.failure_modes, *record.playbooks])
    lists = tuple(tuple(index.get(record_id, ())) for index in (
        catalog.related, derived.similar, catalog.cited_by_cases, catalog.used_by))
    files: list[tuple[str, ...]] = []
    for named_id in dict.fromkeys([*named, *(i for ids in lists for i in ids)]):
        found = catalog.resolve(named_id)
        files.append((named_id, found.id, found.kind.name, found.doc.digest)
                     if found else (named_id,))
    incidents = tuple((i, catalog.incidents[i].doc.digest)
                      for i in catalog.cited_by_incidents.get(record_id, ()))
    return (entry.kind.name, entry.path, entry.doc.digest, tuple(files), lists, incidents)


def insert_at_section_ends(markdown: str, inserts: dict[str, str]) -> str:
    """Place generated blocks at the end of the sections with these anchors."""
    if not inserts:
        return markdown
    out: list[str] = []
    pending: str | None = None
    code = body.code_lines(markdown)  # the renderer's fences, not a guess at them
    for index, line in enumerate(markdown.split("\n")):
        if index not in code and line.startswith("## "):
            if pending:
                out.extend(["", pending, ""])
                pending = None
            for anchor, block in inserts.items():
                if line.endswith(f"{{#{anchor}}}"):
                    pending = block
        out.append(line)
    if pending:
        out.extend(["", pending, ""])
    return "\n".join(out)


def insert_at_section_starts(markdown: str, inserts: dict[str, str]) -> str:
    """Place generated blocks right under the headings with these anchors."""
    if not inserts:
        return markdown
    out: list[str] = []
    code = body.code_lines(markdown)
    for index, line in enumerate(markdown.split("\n")):
        out.append(line)
        if index in code or not line.startswith("## "):
            continue
        for anchor, block in inserts.items():
            if line.endswith(f"{{#{anchor}}}"):
                out.extend(["", block, ""])
    return "\n".join(out)

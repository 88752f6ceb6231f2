"""Record pages: the summary card, the generated sections and the record Markdown.

Every view here is finished (formatted, sorted, with URLs and CSS classes
decided); the card template and the fragments only loop and branch.
`card` is the summary card, `sections` the generated sections, `backlinks`
the link lists at the end, `markdown` the page MkDocs renders.
"""

from fmcat.site.records.backlinks import (
    LinkGroup,
    case_study_links,
    entry_links,
    failure_mode_links,
    incident_links,
    playbook_links,
)
from fmcat.site.records.card import (
    ChipGroup,
    RecordView,
    StatusBanner,
    observed_text,
    record_view,
    search_keys,
    search_terms,
    status_banner,
    usage_text,
    view_inputs,
)
from fmcat.site.records.evidence import EvidenceItem, EvidenceView, evidence_text, evidence_view
from fmcat.site.records.markdown import (
    insert_at_section_ends,
    insert_at_section_starts,
    page_inputs,
    record_markdown,
)
from fmcat.site.records.sections import (
    CaseStudyView,
    ContextRow,
    Dated,
    DetectorRow,
    HistoryView,
    MetricRow,
    MitigationRow,
    PlaybookBrief,
    PlaybookView,
    case_study_view,
    detector_rows,
    history_view,
    mitigation_rows,
    playbook_brief,
    playbook_view,
)

__all__ = [
    "CaseStudyView",
    "ChipGroup",
    "ContextRow",
    "Dated",
    "DetectorRow",
    "EvidenceItem",
    "EvidenceView",
    "HistoryView",
    "LinkGroup",
    "MetricRow",
    "MitigationRow",
    "PlaybookBrief",
    "PlaybookView",
    "RecordView",
    "StatusBanner",
    "case_study_links",
    "case_study_view",
    "detector_rows",
    "entry_links",
    "evidence_text",
    "evidence_view",
    "failure_mode_links",
    "history_view",
    "incident_links",
    "insert_at_section_ends",
    "insert_at_section_starts",
    "mitigation_rows",
    "observed_text",
    "page_inputs",
    "playbook_brief",
    "playbook_links",
    "playbook_view",
    "record_markdown",
    "record_view",
    "search_keys",
    "search_terms",
    "status_banner",
    "usage_text",
    "view_inputs",
]

"""Record page views, from the fixture catalog without a build."""

from __future__ import annotations

from datetime import date

import pytest

from fmcat.analysis.discovery import NEVER_OBSERVED, Observed
from fmcat.analysis.metrics import PlaybookUsage
from fmcat.core.model import CaseStudy, FailureMode, Playbook, Reference
from fmcat.core.urls import Link
from fmcat.site import records
from fmcat.site.render import Slots
from tests.site.catalogs import fixture_catalog, fixture_derived, fixture_taxonomy


def view(record_id: str) -> records.RecordView:
    catalog = fixture_catalog()
    return records.record_view(catalog.entries[record_id], catalog, fixture_taxonomy(),
                               fixture_derived())


def test_failure_mode_card_has_classes_urls_and_log_facts_decided() -> None:
    card = view("FM-0001")
    assert card.banner is None
    assert card.url == "failure-modes/FM-0001/"
    assert card.permalink == "FM-0001/"
    assert card.runbook_permalink == "FM-0001/#detection"
    assert card.severity_class == "fmcat-severity fmcat-severity--high"
    assert card.index == Link("Catalog", "failure-modes/")
    assert card.observed_text == "1 incident, last 2026-03-11, 1 team"
    assert card.drill == "drills/FM-0001.txt"
    assert not card.noindex
    assert card.chips[2] == records.ChipGroup("Lifecycle stage", (
        Link("Serving", "browse/stage/serving/"), Link("Monitoring", "browse/stage/monitoring/")))


def test_withdrawn_card_warns_names_its_successor_and_leaves_search_and_drills() -> None:
    card = view("FM-0003")
    assert card.banner == records.StatusBanner("danger", "Failure mode is withdrawn", "")
    assert card.successor == Link("FM-0002: Prior shift changes base rates",
                                  "failure-modes/FM-0002/")
    assert card.noindex
    assert card.drill == ""


def test_playbook_card_has_no_failure_mode_rows() -> None:
    card = view("MP-0009")
    assert (card.severity, card.severity_class, card.runbook_permalink) == ("", "", "")
    assert card.usage == ("used in 1 incident, median time to mitigate 5.8 h over the whole "
                          "log (n = 1)")
    assert card.index == Link("Mitigation playbooks", "playbooks/")
    assert card.chips == (records.ChipGroup("Kinds", (Link("respond", ""),
                                                      Link("recover", ""))),)


@pytest.mark.parametrize(("status", "expected"), [
    ("active", None),
    ("draft", records.StatusBanner("warning", "Failure mode is draft",
                                   "This entry is a draft: it has not been reviewed yet.")),
    ("deprecated", records.StatusBanner("warning", "Failure mode is deprecated", "")),
    ("withdrawn", records.StatusBanner("danger", "Failure mode is withdrawn", "")),
])
def test_status_banner(status: str, expected: records.StatusBanner | None) -> None:
    record = fixture_catalog().entries["FM-0001"].record.model_copy(update={"status": status})
    assert records.status_banner(record, "Failure mode") == expected


def test_observed_and_usage_text() -> None:
    assert records.observed_text(NEVER_OBSERVED) == "none recorded"
    assert records.observed_text(Observed(2, date(2026, 1, 5), ("a", "b", "c"))) == \
        "2 incidents, last 2026-01-05, 3 teams"
    assert records.usage_text(None) == "not used in the incident log"
    unused = fixture_derived().usage["MP-0009"]
    assert records.usage_text(PlaybookUsage(unused.playbook, unused.title, 0,
                                            unused.time_to_mitigate)) == \
        "not used in the incident log"


def test_search_keys_start_with_the_id_and_terms_hold_the_tags() -> None:
    record = fixture_catalog().entries["FM-0001"].record
    assert records.search_keys(record)[0] == "FM-0001"
    terms = records.search_terms(record)
    assert len(terms) == len(set(terms))
    assert {"distribution-shift", "serving"} <= set(terms)
    assert "psi" in view("FM-0001").search_signals.split()


def test_detector_rows_say_how_the_alert_rule_reads_the_signal() -> None:
    record = fixture_catalog().entries["FM-0001"].record
    assert isinstance(record, FailureMode)
    [row] = records.detector_rows(record, fixture_taxonomy())
    assert (row.signal_title, row.threshold, row.evaluated) == (
        "Population stability index", ">= 0.25", "average over 1 day")
    assert row.severity_class == "fmcat-severity fmcat-severity--high"
    # A counter is compared by its increase over the window, as the exported rule does.
    counter = record.detectors[0].model_copy(update={
        "signal": "schema_violations", "op": ">", "threshold": 0.0, "window": "1h"})
    [row] = records.detector_rows(record.model_copy(update={"detectors": [counter]}),
                                  fixture_taxonomy())
    assert (row.threshold, row.evaluated) == ("> 0", "increase over 1 hour")
    assert str(row.signal_html) == "schema_<wbr>violations"
    unknown = counter.model_copy(update={"signal": "not_in_taxonomy"})
    [row] = records.detector_rows(record.model_copy(update={"detectors": [unknown]}),
                                  fixture_taxonomy())
    assert row.evaluated == "over 1 hour"


def test_a_divergence_threshold_shows_its_unit() -> None:
    """PSI is an unbounded divergence, not a share: the row says "nats" so a
    reader does not take 0.25 for a quarter of anything."""
    record = fixture_catalog().entries["FM-0001"].record
    assert isinstance(record, FailureMode)
    taxonomy = fixture_taxonomy()
    signals = dict(taxonomy.signals)
    signals["psi"] = signals["psi"].model_copy(update={"unit": "nats"})
    [row] = records.detector_rows(record, taxonomy.model_copy(update={"signals": signals}))
    assert row.threshold == ">= 0.25 nats"


def test_mitigation_rows_resolve_their_playbooks() -> None:
    record = fixture_catalog().entries["FM-0001"].record
    assert isinstance(record, FailureMode)
    rows = records.mitigation_rows(record, fixture_catalog())
    assert [r.playbook.url for r in rows] == ["playbooks/MP-0013/", "playbooks/MP-0009/"]
    assert rows[1].playbook.label.startswith("MP-0009: ")
    assert (rows[1].brief.owner, rows[1].brief.time_to_remediate) == ("@fmcat/sre", "1 hour")


def test_mitigation_rows_carry_what_on_call_needs_from_each_playbook() -> None:
    record = fixture_catalog().entries["FM-0001"].record
    assert isinstance(record, FailureMode)
    row = records.mitigation_rows(record, fixture_catalog())[1].brief
    assert row.first_steps == ("Confirm the alert is real.", "Apply the remedy.")
    assert row.more_steps is None  # two steps: all shown
    assert row.fallback == "Page the owner."
    assert row.escalation == "@fmcat/sre after 4 hours: The remedy has not worked."
    long = fixture_catalog().entries["MP-0009"].record.model_copy(
        update={"steps": [f"Step {n}." for n in range(1, 6)]})
    assert isinstance(long, Playbook)
    brief = records.playbook_brief(long)
    assert brief.first_steps == ("Step 1.", "Step 2.", "Step 3.")
    assert brief.more_steps == Link("All 5 steps in full", "playbooks/MP-0009/#steps")


def test_a_failure_mode_page_shows_each_first_step_by_its_first_sentence() -> None:
    """The playbook page has the steps in full; repeating them at full length
    on every failure mode that cites the playbook made the Mitigation section
    the largest part of an entry page (issue #14: page size)."""
    record = fixture_catalog().entries["MP-0009"].record.model_copy(update={"steps": [
        "Route the segment to the baseline. It uses only inputs that stay up, e.g. the "
        "account age.", "Watch the queue (not the model).", "Reopen after an hour."]})
    assert isinstance(record, Playbook)
    brief = records.playbook_brief(record)
    assert brief.first_steps == ("Route the segment to the baseline.",
                                 "Watch the queue (not the model).", "Reopen after an hour.")
    # Three steps, one of them shortened: the link says where the rest is.
    assert brief.more_steps == Link("All 3 steps in full", "playbooks/MP-0009/#steps")


def test_playbook_view_formats_durations() -> None:
    record = fixture_catalog().entries["MP-0009"].record
    assert isinstance(record, Playbook)
    playbook = records.playbook_view(record)
    assert (playbook.time_to_remediate, playbook.escalate_after) == ("1 hour", "4 hours")


def test_evidence_links_out_only_to_web_urls_and_the_card_counts_it() -> None:
    catalog = fixture_catalog()
    evidence = records.evidence_view(catalog.entries["FM-0001"].record)
    assert evidence.artifacts == (records.EvidenceItem(
        "dashboard", "Feature drift overview", "https://grafana.example.com/d/feature-drift"),)
    assert [r.title for r in evidence.references] == ["Dataset Shift in Machine Learning"]
    assert evidence.controls == ()
    assert view("FM-0001").evidence == "1 artifact (dashboard), 1 reference"
    playbook = records.evidence_view(catalog.entries["MP-0009"].record)
    assert playbook.controls == (records.EvidenceItem(
        "dashboard", "Overview", "https://grafana.example.com/d/overview"),)
    assert view("MP-0009").evidence == "1 control (dashboard), 1 reference"
    hostile = catalog.entries["FM-0001"].record.model_copy(update={"references": [
        Reference(title="x", url="javascript:alert(1)"),
        Reference(title="y", url="ftp://example.com/y")]})
    assert [r.url for r in records.evidence_view(hostile).references] == ["", ""]
    bare = catalog.entries["CS-0001"].record.model_copy(update={"references": []})
    assert records.evidence_view(bare).is_empty
    assert records.evidence_text(records.evidence_view(bare)) == ""


def test_case_study_view_lists_origin_first_and_prints_numbers_as_g() -> None:
    record = fixture_catalog().entries["CS-0001"].record
    assert isinstance(record, CaseStudy)
    case = records.case_study_view(record)
    assert [c.label for c in case.contexts] == ["Origin", "Reused in"]
    assert case.metrics[0].before == "21"
    case = records.case_study_view(record.model_copy(update={"metrics": [
        record.metrics[0].model_copy(update={"before": 0.25, "after": 1e-7})]}))
    assert (case.metrics[0].before, case.metrics[0].after) == ("0.25", "1e-07")


def test_history_view_is_newest_first_with_dates_as_text() -> None:
    record = fixture_catalog().entries["FM-0001"].record
    history = records.history_view(record)
    assert (history.created, history.last_changed) == ("2025-02-03", "2026-10-12")
    assert history.revisions[0] == records.Dated("2026-10-12",
                                                 "Added the prediction-mean detector.")
    bare = records.history_view(record.model_copy(update={"revisions": []}))
    assert (bare.last_changed, bare.revisions) == ("2025-02-03", ())


def test_backlinks_of_a_failure_mode() -> None:
    catalog = fixture_catalog()
    groups = records.failure_mode_links(catalog.entries["FM-0001"], catalog, fixture_derived())
    by_anchor = {g.anchor: g for g in groups}
    assert [link.url for link in by_anchor["related"].links] == ["failure-modes/FM-0002/"]
    assert by_anchor["similar"].links == ()
    [incident] = by_anchor["incidents"].links
    assert (incident.url, incident.note) == ("", "2026-03-11, credit-risk, high")


def test_entry_links_leave_out_unknown_ids() -> None:
    assert records.entry_links(["FM-0002", "FM-9999"], fixture_catalog()) == (
        Link("FM-0002: Prior shift changes base rates", "failure-modes/FM-0002/"),)


def test_generated_blocks_go_to_the_end_of_their_section_not_into_code() -> None:
    markdown = ("## Detection {#detection}\n\ntext\n\n```\n## not a heading\n```\n"
                "## Next {#next}\nmore")
    out = records.insert_at_section_ends(markdown, {"detection": "BLOCK"})
    assert out.index("## not a heading") < out.index("BLOCK") < out.index("## Next")
    assert records.insert_at_section_ends("## Last {#detection}\nx", {"detection": "B"}) \
        .endswith("x\n\nB\n")


def test_generated_blocks_can_open_their_section_before_the_prose() -> None:
    markdown = "## Detection {#detection}\n\nwhy\n\n## Mitigation {#mitigation}\nhow"
    out = records.insert_at_section_starts(markdown, {"detection": "DET", "mitigation": "MIT"})
    assert out.index("{#detection}") < out.index("DET") < out.index("why") \
        < out.index("{#mitigation}") < out.index("MIT") < out.index("how")
    assert records.insert_at_section_starts("```\n## x {#detection}\n```", {"detection": "D"}) \
        == "```\n## x {#detection}\n```"


def test_record_markdown_puts_detectors_and_playbooks_before_the_prose() -> None:
    catalog = fixture_catalog()
    slots = Slots()
    text = records.record_markdown(catalog.entries["FM-0001"], catalog, fixture_taxonomy(),
                                   fixture_derived(), slots)
    for anchor in ("detection", "mitigation"):
        after = text[text.index(f"{{#{anchor}}}\n"):].split("\n")[1:]
        assert next(line for line in after if line).startswith("fmcatslot")
    assert "## Evidence {#evidence}" in text


def test_record_markdown_holds_generated_html_and_keeps_the_body() -> None:
    catalog = fixture_catalog()
    slots = Slots()
    text = records.record_markdown(catalog.entries["FM-0001"], catalog, fixture_taxonomy(),
                                   fixture_derived(), slots)
    assert text.startswith('---\n{"title": "FM-0001: Covariate shift in input features"}\n---')
    assert "## Detection {#detection}" in text
    held = "\n".join(slots.blocks.values())
    assert 'class="fmcat-severity fmcat-severity--high"' in held
    assert "Added the prediction-mean detector." in held
    assert "## History {#history}" in text
    assert "<table" not in text  # generated HTML is held out of Markdown

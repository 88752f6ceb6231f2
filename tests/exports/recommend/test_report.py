"""The text and JSON of a recommendation, from hand-made results."""

from __future__ import annotations

import json

from fmcat.exports.recommend import RESULT_VERSION, Observation, as_data, recommend, render_json
from fmcat.exports.recommend import render_text as text_of
from tests.exports.recommend.helpers import knowledge, mode, playbook


def test_no_match_says_how_many_signals_were_looked_at() -> None:
    result = recommend(knowledge(mode()), [Observation("psi", 0.1)])
    assert text_of(result) == "No failure mode matches 1 observed signal.\n"


def test_a_match_shows_status_unless_active_and_the_first_steps() -> None:
    steps = ("One.", "Two.", "Three.", "Four.", "Five.")
    draft = mode("FM-0002", status="draft", playbooks=(playbook(steps=steps),))
    result = recommend(knowledge(mode(), draft), [Observation("psi", 0.3, {"f": "age"})])
    text = text_of(result)
    assert text.startswith("2 failure modes match 1 observed signal.\n")
    assert "1. FM-0001 Mode FM-0001  [high]\n" in text
    assert "2. FM-0002 Mode FM-0002  [high, draft]\n" in text
    assert '- psi >= 0.25 over 6 hours (high, page): observed 0.3 {f="age"}' in text
    assert "   no playbook yet" in text
    assert "owner ml-platform, time to remediate 2 hours" in text
    assert "3. Three." in text and "4. Four." not in text
    assert "... 2 more steps: playbooks/MP-0001/#steps" in text
    assert "applied before: CS-0001 The spring drift (case-studies/CS-0001/)" in text


def test_a_cited_playbook_missing_from_the_catalog_is_said_so() -> None:
    missing = playbook("MP-0404", title="")
    result = recommend(knowledge(mode(playbooks=(missing,))), [Observation("psi", 1)])
    assert "   - MP-0404 (respond): not in this catalog" in text_of(result)


def test_unknown_and_undetected_signals_are_notes_at_the_end() -> None:
    result = recommend(knowledge(mode()), [Observation("psy", 1), Observation("latency", 1)])
    assert text_of(result).endswith(
        "\nUnknown signals (not in taxonomy.yml): psy\n"
        "\nSignals no detector uses yet: latency\n")


def test_contributed_text_cannot_inject_control_characters() -> None:
    evil = mode(playbooks=(playbook(title="Roll\x1b[31m back\n::error::x"),))
    text = text_of(recommend(knowledge(evil), [Observation("psi", 1)]))
    assert "\x1b" not in text
    assert "\n::error::" not in text


def test_json_has_the_version_and_limits_steps_to_the_first_ones() -> None:
    steps = ("One.", "Two.", "Three.", "Four.")
    result = recommend(knowledge(mode(playbooks=(playbook(steps=steps),))),
                       [Observation("psi", 0.3)])
    data = as_data(result)
    assert data["version"] == RESULT_VERSION
    assert data["matched"] is True
    (match,) = data["matches"]
    assert match["mitigation_url"] == "failure-modes/FM-0001/#mitigation"
    assert match["fired"][0]["observations"] == [{"signal": "psi", "value": 0.3, "labels": {}}]
    assert match["playbooks"][0]["first_steps"] == ["One.", "Two.", "Three."]
    assert match["playbooks"][0]["steps_total"] == 4
    assert json.loads(render_json(result)) == data

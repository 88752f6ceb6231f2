"""Shared wordings: a step's headline sentence."""

from __future__ import annotations

import pytest

from fmcat.core.text import first_sentence


@pytest.mark.parametrize(("text", "sentence"), [
    ("Keep a baseline. Score it at every release.", "Keep a baseline."),
    ("Classify the cause first! Then retrain.", "Classify the cause first!"),
    # An abbreviation or a number does not end the sentence: only a full stop
    # followed by a capital (or an opening bracket) does.
    ("Use a stable input, e.g. the account age. Then check it.",
     "Use a stable input, e.g. the account age."),
    ("Raise the limit to 2.5 h. Watch it.", "Raise the limit to 2.5 h."),
    ("Recalibrate (MP-0006). (Only if labels exist.)", "Recalibrate (MP-0006)."),
    ("One sentence without a full stop", "One sentence without a full stop"),
    ("  Spaces around.  ", "Spaces around."),
])
def test_first_sentence(text: str, sentence: str) -> None:
    assert first_sentence(text) == sentence

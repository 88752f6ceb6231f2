"""The small readers behind observations: numbers, shown values, labels."""

from __future__ import annotations

import pytest

from fmcat.exports.recommend.observations import (
    SHOWN_CHARS,
    Observation,
    finite_number,
    shown,
)


@pytest.mark.parametrize(("value", "number"), [
    (0, 0.0), (3, 3.0), (-0.5, -0.5), (True, None), (False, None), ("1", None), (None, None),
    (float("nan"), None), (float("inf"), None), (10**400, None)])
def test_finite_number(value: object, number: float | None) -> None:
    assert finite_number(value) == number


def test_shown_quotes_and_shortens() -> None:
    assert shown("psi") == "'psi'"
    long = shown("x" * 1000)
    assert len(long) == SHOWN_CHARS
    assert long.endswith("...")


def test_shown_survives_an_integer_too_long_to_print() -> None:
    assert shown(10**5000) == "a number too large to show"


def test_label_text_is_sorted_prometheus_style() -> None:
    observation = Observation("psi", 0.3, {"model": "ranker", "feature": "age"})
    assert observation.label_text == 'feature="age",model="ranker"'
    assert Observation("psi", 0.3).label_text == ""

"""Helpers shared by the page views."""

from __future__ import annotations

from fmcat.site.views import breakable, dot_class, page, severity_class


def test_page_writes_front_matter_and_an_optional_heading() -> None:
    assert page("T", "body") == '---\n{"title": "T"}\n---\n\n# T\n\nbody\n'
    assert page("T", "body", heading=False, wide=True) == (
        '---\n{"title": "T", "hide": ["navigation", "toc"]}\n---\n\nbody\n')


def test_severity_classes() -> None:
    assert severity_class("low") == "fmcat-severity fmcat-severity--low"
    assert dot_class("critical") == "fmcat-dot fmcat-dot--critical"


def test_breakable_offers_a_break_after_each_underscore_and_escapes() -> None:
    assert breakable("train_test_overlap") == "train_<wbr>test_<wbr>overlap"
    assert breakable("plain") == "plain"
    assert breakable("a<b>_c") == "a&lt;b&gt;_<wbr>c"

"""Task-list checkboxes get their item's text as accessible name."""

from __future__ import annotations

import markdown  # type: ignore[import-untyped]
from bs4 import BeautifulSoup

from fmcat.core.body import MARKDOWN_CONFIG
from fmcat.site.sanitize import sanitize_html
from fmcat.site.tasklist import label_task_lists

CHECKLIST = """\
- [x] Split by *group* before [dedup](https://example.org/a?b=1&c=2) & "quotes"
- [ ] Thresholds set by pair
  inspection
    - [ ] nested item

1. not a task

- [ ] loose one

- [X] loose two
"""


def _names(html: str) -> list[str | None]:
    soup = BeautifulSoup(html, "html.parser")
    return [box.get("aria-label") for box in soup.select("input[type=checkbox]")]


def _render(text: str) -> str:
    return sanitize_html(markdown.markdown(text, extensions=["pymdownx.tasklist"],
                                           extension_configs=MARKDOWN_CONFIG))


def test_each_checkbox_is_named_by_its_item() -> None:
    assert _names(label_task_lists(_render(CHECKLIST))) == [
        'Split by group before dedup & "quotes"',
        "Thresholds set by pair inspection",
        "nested item",
        "loose one",
        "loose two",
    ]


def test_markup_in_the_item_cannot_escape_the_attribute() -> None:
    html = label_task_lists(_render('- [ ] a &quot;"><script>alert(1)</script> b\n'))
    assert "<script" not in html
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one("input")["aria-label"] == 'a ""> b'  # type: ignore[index]


def test_pages_without_task_lists_are_unchanged() -> None:
    html = "<p>plain <label>x</label><input type=checkbox></p>"
    assert label_task_lists(html) == html

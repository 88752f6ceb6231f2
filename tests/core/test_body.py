"""The body scanner: sections, links across lines, code is left alone."""

from __future__ import annotations

import markdown
import pytest
import yaml
from bs4 import BeautifulSoup

from fmcat.core import body
from tests.conftest import REPO

TEXT = """Intro with a [link that
runs over two lines](FM-0016) and `[code](FM-9999)`.

```markdown
## Not a section
[also code](FM-8888)
```

## Detection

See [the playbook](MP-0013#steps).

[ref]: CS-0001
"""


def test_links_span_lines_and_skip_code() -> None:
    found = [(link.line, link.target) for link in body.links(TEXT, 10)]
    assert found == [(11, "FM-0016"), (20, "MP-0013#steps"), (22, "CS-0001")]


def test_sections_ignore_headings_in_code() -> None:
    assert list(body.sections(TEXT, 1)) == ["detection"]


def test_rewrite_resolves_id_links_and_fixes_anchors() -> None:
    def resolve(record_id: str, anchor: str) -> str:
        return f"../x/{record_id}.md" + (f"#{anchor}" if anchor else "")

    out = body.rewrite_for_site(TEXT, {"detection": "detection"}, resolve)
    assert "runs over two lines](../x/FM-0016.md)" in out
    assert "[the playbook](../x/MP-0013.md#steps)" in out
    assert "[ref]: ../x/CS-0001.md" in out
    assert "## Detection {#detection}" in out
    assert "[also code](FM-8888)" in out  # fenced code untouched
    assert "## Not a section" in out


def test_unsafe_url_sees_through_entities_and_controls() -> None:
    assert body.is_unsafe_url("jav&#x61;script:alert(1)")
    assert body.is_unsafe_url("java\tscript:x")
    assert body.is_unsafe_url(" data:text/html,x")
    assert not body.is_unsafe_url("https://example.com/javascript:")


ONE_LINE_SPAN = """## Symptoms

```pip install x``` fails, and ``` `` ``` is a span too.

## Detection

A threshold of 0.3.

~~~
## Not a section
~~~

## Mitigation

```python title="fix.py"
## comment, not a section
```

## Rationale

Why.
"""


def test_a_one_line_triple_backtick_span_opens_no_fence() -> None:
    """The scanner took ```pip install x``` for a fence that never closed, so
    every later section was "missing" (FMC040); Python-Markdown renders it
    as a code span, and the scanner now asks the same fence rule."""
    assert list(body.sections(ONE_LINE_SPAN, 1)) == ["symptoms", "detection", "mitigation",
                                                     "rationale"]


def test_an_unclosed_fence_is_text_as_the_renderer_has_it() -> None:
    text = "## Symptoms\n\n```\nno end\n\n## Detection\n\nx\n"
    assert list(body.sections(text, 1)) == ["symptoms", "detection"]


def test_the_scanner_finds_the_sections_markdown_renders() -> None:
    """The h2 headings the scanner finds are the top-level h2 of the real
    Markdown parse (the extensions of mkdocs.yml)."""
    for text in (TEXT, ONE_LINE_SPAN, "## A\n\n    ## indented code\n\n## B\n"):
        rendered = BeautifulSoup(markdown.markdown(
            text, extensions=body.MARKDOWN_EXTENSIONS,
            extension_configs=body.MARKDOWN_CONFIG), "html.parser")
        for permalink in rendered.select("a.headerlink"):
            permalink.decompose()
        parsed = [h.get_text().strip().lower() for h in rendered.find_all("h2", recursive=False)]
        assert list(body.sections(text, 1)) == parsed, text


def test_the_parse_uses_the_extensions_of_the_site() -> None:
    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)
    names = [next(iter(e)) if isinstance(e, dict) else e for e in config["markdown_extensions"]]
    assert names == body.MARKDOWN_EXTENSIONS
    options = {next(iter(e)): e[next(iter(e))] for e in config["markdown_extensions"]
               if isinstance(e, dict)}
    assert options == body.MARKDOWN_CONFIG


class _Loader(yaml.SafeLoader):
    """mkdocs.yml uses !ENV tags; their values do not matter here."""


_Loader.add_constructor("!ENV", lambda loader, node: None)


@pytest.mark.parametrize(("text", "line"), [
    ("## Symptoms {#detection}\n", 1),
    ("## Symptoms\n\n### Details {#detection}\n", 3),
    ("## Symptoms\n\nA paragraph.\n{: #checklist }\n", 4),
    ("## Symptoms\n\n[a link](https://x.example){#summary}\n", 3),
    ('## Symptoms\n\n<span id="summary">x</span>\n', 3),
])
def test_explicit_ids_are_found_outside_code(text: str, line: int) -> None:
    assert [problem.line for problem in body.explicit_ids(text, 1)] == [line]


def test_explicit_ids_in_code_are_text() -> None:
    assert body.explicit_ids("`{#x}`\n\n```\n## A {#b}\n```\n", 1) == []


def test_finding_fences_never_highlights_the_code(monkeypatch: pytest.MonkeyPatch) -> None:
    """Highlighting is thrown away here, and was most of a 1,000-entry site plan."""
    from pymdownx import highlight  # noqa: PLC0415 - patched for this test only

    calls: list[str] = []

    def count(*args: object, **kwargs: object) -> str:
        calls.append("highlight")
        return ""

    monkeypatch.setattr(highlight.Highlight, "highlight", count)
    text = "## Steps\n\n```python\n# not a heading\n```\n\n## After\n"
    assert [h.text for h in body.headings(text, 1)] == ["Steps", "After"]
    assert calls == []

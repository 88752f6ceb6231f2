"""The body scanner: sections, links across lines, code is left alone."""

from __future__ import annotations

from fmcat import body

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

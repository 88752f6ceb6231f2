"""Written pages lose the theme's indentation, never whitespace that shows."""

from __future__ import annotations

from fmcat.site.compact import compact_html


def test_indentation_and_blank_lines_become_one_line_break() -> None:
    html = "<ul>\n    <li>a</li>   \n\n\t  <li>b c</li>\n</ul>"
    assert compact_html(html) == "<ul>\n<li>a</li>\n<li>b c</li>\n</ul>"


def test_spaces_without_a_line_break_stay() -> None:
    # Between inline elements one space is a word break; two collapse anyway
    # but are left alone so that nothing within a line changes.
    assert compact_html("<b>a</b>  <i>b</i>") == "<b>a</b>  <i>b</i>"


def test_preformatted_text_and_scripts_keep_their_whitespace() -> None:
    kept = ('<pre><code>def f():\n    return 1\n\n</code></pre>',
            "<textarea>\n  typed\n</textarea>", "<script>\n  var a = `x\n    y`;\n</script>",
            "<PRE class=x>\n  a\n</PRE >", "<style>\n  a { color: red }\n</style>")
    for block in kept:
        assert compact_html(f"<p>\n  x</p>\n   {block}\n   <p>y</p>") == \
            f"<p>\nx</p>\n{block}\n<p>y</p>"
    # A tag whose name only starts like one of them is not kept.
    assert compact_html("<presentation>\n   a</presentation>") == \
        "<presentation>\na</presentation>"

"""Written pages without the theme's indentation.

Material's templates and ours are indented for their authors; in a written
page that indentation was an eighth of an entry page's bytes (issue #14:
entry pages within 40 KB). Every run of whitespace that holds a line break
becomes one line break, which the browser renders exactly as before
(white-space collapses it to one space either way), except where whitespace
is kept as written: `pre`, `textarea`, and the text of `script` and `style`.
"""

from __future__ import annotations

import re

_KEPT = re.compile(r"<(pre|textarea|script|style)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
_RUN = re.compile(r"[ \t\r\f]*\n\s*")


def compact_html(html: str) -> str:
    """`html` with each whitespace run that holds a line break cut to one
    line break, outside elements that keep their whitespace."""
    parts = []
    start = 0
    for kept in _KEPT.finditer(html):
        parts.append(_RUN.sub("\n", html[start:kept.start()]))
        parts.append(kept.group(0))
        start = kept.end()
    parts.append(_RUN.sub("\n", html[start:]))
    return "".join(parts)

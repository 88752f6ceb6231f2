"""Contributed text made inert for the consoles and CI logs the CLI prints to.

Every record value the CLI prints can reach a GitHub Actions log, and the
runner executes what looks like a workflow command in it: a line that starts
with `::` once leading whitespace is trimmed (`::error …`, `::add-mask::…`,
`::stop-commands::token`, which silences every annotation after it), and,
anywhere in a line, the legacy form `##[command]` (actions/runner,
`ActionCommand.TryParseV2` and `TryParse`). A raw line break in a value is
how a record starts such a line; control characters also rewrite what a
terminal shows (ANSI escapes, bidi overrides).

So every value is escaped visibly before it is printed, by one of these
functions and nowhere else: `escape_text` for plain-text output,
`escape_github` for the parts of a workflow command, `escape_json` for JSON
that is printed. Escapes are visible (`\\n`, `\\x01`) so a reader sees what
the record holds instead of having it hidden or acted on.
"""

from __future__ import annotations

import re

_NAMED = {"\n": "\\n", "\r": "\\r"}

_UNPRINTABLE = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f"  # C0 but tab, DEL, C1 (0x85 is a line break to Python)
    "\u2028\u2029"  # line and paragraph separators
    "\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidi marks, embeddings, overrides, isolates
    "\ud800-\udfff"  # lone surrogates: cannot be encoded, so cannot be printed
    "\ufeff\ufffe\uffff]"
)

_LEGACY_COMMAND = "##["
"""The runner's v1 command prefix, honoured anywhere in a line."""

_COMMAND_AT_WORD = re.compile(r"(^|\s)::")
"""`::` where a wrapped or indented line could begin with it."""


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def break_legacy_command(text: str) -> str:
    """`##[` spelt `#\\x23[`: visible in plain text, and read back as `#` by YAML's
    double-quoted strings, where the rule export uses it."""
    return text.replace(_LEGACY_COMMAND, "#\\x23[")


def _escape_unprintable(value: str) -> str:
    return break_legacy_command(_UNPRINTABLE.sub(_visible, value))


def escape_text(value: str) -> str:
    """A value as one inert line of plain text.

    Control characters and line breaks become visible escapes, `##[` is
    broken, and `::` at the start of a word is escaped, because text that is
    wrapped or indented puts words at the start of a line. Ordinary text
    (colons, `std::vector`, `%`) is unchanged.
    """
    value = _escape_unprintable(value)
    return _COMMAND_AT_WORD.sub(lambda m: f"{m.group(1)}:\\x3a", value)


def escape_github(value: str, *, prop: bool = False) -> str:
    """A value for a workflow command: GitHub's escaping, then the rest made visible.

    The runner unescapes `%25`, `%0D` and `%0A` in a command's message, and
    also `%3A` and `%2C` in its properties (`file=…,title=…`), where `:` and
    `,` would end the value. Other control characters and `##[` cannot be
    escaped in GitHub's scheme, so they are shown as in `escape_text`.
    """
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return _escape_unprintable(value)


def escape_json(text: str) -> str:
    """Serialised JSON made safe to print, without changing what it decodes to.

    A JSON string keeps `##[` as it is, so a printed document could carry a
    legacy workflow command; `\\u0023` is the same `#` to a JSON parser. Line
    breaks inside strings are already escaped by the serialiser, and no line of
    indented JSON starts with `::`.
    """
    return text.replace(_LEGACY_COMMAND, "#\\u0023[")

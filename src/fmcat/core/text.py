"""Small wordings shared by the pages, the exports and the CLI, so each reads one way."""

from __future__ import annotations

import re

_UNITS = {"m": "minute", "h": "hour", "d": "day", "w": "week"}


def plural(count: int, noun: str) -> str:
    """`1 incident`, `3 incidents`: every count shown to a reader."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def duration_text(value: str) -> str:
    """`'6h'` → `'6 hours'`, for readers who are not fluent in the short form."""
    return plural(int(value[:-1]), _UNITS[value[-1]])


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")


def first_sentence(text: str) -> str:
    """The headline of a playbook step: writers put the action first and its
    detail after, so a failure-mode page can show the action and link to the
    rest. A stop ends a sentence only before a capital or a bracket, so
    `e.g. the` or `2.5 h` do not."""
    return _SENTENCE_END.split(text.strip(), maxsplit=1)[0]

"""Small wordings shared by the pages, the exports and the CLI, so each reads one way."""

from __future__ import annotations

_UNITS = {"m": "minute", "h": "hour", "d": "day", "w": "week"}


def plural(count: int, noun: str) -> str:
    """`1 incident`, `3 incidents`: every count shown to a reader."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def duration_text(value: str) -> str:
    """`'6h'` → `'6 hours'`, for readers who are not fluent in the short form."""
    return plural(int(value[:-1]), _UNITS[value[-1]])

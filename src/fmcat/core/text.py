"""Small wordings shared by the pages, the exports and the CLI, so each reads one way."""

from __future__ import annotations

_UNITS = {"m": "minute", "h": "hour", "d": "day", "w": "week"}


def plural(count: int, noun: str) -> str:
    """`1 incident`, `3 incidents`: every count shown to a reader."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def duration_text(value: str) -> str:
    """`'6h'` → `'6 hours'`, for readers who are not fluent in the short form."""
    if value == UNKNOWN:
        return fact_text(value)
    return plural(int(value[:-1]), _UNITS[value[-1]])


UNKNOWN = "unknown"
"""What a record writes for a required fact nobody knows yet (where the taxonomy
allows it); the same literal as `taxonomy.UNKNOWN`, kept here so this module
imports nothing."""


def fact_text(value: str) -> str:
    """A required fact as shown: `unknown` reads "Unknown", never as a value."""
    return "Unknown" if value == UNKNOWN else value

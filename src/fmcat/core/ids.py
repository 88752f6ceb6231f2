"""Record IDs: the one set of patterns every module recognises an ID with.

IDs are composed from parts so that each pattern reads as what it means. A
number is four zero-padded digits, or five or six without a leading zero once
a catalog passes 9,999 records: one spelling per number, so IDs stay unique.
Digits are spelt [0-9], never \\d: in pydantic's (Rust) and Python's regexes
\\d is any Unicode digit, and FM-００１３ would pass beside FM-0013 with a URL
of its own.

The `*_PATTERN` strings are what pydantic validates with, and they are
published in the JSON Schemas of the API: their text is part of the export
contract and must not change for a refactoring.
"""

from __future__ import annotations

import re

NUMBER = r"(?:[0-9]{4}|[1-9][0-9]{4,5})"
"""The number of a failure mode, playbook or case study."""

RECORD_ID = rf"(?:FM|MP|CS)-{NUMBER}"
"""Any Markdown record's ID, unanchored, to compose larger patterns with."""

FM_ID_PATTERN = rf"^FM-{NUMBER}$"
MP_ID_PATTERN = rf"^MP-{NUMBER}$"
CS_ID_PATTERN = rf"^CS-{NUMBER}$"
RECORD_ID_PATTERN = rf"^(FM|MP|CS)-{NUMBER}$"
# Incidents carry the year they were detected in (a check compares the two).
INC_ID_PATTERN = r"^INC-(?P<year>20[0-9][0-9])-[0-9]{4}$"

# \Z, not $: in Python `$` also matches before a final newline.
ANY_RECORD_ID = re.compile(rf"^(FM|MP|CS)-{NUMBER}\Z", re.ASCII)
"""A whole string that is a Markdown record's ID (aliases, command arguments)."""

ID_LINK = re.compile(rf"^(?P<id>{RECORD_ID})(?:#(?P<anchor>[a-z0-9-]+))?$")
"""A link target in a record body written as an ID: `FM-0012` or `MP-0003#steps`."""

# A file name only has to start with its ID (FM-0012-label-shift.md). Any
# four-digit year is taken here: a refused incident file still names its ID.
FILE_ID = re.compile(rf"^({RECORD_ID}|INC-[0-9]{{4}}-[0-9]{{4}})(?!\w)")
"""The ID a record file's name starts with, as group 1."""

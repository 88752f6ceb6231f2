"""The one place that asks what day it is.

Builds and checks use the day of SOURCE_DATE_EPOCH when it is set (the
reproducible-builds convention), so a rebuild of the same sources on another
day, and the test suite on any day, give the same output.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime


def build_date() -> date:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).date()
    return date.today()

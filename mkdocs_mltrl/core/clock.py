"""The build date: today, or the date ``SOURCE_DATE_EPOCH`` fixes (reproducible builds, tests)."""

from __future__ import annotations

import os
from datetime import date, datetime, timezone


def build_date() -> date:
    """Today, or the date of ``SOURCE_DATE_EPOCH`` when set (reproducible builds, tests)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc).date()
    return date.today()

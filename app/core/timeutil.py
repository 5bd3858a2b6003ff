"""Time helpers: the application stores aware UTC datetimes and shows Europe/Berlin."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")


def utcnow() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """Today's date in Germany (the date users see on their calendars)."""
    return datetime.now(BERLIN).date()


def as_aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were stored as UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)

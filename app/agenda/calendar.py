"""Calendar feeds in iCalendar (RFC 5545), written with the ``icalendar`` package.

An entry's UID names the thing it is about (``meilenstein-17@ikz-portfolio``), never its date, so a
calendar moves the entry when the date moves. All-day entries (deadlines) need no time zone;
entries with a time (council sessions) are written in Europe/Berlin, whose VTIMEZONE the feed
carries in any case.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from icalendar import Calendar, Timezone, vDuration
from icalendar import Event as CalendarEvent
from sqlmodel import Session

from app.agenda.registry import EVENT_SOURCES
from app.core.agenda import Event, EventQuery, EventSource
from app.core.config import get_settings
from app.core.timeutil import BERLIN, utcnow

# What a feed covers around today: a year back (recent deadlines stay visible), two ahead.
PAST_DAYS = 365
FUTURE_DAYS = 730
# How often calendar programs should fetch the feed again.
REFRESH = timedelta(hours=4)
# The right-hand side of every UID: fixed, so that a new server address keeps the UIDs.
UID_DOMAIN = "ikz-portfolio"


def window(on: date) -> tuple[date, date]:
    return on - timedelta(days=PAST_DAYS), on + timedelta(days=FUTURE_DAYS)


def collect(
    session: Session, query: EventQuery, sources: Sequence[EventSource] = EVENT_SOURCES
) -> list[Event]:
    """Every source's entries for ``query``, by date."""
    events = [event for source in sources for event in source.find(session, query)]
    return sorted(events, key=lambda event: (_first_day(event), event.uid))


def _first_day(event: Event) -> date:
    if event.day is not None:
        return event.day
    return event.starts_at.astimezone(BERLIN).date() if event.starts_at else date.min


def absolute(href: str) -> str:
    return get_settings().base_url.rstrip("/") + href


def to_ical(events: Sequence[Event], *, name: str, start: date, end: date) -> bytes:
    """The feed as iCalendar text."""
    stamp = utcnow().replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", "-//IKZ-Portfolio//Termine der Digitalstrategie//DE")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Berlin")
    calendar.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    calendar.add_component(Timezone.from_tzid("Europe/Berlin", first_date=start, last_date=end))
    for event in events:
        entry = CalendarEvent()
        entry.add("uid", f"{event.uid}@{UID_DOMAIN}")
        entry.add("dtstamp", stamp)
        if event.day is not None:
            entry.add("dtstart", event.day)
            entry.add("dtend", event.day + timedelta(days=1))
            entry.add("transp", "TRANSPARENT")  # a deadline does not block the day
        else:
            assert event.starts_at is not None
            entry.add("dtstart", event.starts_at.astimezone(BERLIN))
            ends = event.ends_at or event.starts_at + timedelta(hours=2)
            entry.add("dtend", ends.astimezone(BERLIN))
        link = absolute(event.href)
        entry.add("summary", event.summary)
        entry.add("description", f"{event.description}\n\n{link}".strip())
        entry.add("url", link)
        if event.categories:
            entry.add("categories", list(event.categories))
        calendar.add_component(entry)
    text: bytes = calendar.to_ical()
    return text

"""What is due, for whom: the shared vocabulary of task and calendar sources.

Each domain that knows of deadlines offers *sources* (``app/<domain>/agenda.py``): a task source
lists what someone has to do ("Statusbericht fällig", "Zuordnung fehlt"), an event source lists
dated things for a calendar (a milestone's due date, a council session). The agenda domain
(``app.agenda.registry``) collects them; the home page, the e-mail reminders and the calendar feed
read every source through these types only, so a new domain plugs in by adding its sources to the
registry and nothing else changes.

This module lives in the lowest floor so that every domain can use it; it knows no domain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import IntEnum
from typing import Any

from sqlmodel import Session

from app.core.enums import Role


class Urgency(IntEnum):
    """How pressing a task is; lower sorts first."""

    overdue = 0  # a date has passed
    due = 1  # due now (today, or a state that needs action)
    soon = 2  # a date lies ahead within the source's window


URGENCY_LABELS = {
    Urgency.overdue: "überfällig",
    Urgency.due: "fällig",
    Urgency.soon: "demnächst",
}


@dataclass(frozen=True)
class AgendaScope:
    """Whose agenda: the municipalities it covers (None: all of them) and the day it is for."""

    municipality_ids: frozenset[int] | None
    on: date

    def covers(self, municipality_id: int | None) -> bool:
        if self.municipality_ids is None:
            return True
        return municipality_id is not None and municipality_id in self.municipality_ids


@dataclass(frozen=True)
class Task:
    """Something to do, with a link to where it is done.

    ``key`` identifies the task across runs (the e-mail reminders remember it); ``due_on`` is the
    date the task is about, if it has one (a moved date makes a new reminder). ``order`` sorts
    tasks of one source after urgency (for example the municipality's led measures first).
    """

    key: str
    title: str
    detail: str
    href: str
    urgency: Urgency
    due_on: date | None = None
    order: tuple[Any, ...] = ()

    @property
    def urgency_label(self) -> str:
        return URGENCY_LABELS[self.urgency]

    @property
    def reminder_key(self) -> str:
        """What a reminder of this task is remembered by: the task, its date and its urgency,
        so that one task is reminded of when it comes up and once more when it is overdue."""
        on = self.due_on.isoformat() if self.due_on else "-"
        stage = "ueberfaellig" if self.urgency is Urgency.overdue else "offen"
        return f"{self.key}@{on}#{stage}"[:200]


TaskFinder = Callable[[Session, AgendaScope], list[Task]]


@dataclass(frozen=True)
class TaskSource:
    """A kind of task: its heading, the roles whose home lists it, and how to find them.

    ``find(session, scope)`` returns the tasks of the scope's municipalities, most urgent first.
    The IKZ-Koordination (admin role) sees every source across all municipalities.
    """

    key: str
    heading: str
    roles: frozenset[Role]
    find: TaskFinder
    explanation: str = ""


@dataclass(frozen=True)
class EventQuery:
    """Which dated things a calendar wants: those of some municipalities (None: all), or of one
    measure, between two days."""

    municipality_ids: frozenset[int] | None
    measure_id: int | None
    start: date
    end: date

    def covers(self, municipality_id: int | None) -> bool:
        if self.municipality_ids is None:
            return True
        return municipality_id is not None and municipality_id in self.municipality_ids


@dataclass(frozen=True)
class Event:
    """A dated entry of a calendar.

    ``uid`` names the thing, not its date, so that an event keeps its UID when its date moves.
    Either ``day`` (an all-day entry) or ``starts_at`` (aware; with ``ends_at``) is set.
    ``href`` is the application's page about it (relative; made absolute with the base URL).
    """

    uid: str
    summary: str
    description: str
    href: str
    day: date | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    categories: tuple[str, ...] = field(default=())


EventFinder = Callable[[Session, EventQuery], list[Event]]


@dataclass(frozen=True)
class EventSource:
    key: str
    find: EventFinder

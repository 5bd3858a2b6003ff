"""A person's tasks: every task source their roles see, for the municipalities they hold the
role in (all four for the IKZ-Koordination)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from app.accounts.permissions import Principal
from app.agenda.registry import TASK_SOURCES
from app.core.agenda import AgendaScope, Task, TaskSource, Urgency


@dataclass(frozen=True)
class Section:
    """The tasks of one source, most urgent first."""

    source: TaskSource
    tasks: list[Task]

    @property
    def overdue(self) -> int:
        return sum(1 for task in self.tasks if task.urgency is Urgency.overdue)


@dataclass(frozen=True)
class Agenda:
    """What the home page shows: one section per source the person's roles see."""

    sections: list[Section]
    on: date

    @property
    def tasks(self) -> list[Task]:
        """Every task once (a task two roles see is listed in the first section only)."""
        seen: set[str] = set()
        result = []
        for section in self.sections:
            for task in section.tasks:
                if task.key not in seen:
                    seen.add(task.key)
                    result.append(task)
        return result

    @property
    def total(self) -> int:
        return len(self.tasks)

    @property
    def overdue(self) -> int:
        return sum(1 for task in self.tasks if task.urgency is Urgency.overdue)


def source_scope(principal: Principal, source: TaskSource) -> frozenset[int] | bool | None:
    """The municipalities ``principal`` sees ``source`` for: None for all of them (the
    IKZ-Koordination), False when none of their roles sees it."""
    if principal.is_admin:
        return None
    held = frozenset(
        municipality
        for role in source.roles
        for municipality in principal.municipalities_with(role)
    )
    return held if held else False


def agenda_for(
    session: Session,
    principal: Principal,
    on: date,
    sources: Sequence[TaskSource] = TASK_SOURCES,
) -> Agenda:
    sections = []
    for source in sources:
        scope = source_scope(principal, source)
        if scope is False:
            continue
        assert scope is None or isinstance(scope, frozenset)
        # Each source orders its own tasks (most urgent first, led measures first, …).
        found = source.find(session, AgendaScope(municipality_ids=scope, on=on))
        sections.append(Section(source=source, tasks=found))
    return Agenda(sections=sections, on=on)

"""Every source of tasks and calendar entries, in the order the home page shows them.

A domain offers its sources in ``app/<domain>/agenda.py`` (types in :mod:`app.core.agenda`) and
is listed here; the home page (``/``), the e-mail reminders and digests (``ikz notify send``) and
the calendar feeds (``/kalender/{token}.ics``) then include it with no further change.

Sources still to come:

* council sessions (``app.councils``): a ``TaskSource`` "Nächste Sitzungstermine" for the
  Hauptamtsleitung (``roles={Role.hauptamt}``), placed after ``MEASURES_AT_RISK``, and an
  ``EventSource`` with each session's date and time (``starts_at`` in Europe/Berlin, UID
  ``sitzung-<id>``) in ``EVENT_SOURCES``;
* risk reviews (``app.risks``): a ``TaskSource`` "Risiken zur Überprüfung" and an
  ``EventSource`` of review dates (UID ``risikopruefung-<id>``).

The agenda floor sits above every domain it lists (``[tool.importlinter]`` in pyproject.toml).
"""

from __future__ import annotations

from app.core.agenda import EventSource, TaskSource
from app.finance import agenda as finance
from app.portfolio import agenda as portfolio

TASK_SOURCES: tuple[TaskSource, ...] = (
    # Digitalisierungsbeauftragte
    portfolio.REPORTS_DUE,
    portfolio.MILESTONES_OVERDUE,
    portfolio.MILESTONES_NEXT,
    # Hauptamtsleitung
    portfolio.DECISIONS_OPEN,
    portfolio.MEASURES_AT_RISK,
    # Finanzen/Kämmerei
    finance.UNMAPPED_LINES,
    finance.MISSING_INVESTMENT_NUMBERS,
    finance.ACTUAL_ABOVE_APPROVED,
    finance.GRANT_DEADLINES,
)

EVENT_SOURCES: tuple[EventSource, ...] = (
    portfolio.MILESTONE_EVENTS,
    portfolio.REPORT_EVENTS,
    finance.GRANT_EVENTS,
)

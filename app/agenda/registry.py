"""Every source of tasks and calendar entries, in the order the home page shows them.

A domain offers its sources in ``app/<domain>/agenda.py`` (types in :mod:`app.core.agenda`) and
is listed here; the home page (``/``), the e-mail reminders and digests (``ikz notify send``) and
the calendar feeds (``/kalender/{token}.ics``) then include it with no further change.

The risk register (``app.risks``) offers "Risiken zur Überprüfung" (open risks whose review date
has passed or is near) and the review dates as calendar entries (UID ``risikopruefung-<id>``).

The agenda floor sits above every domain it lists (``[tool.importlinter]`` in pyproject.toml).
"""

from __future__ import annotations

from app.core.agenda import EventSource, TaskSource
from app.councils import agenda as councils
from app.finance import agenda as finance
from app.portfolio import agenda as portfolio
from app.risks import agenda as risks

TASK_SOURCES: tuple[TaskSource, ...] = (
    # Digitalisierungsbeauftragte
    portfolio.REPORTS_DUE,
    portfolio.MILESTONES_OVERDUE,
    portfolio.MILESTONES_NEXT,
    risks.REVIEWS_DUE,  # also the Hauptamtsleitung
    # Hauptamtsleitung
    councils.DECISIONS_OPEN,
    portfolio.MEASURES_AT_RISK,
    councils.SESSIONS_NEXT,
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
    councils.SESSION_EVENTS,
    risks.REVIEW_EVENTS,
)

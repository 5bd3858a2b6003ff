"""An indicator to aim at in the permission matrix and the API twins."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, select

from app.indicators.models import Goal, Indicator
from app.municipalities.models import Municipality
from app.portfolio.models import Measure


def make_indicator(session: Session, measure: Measure, slug: str) -> Indicator:
    """A fresh indicator of ``measure`` kept by the municipality ``slug``."""
    municipality = session.exec(select(Municipality).where(Municipality.slug == slug)).one()
    goal = Goal(measure_id=measure.id, title=f"Ziel {slug}")
    session.add(goal)
    session.flush()
    indicator = Indicator(
        goal_id=int(goal.id or 0),
        name="Zielindikator",
        unit="%",
        baseline_value=1000,
        baseline_on=date(2025, 1, 1),
        target_value=8000,
        target_on=date(2027, 12, 31),
        municipality_id=int(municipality.id or 0),
    )
    session.add(indicator)
    session.commit()  # kept when a refused request rolls the session back
    return indicator


def indicator_json(slug: str, **changes: Any) -> dict[str, Any]:
    return {
        "goal": "Vorgänge digital",
        "name": "Anteil eAkte",
        "definition": "",
        "unit": "%",
        "direction": "steigend",
        "baseline_value": 2000,
        "baseline_on": "2025-01-01",
        "target_value": 8000,
        "target_on": "2027-12-31",
        "source": "",
        "municipality": slug,
        "example": False,
    } | changes


def indicator_form(slug: str, **changes: str) -> dict[str, str]:
    return {
        "goal": "Vorgänge digital",
        "name": "Anteil eAkte",
        "unit": "%",
        "direction": "steigend",
        "baseline_value": "20",
        "baseline_on": "01.01.2025",
        "target_value": "80",
        "target_on": "31.12.2027",
        "municipality": slug,
    } | changes

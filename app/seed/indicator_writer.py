"""Write the seed's goals and indicators: goals are found by their scope and title, indicators
by goal and name, values by indicator and day, so a second run changes nothing."""

from __future__ import annotations

from sqlmodel import col, select

from app.indicators.models import Goal, Indicator, IndicatorValue
from app.indicators.progress import Path, Reading, behind_plan, target_reached
from app.portfolio.models import ActionField
from app.seed.errors import SeedError
from app.seed.indicator_schema import IndicatorEntry, IndicatorsFile
from app.seed.writer import SeedWriter


def _derived(entry: IndicatorEntry) -> dict[str, object]:
    """What the indicator keeps of its values (see ``indicators.service.refresh_state``),
    written with it so that a seeded indicator is written once."""
    latest = None
    if entry.values:
        last = max(entry.values, key=lambda value: value.date)
        latest = Reading(last.date, last.value)
    path = Path(
        entry.direction,
        entry.baseline.value,
        entry.baseline.date,
        entry.target.value,
        entry.target.date,
    )
    return {
        "latest_on": latest.measured_on if latest else None,
        "latest_value": latest.value if latest else None,
        "behind": behind_plan(path, latest),
        "reached": target_reached(path, latest),
    }


def write_indicators(writer: SeedWriter, files: list[tuple[str, IndicatorsFile]]) -> None:
    session = writer.session
    for file, content in files:
        for entry in content.indicators:
            municipality_id = writer.municipality_ids.get(entry.municipality)
            if municipality_id is None:
                raise SeedError(file, entry.name, "municipality", "unbekannte Kommune")
            scope: dict[str, int | None] = {"measure_id": None, "action_field_id": None}
            if entry.measure is not None:
                if entry.measure not in writer.measure_ids:
                    raise SeedError(file, entry.name, "measure", "unbekannte Maßnahme")
                scope["measure_id"] = writer.measure_ids[entry.measure]
            else:
                field_id = session.execute(
                    select(col(ActionField.id)).where(col(ActionField.code) == entry.action_field)
                ).scalar()
                if field_id is None:
                    raise SeedError(file, entry.name, "action_field", "unbekanntes Handlungsfeld")
                scope["action_field_id"] = int(field_id)
            goal = writer.upsert(Goal, scope | {"title": entry.goal}, {})
            indicator = writer.upsert(
                Indicator,
                {"goal_id": writer._id(goal), "name": entry.name},
                {
                    "definition": entry.definition,
                    "unit": entry.unit,
                    "direction": entry.direction,
                    "baseline_value": entry.baseline.value,
                    "baseline_on": entry.baseline.date,
                    "target_value": entry.target.value,
                    "target_on": entry.target.date,
                    "source": entry.source,
                    "municipality_id": municipality_id,
                    "example": entry.example,
                }
                | _derived(entry),
            )
            for value in entry.values:
                writer.upsert(
                    IndicatorValue,
                    {"indicator_id": writer._id(indicator), "measured_on": value.date},
                    {"value": value.value, "note": value.note, "author_name": value.author},
                )

"""Input and output shapes of goals, indicators and measured values (form and API alike)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field

from app.core.inputs import Input, Replacement
from app.core.rules import Day, Flag, Hundredths, OneOf, Slug, Text, Version
from app.indicators.models import MAX_HUNDREDTHS, Direction

LONG_TEXT_MAX = 4000


class IndicatorFields(Input):
    """What defines an indicator: its goal, what is measured, baseline, target and keeper."""

    goal: Annotated[
        str, Text(200, required=True, message="Bitte das Ziel nennen, zu dem der Indikator gehört.")
    ] = Field(description="Ziel (Titel); ein neues Ziel wird angelegt, ein bekanntes verwendet")
    name: Annotated[str, Text(200, required=True, message="Bitte einen Namen angeben.")]
    definition: Annotated[str, Text(LONG_TEXT_MAX, multiline=True)] = ""
    unit: Annotated[
        str, Text(30, required=True, message="Bitte eine Einheit angeben, z. B. % oder Anzahl.")
    ]
    direction: Annotated[
        str,
        OneOf.of(
            Direction, message="Bitte wählen, ob ein höherer oder ein niedrigerer Wert besser ist."
        ),
    ] = Direction.steigend.value
    baseline_value: Annotated[
        int, Hundredths(MAX_HUNDREDTHS, message="Bitte den Ausgangswert angeben.")
    ]
    baseline_on: Annotated[date, Day(message="Bitte das Datum des Ausgangswerts angeben.")]
    target_value: Annotated[int, Hundredths(MAX_HUNDREDTHS, message="Bitte den Zielwert angeben.")]
    target_on: Annotated[date, Day(message="Bitte angeben, bis wann das Ziel erreicht sein soll.")]
    source: Annotated[str, Text(300)] = ""
    municipality: Annotated[str, Slug(message="Bitte die zuständige Kommune wählen.")] = Field(
        description="Slug der zuständigen Kommune (sie erfasst die Messwerte)"
    )
    example: Annotated[bool, Flag()] = False


class IndicatorCreate(IndicatorFields):
    pass


class IndicatorUpdate(IndicatorFields, Replacement):
    expected_version: Annotated[int, Version()]


class ValueIn(Input):
    """A measured value; it moves the indicator's version (one of concurrent entries wins)."""

    measured_on: Annotated[date, Day(message="Bitte das Datum der Messung angeben.")]
    value: Annotated[int, Hundredths(MAX_HUNDREDTHS, message="Bitte den gemessenen Wert angeben.")]
    note: Annotated[str, Text(500)] = ""
    expected_version: Annotated[int, Version()] = Field(
        description="Version des Indikators, auf der die Erfassung beruht"
    )


# --- output -----------------------------------------------------------------------------------


class ValuePublic(BaseModel):
    measured_on: date
    value: int = Field(description="Hundertstel der Einheit")
    note: str
    author: str
    entered_at: datetime


class IndicatorPublic(BaseModel):
    id: int
    goal: str
    measure_code: str | None = Field(description="Maßnahme des Ziels (oder null)")
    action_field_code: str | None = Field(description="Handlungsfeld des Ziels (oder null)")
    name: str
    definition: str
    unit: str
    direction: Direction
    baseline_value: int = Field(description="Hundertstel der Einheit")
    baseline_on: date
    target_value: int = Field(description="Hundertstel der Einheit")
    target_on: date
    source: str
    municipality: str = Field(description="Slug der zuständigen Kommune")
    example: bool
    version: int
    behind_plan: bool = Field(description="Der letzte Wert liegt hinter dem geraden Weg zum Ziel")
    summary: str = Field(description="Der Satz der Kennzahlenkarte")
    values: list[ValuePublic]

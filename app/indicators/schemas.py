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
    """Was einen Indikator festlegt: Ziel, Messgröße, Ausgangs- und Zielwert, zuständige
    Kommune."""

    goal: Annotated[
        str, Text(200, required=True, message="Bitte das Ziel nennen, zu dem der Indikator gehört.")
    ] = Field(description="Ziel (Titel); ein neues Ziel wird angelegt, ein bekanntes verwendet")
    name: Annotated[str, Text(200, required=True, message="Bitte einen Namen angeben.")]
    definition: Annotated[str, Text(LONG_TEXT_MAX, multiline=True)] = Field(
        default="", description="Was genau gemessen wird"
    )
    unit: Annotated[
        str, Text(30, required=True, message="Bitte eine Einheit angeben, z. B. % oder Anzahl.")
    ] = Field(description="Einheit, z. B. %, Anzahl, Tage")
    direction: Annotated[
        str,
        OneOf.of(
            Direction, message="Bitte wählen, ob ein höherer oder ein niedrigerer Wert besser ist."
        ),
    ] = Field(
        default=Direction.steigend.value,
        description="steigend: ein höherer Wert ist besser; fallend: ein niedrigerer",
    )
    baseline_value: Annotated[
        int, Hundredths(MAX_HUNDREDTHS, message="Bitte den Ausgangswert angeben.")
    ]
    baseline_on: Annotated[date, Day(message="Bitte das Datum des Ausgangswerts angeben.")] = Field(
        description="Datum des Ausgangswerts (JJJJ-MM-TT)"
    )
    target_value: Annotated[int, Hundredths(MAX_HUNDREDTHS, message="Bitte den Zielwert angeben.")]
    target_on: Annotated[
        date, Day(message="Bitte angeben, bis wann das Ziel erreicht sein soll.")
    ] = Field(description="Bis wann der Zielwert erreicht sein soll (JJJJ-MM-TT)")
    source: Annotated[str, Text(300)] = Field(default="", description="Quelle der Werte")
    municipality: Annotated[str, Slug(message="Bitte die zuständige Kommune wählen.")] = Field(
        description="Slug der zuständigen Kommune (sie erfasst die Messwerte)"
    )
    example: Annotated[bool, Flag()] = False


class IndicatorCreate(IndicatorFields):
    """Ein neuer Indikator einer Maßnahme (mit seinem Ziel)."""


class IndicatorUpdate(IndicatorFields, Replacement):
    """Die Angaben eines Indikators (alle Felder angeben)."""

    expected_version: Annotated[int, Version()]


class ValueIn(Input):
    """Ein Messwert; er erhöht die Version des Indikators (von gleichzeitigen Erfassungen einer
    Version gewinnt genau eine)."""

    measured_on: Annotated[date, Day(message="Bitte das Datum der Messung angeben.")] = Field(
        description="Tag der Messung (JJJJ-MM-TT); einer je Tag"
    )
    value: Annotated[int, Hundredths(MAX_HUNDREDTHS, message="Bitte den gemessenen Wert angeben.")]
    note: Annotated[str, Text(500)] = ""
    expected_version: Annotated[int, Version()] = Field(
        description="Version des Indikators, auf der die Erfassung beruht"
    )


# --- output -----------------------------------------------------------------------------------


class ValuePublic(BaseModel):
    """Ein Messwert."""

    measured_on: date = Field(description="Tag der Messung")
    value: int = Field(description="Hundertstel der Einheit")
    note: str
    author: str
    entered_at: datetime = Field(description="Erfasst am (Zeitpunkt)")


class IndicatorPublic(BaseModel):
    """Ein Indikator mit Ziel, Ausgangs- und Zielwert, allen Messwerten und dem Satz der
    Kennzahlenkarte."""

    id: int
    goal: str
    measure_code: str | None = Field(description="Maßnahme des Ziels (oder null)")
    action_field_code: str | None = Field(description="Handlungsfeld des Ziels (oder null)")
    name: str
    definition: str = Field(description="Was genau gemessen wird")
    unit: str = Field(description="Einheit")
    direction: str = Field(description="steigend oder fallend: welche Richtung besser ist")
    baseline_value: int = Field(description="Hundertstel der Einheit")
    baseline_on: date = Field(description="Datum des Ausgangswerts")
    target_value: int = Field(description="Hundertstel der Einheit")
    target_on: date = Field(description="Bis wann der Zielwert erreicht sein soll")
    source: str = Field(description="Quelle der Werte")
    municipality: str = Field(description="Slug der zuständigen Kommune")
    example: bool
    version: int
    behind_plan: bool = Field(description="Der letzte Wert liegt hinter dem geraden Weg zum Ziel")
    summary: str = Field(description="Der Satz der Kennzahlenkarte")
    values: list[ValuePublic] = Field(description="Alle Messwerte, älteste zuerst")

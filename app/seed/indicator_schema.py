"""The shape of the seed's goals and indicators (``indicators*.yaml``).

Values are written as in YAML (``62.5`` or ``62``) and held in hundredths of the unit.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, model_validator

from app.indicators.models import MAX_HUNDREDTHS
from app.seed.schema import Code, Name, SeedDate, Slug, Strict, Text


def _to_hundredths(value: object) -> int:
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"Wert {value!r} ungültig: eine Zahl wie 62.5") from None
    hundredths = number * 100
    if hundredths != hundredths.to_integral_value() or not 0 <= hundredths <= MAX_HUNDREDTHS:
        raise ValueError(f"Wert {value!r} ungültig: höchstens zwei Nachkommastellen, nicht negativ")
    return int(hundredths)


Hundredths = Annotated[int, BeforeValidator(_to_hundredths)]


class Point(Strict):
    value: Hundredths
    date: SeedDate


class ValueEntry(Strict):
    date: SeedDate
    value: Hundredths
    note: Annotated[str, Field(max_length=500)] = ""
    author: Annotated[str, Field(max_length=120)] = ""


class IndicatorEntry(Strict):
    measure: Code | None = None
    action_field: Annotated[str, Field(max_length=20)] | None = None
    goal: Name
    name: Name
    definition: Text = ""
    unit: Annotated[str, Field(min_length=1, max_length=30)]
    direction: Literal["steigend", "fallend"] = "steigend"
    baseline: Point
    target: Point
    source: Annotated[str, Field(max_length=300)] = ""
    municipality: Slug
    example: bool = False
    values: list[ValueEntry] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_scope(self) -> IndicatorEntry:
        if (self.measure is None) == (self.action_field is None):
            raise ValueError("genau eines von measure oder action_field angeben")
        if self.target.date <= self.baseline.date:
            raise ValueError("das Zieldatum muss nach dem Datum des Ausgangswerts liegen")
        return self


class IndicatorsFile(Strict):
    indicators: list[IndicatorEntry]

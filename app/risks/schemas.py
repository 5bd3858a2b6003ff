"""Input and output shapes of the risk register: one schema per edit, for form and API alike."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo
from pydantic_core import PydanticCustomError

from app.core.enums import RiskStatus
from app.core.inputs import Input, Replacement
from app.core.rules import Day, OneOf, Slug, Text, Version, Whole

LONG_TEXT_MAX = 4000
CAUSE = "Ursache: wodurch das Risiko eintreten kann"
EFFECT = "Auswirkung: was geschähe, wenn es eintritt"
MITIGATION = "Gegenmaßnahmen"
PROBABILITY_MESSAGE = "Bitte die Eintrittswahrscheinlichkeit von 1 bis 5 wählen."
IMPACT_MESSAGE = "Bitte das Schadensausmaß von 1 bis 5 wählen."
RESIDUAL_MESSAGE = (
    "Bitte Wahrscheinlichkeit und Ausmaß nach den Gegenmaßnahmen beide angeben oder beide leer "
    "lassen."
)


def _given_with_residual_probability(value: int | None, info: ValidationInfo) -> int | None:
    """The residual rating is given whole (both values) or not at all."""
    if "residual_probability" not in info.data:
        return value  # that field was wrong already and says so
    if (info.data["residual_probability"] is None) != (value is None):
        raise PydanticCustomError("ikz", RESIDUAL_MESSAGE)
    return value


class RiskFields(Input):
    """What a risk's editors enter; the residual rating after mitigation is optional, but whole."""

    title: Annotated[str, Text(200, required=True, message="Bitte einen Titel angeben.")]
    cause: Annotated[str, Text(LONG_TEXT_MAX, multiline=True)] = Field(
        default="", description=CAUSE
    )
    effect: Annotated[str, Text(LONG_TEXT_MAX, multiline=True)] = Field(
        default="", description=EFFECT
    )
    probability: Annotated[int, Whole(1, 5, message=PROBABILITY_MESSAGE)] = Field(
        description="Eintrittswahrscheinlichkeit: 1 sehr unwahrscheinlich … 5 sehr wahrscheinlich"
    )
    impact: Annotated[int, Whole(1, 5, message=IMPACT_MESSAGE)] = Field(
        description="Schadensausmaß: 1 unbedeutend … 5 schwerwiegend"
    )
    residual_probability: Annotated[
        int | None, Whole(1, 5, optional=True, message=PROBABILITY_MESSAGE)
    ] = Field(default=None, description="Wahrscheinlichkeit nach den Gegenmaßnahmen (1–5)")
    residual_impact: Annotated[
        int | None,
        Whole(1, 5, optional=True, message=IMPACT_MESSAGE),
        AfterValidator(_given_with_residual_probability),
    ] = Field(default=None, description="Schadensausmaß nach den Gegenmaßnahmen (1–5)")
    owner: Annotated[str, Text(120)] = Field(default="", description="Risikoverantwortliche Person")
    municipality: Annotated[str, Slug(required=False)] = Field(
        default="",
        description="Slug der zuständigen Kommune (ohne Angabe: die federführende)",
    )
    mitigation: Annotated[str, Text(LONG_TEXT_MAX, multiline=True)] = Field(
        default="", description=MITIGATION
    )
    status: Annotated[
        str,
        OneOf.of(
            RiskStatus, message="Bitte einen Status wählen: offen, in Bearbeitung, geschlossen."
        ),
    ] = RiskStatus.offen.value
    review_on: Annotated[date | None, Day(optional=True)] = Field(
        default=None, description="Nächste Überprüfung"
    )


class RiskCreate(RiskFields):
    """Ein neues Risiko einer Maßnahme."""


class RiskUpdate(RiskFields, Replacement):
    """Ein Risiko mit allen Angaben (auch der Bewertung nach den Gegenmaßnahmen)."""

    expected_version: Annotated[int, Version()]


class RiskPublic(BaseModel):
    """Ein Risiko mit Brutto-, Netto- und geltender Bewertung."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    measure_code: str
    title: str
    cause: str = Field(description=CAUSE)
    effect: str = Field(description=EFFECT)
    probability: int = Field(ge=1, le=5, description="Eintrittswahrscheinlichkeit (1–5)")
    impact: int = Field(ge=1, le=5, description="Schadensausmaß (1–5)")
    score: int = Field(description="Wahrscheinlichkeit × Ausmaß (brutto)")
    residual_probability: int | None = Field(
        description="Wahrscheinlichkeit nach den Gegenmaßnahmen (fehlt: noch nicht bewertet)"
    )
    residual_impact: int | None = Field(
        description="Schadensausmaß nach den Gegenmaßnahmen (fehlt: noch nicht bewertet)"
    )
    residual_score: int | None = Field(description="Bewertung nach den Gegenmaßnahmen")
    current_score: int = Field(description="Die geltende Bewertung: netto, sobald erfasst")
    severity: str = Field(description="hoch, mittel oder niedrig (nach der geltenden Bewertung)")
    owner: str
    municipality: str = Field(description="Slug der zuständigen Kommune")
    mitigation: str = Field(description=MITIGATION)
    status: RiskStatus
    review_on: date | None = Field(description="Nächste Überprüfung (JJJJ-MM-TT)")
    review_overdue: bool = Field(description="Überprüfung verpasst (offenes Risiko)")
    example: bool
    version: int

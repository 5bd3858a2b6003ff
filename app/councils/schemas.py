"""Input and output shapes of the council cycle: one schema per edit, for form and API alike."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field

from app.core.enums import (
    BaselineReason,
    DecisionResult,
    DeliberationRole,
    ProposalSubject,
    SessionStatus,
)
from app.core.inputs import Input, Replacement
from app.core.rules import (
    MEASURE_CODE_MESSAGE,
    MEASURE_CODE_PATTERN,
    Day,
    OneOf,
    Slug,
    Text,
    Version,
    Whole,
)

LONG_TEXT_MAX = 8000
MAX_VOTES = 10_000
RECORD_ID_MAX = 2**31 - 1

# --- sessions -----------------------------------------------------------------------------------


class SessionFields(Input):
    held_on: Annotated[date, Day(message="Bitte das Sitzungsdatum angeben.")] = Field(
        description="Sitzungsdatum"
    )
    place: Annotated[str, Text(200)] = Field(default="", description="Ort")
    status: Annotated[
        str, OneOf.of(SessionStatus, message="Bitte geplant, durchgeführt oder abgesagt wählen.")
    ] = Field(default=SessionStatus.geplant.value, description="Stand der Sitzung")


class SessionCreate(SessionFields):
    """A new session of a body (its municipality's Hauptamtsleitung records it)."""

    body_id: Annotated[int, Whole(1, RECORD_ID_MAX, message="Bitte ein Gremium wählen.")] = Field(
        description="Kennung des Gremiums (GET /api/v1/bodies)"
    )


class SessionUpdate(SessionFields, Replacement):
    expected_version: Annotated[int, Version()] = Field(description="Version der Sitzung")


# --- Beschlussvorlagen ----------------------------------------------------------------------------


class ProposalFields(Input):
    drucksache: Annotated[
        str, Text(60, required=True, message="Bitte die Drucksachennummer angeben.")
    ] = Field(description="Drucksachennummer, z. B. VL-80/2024")
    title: Annotated[str, Text(300, required=True, message="Bitte einen Titel angeben.")] = Field(
        description="Titel der Vorlage"
    )
    fachbereich: Annotated[str, Text(120)] = Field(default="", description="Fachbereich")
    sachbearbeitung: Annotated[str, Text(120)] = Field(default="", description="Sachbearbeitung")
    begruendung: Annotated[str, Text(LONG_TEXT_MAX, multiline=True)] = Field(
        default="", description="Begründung"
    )
    beschlussvorschlag: Annotated[str, Text(LONG_TEXT_MAX, multiline=True)] = Field(
        default="", description="Beschlussvorschlag"
    )


class ProposalCreate(ProposalFields):
    """A new Beschlussvorlage of a municipality and what it is about."""

    kommune: Annotated[str, Slug()] = Field(description="Slug der Kommune der Vorlage")
    subject: Annotated[
        str, OneOf.of(ProposalSubject, message="Bitte den Gegenstand der Vorlage wählen.")
    ] = Field(description="Gegenstand: strategie, massnahme, projektplan oder haushalt")
    massnahme: Annotated[
        str, Text(30, pattern=MEASURE_CODE_PATTERN, pattern_message=MEASURE_CODE_MESSAGE)
    ] = Field(default="", description="Code der Maßnahme (Gegenstand Maßnahme oder Projektplan)")
    haushaltsjahr: Annotated[
        int | None,
        Whole(2000, 2100, optional=True, message="Bitte ein Jahr zwischen 2000 und 2100."),
    ] = Field(default=None, description="Haushaltsjahr (Gegenstand Haushalt)")


class ProposalUpdate(ProposalFields, Replacement):
    expected_version: Annotated[int, Version()] = Field(description="Version der Vorlage")


# --- Beratungsfolge ----------------------------------------------------------------------------


class StepCreate(Input):
    """A further step of the Beratungsfolge: a session of one of the municipality's bodies."""

    session_id: Annotated[int, Whole(1, RECORD_ID_MAX, message="Bitte eine Sitzung wählen.")] = (
        Field(description="Kennung der Sitzung (GET /api/v1/sessions)")
    )
    role: Annotated[
        str, OneOf.of(DeliberationRole, message="Bitte empfehlend oder beschließend wählen.")
    ] = Field(description="empfehlend oder beschliessend")


def _votes(name: str) -> object:
    return Whole(0, MAX_VOTES, optional=True, message=f"{name}: eine Zahl von 0 bis {MAX_VOTES}.")


class StepResult(Replacement):
    """What the body decided in this step, with the vote counts where the minutes give them."""

    result: Annotated[
        str,
        OneOf.of(
            DecisionResult,
            message="Bitte zugestimmt, geändert zugestimmt, abgelehnt oder vertagt wählen.",
        ),
    ] = Field(description="Ergebnis")
    votes_yes: Annotated[int | None, _votes("Ja-Stimmen")] = Field(
        default=None, description="Ja-Stimmen (leer: nicht protokolliert)"
    )
    votes_no: Annotated[int | None, _votes("Gegenstimmen")] = Field(
        default=None, description="Gegenstimmen"
    )
    votes_abstain: Annotated[int | None, _votes("Stimmenthaltungen")] = Field(
        default=None, description="Stimmenthaltungen"
    )
    note: Annotated[str, Text(2000, multiline=True)] = Field(
        default="", description="Anmerkung, z. B. die Änderung bei „geändert zugestimmt“"
    )
    expected_version: Annotated[int, Version()] = Field(description="Version der Beratung")


# --- baselines ----------------------------------------------------------------------------------


class BaselineCreate(Input):
    name: Annotated[
        str, Text(160, required=True, message="Bitte einen Namen angeben, z. B. Bericht Q3/2026.")
    ] = Field(description="Name, z. B. Bericht Q3/2026")


# --- output -------------------------------------------------------------------------------------


class BodyPublic(BaseModel):
    id: int
    municipality: str = Field(description="Slug der Kommune")
    name: str
    kind: str = Field(description="vorstand, ausschuss oder vertretung")


class SessionPublic(BaseModel):
    id: int
    municipality: str = Field(description="Slug der Kommune")
    body_id: int
    body: str = Field(description="Name des Gremiums")
    held_on: date
    place: str
    status: SessionStatus
    example: bool = Field(description="Beispieldaten")
    version: int


class StepPublic(BaseModel):
    id: int
    position: int
    session_id: int
    body: str
    held_on: date
    role: DeliberationRole
    result: DecisionResult | None
    votes_yes: int | None
    votes_no: int | None
    votes_abstain: int | None
    note: str
    version: int


class ProposalPublic(BaseModel):
    """A Beschlussvorlage with its Beratungsfolge."""

    id: int
    municipality: str = Field(description="Slug der Kommune")
    drucksache: str
    title: str
    fachbereich: str
    sachbearbeitung: str
    begruendung: str
    beschlussvorschlag: str
    subject: ProposalSubject
    measures: list[str] = Field(description="Codes der Maßnahmen, um die es geht")
    plan_versions: dict[str, int] = Field(description="Maßnahme → Version des Projektplans")
    budget_year: int | None
    example: bool = Field(description="Beispieldaten")
    version: int
    steps: list[StepPublic] = Field(description="Beratungsfolge")


class ApprovalPublic(BaseModel):
    """A measure's approval in one municipality, derived from the Beratungsfolge."""

    municipality: str
    state: str = Field(description="freigegeben, abgelehnt, vertagt, ausstehend oder offen")
    decided_on: date | None
    body: str | None
    drucksache: str | None
    result: DecisionResult | None
    proposal_id: int | None
    next_session_on: date | None


class BaselinePublic(BaseModel):
    id: int
    name: str
    taken_at: datetime
    reason: BaselineReason
    deliberation_id: int | None
    taken_by: str
    measure_count: int
    new_states: int = Field(description="Zustände, die diese Baseline neu gespeichert hat")
    stored_bytes: int = Field(description="Bytes, die diese Baseline neu belegt")

"""Input and output shapes of the portfolio domain: one schema per edit, for form and API alike.

The rules on each field (:mod:`app.core.inputs`) parse German form input and strict JSON with the
same German messages. Cross-field rules (an end not before its start) live in validators here;
rules that need the database (a code already taken) live in the service.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from app.core.enums import (
    LABELS,
    MeasureStatus,
    Priority,
    TrafficLight,
)
from app.core.inputs import Input, Replacement
from app.core.rules import Code, Day, Many, OneOf, Slug, Text, Version, Whole, not_before

REPORT_TEXT_MAX = 4000
LONG_TEXT_MAX = 4000

_STATUS_NAMES = ", ".join(LABELS[s.value] for s in MeasureStatus)


# --- status reports ---------------------------------------------------------------------------


class StatusReportIn(Input):
    """A new status report; it moves the measure's status, progress and traffic light."""

    status: Annotated[
        str,
        OneOf.of(MeasureStatus, message=f"Bitte einen gültigen Status wählen ({_STATUS_NAMES})."),
    ]
    progress: Annotated[
        int,
        Whole(0, 100, message="Der Fortschritt muss eine ganze Zahl zwischen 0 und 100 % sein."),
    ]
    traffic_light: Annotated[
        str, OneOf.of(TrafficLight, message="Bitte eine Ampel wählen: Grün, Gelb oder Rot.")
    ]
    summary: Annotated[
        str,
        Text(
            REPORT_TEXT_MAX,
            required=True,
            multiline=True,
            message="Bitte kurz beschreiben, was geschehen ist.",
        ),
    ]
    next_steps: Annotated[str, Text(REPORT_TEXT_MAX, multiline=True)] = ""
    expected_version: Annotated[int, Version()] = Field(
        description="Version der Maßnahme, auf der der Bericht beruht"
    )


# --- measures ---------------------------------------------------------------------------------


class MeasureFields(Input):
    """The master data of a measure that its editors change."""

    title: Annotated[str, Text(200, required=True, message="Bitte einen Titel angeben.")]
    goal: Annotated[str, Text(LONG_TEXT_MAX, multiline=True)] = ""
    expected_effect: Annotated[str, Text(LONG_TEXT_MAX, multiline=True)] = ""
    priority: Annotated[str, OneOf.of(Priority, message="Bitte eine Priorität wählen.")] = (
        Priority.mittel.value
    )
    responsible: Annotated[str, Text(120)] = ""
    planned_start: Annotated[date | None, Day(optional=True)] = None
    planned_end: Annotated[
        date | None,
        Day(optional=True),
        not_before(
            "planned_start", "Das geplante Ende darf nicht vor dem geplanten Beginn liegen."
        ),
    ] = None


class MeasureCreate(MeasureFields):
    """A new measure (IKZ-Koordination): code, action field, lead and participants."""

    code: Annotated[str, Code()]
    action_field: Annotated[
        str,
        Text(20, required=True, message="Bitte ein Handlungsfeld wählen."),
    ] = Field(description="Kürzel des Handlungsfelds, z. B. HF2")
    lead: Annotated[str, Slug(message="Bitte die federführende Kommune wählen.")] = Field(
        description="Slug der federführenden Kommune"
    )
    participants: Annotated[list[str], Many(Slug(), max_items=500)] = Field(
        default_factory=list, description="Slugs der beteiligten Kommunen"
    )


class MeasureUpdate(MeasureFields, Replacement):
    expected_version: Annotated[int, Version()]


class ParticipantsIn(Replacement):
    """The municipalities taking part in a measure (the lead always takes part).

    Shares, funding and the Haushalt follow in the same unit of work; a removed municipality's
    council decisions on the measure go with it (they stay in the change history)."""

    participants: Annotated[list[str], Many(Slug(), max_items=500)] = Field(
        default_factory=list, description="Slugs der beteiligten Kommunen"
    )
    expected_version: Annotated[int, Version()]


# --- project plans and milestones -------------------------------------------------------------


class PlanUpdate(Replacement):
    summary: Annotated[str, Text(LONG_TEXT_MAX, multiline=True)] = ""
    expected_version: Annotated[int, Version()]


class MilestoneFields(Input):
    title: Annotated[str, Text(200, required=True, message="Bitte einen Titel angeben.")]
    start_on: Annotated[date | None, Day(optional=True)] = None
    due_on: Annotated[
        date | None,
        Day(optional=True),
        not_before("start_on", "Die Fälligkeit darf nicht vor dem Beginn liegen."),
    ] = None
    done_on: Annotated[
        date | None,
        Day(optional=True),
        not_before("start_on", "Das Erledigungsdatum darf nicht vor dem Beginn liegen."),
    ] = None
    owner: Annotated[str, Text(120)] = ""


class MilestoneCreate(MilestoneFields):
    pass


class MilestoneUpdate(MilestoneFields, Replacement):
    expected_version: Annotated[int, Version()]


# --- output -----------------------------------------------------------------------------------


class ActionFieldRef(BaseModel):
    code: str
    title: str


class StatusReportPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    reported_at: datetime
    status: MeasureStatus
    progress: int = Field(ge=0, le=100)
    traffic_light: TrafficLight
    summary: str
    next_steps: str
    author: str


class MeasurePublic(BaseModel):
    code: str
    title: str
    action_field: ActionFieldRef
    priority: Priority
    status: MeasureStatus
    progress: int = Field(ge=0, le=100)
    traffic_light: TrafficLight
    lead: str = Field(description="Slug of the lead municipality (Federführung)")
    participants: list[str] = Field(description="Slugs of the participating municipalities")
    example: bool
    archived: bool
    version: int
    latest_status_report: StatusReportPublic | None


class MeasureDetailPublic(MeasurePublic):
    """One measure with its master data."""

    goal: str
    expected_effect: str
    responsible: str
    planned_start: date | None
    planned_end: date | None
    actual_start: date | None
    actual_end: date | None


class PlanPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    measure_code: str
    summary: str
    version: int


class MilestonePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    start_on: date | None
    due_on: date | None
    done_on: date | None
    owner: str
    archived: bool
    version: int

"""Public JSON shapes of the portfolio API (DESIGN.md §5)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.core.enums import MeasureStatus, Priority, TrafficLight


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

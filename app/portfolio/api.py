"""JSON API of the portfolio domain under /api/v1."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from app.accounts.deps import CurrentUser
from app.core.deps import SessionDep
from app.core.enums import MeasureStatus, TrafficLight
from app.portfolio import service
from app.portfolio.schemas import MeasurePublic
from app.portfolio.status_reports import StatusReportInput, create_status_report

router = APIRouter(prefix="/api/v1", tags=["Maßnahmen"])

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "Nicht angemeldet"},
    403: {"description": "Keine Berechtigung für diese Maßnahme"},
    404: {"description": "Maßnahme unbekannt"},
    409: {"description": "Veraltete Version: die Maßnahme wurde inzwischen geändert"},
    422: {"description": "Ungültige Eingabe (deutsche Meldung je Feld)"},
}


class StatusReportCreate(BaseModel):
    """A new status report. Values are checked by the service, with German messages."""

    status: str = Field(json_schema_extra={"enum": [s.value for s in MeasureStatus]})
    progress: int = Field(json_schema_extra={"minimum": 0, "maximum": 100})
    traffic_light: str = Field(json_schema_extra={"enum": [t.value for t in TrafficLight]})
    summary: str = Field(json_schema_extra={"minLength": 1})
    next_steps: str = ""
    expected_version: int = Field(description="Version der Maßnahme, auf der der Bericht beruht")


@router.get(
    "/measures",
    response_model=list[MeasurePublic],
    summary="Alle Maßnahmen",
    responses={401: ERROR_RESPONSES[401]},
)
def list_measures(session: SessionDep, user: CurrentUser) -> list[MeasurePublic]:
    return service.list_measures_public(session=session)


@router.get(
    "/measures/{code}",
    response_model=MeasurePublic,
    summary="Eine Maßnahme",
    responses={401: ERROR_RESPONSES[401], 404: ERROR_RESPONSES[404]},
)
def get_measure(code: str, session: SessionDep, user: CurrentUser) -> MeasurePublic:
    return service.get_measure_public(session=session, code=code)


@router.post(
    "/measures/{code}/status-reports",
    response_model=MeasurePublic,
    status_code=201,
    summary="Statusbericht erfassen",
    responses=ERROR_RESPONSES,
)
def post_status_report(
    code: str, body: StatusReportCreate, session: SessionDep, user: CurrentUser
) -> MeasurePublic:
    create_status_report(
        session=session,
        actor=user,
        code=code,
        data=StatusReportInput(**body.model_dump()),
    )
    return service.get_measure_public(session=session, code=code)

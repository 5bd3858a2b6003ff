"""JSON API of the portfolio domain under /api/v1."""

from __future__ import annotations

from fastapi import APIRouter

from app.deps import SessionDep
from app.portfolio import service
from app.portfolio.schemas import MeasurePublic

router = APIRouter(prefix="/api/v1", tags=["Maßnahmen"])


@router.get("/measures", response_model=list[MeasurePublic], summary="Alle Maßnahmen")
def list_measures(session: SessionDep) -> list[MeasurePublic]:
    return service.list_measures_public(session=session)


@router.get(
    "/measures/{code}",
    response_model=MeasurePublic,
    summary="Eine Maßnahme",
    responses={404: {"description": "Maßnahme unbekannt"}},
)
def get_measure(code: str, session: SessionDep) -> MeasurePublic:
    return service.get_measure_public(session=session, code=code)

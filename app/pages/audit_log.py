"""The admin's audit list. Read-only: no route changes or deletes audit events."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from app.accounts.deps import CurrentUser
from app.accounts.permissions import can_view_audit_log, require
from app.audit import queries as service
from app.core.deps import SessionDep
from app.core.errors import ValidationFailed
from app.core.web import render
from app.pages.history import entity_choices, present
from app.portfolio.queries import measure_by_code

router = APIRouter(include_in_schema=False)


def _date(value: str, field: str, errors: dict[str, str]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors[field] = "Bitte ein Datum im Format TT.MM.JJJJ wählen."
        return None


@router.get("/admin/audit", response_class=HTMLResponse)
def audit_list(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    entitaet: Annotated[str, Query(max_length=60)] = "",
    akteur: Annotated[str, Query(max_length=120)] = "",
    von: Annotated[str, Query(max_length=10)] = "",
    bis: Annotated[str, Query(max_length=10)] = "",
    massnahme: Annotated[str, Query(max_length=30)] = "",
    seite: Annotated[int, Query(ge=1, le=100000)] = 1,
) -> HTMLResponse:
    require(can_view_audit_log(user))
    errors: dict[str, str] = {}
    measure_id: int | None = None
    if massnahme.strip():
        measure = measure_by_code(session, massnahme.strip().upper())
        measure_id = measure.id if measure is not None and measure.id is not None else -1
    filters = service.AuditFilter(
        entity=entitaet,
        actor=akteur,
        date_from=_date(von, "von", errors),
        date_to=_date(bis, "bis", errors),
        measure_id=measure_id,
        page=seite,
    )
    try:
        result = service.list_events(session=session, filters=filters)
    except ValidationFailed as exc:
        errors["bis"] = exc.errors.get("date_to", exc.message)
        result = service.list_events(session=session, filters=service.AuditFilter(page=1))
    query = {"entitaet": entitaet, "akteur": akteur, "von": von, "bis": bis, "massnahme": massnahme}
    return render(
        request,
        "accounts/audit_list.html",
        {
            "result": result,
            "query": query,
            "errors": errors,
            "entities": entity_choices(),
            "entries": present(session, result.events),
        },
        status_code=422 if errors else 200,
    )

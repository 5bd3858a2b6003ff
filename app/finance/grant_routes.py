"""HTML forms of the IKZ-Koordination for grants and proofs of use."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from app.accounts.deps import CurrentUser
from app.accounts.permissions import Principal, can_manage_funding, require
from app.core.deps import SessionDep
from app.core.errors import NotFound, StaleVersion, ValidationFailed
from app.core.web import render
from app.finance import grants, queries
from app.municipalities import queries as municipality_queries
from app.portfolio.models import Measure

router = APIRouter(include_in_schema=False)

EMPTY_GRANT: dict[str, Any] = {
    "notice_number": "",
    "notice_date": "",
    "title": "",
    "period_start": "",
    "period_end": "",
    "eligible": "",
    "rate": "90,00",
    "maximum": "",
    "applicant": "",
    "measure_codes": [],
}


def _all_measures(session: Session) -> list[Measure]:
    measures = queries.measures_by_id(session, queries.active_measure_ids(session))
    return sorted(measures.values(), key=lambda m: m.code)


def _form(
    request: Request,
    session: Session,
    user: Principal,
    *,
    values: dict[str, Any],
    grant_id: int | None,
    version: int | None,
    programme_id: int | None,
    errors: dict[str, str] | None = None,
    stale_message: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    require(can_manage_funding(user), "Zuwendungen pflegt die IKZ-Koordination.")
    return render(
        request,
        "finance/grant_form.html",
        {
            "values": values,
            "grant_id": grant_id,
            "version": version,
            "programme_id": programme_id,
            "programmes": sorted(queries.programmes(session).values(), key=lambda p: p.name),
            "municipalities": municipality_queries.municipalities(session),
            "measures": _all_measures(session),
            "errors": errors or {},
            "stale_message": stale_message,
        },
        status_code=status_code,
    )


@router.get("/foerderung/zuwendungen/neu", response_class=HTMLResponse)
def new_grant(request: Request, session: SessionDep, user: CurrentUser) -> HTMLResponse:
    return _form(
        request,
        session,
        user,
        values=dict(EMPTY_GRANT),
        grant_id=None,
        version=None,
        programme_id=None,
    )


@router.get("/foerderung/zuwendungen/{grant_id}", response_class=HTMLResponse)
def edit_grant(
    request: Request, grant_id: int, session: SessionDep, user: CurrentUser
) -> HTMLResponse:
    grant = queries.grant_by_id(session, grant_id)
    if grant is None:
        raise NotFound("Diese Zuwendung gibt es nicht.")
    return _form(
        request,
        session,
        user,
        values=grants.grant_values(session, grant),
        grant_id=grant_id,
        version=grant.version,
        programme_id=grant.programme_id,
    )


def _int(text: str) -> int | None:
    return int(text) if text.strip().isdigit() else None


@router.post("/foerderung/zuwendungen", response_model=None)
async def save_grant(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    form = await request.form()
    text = {key: str(value) for key, value in form.items()}
    codes = [str(value) for value in form.getlist("measure_codes")]
    values = {**EMPTY_GRANT, **text, "measure_codes": codes}
    grant_id = _int(text.get("grant_id", ""))
    programme_id = _int(text.get("programme_id", ""))
    data = grants.GrantInput(
        notice_number=text.get("notice_number", ""),
        notice_date=text.get("notice_date", ""),
        title=text.get("title", ""),
        period_start=text.get("period_start", ""),
        period_end=text.get("period_end", ""),
        eligible=text.get("eligible", ""),
        rate=text.get("rate", ""),
        maximum=text.get("maximum", ""),
        applicant=text.get("applicant", ""),
        measure_codes=codes,
    )
    try:
        if programme_id is None or programme_id not in queries.programmes(session):
            raise ValidationFailed({"programme_id": "Bitte ein Förderprogramm wählen."})
        grant = grants.save_grant(
            session=session,
            actor=user,
            programme_id=programme_id,
            data=data,
            grant_id=grant_id,
            expected_version=_int(text.get("expected_version", "")),
        )
    except ValidationFailed as exc:
        return _form(
            request,
            session,
            user,
            values=values,
            grant_id=grant_id,
            version=_int(text.get("expected_version", "")),
            programme_id=programme_id,
            errors=exc.errors,
            status_code=422,
        )
    except StaleVersion as exc:
        return _form(
            request,
            session,
            user,
            values=values,
            grant_id=grant_id,
            version=exc.current_version,
            programme_id=programme_id,
            stale_message=exc.message,
            status_code=409,
        )
    return RedirectResponse(f"/foerderung#zuwendung-{grant.id}", status_code=303)


@router.post("/foerderung/nachweise/{proof_id}", response_model=None)
async def save_proof(
    request: Request, proof_id: int, session: SessionDep, user: CurrentUser
) -> Response:
    form = await request.form()
    proof = grants.record_proof_submitted(
        session=session,
        actor=user,
        proof_id=proof_id,
        submitted_on=str(form.get("submitted_on", "")),
        expected_version=_int(str(form.get("expected_version", ""))),
    )
    return RedirectResponse(f"/foerderung#zuwendung-{proof.grant_id}", status_code=303)

"""The /foerderung page and the IKZ-Koordination's forms for grants, proofs of use and
drawdowns (Mittelabrufe)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from app.accounts.deps import CurrentUser
from app.accounts.permissions import Principal, can_manage_funding
from app.core.api import RecordId
from app.core.deps import SessionDep
from app.core.errors import NotFound
from app.core.forms import FormDep, accepts, submit
from app.core.timeutil import today
from app.core.web import redirect_with_notice, render
from app.finance.models import Grant
from app.finance.queries import funding
from app.finance.queries import lookups as queries
from app.finance.schemas import DrawdownIn, GrantIn, GrantUpdate, ProofSubmittedIn
from app.finance.service import grants
from app.municipalities import queries as municipality_queries
from app.portfolio.models import Measure

router = APIRouter(include_in_schema=False)

EMPTY_GRANT: dict[str, Any] = {
    "programme_id": "",
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


def foerderung_page(
    request: Request,
    session: Session,
    user: Principal,
    *,
    form_grant_id: int | None = None,
    form_proof_id: int | None = None,
    status_code: int = 200,
    extra: dict[str, Any] | None = None,
) -> HTMLResponse:
    overviews = funding.grant_overviews(session=session, actor=user)
    return render(
        request,
        "finance/foerderung.html",
        {
            "overviews": overviews,
            "warnings": [(o, w) for o in overviews for w in o.warnings],
            "today": today(),
            "can_manage": can_manage_funding(user),
            "period_days": funding.PERIOD_WARNING_DAYS,
            "proof_days": funding.PROOF_WARNING_DAYS,
            "form_grant_id": form_grant_id,
            "form_proof_id": form_proof_id,
            "form_errors": {},
            "form_values": {},
        }
        | (extra or {}),
        status_code=status_code,
    )


@router.get("/foerderung", response_class=HTMLResponse)
def foerderung(request: Request, session: SessionDep, user: CurrentUser) -> HTMLResponse:
    return foerderung_page(request, session, user)


def _all_measures(session: Session) -> list[Measure]:
    measures = queries.measures_by_id(session, queries.active_measure_ids(session))
    return sorted(measures.values(), key=lambda m: m.code)


def _grant_form(
    request: Request,
    session: Session,
    *,
    grant: Grant | None,
    values: dict[str, Any],
    status_code: int = 200,
    extra: dict[str, Any] | None = None,
) -> HTMLResponse:
    extra = extra or {}
    shown = {**EMPTY_GRANT, **values}
    codes = shown.get("measure_codes")
    shown["measure_codes"] = [codes] if isinstance(codes, str) else list(codes or [])
    return render(
        request,
        "finance/grant_form.html",
        {
            "values": shown,
            "grant_id": grant.id if grant else None,
            "version": shown.get("expected_version", grant.version if grant else None),
            "programmes": sorted(queries.programmes(session).values(), key=lambda p: p.name),
            "municipalities": municipality_queries.municipalities(session),
            "measures": _all_measures(session),
            "errors": extra.get("form_errors") or {},
            "stale_message": extra.get("conflict_message", ""),
        },
        status_code=status_code,
    )


@router.get("/foerderung/zuwendungen/neu", response_class=HTMLResponse)
def new_grant(request: Request, session: SessionDep, user: CurrentUser) -> HTMLResponse:
    grants.require_funding_manager(user)
    return _grant_form(request, session, grant=None, values=dict(EMPTY_GRANT))


def _grant(session: Session, grant_id: RecordId) -> Grant:
    grant = queries.grant_by_id(session, grant_id)
    if grant is None:
        raise NotFound("Diese Zuwendung gibt es nicht.")
    return grant


@router.get("/foerderung/zuwendungen/{grant_id}", response_class=HTMLResponse)
def edit_grant(
    request: Request, grant_id: RecordId, session: SessionDep, user: CurrentUser
) -> HTMLResponse:
    grants.require_funding_manager(user)
    grant = _grant(session, grant_id)
    return _grant_form(request, session, grant=grant, values=grants.grant_values(session, grant))


@router.post("/foerderung/zuwendungen", response_model=None)
@accepts(GrantUpdate, extra=("grant_id",))
def save_grant(request: Request, session: SessionDep, user: CurrentUser, form: FormDep) -> Response:
    """Create a grant, or change the one the form's ``grant_id`` names."""
    grants.require_funding_manager(user)
    raw_id = form.get("grant_id")
    grant_id = grants.grant_id_of(raw_id) if isinstance(raw_id, str) else None
    grant = _grant(session, grant_id) if grant_id is not None else None

    def failure(status: int, extra: dict[str, Any]) -> Response:
        return _grant_form(
            request,
            session,
            grant=grant,
            values=extra.get("form_values", {}),
            status_code=status,
            extra=extra,
        )

    def saved(saved_grant: Grant) -> Response:
        return redirect_with_notice(
            request,
            f"/foerderung#zuwendung-{saved_grant.id}",
            f"Die Zuwendung „{saved_grant.title}“ wurde gespeichert.",
        )

    if grant_id is None:
        return submit(
            session=session,
            schema=GrantIn,
            form=form,
            apply=lambda data: grants.create_grant(session=session, actor=user, data=data),
            success=saved,
            failure=failure,
        )
    return submit(
        session=session,
        schema=GrantUpdate,
        form=form,
        apply=lambda data: grants.update_grant(
            session=session, actor=user, grant_id=grant_id, data=data
        ),
        success=saved,
        failure=failure,
    )


@router.post("/foerderung/nachweise/{proof_id}", response_model=None)
@accepts(ProofSubmittedIn)
def save_proof(
    request: Request, proof_id: RecordId, session: SessionDep, user: CurrentUser, form: FormDep
) -> Response:
    grants.require_funding_manager(user)
    return submit(
        session=session,
        schema=ProofSubmittedIn,
        form=form,
        apply=lambda data: grants.record_proof_submitted(
            session=session, actor=user, proof_id=proof_id, data=data
        ),
        success=lambda proof: redirect_with_notice(
            request,
            f"/foerderung#zuwendung-{proof.grant_id}",
            f"{proof.title}: das Datum der Einreichung wurde gespeichert.",
        ),
        failure=lambda status, extra: foerderung_page(
            request, session, user, form_proof_id=proof_id, status_code=status, extra=extra
        ),
    )


@router.post("/foerderung/{grant_id}/abrufe", response_model=None)
@accepts(DrawdownIn)
def create_drawdown(
    request: Request, grant_id: RecordId, session: SessionDep, user: CurrentUser, form: FormDep
) -> Response:
    grants.require_funding_manager(user)
    _grant(session, grant_id)
    return submit(
        session=session,
        schema=DrawdownIn,
        form=form,
        apply=lambda data: grants.record_drawdown(
            session=session, actor=user, grant_id=grant_id, data=data
        ),
        success=lambda _drawdown: redirect_with_notice(
            request, f"/foerderung#zuwendung-{grant_id}", "Der Mittelabruf wurde gespeichert."
        ),
        failure=lambda status, extra: foerderung_page(
            request, session, user, form_grant_id=grant_id, status_code=status, extra=extra
        ),
    )

"""HTML pages of the risk register: a measure's risks with their forms, and the risk list across
the portfolio that the dashboard's matrix links to."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from app.accounts.deps import CurrentUser
from app.accounts.permissions import Principal
from app.core.api import RecordId
from app.core.deps import SessionDep
from app.core.downloads import file_download
from app.core.forms import FormDep, accepts, submit
from app.core.inputs import VersionOnly
from app.core.timeutil import today
from app.core.web import redirect_with_notice, render
from app.finance.exports.sheet import XLSX_MEDIA_TYPE
from app.municipalities import queries as municipality_queries
from app.portfolio.queries import measure_or_404
from app.risks import queries, service
from app.risks.exports import risks_xlsx
from app.risks.filters import LABELS as FILTER_LABELS
from app.risks.filters import RiskQuery, read
from app.risks.scale import template_context as scale_context
from app.risks.schemas import RiskCreate, RiskUpdate

router = APIRouter(include_in_schema=False)


def _measure_page(
    request: Request,
    session: SessionDep,
    user: Principal,
    code: str,
    status: int = 200,
    editing: str = "",
    **extra: Any,
) -> HTMLResponse:
    measure = measure_or_404(session, code)
    assert measure.id is not None
    involved = service.involved_ids(session, measure)
    municipalities = [
        (m.slug, m.name) for m in municipality_queries.municipalities(session) if m.id in involved
    ]
    context = scale_context() | {
        "m": measure,
        "risks": queries.risks_of_measure(session, measure.id),
        "can_edit": service.can_edit_risks(user, involved),
        "editing": editing,
        "municipality_options": [("", "federführende Kommune"), *municipalities],
    }
    return render(request, "risks/measure.html", context | extra, status_code=status)


def _saved(request: Request, code: str, notice: str, anchor: str) -> Response:
    return redirect_with_notice(request, f"/massnahmen/{code}/risiken#{anchor}", notice)


@router.get("/massnahmen/{code}/risiken", response_class=HTMLResponse)
def measure_risks(
    code: str,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    bearbeiten: Annotated[
        str,
        Query(
            pattern=r"^(neu|[1-9][0-9]{0,8})$",
            description="Was bearbeitet wird: neu oder die Nummer eines Risikos",
        ),
    ] = "",
) -> HTMLResponse:
    """A measure's risks; one of them (or a new one) opens for editing."""
    return _measure_page(request, session, user, code, editing=bearbeiten)


@router.post("/massnahmen/{code}/risiken", response_model=None)
@accepts(RiskCreate)
def add_risk(
    code: str, request: Request, session: SessionDep, user: CurrentUser, form: FormDep
) -> Response:
    service.editable_measure(session=session, actor=user, code=code)
    return submit(
        session=session,
        schema=RiskCreate,
        form=form,
        apply=lambda data: service.create_risk(session=session, actor=user, code=code, data=data),
        success=lambda risk: _saved(
            request, code, f"Das Risiko „{risk.title}“ wurde erfasst.", f"risiko-{risk.id}"
        ),
        failure=lambda status, extra: _measure_page(
            request, session, user, code, status, new_form=extra
        ),
    )


@router.post("/massnahmen/{code}/risiken/{risk_id}", response_model=None)
@accepts(RiskUpdate)
def edit_risk(
    code: str,
    risk_id: RecordId,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    form: FormDep,
) -> Response:
    service.editable_measure(session=session, actor=user, code=code)
    return submit(
        session=session,
        schema=RiskUpdate,
        form=form,
        apply=lambda data: service.update_risk(
            session=session, actor=user, code=code, risk_id=risk_id, data=data
        ),
        success=lambda risk: _saved(
            request, code, f"Das Risiko „{risk.title}“ wurde gespeichert.", f"risiko-{risk.id}"
        ),
        failure=lambda status, extra: _measure_page(
            request, session, user, code, status, edit_forms={risk_id: extra}
        ),
    )


@router.post("/massnahmen/{code}/risiken/{risk_id}/schliessen", response_model=None)
@accepts(VersionOnly)
def close_risk(
    code: str,
    risk_id: RecordId,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    form: FormDep,
) -> Response:
    service.editable_measure(session=session, actor=user, code=code)
    return submit(
        session=session,
        schema=VersionOnly,
        form=form,
        apply=lambda data: service.close_risk(
            session=session, actor=user, code=code, risk_id=risk_id, data=data
        ),
        success=lambda risk: _saved(
            request, code, f"Das Risiko „{risk.title}“ wurde geschlossen.", f"risiko-{risk.id}"
        ),
        failure=lambda status, extra: _measure_page(
            request, session, user, code, status, edit_forms={risk_id: extra}
        ),
    )


@router.get("/risiken", response_class=HTMLResponse)
def risk_list(request: Request, session: SessionDep, user: CurrentUser) -> HTMLResponse:
    """Every measure's risks, filtered like the matrix cell that links here."""
    params = RiskQuery.from_params(request.query_params)
    flt, errors = read(session, params)
    page = queries.risk_list(session, flt)
    municipality = (
        municipality_queries.municipality_by_slug(session, params.kommune)
        if flt.municipality_id is not None
        else None
    )
    matrix_filter = replace(flt, probability=None, impact=None, high=False, overdue=False)
    base = {
        k: v
        for k, v in request.query_params.items()
        if k not in ("wahrscheinlichkeit", "auswirkung")
    }

    def cell_url(p: int, i: int) -> str:
        return "/risiken?" + urlencode(base | {"wahrscheinlichkeit": str(p), "auswirkung": str(i)})

    context = scale_context() | {
        "matrix": queries.filtered_matrix(session, matrix_filter),
        "cell_url": cell_url,
        "page": page,
        "flt": flt,
        "params": params,
        "municipality": municipality,
        "ignored": [FILTER_LABELS.get(name, name) for name in errors],
        "export_url": "/risiken/export.xlsx?" + urlencode(dict(request.query_params)),
        "municipalities": municipality_queries.municipalities(session),
    }
    return render(request, "risks/list.html", context)


@router.get("/risiken/export.xlsx", response_model=None)
def export_xlsx(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """The risk list's rows (same filters) as a workbook with a sheet "Risiken"."""
    params = RiskQuery.from_params(request.query_params)
    flt, _errors = read(session, params)
    municipality = (
        municipality_queries.municipality_by_slug(session, params.kommune)
        if flt.municipality_id is not None
        else None
    )
    scope = municipality.name if municipality else "alle Kommunen"
    on = today()
    return file_download(
        request.app.state.export_slots,
        lambda path: risks_xlsx(
            queries.all_risks(session, flt, on), scope=scope, exported_on=on, target=path
        ),
        media_type=XLSX_MEDIA_TYPE,
        filename=f"risiken-{municipality.slug if municipality else 'alle'}-{on.isoformat()}.xlsx",
    )

"""HTML pages of goals and indicators: the indicator's page with its value form, the forms that
define and change an indicator, and an action field's goals and indicators."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from app.accounts.deps import CurrentUser
from app.accounts.permissions import Principal, require
from app.core.api import RecordId
from app.core.deps import SessionDep
from app.core.downloads import file_download
from app.core.errors import Forbidden, ValidationFailed
from app.core.formatting import fmt_hundredths
from app.core.forms import FormDep, accepts, submit
from app.core.timeutil import today
from app.core.web import redirect_with_notice, render
from app.finance.exports.sheet import XLSX_MEDIA_TYPE
from app.indicators import queries, service
from app.indicators.export import indicators_xlsx
from app.indicators.models import DIRECTION_LABELS, Indicator
from app.indicators.schemas import IndicatorCreate, IndicatorUpdate, ValueIn
from app.municipalities import queries as municipality_queries
from app.portfolio.models import Measure

router = APIRouter(include_in_schema=False)

DIRECTIONS = list(DIRECTION_LABELS.items())


def _form_context(
    session: Session,
    *,
    measure: Measure | None = None,
    field_code: str | None = None,
    indicator: Indicator | None = None,
    goal: str = "",
    **extra: Any,
) -> dict[str, Any]:
    measure_id = measure.id if measure is not None else None
    field_id = None
    if field_code is not None:
        field_id = service.field_or_404(session, field_code).id
    values: dict[str, Any] = {}
    if indicator is not None:
        values = {
            "goal": goal,
            "name": indicator.name,
            "definition": indicator.definition,
            "unit": indicator.unit,
            "direction": indicator.direction,
            "baseline_value": fmt_hundredths(indicator.baseline_value),
            "baseline_on": indicator.baseline_on.isoformat(),
            "target_value": fmt_hundredths(indicator.target_value),
            "target_on": indicator.target_on.isoformat(),
            "source": indicator.source,
            "municipality": "",
            "example": "1" if indicator.example else "",
            "expected_version": str(indicator.version),
        }
    return {
        "measure": measure,
        "field_code": field_code,
        "indicator": indicator,
        "directions": DIRECTIONS,
        "municipalities": municipality_queries.municipalities(session),
        "goals": queries.goal_titles(session, measure_id=measure_id, action_field_id=field_id)
        if measure_id is not None or field_id is not None
        else [],
        "defaults": values,
    } | extra


# --- the workbook (before /indikatoren/{indicator_id}) ---------------------------------------


@router.get("/indikatoren/export.xlsx", response_model=None)
def export_xlsx(
    request: Request, session: SessionDep, user: CurrentUser, kommune: str = ""
) -> Response:
    """Every indicator (of the municipality ``kommune`` responsible for it, or all) and every
    measured value as XLSX."""
    municipality = None
    if kommune and kommune != "alle":
        municipality = municipality_queries.municipality_by_slug(session, kommune)
        if municipality is None:
            raise ValidationFailed({"kommune": "Unbekannte Kommune."})
    cards, values = queries.export_cards(
        session, municipality_id=municipality.id if municipality else None
    )
    scope = municipality.name if municipality else "gesamte IKZ"
    slug = municipality.slug if municipality else "ikz"
    return file_download(
        request.app.state.export_slots,
        lambda path: indicators_xlsx(cards, values, scope=scope, exported_on=today(), target=path),
        media_type=XLSX_MEDIA_TYPE,
        filename=f"indikatoren-{slug}-{today().isoformat()}.xlsx",
    )


# --- an indicator's page and its values -------------------------------------------------------


def _indicator_page(
    request: Request,
    session: Session,
    user: Principal,
    indicator_id: int,
    status: int,
    extra: dict[str, Any],
) -> HTMLResponse:
    card = queries.card_by_id(session, indicator_id)
    return render(
        request,
        "indicators/indicator.html",
        {
            "card": card,
            "can_enter": card.may_enter(user),
            "can_define": _may_define(session, user, card.indicator),
        }
        | extra,
        status_code=status,
    )


def _may_define(session: Session, user: Principal, indicator: Indicator) -> bool:
    try:
        service.require_definer(session, user, indicator)
    except Forbidden:
        return False
    return True


@router.get("/indikatoren/{indicator_id}", response_class=HTMLResponse)
def indicator_page(
    indicator_id: RecordId, request: Request, session: SessionDep, user: CurrentUser
) -> HTMLResponse:
    """The KPI card with every value, and the form to enter a new one."""
    return _indicator_page(request, session, user, indicator_id, 200, {})


@router.post("/indikatoren/{indicator_id}/werte", response_model=None)
@accepts(ValueIn)
def post_value(
    indicator_id: RecordId, request: Request, session: SessionDep, user: CurrentUser, form: FormDep
) -> Response:
    service.require_value_enterer(session=session, actor=user, indicator_id=indicator_id)
    return submit(
        session=session,
        schema=ValueIn,
        form=form,
        apply=lambda data: service.add_value(
            session=session, actor=user, indicator_id=indicator_id, data=data
        ),
        success=lambda _value: redirect_with_notice(
            request, f"/indikatoren/{indicator_id}", "Der Messwert wurde gespeichert."
        ),
        failure=lambda status, extra: _indicator_page(
            request, session, user, indicator_id, status, extra
        ),
    )


# --- defining and changing an indicator -------------------------------------------------------


@router.get("/massnahmen/{code}/indikatoren/neu", response_class=HTMLResponse)
def new_measure_indicator_form(
    code: str, request: Request, session: SessionDep, user: CurrentUser
) -> HTMLResponse:
    measure = service.definable_measure(session=session, actor=user, code=code)
    return render(
        request, "indicators/indicator_form.html", _form_context(session, measure=measure)
    )


@router.post("/massnahmen/{code}/indikatoren/neu", response_model=None)
@accepts(IndicatorCreate)
def new_measure_indicator(
    code: str, request: Request, session: SessionDep, user: CurrentUser, form: FormDep
) -> Response:
    measure = service.definable_measure(session=session, actor=user, code=code)
    return submit(
        session=session,
        schema=IndicatorCreate,
        form=form,
        apply=lambda data: service.create_measure_indicator(
            session=session, actor=user, code=code, data=data
        ),
        success=lambda indicator: redirect_with_notice(
            request, f"/indikatoren/{indicator.id}", "Der Indikator wurde angelegt."
        ),
        failure=lambda status, extra: render(
            request,
            "indicators/indicator_form.html",
            _form_context(session, measure=measure, **extra),
            status_code=status,
        ),
    )


@router.get("/strategie/handlungsfelder/{code}/indikatoren/neu", response_class=HTMLResponse)
def new_field_indicator_form(
    code: str, request: Request, session: SessionDep, user: CurrentUser
) -> HTMLResponse:
    require(user.is_admin, service.FIELD_MESSAGE)
    return render(
        request, "indicators/indicator_form.html", _form_context(session, field_code=code)
    )


@router.post("/strategie/handlungsfelder/{code}/indikatoren/neu", response_model=None)
@accepts(IndicatorCreate)
def new_field_indicator(
    code: str, request: Request, session: SessionDep, user: CurrentUser, form: FormDep
) -> Response:
    require(user.is_admin, service.FIELD_MESSAGE)
    service.field_or_404(session, code)
    return submit(
        session=session,
        schema=IndicatorCreate,
        form=form,
        apply=lambda data: service.create_field_indicator(
            session=session, actor=user, field_code=code, data=data
        ),
        success=lambda indicator: redirect_with_notice(
            request, f"/indikatoren/{indicator.id}", "Der Indikator wurde angelegt."
        ),
        failure=lambda status, extra: render(
            request,
            "indicators/indicator_form.html",
            _form_context(session, field_code=code, **extra),
            status_code=status,
        ),
    )


def _edit_context(session: Session, indicator_id: int, **extra: Any) -> dict[str, Any]:
    card = queries.card_by_id(session, indicator_id)
    measure = None
    if card.goal.measure_id is not None:
        measure = session.get(Measure, card.goal.measure_id)
    context = _form_context(
        session, measure=measure, indicator=card.indicator, goal=card.goal.title, **extra
    )
    context["defaults"]["municipality"] = card.municipality.slug
    context["field_code"] = queries.field_code_of(session, card.goal)
    return context


@router.get("/indikatoren/{indicator_id}/bearbeiten", response_class=HTMLResponse)
def edit_indicator_form(
    indicator_id: RecordId, request: Request, session: SessionDep, user: CurrentUser
) -> HTMLResponse:
    card = queries.card_by_id(session, indicator_id)
    service.require_definer(session, user, card.indicator)
    return render(request, "indicators/indicator_form.html", _edit_context(session, indicator_id))


@router.post("/indikatoren/{indicator_id}/bearbeiten", response_model=None)
@accepts(IndicatorUpdate)
def edit_indicator(
    indicator_id: RecordId, request: Request, session: SessionDep, user: CurrentUser, form: FormDep
) -> Response:
    card = queries.card_by_id(session, indicator_id)
    service.require_definer(session, user, card.indicator)
    return submit(
        session=session,
        schema=IndicatorUpdate,
        form=form,
        apply=lambda data: service.update_indicator(
            session=session, actor=user, indicator_id=indicator_id, data=data
        ),
        success=lambda _indicator: redirect_with_notice(
            request, f"/indikatoren/{indicator_id}", "Der Indikator wurde gespeichert."
        ),
        failure=lambda status, extra: render(
            request,
            "indicators/indicator_form.html",
            _edit_context(session, indicator_id, **extra),
            status_code=status,
        ),
    )


# --- an action field's goals and indicators ---------------------------------------------------


@router.get("/strategie/handlungsfelder/{code}", response_class=HTMLResponse)
def field_page(code: str, request: Request, session: SessionDep, user: CurrentUser) -> HTMLResponse:
    """An action field's goals and indicators, its own and those of its measures."""
    action_field = service.field_or_404(session, code)
    assert action_field.id is not None
    cards = queries.field_cards(session, action_field.id)
    return render(
        request,
        "indicators/field.html",
        {
            "field": action_field,
            "cards": cards[: queries.FIELD_CARDS_SHOWN],
            "more": len(cards) > queries.FIELD_CARDS_SHOWN,
            "can_define": user.is_admin,
        },
    )

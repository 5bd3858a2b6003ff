"""HTML pages of the finance domain: /haushalt with its exports, /foerderung."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.accounts.deps import CurrentUser
from app.accounts.permissions import Principal, can_edit_haushalt_mapping, can_manage_funding
from app.core.deps import SessionDep
from app.core.enums import Role
from app.core.errors import ValidationFailed
from app.core.formatting import MoneyFormatError, parse_money
from app.core.timeutil import today
from app.core.web import render
from app.finance import exports, funding, queries, service
from app.municipalities import queries as municipality_queries
from app.municipalities.models import Municipality

router = APIRouter(include_in_schema=False)


def _parse_year(text: str | None) -> int | None:
    if text is None or not text.strip():
        return None
    if not text.strip().isdigit():
        raise ValidationFailed({"year": "Bitte ein Haushaltsjahr wie 2025 angeben."})
    return int(text.strip())


def _default_municipality(session: SessionDep, user: Principal) -> Municipality | None:
    """The municipality the user works for (Finanzen first), else the first one."""
    munis = list(municipality_queries.municipalities(session))
    for role in (Role.finanzen, Role.hauptamt, Role.digital):
        own = user.municipalities_with(role)
        for muni in munis:
            if muni.id in own:
                return muni
    return munis[0] if munis else None


@router.get("/haushalt", response_class=HTMLResponse)
def haushalt(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    kommune: str | None = None,
    jahr: str | None = None,
) -> HTMLResponse:
    context: dict[str, Any] = {
        "municipalities": municipality_queries.municipalities(session),
        "years": service.plan_years(session=session),
        "errors": {},
        "report": None,
        "multi": None,
    }
    try:
        year = _parse_year(jahr)
        slug = kommune or None
        if slug is None:
            fallback = _default_municipality(session, user)
            slug = fallback.slug if fallback else None
        if year is None:
            year = service.default_year(session=session)
        if slug is not None:
            report = service.budget_report(
                session=session, actor=user, municipality=slug, year=year
            )
            context["report"] = report
            context["summaries"] = report.measures()
            context["multi"] = service.multi_year_report(
                session=session, actor=user, municipality=slug
            )
            assert report.municipality is not None
            context["can_edit_mapping"] = can_edit_haushalt_mapping(
                user, int(report.municipality.id or 0)
            )
        context.update(selected_slug=slug, selected_year=year)
    except ValidationFailed as exc:
        context.update(errors=exc.errors, selected_slug=kommune, selected_year=jahr)
        return render(request, "finance/haushalt.html", context, status_code=422)
    return render(request, "finance/haushalt.html", context)


def _export_report(
    session: SessionDep, user: Principal, kommune: str | None, jahr: str | None
) -> service.BudgetReport:
    errors: dict[str, str] = {}
    if not kommune:
        errors["municipality"] = "Bitte eine Kommune wählen."
    if not jahr:
        errors["year"] = "Bitte ein Haushaltsjahr wählen."
    if errors:
        raise ValidationFailed(errors)
    return service.budget_report(
        session=session, actor=user, municipality=kommune, year=_parse_year(jahr)
    )


def _download(content: bytes, media_type: str, filename: str) -> Response:
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _export_error(request: Request, session: SessionDep, exc: ValidationFailed) -> HTMLResponse:
    context = {
        "municipalities": municipality_queries.municipalities(session),
        "years": service.plan_years(session=session),
        "errors": exc.errors,
        "report": None,
        "multi": None,
        "selected_slug": request.query_params.get("kommune"),
        "selected_year": request.query_params.get("jahr"),
    }
    return render(request, "finance/haushalt.html", context, status_code=422)


@router.get("/haushalt/export.xlsx", response_model=None)
def export_xlsx(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    kommune: str | None = None,
    jahr: str | None = None,
) -> Response:
    try:
        report = _export_report(session, user, kommune, jahr)
    except ValidationFailed as exc:
        return _export_error(request, session, exc)
    assert report.municipality is not None and report.year is not None
    content = exports.budget_xlsx(
        report, exported_on=today(), data_state=queries.data_state(session)
    )
    return _download(
        content,
        exports.XLSX_MEDIA_TYPE,
        exports.file_name(report.municipality, report.year, "xlsx"),
    )


@router.get("/haushalt/export.csv", response_model=None)
def export_csv(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    kommune: str | None = None,
    jahr: str | None = None,
) -> Response:
    try:
        report = _export_report(session, user, kommune, jahr)
    except ValidationFailed as exc:
        return _export_error(request, session, exc)
    assert report.municipality is not None and report.year is not None
    return _download(
        exports.budget_csv(report.rows),
        "text/csv; charset=utf-8",
        exports.file_name(report.municipality, report.year, "csv"),
    )


@router.get("/haushalt/export-mehrjahr.xlsx", response_model=None)
def export_multi_year(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    kommune: str | None = None,
) -> Response:
    try:
        if not kommune:
            raise ValidationFailed({"municipality": "Bitte eine Kommune wählen."})
        multi = service.multi_year_report(session=session, actor=user, municipality=kommune)
    except ValidationFailed as exc:
        return _export_error(request, session, exc)
    span = f"{multi.years[0]}-{multi.years[-1]}" if multi.years else "alle"
    content = exports.multi_year_xlsx(
        multi, exported_on=today(), data_state=queries.data_state(session)
    )
    return _download(
        content, exports.XLSX_MEDIA_TYPE, exports.file_name(multi.municipality, span, "xlsx")
    )


def _foerderung_page(
    request: Request,
    session: SessionDep,
    user: Principal,
    *,
    form_grant_id: int | None = None,
    form_errors: dict[str, str] | None = None,
    form_values: dict[str, str] | None = None,
    status_code: int = 200,
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
            "form_errors": form_errors or {},
            "form_values": form_values or {},
        },
        status_code=status_code,
    )


@router.get("/foerderung", response_class=HTMLResponse)
def foerderung(request: Request, session: SessionDep, user: CurrentUser) -> HTMLResponse:
    return _foerderung_page(request, session, user)


def _parse_date(text: str, field: str, errors: dict[str, str]) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        errors[field] = "Bitte ein Datum wie 24.11.2026 wählen."
        return None


@router.post("/foerderung/{grant_id}/abrufe", response_model=None)
def create_drawdown(
    request: Request,
    grant_id: int,
    session: SessionDep,
    user: CurrentUser,
    requested_on: Annotated[str, Form()] = "",
    amount: Annotated[str, Form()] = "",
    received_on: Annotated[str, Form()] = "",
) -> Response:
    values = {"requested_on": requested_on, "amount": amount, "received_on": received_on}
    errors: dict[str, str] = {}
    requested = _parse_date(requested_on, "requested_on", errors)
    if requested is None and "requested_on" not in errors:
        errors["requested_on"] = "Bitte das Datum des Abrufs angeben."
    received = _parse_date(received_on, "received_on", errors)
    cents = 0
    try:
        cents = parse_money(amount)
    except MoneyFormatError as exc:
        errors["amount"] = str(exc)
    try:
        if errors or requested is None:
            raise ValidationFailed(errors)
        funding.record_drawdown(
            session=session,
            actor=user,
            grant_id=grant_id,
            requested_on=requested,
            amount_cents=cents,
            received_on=received,
        )
    except ValidationFailed as exc:
        return _foerderung_page(
            request,
            session,
            user,
            form_grant_id=grant_id,
            form_errors=exc.errors,
            form_values=values,
            status_code=422,
        )
    return RedirectResponse(f"/foerderung#zuwendung-{grant_id}", status_code=303)

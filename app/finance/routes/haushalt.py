"""The Haushalt page with its exports, and the municipality's Produkt/Sachkonto mapping."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from app.accounts.deps import CurrentUser
from app.accounts.permissions import Principal, can_edit_haushalt_mapping
from app.core.deps import SessionDep
from app.core.downloads import file_download
from app.core.enums import Role
from app.core.errors import ValidationFailed
from app.core.rules import parse_int
from app.core.timeutil import today
from app.core.web import render
from app.finance import exports
from app.finance.queries import budget as service
from app.finance.queries import lookups as queries
from app.finance.queries.haushaltsplan import haushalt_plan
from app.municipalities import queries as municipality_queries
from app.municipalities.models import Municipality

router = APIRouter(include_in_schema=False)


def parse_year(text: str | None) -> int | None:
    """The year a query names (``[0-9]+`` in ASCII); anything else is a German 422."""
    if text is None or not text.strip():
        return None
    year = parse_int(text)
    if year is None or year < 0:
        raise ValidationFailed({"year": "Bitte ein Haushaltsjahr wie 2025 angeben."})
    return year


def default_municipality(session: SessionDep, user: Principal) -> Municipality | None:
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
        year = parse_year(jahr)
        slug = kommune or None
        if slug is None:
            fallback = default_municipality(session, user)
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
        session=session, actor=user, municipality=kommune, year=parse_year(jahr)
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
    state = queries.data_state(session)
    plan = haushalt_plan(
        session=session,
        actor=user,
        municipality=report.municipality.slug,
        year=report.year,
        data_state=state,
    )
    return file_download(
        request.app.state.export_slots,
        lambda path: exports.budget_xlsx(
            report, plan, exported_on=today(), data_state=state, target=path
        ),
        media_type=exports.XLSX_MEDIA_TYPE,
        filename=exports.file_name(report.municipality, report.year, "xlsx"),
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
    plan = haushalt_plan(
        session=session,
        actor=user,
        municipality=report.municipality.slug,
        year=report.year,
        data_state=queries.data_state(session),
    )
    return _download(
        exports.budget_csv(plan),
        exports.CSV_MEDIA_TYPE,
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
    state = queries.data_state(session)
    return file_download(
        request.app.state.export_slots,
        lambda path: exports.multi_year_xlsx(
            multi, exported_on=today(), data_state=state, target=path
        ),
        media_type=exports.XLSX_MEDIA_TYPE,
        filename=exports.file_name(multi.municipality, span, "xlsx"),
    )

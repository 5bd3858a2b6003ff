"""The Haushalt page with its exports, and the municipality's Produkt/Sachkonto mapping."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session
from starlette.datastructures import FormData

from app.accounts.deps import CurrentUser
from app.accounts.permissions import Principal, can_edit_haushalt_mapping
from app.core.deps import SessionDep
from app.core.enums import BudgetKind, CostCategory, Role
from app.core.errors import ValidationFailed
from app.core.forms import FormDep, accepts, submit
from app.core.rules import parse_int
from app.core.timeutil import today
from app.core.web import redirect_with_notice, render
from app.finance import exports
from app.finance.queries import budget as service
from app.finance.queries import lookups as queries
from app.finance.queries.haushaltsplan import haushalt_plan
from app.finance.schemas import HaushaltIn
from app.finance.service import haushalt as haushalt_service
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
    content = exports.budget_xlsx(report, plan, exported_on=today(), data_state=state)
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
    content = exports.multi_year_xlsx(
        multi, exported_on=today(), data_state=queries.data_state(session)
    )
    return _download(
        content, exports.XLSX_MEDIA_TYPE, exports.file_name(multi.municipality, span, "xlsx")
    )


MAPPING_FORM_FIELDS = (
    *(
        f"{prefix}_{category.value}_{kind.value}"
        for prefix in ("produkt", "sachkonto", "version")
        for category in CostCategory
        for kind in BudgetKind
    ),
    "inv_1",
)


def _mapping_page(
    request: Request,
    session: Session,
    municipality: Municipality,
    *,
    status_code: int = 200,
    extra: dict[str, Any] | None = None,
) -> HTMLResponse:
    municipality_id = int(municipality.id or 0)
    extra = extra or {}
    posted: dict[str, Any] = extra.get("form_values") or {}
    current = queries.mappings(session, municipality_id)
    rows = []
    for category in CostCategory:
        for kind in BudgetKind:
            existing = current.get((category.value, kind.value))
            key = f"{category.value}_{kind.value}"
            rows.append(
                {
                    "category": category.value,
                    "kind": kind.value,
                    "produkt": posted.get(f"produkt_{key}", existing.produkt if existing else ""),
                    "sachkonto": posted.get(
                        f"sachkonto_{key}", existing.sachkonto if existing else ""
                    ),
                    "version": existing.version if existing else None,
                }
            )
    numbers = queries.investment_numbers(session, municipality_id)
    measures = sorted(
        queries.measures_by_id(
            session, queries.measure_ids_of_municipality(session, municipality_id)
        ).values(),
        key=lambda m: m.code,
    )
    return render(
        request,
        "finance/mapping_form.html",
        {
            "municipality": municipality,
            "rows": rows,
            "measures": [
                (m, posted.get(f"inv_{m.id}", numbers.get(int(m.id or 0), ""))) for m in measures
            ],
            "errors": extra.get("form_errors") or {},
            "conflict_message": extra.get("conflict_message", ""),
        },
        status_code=status_code,
    )


@router.get("/haushalt/zuordnung", response_class=HTMLResponse)
def mapping(
    request: Request, session: SessionDep, user: CurrentUser, kommune: str = ""
) -> HTMLResponse:
    municipality = haushalt_service.haushalt_municipality(session=session, actor=user, slug=kommune)
    return _mapping_page(request, session, municipality)


def haushalt_form_data(
    session: Session, municipality: Municipality, form: FormData
) -> dict[str, Any]:
    """The mapping form's fields (``produkt_<category>_<kind>``, ``inv_<measure id>``) as the
    structure of :class:`HaushaltIn`."""
    fields = {key: value for key, value in form.items() if isinstance(value, str)}
    codes = {
        str(m.id): m.code
        for m in queries.measures_by_id(
            session, queries.measure_ids_of_municipality(session, int(municipality.id or 0))
        ).values()
    }
    return {
        "mappings": [
            {
                "category": category.value,
                "kind": kind.value,
                "produkt": fields.get(f"produkt_{category.value}_{kind.value}", ""),
                "sachkonto": fields.get(f"sachkonto_{category.value}_{kind.value}", ""),
                "expected_version": fields.get(f"version_{category.value}_{kind.value}", ""),
            }
            for category in CostCategory
            for kind in BudgetKind
        ],
        "investment_numbers": {
            codes.get(key[4:], key[4:]): value
            for key, value in fields.items()
            if key.startswith("inv_")
        },
    }


def _mapping_errors(extra: dict[str, Any]) -> dict[str, Any]:
    """Errors of ``mappings.<n>.<field>`` shown at their row (``<category>_<kind>``)."""
    rows = [f"{c.value}_{k.value}" for c in CostCategory for k in BudgetKind]
    errors: dict[str, str] = {}
    for key, text in (extra.get("form_errors") or {}).items():
        parts = key.split(".")
        if parts[0] == "mappings" and len(parts) > 1 and parts[1].isdecimal():
            index = int(parts[1])
            errors.setdefault(rows[index] if index < len(rows) else "numbers", text)
        elif parts[0] == "investment_numbers":
            errors.setdefault("numbers", text)
        else:
            errors.setdefault(key, text)
    return extra | {"form_errors": errors}


@router.post("/haushalt/zuordnung", response_model=None)
@accepts(extra=MAPPING_FORM_FIELDS)
def save_mapping(
    request: Request, session: SessionDep, user: CurrentUser, form: FormDep, kommune: str = ""
) -> Response:
    municipality = haushalt_service.haushalt_municipality(session=session, actor=user, slug=kommune)
    return submit(
        session=session,
        schema=HaushaltIn,
        form=haushalt_form_data(session, municipality, form),
        apply=lambda data: haushalt_service.save_haushalt(
            session=session, actor=user, slug=municipality.slug, data=data
        ),
        success=lambda _m: redirect_with_notice(
            request,
            f"/haushalt/zuordnung?kommune={municipality.slug}",
            "Die Zuordnung wurde gespeichert.",
        ),
        failure=lambda status, extra: _mapping_page(
            request, session, municipality, status_code=status, extra=_mapping_errors(extra)
        ),
        values={key: value for key, value in form.items() if isinstance(value, str)},
    )

"""HTML forms that change finance data: budget lines, cost keys, Haushalt mappings.

Plain POST forms (they work without JavaScript); every change goes through
:mod:`app.finance.editing`, which checks permissions and versions.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from app.accounts.deps import CurrentUser
from app.accounts.permissions import (
    Principal,
    can_edit_haushalt_mapping,
    can_manage_strategy,
    require,
)
from app.core.deps import SessionDep
from app.core.enums import BudgetKind, CostCategory, label
from app.core.errors import NotFound, StaleVersion, ValidationFailed
from app.core.formatting import fmt_percent_bp
from app.core.web import render
from app.finance import editing, queries
from app.finance.measure_view import measure_budget_summary
from app.municipalities import queries as municipality_queries
from app.portfolio.models import Measure

router = APIRouter(include_in_schema=False)


def _measure(session: Session, code: str) -> Measure:
    measure = queries.measure_by_code(session, code)
    if measure is None:
        raise NotFound(f"Die Maßnahme {code} gibt es nicht.")
    return measure


@router.get("/massnahmen/{code}/budget", response_class=HTMLResponse)
def measure_budget(
    request: Request, code: str, session: SessionDep, user: CurrentUser
) -> HTMLResponse:
    measure = _measure(session, code)
    summary = measure_budget_summary(session=session, measure=measure, actor=user)
    return render(request, "finance/measure_budget.html", {"budget": summary})


def _line_form(
    request: Request,
    session: Session,
    user: Principal,
    measure: Measure,
    *,
    values: dict[str, Any],
    line_id: int | None,
    version: int | None,
    errors: dict[str, str] | None = None,
    stale: StaleVersion | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    summary = measure_budget_summary(session=session, measure=measure, actor=user)
    if not (summary.can_edit_budget or (line_id and summary.can_edit_actual)):
        require(False)
    return render(
        request,
        "finance/budget_line_form.html",
        {
            "measure": measure,
            "values": values,
            "line_id": line_id,
            "version": stale.current_version if stale else version,
            "errors": errors or {},
            "stale": stale is not None,
            "stale_message": stale.message if stale else "",
            "current": stale.current if stale else {},
            "full": summary.can_edit_budget,
            "category_options": [(c.value, label(c.value)) for c in CostCategory],
            "kind_options": [(k.value, label(k.value)) for k in BudgetKind],
        },
        status_code=status_code,
    )


@router.get("/massnahmen/{code}/budget/neu", response_class=HTMLResponse)
def new_line(request: Request, code: str, session: SessionDep, user: CurrentUser) -> HTMLResponse:
    measure = _measure(session, code)
    values = {"year": "", "category": "", "kind": "", "planned": "", "approved": "", "actual": ""}
    return _line_form(request, session, user, measure, values=values, line_id=None, version=None)


@router.get("/massnahmen/{code}/budget/{line_id}", response_class=HTMLResponse)
def edit_line(
    request: Request, code: str, line_id: int, session: SessionDep, user: CurrentUser
) -> HTMLResponse:
    measure = _measure(session, code)
    line = queries.budget_line_by_id(session, line_id)
    if line is None or line.measure_id != measure.id:
        raise NotFound("Diese Budgetposition gibt es nicht (mehr).")
    return _line_form(
        request,
        session,
        user,
        measure,
        values=editing.line_values(line),
        line_id=line_id,
        version=line.version,
    )


def _optional_int(text: str) -> int | None:
    return int(text) if text.strip().isdigit() else None


@router.post("/massnahmen/{code}/budget", response_model=None)
def save_line(
    request: Request,
    code: str,
    session: SessionDep,
    user: CurrentUser,
    year: Annotated[str, Form()] = "",
    category: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "",
    planned: Annotated[str, Form()] = "",
    approved: Annotated[str, Form()] = "",
    actual: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    line_id: Annotated[str, Form()] = "",
    expected_version: Annotated[str, Form()] = "",
) -> Response:
    measure = _measure(session, code)
    data = editing.BudgetLineInput(year, category, kind, planned, approved, actual, note)
    values = dict(data.__dict__)
    target_id = _optional_int(line_id)
    try:
        editing.save_budget_line(
            session=session,
            actor=user,
            measure=measure,
            data=data,
            line_id=target_id,
            expected_version=_optional_int(expected_version),
        )
    except ValidationFailed as exc:
        return _line_form(
            request,
            session,
            user,
            measure,
            values=values,
            line_id=target_id,
            version=_optional_int(expected_version),
            errors=exc.errors,
            status_code=422,
        )
    except StaleVersion as exc:
        return _line_form(
            request,
            session,
            user,
            measure,
            values=values,
            line_id=target_id,
            version=exc.current_version,
            stale=exc,
            status_code=409,
        )
    return RedirectResponse(f"/massnahmen/{code}/budget", status_code=303)


@router.post("/massnahmen/{code}/budget/{line_id}/loeschen", response_model=None)
def delete_line(
    code: str,
    line_id: int,
    session: SessionDep,
    user: CurrentUser,
    expected_version: Annotated[str, Form()] = "",
) -> Response:
    measure = _measure(session, code)
    editing.delete_budget_line(
        session=session,
        actor=user,
        measure=measure,
        line_id=line_id,
        expected_version=_optional_int(expected_version),
    )
    return RedirectResponse(f"/massnahmen/{code}/budget", status_code=303)


def _key_form(
    request: Request,
    session: Session,
    measure: Measure,
    *,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    stale_message: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    parties = queries.parties(session, [int(measure.id or 0)]).get(int(measure.id or 0), [])
    munis = {int(m.id or 0): m for m in municipality_queries.municipalities(session)}
    return render(
        request,
        "finance/cost_key_form.html",
        {
            "measure": measure,
            "participants": [munis[p.municipality_id] for p in parties],
            "values": values,
            "errors": errors or {},
            "stale_message": stale_message,
        },
        status_code=status_code,
    )


@router.get("/massnahmen/{code}/kostenschluessel", response_class=HTMLResponse)
def cost_key(request: Request, code: str, session: SessionDep, user: CurrentUser) -> HTMLResponse:
    measure = _measure(session, code)
    require(can_manage_strategy(user), "Den Kostenschlüssel ändert die IKZ-Koordination.")
    parties = queries.parties(session, [int(measure.id or 0)]).get(int(measure.id or 0), [])
    values = {
        "cost_key": measure.cost_key,
        "population_reference_date": (
            measure.population_reference_date.isoformat()
            if measure.population_reference_date
            else ""
        ),
        "shares": {
            p.slug: fmt_percent_bp(p.share_bp).replace(" %", "").replace("\u00a0%", "")
            for p in parties
            if p.share_bp is not None
        },
    }
    return _key_form(request, session, measure, values=values)


@router.post("/massnahmen/{code}/kostenschluessel", response_model=None)
async def save_cost_key(
    request: Request, code: str, session: SessionDep, user: CurrentUser
) -> Response:
    measure = _measure(session, code)
    form = await request.form()
    fields = {key: str(value) for key, value in form.items()}
    shares = {key[6:]: value for key, value in fields.items() if key.startswith("share_")}
    reference = fields.get("population_reference_date", "").strip()
    chosen_key = fields.get("cost_key", "")
    values: dict[str, Any] = {
        "cost_key": chosen_key,
        "population_reference_date": reference,
        "shares": shares,
    }
    try:
        reference_date = date.fromisoformat(reference) if reference else None
    except ValueError:
        return _key_form(
            request,
            session,
            measure,
            values=values,
            errors={"population_reference_date": "Bitte ein gültiges Datum angeben."},
            status_code=422,
        )
    try:
        editing.set_cost_key(
            session=session,
            actor=user,
            measure=measure,
            cost_key=chosen_key,
            shares=shares,
            expected_version=_optional_int(fields.get("expected_version", "")),
            population_reference_date=reference_date,
        )
    except ValidationFailed as exc:
        return _key_form(
            request, session, measure, values=values, errors=exc.errors, status_code=422
        )
    except StaleVersion as exc:
        return _key_form(
            request,
            session,
            measure,
            values=values,
            stale_message=exc.message,
            status_code=409,
        )
    return RedirectResponse(f"/massnahmen/{code}/budget", status_code=303)


def _mapping_page(
    request: Request,
    session: Session,
    user: Principal,
    kommune: str | None,
    *,
    errors: dict[str, str] | None = None,
    stale_message: str = "",
    posted: dict[str, str] | None = None,
    saved: bool = False,
    status_code: int = 200,
) -> HTMLResponse:
    municipality = municipality_queries.municipality_by_slug(session, kommune or "")
    if municipality is None:
        raise NotFound("Diese Kommune gibt es nicht.")
    municipality_id = int(municipality.id or 0)
    require(can_edit_haushalt_mapping(user, municipality_id))
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
                    "produkt": (posted or {}).get(
                        f"produkt_{key}", existing.produkt if existing else ""
                    ),
                    "sachkonto": (posted or {}).get(
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
                (m, (posted or {}).get(f"inv_{m.id}", numbers.get(int(m.id or 0), "")))
                for m in measures
            ],
            "errors": errors or {},
            "stale_message": stale_message,
            "saved": saved,
        },
        status_code=status_code,
    )


@router.get("/haushalt/zuordnung", response_class=HTMLResponse)
def mapping(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    kommune: str | None = None,
    gespeichert: str | None = None,
) -> HTMLResponse:
    return _mapping_page(request, session, user, kommune, saved=gespeichert == "1")


@router.post("/haushalt/zuordnung", response_model=None)
async def save_mapping(
    request: Request, session: SessionDep, user: CurrentUser, kommune: str | None = None
) -> Response:
    municipality = municipality_queries.municipality_by_slug(session, kommune or "")
    if municipality is None:
        raise NotFound("Diese Kommune gibt es nicht.")
    form = await request.form()
    fields = {key: str(value) for key, value in form.items()}
    entries = [
        editing.MappingInput(
            category=category.value,
            kind=kind.value,
            produkt=fields.get(f"produkt_{category.value}_{kind.value}", ""),
            sachkonto=fields.get(f"sachkonto_{category.value}_{kind.value}", ""),
            version=_optional_int(fields.get(f"version_{category.value}_{kind.value}", "")),
        )
        for category in CostCategory
        for kind in BudgetKind
    ]
    numbers = {
        int(key[4:]): value
        for key, value in fields.items()
        if key.startswith("inv_") and key[4:].isdigit()
    }
    try:
        editing.check_investment_numbers(
            session=session, municipality_id=int(municipality.id or 0), numbers=numbers
        )
        editing.save_mappings(
            session=session,
            actor=user,
            municipality_id=int(municipality.id or 0),
            entries=entries,
        )
        editing.save_investment_numbers(
            session=session,
            actor=user,
            municipality_id=int(municipality.id or 0),
            numbers=numbers,
        )
    except ValidationFailed as exc:
        return _mapping_page(
            request, session, user, kommune, errors=exc.errors, posted=fields, status_code=422
        )
    except StaleVersion as exc:
        return _mapping_page(
            request, session, user, kommune, stale_message=exc.message, status_code=409
        )
    return RedirectResponse(
        f"/haushalt/zuordnung?kommune={municipality.slug}&gespeichert=1", status_code=303
    )

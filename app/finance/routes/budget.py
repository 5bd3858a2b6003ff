"""HTML forms for a measure's budget: its lines, their deletion (asked first) and its cost key.

Plain POST forms (they work without JavaScript). Each route checks the permission first, then
hands the form to :func:`app.core.forms.submit` with the edit's schema and service.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from app.accounts.deps import CurrentUser
from app.accounts.permissions import Principal
from app.core.api import RecordId
from app.core.deps import SessionDep
from app.core.enums import BudgetKind, CostCategory, label
from app.core.errors import NotFound
from app.core.formatting import fmt_money, fmt_percent_bp
from app.core.forms import FormDep, accepts, submit
from app.core.inputs import VersionOnly
from app.core.rules import parse_int
from app.core.web import redirect_with_notice, render
from app.finance.models import BudgetLine
from app.finance.queries import lookups as queries
from app.finance.queries.measure_budget import measure_budget_summary
from app.finance.schemas import BudgetLineIn, BudgetLineUpdate, CostKeyIn
from app.finance.service import budget_lines, cost_keys
from app.municipalities import queries as municipality_queries
from app.portfolio.models import Measure
from app.portfolio.queries import measure_or_404

router = APIRouter(include_in_schema=False)

CATEGORY_OPTIONS = [(c.value, label(c.value)) for c in CostCategory]
KIND_OPTIONS = [(k.value, label(k.value)) for k in BudgetKind]
EMPTY_LINE = {"year": "", "category": "", "kind": "", "planned": "", "approved": "", "actual": ""}


def line_text(line: BudgetLine) -> str:
    """A line named the way a Kämmerei says it: ``2026, Schulung (konsumtiv), 1.500,00 €``."""
    return (
        f"{line.year}, {label(line.category)} ({label(line.kind)}), {fmt_money(line.planned_cents)}"
    )


@router.get("/massnahmen/{code}/budget", response_class=HTMLResponse)
def measure_budget(
    request: Request, code: str, session: SessionDep, user: CurrentUser
) -> HTMLResponse:
    measure = measure_or_404(session, code)
    summary = measure_budget_summary(session=session, measure=measure, actor=user)
    return render(request, "finance/measure_budget.html", {"budget": summary})


def _line_of(session: Session, measure: Measure, line_id: RecordId) -> BudgetLine:
    line = queries.budget_line_by_id(session, line_id)
    if line is None or line.measure_id != measure.id:
        raise NotFound("Diese Budgetposition gibt es nicht (mehr).")
    return line


def _line_form(
    request: Request,
    session: Session,
    user: Principal,
    measure: Measure,
    *,
    line: BudgetLine | None,
    status_code: int = 200,
    extra: dict[str, Any] | None = None,
) -> HTMLResponse:
    full, _ = budget_lines.budget_rights(session, user, measure)
    values = budget_lines.line_values(line) if line else dict(EMPTY_LINE)
    return render(
        request,
        "finance/budget_line_form.html",
        {
            "measure": measure,
            "line": line,
            "values": values,
            "full": full,
            "category_options": CATEGORY_OPTIONS,
            "kind_options": KIND_OPTIONS,
        }
        | (extra or {}),
        status_code=status_code,
    )


@router.get("/massnahmen/{code}/budget/neu", response_class=HTMLResponse)
def new_line(request: Request, code: str, session: SessionDep, user: CurrentUser) -> HTMLResponse:
    measure = budget_lines.budget_measure(session=session, actor=user, code=code, planner=True)
    return _line_form(request, session, user, measure, line=None)


@router.get("/massnahmen/{code}/budget/{line_id}", response_class=HTMLResponse)
def edit_line(
    request: Request, code: str, line_id: RecordId, session: SessionDep, user: CurrentUser
) -> HTMLResponse:
    measure = budget_lines.budget_measure(session=session, actor=user, code=code)
    return _line_form(request, session, user, measure, line=_line_of(session, measure, line_id))


@router.post("/massnahmen/{code}/budget", response_model=None)
@accepts(BudgetLineUpdate, extra=("line_id",))
def save_line(
    request: Request, code: str, session: SessionDep, user: CurrentUser, form: FormDep
) -> Response:
    """Create a line, or change the one the form's ``line_id`` names."""
    raw_id = form.get("line_id")
    line_id = parse_int(raw_id) if isinstance(raw_id, str) and raw_id.strip() else None
    measure = budget_lines.budget_measure(
        session=session, actor=user, code=code, planner=line_id is None
    )
    line = _line_of(session, measure, line_id) if line_id is not None else None

    def failure(status: int, extra: dict[str, Any]) -> Response:
        return _line_form(
            request, session, user, measure, line=line, status_code=status, extra=extra
        )

    def saved(saved_line: BudgetLine) -> Response:
        return redirect_with_notice(
            request,
            f"/massnahmen/{code}/budget#position-{saved_line.id}",
            f"Die Budgetposition {line_text(saved_line)} wurde gespeichert.",
        )

    if line_id is None:
        return submit(
            session=session,
            schema=BudgetLineIn,
            form=form,
            apply=lambda data: budget_lines.create_budget_line(
                session=session, actor=user, code=code, data=data
            ),
            success=saved,
            failure=failure,
        )
    return submit(
        session=session,
        schema=BudgetLineUpdate,
        form=form,
        apply=lambda data: budget_lines.update_budget_line(
            session=session, actor=user, code=code, line_id=line_id, data=data
        ),
        success=saved,
        failure=failure,
    )


def _delete_page(
    request: Request,
    measure: Measure,
    line: BudgetLine,
    status_code: int = 200,
    extra: dict[str, Any] | None = None,
) -> HTMLResponse:
    return render(
        request,
        "finance/budget_line_delete.html",
        {"measure": measure, "line": line, "line_text": line_text(line)} | (extra or {}),
        status_code=status_code,
    )


@router.get("/massnahmen/{code}/budget/{line_id}/loeschen", response_class=HTMLResponse)
def confirm_delete_line(
    request: Request, code: str, line_id: RecordId, session: SessionDep, user: CurrentUser
) -> HTMLResponse:
    """Ask before deleting (the question is a page of its own: it works without JavaScript)."""
    measure = budget_lines.budget_measure(session=session, actor=user, code=code, planner=True)
    return _delete_page(request, measure, _line_of(session, measure, line_id))


@router.post("/massnahmen/{code}/budget/{line_id}/loeschen", response_model=None)
@accepts(VersionOnly)
def delete_line(
    request: Request,
    code: str,
    line_id: RecordId,
    session: SessionDep,
    user: CurrentUser,
    form: FormDep,
) -> Response:
    measure = budget_lines.budget_measure(session=session, actor=user, code=code, planner=True)
    line = _line_of(session, measure, line_id)
    text = line_text(line)
    return submit(
        session=session,
        schema=VersionOnly,
        form=form,
        apply=lambda data: budget_lines.delete_budget_line(
            session=session, actor=user, code=code, line_id=line_id, data=data
        ),
        success=lambda _line: redirect_with_notice(
            request, f"/massnahmen/{code}/budget", f"Die Budgetposition {text} wurde gelöscht."
        ),
        failure=lambda status, extra: _delete_page(request, measure, line, status, extra),
    )


def _key_form(
    request: Request,
    session: Session,
    measure: Measure,
    *,
    status_code: int = 200,
    extra: dict[str, Any] | None = None,
) -> HTMLResponse:
    parties = queries.parties(session, [int(measure.id or 0)]).get(int(measure.id or 0), [])
    munis = {int(m.id or 0): m for m in municipality_queries.municipalities(session)}
    values = {
        "cost_key": measure.cost_key,
        "population_reference_date": (
            measure.population_reference_date.isoformat()
            if measure.population_reference_date
            else ""
        ),
        "expected_version": str(measure.version),
    } | {
        f"share_{p.slug}": fmt_percent_bp(p.share_bp).replace("\u00a0%", "").replace(" %", "")
        for p in parties
        if p.share_bp is not None
    }
    return render(
        request,
        "finance/cost_key_form.html",
        {
            "measure": measure,
            "participants": [munis[p.municipality_id] for p in parties],
            "values": values,
        }
        | (extra or {}),
        status_code=status_code,
    )


@router.get("/massnahmen/{code}/kostenschluessel", response_class=HTMLResponse)
def cost_key(request: Request, code: str, session: SessionDep, user: CurrentUser) -> HTMLResponse:
    measure = cost_keys.key_measure(session=session, actor=user, code=code)
    return _key_form(request, session, measure)


@router.post("/massnahmen/{code}/kostenschluessel", response_model=None)
@accepts(
    extra=(
        "cost_key",
        "population_reference_date",
        "expected_version",
        "share_erbach",
        "share_brombachtal",
    )
)
def save_cost_key(
    request: Request, code: str, session: SessionDep, user: CurrentUser, form: FormDep
) -> Response:
    measure = cost_keys.key_measure(session=session, actor=user, code=code)
    fields = {key: value for key, value in form.items() if isinstance(value, str)}
    data = {
        "cost_key": fields.get("cost_key", ""),
        "population_reference_date": fields.get("population_reference_date", ""),
        "expected_version": fields.get("expected_version", ""),
        "shares": {key[6:]: value for key, value in fields.items() if key.startswith("share_")},
    }
    return submit(
        session=session,
        schema=CostKeyIn,
        form=data,
        apply=lambda parsed: cost_keys.set_cost_key(
            session=session, actor=user, code=code, data=parsed
        ),
        success=lambda _measure: redirect_with_notice(
            request, f"/massnahmen/{code}/budget", "Der Kostenschlüssel wurde gespeichert."
        ),
        failure=lambda status, extra: _key_form(
            request, session, measure, status_code=status, extra=extra
        ),
        values=fields,
    )

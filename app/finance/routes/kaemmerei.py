"""The Kämmerei's forms beside the plan: a line's Übertragung and Deckungsvorschlag, and a
measure's Verpflichtungsermächtigungen (listed, recorded, deleted)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session
from starlette.datastructures import FormData

from app.accounts.deps import CurrentUser
from app.core.api import RecordId
from app.core.deps import SessionDep
from app.core.enums import CostCategory, label
from app.core.errors import NotFound
from app.core.forms import FormDep, accepts, submit
from app.core.inputs import VersionOnly
from app.core.web import redirect_with_notice, render
from app.finance.models import BudgetLine
from app.finance.queries import lookups as queries
from app.finance.schemas import CarryoverIn, CommitmentIn
from app.finance.service import budget_lines, kaemmerei
from app.portfolio.models import Measure

router = APIRouter(include_in_schema=False)

CATEGORY_OPTIONS = [(c.value, label(c.value)) for c in CostCategory]
PAYMENT_ROWS = 4
PAYMENT_FIELDS = tuple(
    f"payment_{part}_{n}" for n in range(1, PAYMENT_ROWS + 1) for part in ("year", "amount")
)


def _line_of(session: Session, measure: Measure, line_id: int) -> BudgetLine:
    line = queries.budget_line_by_id(session, line_id)
    if line is None or line.measure_id != measure.id:
        raise NotFound("Diese Budgetposition gibt es nicht (mehr).")
    return line


def _carryover_page(
    request: Request,
    session: Session,
    measure: Measure,
    line: BudgetLine,
    status_code: int = 200,
    extra: dict[str, Any] | None = None,
) -> HTMLResponse:
    values = kaemmerei.carryover_values(line) | {"expected_version": str(line.version)}
    return render(
        request,
        "finance/carryover_form.html",
        {
            "measure": measure,
            "line": line,
            "limit": kaemmerei.carryover_limit(line),
            "values": values | ((extra or {}).get("form_values") or {}),
        }
        | (extra or {}),
        status_code=status_code,
    )


@router.get("/massnahmen/{code}/budget/{line_id}/uebertragung", response_class=HTMLResponse)
def carryover_form(
    request: Request, code: str, line_id: RecordId, session: SessionDep, user: CurrentUser
) -> HTMLResponse:
    measure = budget_lines.budget_measure(session=session, actor=user, code=code, planner=True)
    return _carryover_page(request, session, measure, _line_of(session, measure, line_id))


@router.post("/massnahmen/{code}/budget/{line_id}/uebertragung", response_model=None)
@accepts(CarryoverIn)
def save_carryover(
    request: Request,
    code: str,
    line_id: RecordId,
    session: SessionDep,
    user: CurrentUser,
    form: FormDep,
) -> Response:
    measure = budget_lines.budget_measure(session=session, actor=user, code=code, planner=True)
    line = _line_of(session, measure, line_id)
    return submit(
        session=session,
        schema=CarryoverIn,
        form=form,
        apply=lambda data: kaemmerei.set_carryover(
            session=session, actor=user, code=code, line_id=line_id, data=data
        ),
        success=lambda _line: redirect_with_notice(
            request,
            f"/massnahmen/{code}/budget",
            "Übertragung und Deckungsvorschlag wurden gespeichert.",
        ),
        failure=lambda status, extra: _carryover_page(
            request, session, measure, line, status, extra
        ),
    )


def _commitments_page(
    request: Request,
    session: Session,
    measure: Measure,
    status_code: int = 200,
    extra: dict[str, Any] | None = None,
) -> HTMLResponse:
    found = queries.commitments_of(session, [int(measure.id or 0)])
    return render(
        request,
        "finance/commitments.html",
        {
            "measure": measure,
            "commitments": found,
            "categories": CATEGORY_OPTIONS,
            "rows": range(1, PAYMENT_ROWS + 1),
            "form_values": {},
            "form_errors": {},
        }
        | (extra or {}),
        status_code=status_code,
    )


@router.get("/massnahmen/{code}/ve", response_class=HTMLResponse)
def commitments(
    request: Request, code: str, session: SessionDep, user: CurrentUser
) -> HTMLResponse:
    measure = budget_lines.budget_measure(session=session, actor=user, code=code, planner=True)
    return _commitments_page(request, session, measure)


def commitment_form_data(form: FormData) -> dict[str, Any]:
    """The form's fields (``payment_year_<n>``, ``payment_amount_<n>``) as a CommitmentIn."""
    fields = {key: value for key, value in form.items() if isinstance(value, str)}
    payments = []
    for n in range(1, PAYMENT_ROWS + 1):
        year, amount = fields.get(f"payment_year_{n}", ""), fields.get(f"payment_amount_{n}", "")
        if year.strip() or amount.strip():
            payments.append({"year": year, "amount_cents": amount})
    return {
        "year": fields.get("year", ""),
        "category": fields.get("category", ""),
        "amount": fields.get("amount", ""),
        "note": fields.get("note", ""),
        "payments": payments,
    }


@router.post("/massnahmen/{code}/ve", response_model=None)
@accepts(extra=("year", "category", "amount", "note", *PAYMENT_FIELDS))
def save_commitment(
    request: Request, code: str, session: SessionDep, user: CurrentUser, form: FormDep
) -> Response:
    measure = budget_lines.budget_measure(session=session, actor=user, code=code, planner=True)
    return submit(
        session=session,
        schema=CommitmentIn,
        form=commitment_form_data(form),
        apply=lambda data: kaemmerei.create_commitment(
            session=session, actor=user, code=code, data=data
        ),
        success=lambda c: redirect_with_notice(
            request,
            f"/massnahmen/{code}/ve",
            f"Die Verpflichtungsermächtigung {c.year} ({label(c.category)}) wurde erfasst.",
        ),
        failure=lambda status, extra: _commitments_page(
            request, session, measure, status, _payment_errors(extra)
        ),
        values={key: value for key, value in form.items() if isinstance(value, str)},
    )


def _payment_errors(extra: dict[str, Any]) -> dict[str, Any]:
    """Errors of ``payments.<n>.<field>`` shown at the payments."""
    errors: dict[str, str] = {}
    for key, text in (extra.get("form_errors") or {}).items():
        errors.setdefault("payments" if key.startswith("payments") else key, text)
    return extra | {"form_errors": errors}


@router.post("/massnahmen/{code}/ve/{commitment_id}/loeschen", response_model=None)
@accepts(VersionOnly)
def delete_commitment(
    request: Request,
    code: str,
    commitment_id: RecordId,
    session: SessionDep,
    user: CurrentUser,
    form: FormDep,
) -> Response:
    measure = budget_lines.budget_measure(session=session, actor=user, code=code, planner=True)
    return submit(
        session=session,
        schema=VersionOnly,
        form=form,
        apply=lambda data: kaemmerei.delete_commitment(
            session=session, actor=user, code=code, commitment_id=commitment_id, data=data
        ),
        success=lambda c: redirect_with_notice(
            request,
            f"/massnahmen/{code}/ve",
            f"Die Verpflichtungsermächtigung {c.year} ({label(c.category)}) wurde gelöscht.",
        ),
        failure=lambda status, extra: _commitments_page(request, session, measure, status, extra),
    )

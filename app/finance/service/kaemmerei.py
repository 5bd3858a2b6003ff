"""What the Kämmerei records beside the plan: carry-overs and Deckungsvorschläge of budget
lines, and Verpflichtungsermächtigungen. Finanzen of an involved municipality (and the admin)
do both, like the budget lines themselves.

Rules: a carry-over is at most the unspent Ansatz (Ansatz − Ist, or the Ansatz while no Ist
is recorded; without an Ansatz, nothing can be carried). A Verpflichtungsermächtigung's
payments fall in years after its budget year and add up to its amount exactly.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from app.accounts.permissions import Principal, require
from app.core.db import claim_version, for_edit
from app.core.enums import label
from app.core.errors import NotFound, ValidationFailed
from app.core.formatting import fmt_amount, fmt_money
from app.core.inputs import VersionOnly
from app.finance.models import BudgetLine, Commitment, CommitmentPayment
from app.finance.schemas import CarryoverIn, CommitmentIn
from app.finance.service.budget_lines import budget_rights
from app.portfolio.queries import measure_or_404

PLANNER_MESSAGE = "Übertragungen und Verpflichtungsermächtigungen pflegt die Kämmerei."


def carryover_values(line: BudgetLine) -> dict[str, Any]:
    return {"carryover": fmt_amount(line.carryover_cents), "cover_note": line.cover_note}


def carryover_limit(line: BudgetLine) -> int:
    """The most that can be carried into the next year: the Ansatz not spent."""
    if line.approved_cents is None:
        return 0
    return max(line.approved_cents - (line.actual_cents or 0), 0)


def set_carryover(
    *, session: Session, actor: Principal, code: str, line_id: int, data: CarryoverIn
) -> BudgetLine:
    measure = measure_or_404(session, code)
    full, _ = budget_rights(session, actor, measure)
    require(full, PLANNER_MESSAGE)
    line: BudgetLine | None = session.execute(
        for_edit(select(BudgetLine).where(col(BudgetLine.id) == line_id))
    ).scalar_one_or_none()
    if line is None or line.measure_id != measure.id:
        raise NotFound("Diese Budgetposition gibt es nicht (mehr).")
    claim_version(line, data.expected_version, carryover_values)
    limit = carryover_limit(line)
    if data.carryover_cents and data.carryover_cents > limit:
        raise ValidationFailed(
            {
                "carryover_cents": (
                    f"Höchstens der nicht verbrauchte Ansatz kann übertragen werden: "
                    f"{fmt_money(limit)} (Ansatz {fmt_money(line.approved_cents)}, Ist "
                    f"{fmt_money(line.actual_cents)})."
                )
            }
        )
    line.carryover_cents = data.carryover_cents or None
    line.cover_note = data.cover_note
    session.add(line)
    session.flush()
    return line


def _check_commitment(data: CommitmentIn) -> None:
    errors: dict[str, str] = {}
    years = [p.year for p in data.payments]
    if not data.payments:
        errors["payments"] = "Bitte mindestens ein Jahr mit einer Zahlung angeben."
    elif len(set(years)) != len(years):
        errors["payments"] = "Jedes Zahlungsjahr bitte nur einmal angeben."
    elif any(year <= data.year for year in years):
        errors["payments"] = (
            f"Zahlungen aus einer Verpflichtungsermächtigung fallen in Jahre nach {data.year}."
        )
    elif sum(p.amount_cents for p in data.payments) != data.amount_cents:
        errors["payments"] = (
            f"Die Zahlungen ergeben {fmt_money(sum(p.amount_cents for p in data.payments))}; "
            f"sie müssen genau {fmt_money(data.amount_cents)} ergeben."
        )
    elif any(p.amount_cents <= 0 for p in data.payments):
        errors["payments"] = "Jede Zahlung muss größer als 0 sein."
    if data.amount_cents <= 0:
        errors["amount_cents"] = "Der Betrag muss größer als 0 sein."
    if errors:
        raise ValidationFailed(errors)


def create_commitment(
    *, session: Session, actor: Principal, code: str, data: CommitmentIn
) -> Commitment:
    measure = measure_or_404(session, code)
    full, _ = budget_rights(session, actor, measure)
    require(full, PLANNER_MESSAGE)
    _check_commitment(data)
    taken = session.exec(
        select(Commitment.id).where(
            Commitment.measure_id == measure.id,
            Commitment.year == data.year,
            Commitment.category == data.category,
        )
    ).first()
    if taken is not None:
        raise ValidationFailed(
            {
                "category": (
                    f"Für {data.year} und {label(data.category)} gibt es schon eine "
                    "Verpflichtungsermächtigung; bitte diese löschen und neu erfassen."
                )
            }
        )
    commitment = Commitment(
        measure_id=int(measure.id or 0),
        year=data.year,
        category=data.category,
        amount_cents=data.amount_cents,
        note=data.note,
    )
    session.add(commitment)
    session.flush()
    for payment in sorted(data.payments, key=lambda p: p.year):
        session.add(
            CommitmentPayment(
                commitment_id=int(commitment.id or 0),
                year=payment.year,
                amount_cents=payment.amount_cents,
            )
        )
    session.flush()
    return commitment


def delete_commitment(
    *, session: Session, actor: Principal, code: str, commitment_id: int, data: VersionOnly
) -> Commitment:
    measure = measure_or_404(session, code)
    full, _ = budget_rights(session, actor, measure)
    require(full, PLANNER_MESSAGE)
    commitment: Commitment | None = session.execute(
        for_edit(select(Commitment).where(col(Commitment.id) == commitment_id))
    ).scalar_one_or_none()
    if commitment is None or commitment.measure_id != measure.id:
        raise NotFound("Diese Verpflichtungsermächtigung gibt es nicht (mehr).")
    claim_version(
        commitment,
        data.expected_version,
        lambda c: {"year": c.year, "amount": fmt_amount(c.amount_cents)},
    )
    for payment in session.exec(
        select(CommitmentPayment).where(CommitmentPayment.commitment_id == commitment.id)
    ).all():
        session.delete(payment)
    session.flush()  # the payments first: the database would otherwise cascade them away
    session.delete(commitment)
    session.flush()
    return commitment

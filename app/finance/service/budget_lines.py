"""Budget lines of a measure: the Kämmerei plans them, the officers record the actual amount.

Finanzen of an involved municipality (and the admin) create, change and delete lines; the
Digitalisierungsbeauftragte of an involved municipality may change the actual amount (Ist)
only. Every change names the version it was based on (409 when stale).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from app.accounts.permissions import (
    Principal,
    can_edit_actual_costs,
    can_edit_measure_budget,
    holds_anywhere,
    require,
)
from app.core.db import claim_version, for_edit
from app.core.enums import Role, label
from app.core.errors import NotFound, ValidationFailed
from app.core.formatting import fmt_amount
from app.core.inputs import VersionOnly
from app.finance.models import BudgetLine
from app.finance.schemas import BudgetLineIn, BudgetLineUpdate
from app.portfolio.models import Measure
from app.portfolio.queries import measure_or_404, participant_ids

LINE_FIELDS = tuple(BudgetLineIn.model_fields)
PLANNER_ONLY = "Plan- und Ansatzbeträge ändert die Kämmerei; Sie können das Ist erfassen."


def line_values(line: BudgetLine) -> dict[str, Any]:
    """A line's current values as the form shows them (also the 409 answer)."""
    return {
        "year": str(line.year),
        "category": line.category,
        "kind": line.kind,
        "planned": fmt_amount(line.planned_cents),
        "approved": fmt_amount(line.approved_cents),
        "actual": fmt_amount(line.actual_cents),
        "note": line.note,
    }


def budget_rights(session: Session, actor: Principal, measure: Measure) -> tuple[bool, bool]:
    """(may change everything, may change the actual amount) of ``actor`` on the measure."""
    involved = participant_ids(session, int(measure.id or 0))
    lead = measure.lead_municipality_id
    full = can_edit_measure_budget(actor, lead_id=lead, participant_ids=involved)
    actual = full or can_edit_actual_costs(actor, lead_id=lead, participant_ids=involved)
    return full, actual


def budget_measure(
    *, session: Session, actor: Principal, code: str, planner: bool = False
) -> Measure:
    """The measure if ``actor`` may change its budget (``planner``: plan and delete lines)."""
    require(
        holds_anywhere(actor, Role.finanzen)
        if planner
        else holds_anywhere(actor, Role.finanzen, Role.digital)
    )
    measure = measure_or_404(session, code)
    full, actual = budget_rights(session, actor, measure)
    require(full if planner else actual)
    return measure


def _duplicate(session: Session, measure: Measure, data: BudgetLineIn, line_id: int | None) -> None:
    duplicate = session.exec(
        select(BudgetLine.id).where(
            BudgetLine.measure_id == measure.id,
            BudgetLine.year == data.year,
            BudgetLine.category == data.category,
            BudgetLine.kind == data.kind,
        )
    ).first()
    if duplicate is not None and duplicate != line_id:
        raise ValidationFailed(
            {
                "category": (
                    f"Für {data.year}, {label(data.category)} ({label(data.kind)}) gibt es "
                    "schon eine Budgetposition; bitte diese ändern."
                )
            }
        )


def _apply(line: BudgetLine, data: BudgetLineIn) -> None:
    for name in LINE_FIELDS:
        value = getattr(data, name)
        if getattr(line, name) != value:
            setattr(line, name, value)


def create_budget_line(
    *, session: Session, actor: Principal, code: str, data: BudgetLineIn
) -> BudgetLine:
    measure = measure_or_404(session, code)
    full, _ = budget_rights(session, actor, measure)
    require(full, "Neue Budgetpositionen legt die Kämmerei an.")
    _duplicate(session, measure, data, None)
    line = BudgetLine(measure_id=int(measure.id or 0), year=data.year, category="", kind="")
    _apply(line, data)
    session.add(line)
    session.flush()
    return line


def _line_for_edit(session: Session, measure: Measure, line_id: int) -> BudgetLine:
    line: BudgetLine | None = session.execute(
        for_edit(select(BudgetLine).where(col(BudgetLine.id) == line_id))
    ).scalar_one_or_none()
    if line is None or line.measure_id != measure.id:
        raise NotFound("Diese Budgetposition gibt es nicht (mehr).")
    return line


def update_budget_line(
    *, session: Session, actor: Principal, code: str, line_id: int, data: BudgetLineUpdate
) -> BudgetLine:
    measure = measure_or_404(session, code)
    full, actual = budget_rights(session, actor, measure)
    require(actual)
    line = _line_for_edit(session, measure, line_id)
    claim_version(line, data.expected_version, line_values)
    if not full:
        unchanged = all(
            getattr(data, name) == getattr(line, name)
            for name in ("year", "category", "kind", "planned_cents", "approved_cents")
        )
        require(unchanged, PLANNER_ONLY)
    _duplicate(session, measure, data, line_id)
    _apply(line, data)
    session.add(line)
    session.flush()
    return line


def delete_budget_line(
    *, session: Session, actor: Principal, code: str, line_id: int, data: VersionOnly
) -> BudgetLine:
    """Delete a line (the Kämmerei); returns it as it was, to say what was deleted."""
    measure = measure_or_404(session, code)
    full, _ = budget_rights(session, actor, measure)
    require(full)
    line = _line_for_edit(session, measure, line_id)
    claim_version(line, data.expected_version, line_values)
    session.delete(line)
    session.flush()
    return line

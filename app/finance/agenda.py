"""The finance domain's tasks and calendar entries for the Kämmerei (see :mod:`app.core.agenda`).

Read-only over the stored figures: budget lines without Produkt/Sachkonto or without an
Investitionsnummer (from the current Haushaltsjahr on, where the budget still has to be booked),
actual amounts above the Haushaltsansatz (the current and the previous year, whose accounts are
closed in the following one), and the grants' deadlines with the same thresholds as
``/foerderung`` (:mod:`app.finance.queries.funding`).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select, true
from sqlmodel import Session, col

from app.core.agenda import AgendaScope, Event, EventQuery, EventSource, Task, TaskSource, Urgency
from app.core.enums import BudgetKind, Role, label
from app.core.formatting import fmt_date, fmt_money
from app.finance.models import (
    BudgetLine,
    BudgetShare,
    Grant,
    GrantMeasure,
    HaushaltMapping,
    InvestmentNumber,
    ProofOfUse,
)
from app.finance.queries.funding import PERIOD_WARNING_DAYS, PROOF_WARNING_DAYS
from app.finance.queries.lookups import drawn_by_grant
from app.finance.queries.shares import funding_by_grant
from app.municipalities.models import Municipality
from app.portfolio.models import Measure
from app.portfolio.queries import involving

# Actual amounts above the approved ones count in this many years back from the current one.
OVERRUN_YEARS_BACK = 1


def _shares_of(municipality_ids: frozenset[int] | None) -> ColumnElement[bool]:
    if municipality_ids is None:
        return true()
    return col(BudgetShare.municipality_id).in_(sorted(municipality_ids))


def unmapped_lines(session: Session, scope: AgendaScope) -> list[Task]:
    """Per municipality, cost category and kind: shares from this year on without a mapping."""
    rows = session.execute(
        select(
            col(Municipality.id),
            col(Municipality.slug),
            col(Municipality.name),
            col(BudgetShare.category),
            col(BudgetShare.kind),
            func.count(),
            func.min(col(BudgetShare.year)),
        )
        .join(Municipality, col(Municipality.id) == col(BudgetShare.municipality_id))
        .join(Measure, col(Measure.id) == col(BudgetShare.measure_id))
        .outerjoin(
            HaushaltMapping,
            and_(
                col(HaushaltMapping.municipality_id) == col(BudgetShare.municipality_id),
                col(HaushaltMapping.category) == col(BudgetShare.category),
                col(HaushaltMapping.kind) == col(BudgetShare.kind),
            ),
        )
        .where(
            col(HaushaltMapping.id).is_(None),
            col(BudgetShare.year) >= scope.on.year,
            col(Measure.archived).is_(False),
            _shares_of(scope.municipality_ids),
        )
        .group_by(
            col(Municipality.id),
            col(Municipality.slug),
            col(Municipality.name),
            col(BudgetShare.category),
            col(BudgetShare.kind),
        )
        .order_by(col(Municipality.name), col(BudgetShare.category), col(BudgetShare.kind))
    ).all()
    return [
        Task(
            key=f"zuordnung:{municipality_id}:{category}:{kind}",
            title=f"{name}: {label(category)} ({label(kind)}) ohne Produkt und Sachkonto",
            detail=(
                f"{count} {'Budgetposition' if count == 1 else 'Budgetpositionen'} ab "
                f"{first_year} ohne Haushaltszuordnung."
            ),
            href=f"/haushalt/zuordnung?kommune={slug}",
            urgency=Urgency.due,
            order=(name, category, kind),
        )
        for municipality_id, slug, name, category, kind, count, first_year in rows
    ]


def missing_investment_numbers(session: Session, scope: AgendaScope) -> list[Task]:
    """Per measure and municipality: investive shares from this year on, no Investitionsnummer."""
    rows = session.execute(
        select(
            col(Measure.id),
            col(Measure.code),
            col(Measure.title),
            col(Municipality.id),
            col(Municipality.slug),
            col(Municipality.name),
            func.min(col(BudgetShare.year)),
        )
        .join(Measure, col(Measure.id) == col(BudgetShare.measure_id))
        .join(Municipality, col(Municipality.id) == col(BudgetShare.municipality_id))
        .outerjoin(
            InvestmentNumber,
            and_(
                col(InvestmentNumber.measure_id) == col(BudgetShare.measure_id),
                col(InvestmentNumber.municipality_id) == col(BudgetShare.municipality_id),
            ),
        )
        .where(
            col(InvestmentNumber.id).is_(None),
            col(BudgetShare.kind) == BudgetKind.investiv.value,
            col(BudgetShare.year) >= scope.on.year,
            col(Measure.archived).is_(False),
            _shares_of(scope.municipality_ids),
        )
        .group_by(
            col(Measure.id),
            col(Measure.code),
            col(Measure.title),
            col(Municipality.id),
            col(Municipality.slug),
            col(Municipality.name),
        )
        .order_by(col(Municipality.name), col(Measure.code))
    ).all()
    return [
        Task(
            key=f"investitionsnummer:{measure_id}:{municipality_id}",
            title=f"{code} {title} – Investitionsnummer {name}",
            detail=f"Investive Budgetpositionen ab {first_year} ohne Investitionsnummer.",
            href=f"/haushalt/zuordnung?kommune={slug}",
            urgency=Urgency.due,
            order=(name, code),
        )
        for measure_id, code, title, municipality_id, slug, name, first_year in rows
    ]


def actual_above_approved(session: Session, scope: AgendaScope) -> list[Task]:
    """Budget lines of the current and the previous year whose Ist exceeds the Ansatz."""
    concerned = select(col(BudgetShare.line_id)).where(_shares_of(scope.municipality_ids))
    rows = session.execute(
        select(BudgetLine, col(Measure.code), col(Measure.title))
        .join(Measure, col(Measure.id) == col(BudgetLine.measure_id))
        .where(
            col(BudgetLine.approved_cents).is_not(None),
            col(BudgetLine.actual_cents) > col(BudgetLine.approved_cents),
            col(BudgetLine.year) >= scope.on.year - OVERRUN_YEARS_BACK,
            col(Measure.archived).is_(False),
            col(BudgetLine.id).in_(concerned),
        )
        .order_by(col(BudgetLine.year).desc(), col(Measure.code), col(BudgetLine.id))
    ).all()
    tasks = []
    for line, code, title in rows:
        actual, approved = int(line.actual_cents or 0), int(line.approved_cents or 0)
        tasks.append(
            Task(
                key=f"ist-ueber-ansatz:{line.id}",
                title=(
                    f"{code} {title}: Ist über Ansatz ({line.year}, {label(line.category)}, "
                    f"{label(line.kind)})"
                ),
                detail=(
                    f"Ist {fmt_money(actual)} bei einem Haushaltsansatz von "
                    f"{fmt_money(approved)} (+{fmt_money(actual - approved)})."
                ),
                href=f"/massnahmen/{code}/budget",
                urgency=Urgency.due,
                order=(-line.year, code),
            )
        )
    return tasks


def _grants_of(
    scope_ids: frozenset[int] | None, measure_id: int | None = None
) -> ColumnElement[bool]:
    """SQL: grants the municipalities applied for or that cover measures they take part in."""
    covered = (
        select(col(GrantMeasure.grant_id))
        .join(Measure, col(Measure.id) == col(GrantMeasure.measure_id))
        .where(col(Measure.id) == measure_id if measure_id is not None else involving(scope_ids))
    )
    if measure_id is not None:
        return col(Grant.id).in_(covered)
    if scope_ids is None:
        return true()
    return or_(
        col(Grant.applicant_municipality_id).in_(sorted(scope_ids)), col(Grant.id).in_(covered)
    )


def _when(due: date, on: date) -> tuple[Urgency, str]:
    if due < on:
        return Urgency.overdue, f"war am {fmt_date(due)} fällig"
    if due == on:
        return Urgency.due, "ist heute fällig"
    return Urgency.soon, f"ist am {fmt_date(due)} fällig (in {(due - on).days} Tagen)"


def grant_deadlines(session: Session, scope: AgendaScope) -> list[Task]:
    """Proofs of use due within 30 days or overdue; funding periods ending within 90 days (or
    ended) with planned funding not yet drawn."""
    grants = session.execute(
        select(Grant).where(_grants_of(scope.municipality_ids)).order_by(col(Grant.period_end))
    ).scalars()
    grants_by_id = {int(g.id or 0): g for g in grants}
    if not grants_by_id:
        return []
    tasks = []
    proofs = session.execute(
        select(ProofOfUse)
        .where(
            col(ProofOfUse.grant_id).in_(sorted(grants_by_id)),
            col(ProofOfUse.submitted_on).is_(None),
            col(ProofOfUse.due_on) <= scope.on + timedelta(days=PROOF_WARNING_DAYS),
        )
        .order_by(col(ProofOfUse.due_on), col(ProofOfUse.id))
    ).scalars()
    for proof in proofs:
        grant = grants_by_id[proof.grant_id]
        urgency, when = _when(proof.due_on, scope.on)
        tasks.append(
            Task(
                key=f"verwendungsnachweis:{proof.id}",
                title=f"{proof.title} – {grant.title}",
                detail=f"Der Nachweis zum Bescheid {grant.notice_number} {when}.",
                href=f"/foerderung#zuwendung-{grant.id}",
                urgency=urgency,
                due_on=proof.due_on,
                order=(proof.due_on, grant.notice_number),
            )
        )
    planned = funding_by_grant(session)
    drawn = drawn_by_grant(session)
    for grant_id, grant in grants_by_id.items():
        undrawn = planned.get(grant_id, 0) - drawn.get(grant_id, 0)
        if undrawn <= 0 or (grant.period_end - scope.on).days > PERIOD_WARNING_DAYS:
            continue
        ended = grant.period_end < scope.on
        when = "ist am" if ended else "endet am"
        tasks.append(
            Task(
                key=f"bewilligungszeitraum:{grant_id}",
                title=f"Bewilligungszeitraum – {grant.title}",
                detail=(
                    f"Der Bewilligungszeitraum {when} {fmt_date(grant.period_end)}"
                    f"{' abgelaufen' if ended else ''}; {fmt_money(undrawn)} der geplanten "
                    "Förderung sind nicht abgerufen."
                ),
                href=f"/foerderung#zuwendung-{grant_id}",
                urgency=Urgency.overdue if ended else Urgency.soon,
                due_on=grant.period_end,
                order=(grant.period_end, grant.notice_number),
            )
        )
    return sorted(tasks, key=lambda t: (t.urgency, t.order))


def grant_events(session: Session, query: EventQuery) -> list[Event]:
    """Proof-of-use deadlines and the ends of funding periods."""
    where = _grants_of(query.municipality_ids, query.measure_id)
    grants = {int(g.id or 0): g for g in session.execute(select(Grant).where(where)).scalars()}
    events = []
    for grant_id, grant in sorted(grants.items()):
        if query.start <= grant.period_end <= query.end:
            events.append(
                Event(
                    uid=f"zuwendung-{grant_id}-ende",
                    summary=f"Ende des Bewilligungszeitraums: {grant.title}",
                    description=f"Bescheid {grant.notice_number}.",
                    href=f"/foerderung#zuwendung-{grant_id}",
                    day=grant.period_end,
                    categories=("Förderung",),
                )
            )
    if not grants:
        return events
    proofs = session.execute(
        select(ProofOfUse)
        .where(
            col(ProofOfUse.grant_id).in_(sorted(grants)),
            col(ProofOfUse.due_on) >= query.start,
            col(ProofOfUse.due_on) <= query.end,
        )
        .order_by(col(ProofOfUse.due_on), col(ProofOfUse.id))
    ).scalars()
    for proof in proofs:
        grant = grants[proof.grant_id]
        submitted = f" Eingereicht am {fmt_date(proof.submitted_on)}." if proof.submitted_on else ""
        events.append(
            Event(
                uid=f"verwendungsnachweis-{proof.id}",
                summary=(
                    f"{proof.title} {'eingereicht' if proof.submitted_on else 'fällig'}: "
                    f"{grant.title}"
                ),
                description=f"Bescheid {grant.notice_number}.{submitted}",
                href=f"/foerderung#zuwendung-{grant.id}",
                day=proof.due_on,
                categories=("Förderung",),
            )
        )
    return events


FINANZEN = frozenset({Role.finanzen})

UNMAPPED_LINES = TaskSource(
    key="zuordnung",
    heading="Budgetpositionen ohne Haushaltszuordnung",
    roles=FINANZEN,
    find=unmapped_lines,
    explanation="Kostenarten ohne Produkt und Sachkonto, ab dem laufenden Haushaltsjahr.",
)
MISSING_INVESTMENT_NUMBERS = TaskSource(
    key="investitionsnummern",
    heading="Fehlende Investitionsnummern",
    roles=FINANZEN,
    find=missing_investment_numbers,
)
ACTUAL_ABOVE_APPROVED = TaskSource(
    key="ist-ueber-ansatz",
    heading="Ist über Haushaltsansatz",
    roles=FINANZEN,
    find=actual_above_approved,
    explanation="Budgetpositionen des laufenden und des vorigen Haushaltsjahres.",
)
GRANT_DEADLINES = TaskSource(
    key="foerderfristen",
    heading="Fristen der Förderung",
    roles=FINANZEN,
    find=grant_deadlines,
    explanation=(
        f"Verwendungsnachweise, die in {PROOF_WARNING_DAYS} Tagen fällig oder überfällig sind; "
        f"Bewilligungszeiträume, die in {PERIOD_WARNING_DAYS} Tagen enden, mit nicht "
        "abgerufenen Mitteln."
    ),
)
GRANT_EVENTS = EventSource(key="foerderung", find=grant_events)

"""Maintaining grants (Zuwendungen), proofs of use and drawdowns: the IKZ-Koordination's work.

Rules beyond the table constraints: the funding period is ordered, the maximum never exceeds
rate × eligible costs, and it can never be lowered below what has already been drawn. A drawdown
is refused when the sum drawn would exceed the lower of the maximum and rate × eligible costs
(a grant saved before that rule may hold a higher maximum); drawdowns of one grant are serialised
by a lock on the grant's row, so the rule holds however many arrive at once.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from app.accounts.permissions import Principal, can_manage_funding, require
from app.core.db import claim_version, for_edit
from app.core.errors import NotFound, ValidationFailed
from app.core.formatting import fmt_amount, fmt_money, fmt_percent_bp
from app.core.rules import parse_int
from app.finance.allocation import grant_cap
from app.finance.models import Drawdown, Grant, GrantMeasure, ProofOfUse
from app.finance.queries import lookups as queries
from app.finance.schemas import DrawdownIn, GrantIn, GrantUpdate, ProofSubmittedIn
from app.municipalities import queries as municipality_queries
from app.portfolio.models import Measure

FUNDING_MESSAGE = "Zuwendungen pflegt die IKZ-Koordination."


def drawable_limit(grant: Grant) -> int:
    """What may be drawn in all: the lower of the maximum and rate × eligible costs."""
    return min(grant.max_cents, grant_cap(grant.rate_bp, grant.eligible_cents))


def require_funding_manager(actor: Principal) -> None:
    require(can_manage_funding(actor), FUNDING_MESSAGE)


def grant_values(session: Session, grant: Grant) -> dict[str, Any]:
    """A grant's current values as the form shows them (also the 409 answer)."""
    munis = {m.id: m.slug for m in municipality_queries.municipalities(session)}
    covered = queries.grant_measure_ids(session).get(int(grant.id or 0), [])
    measures = queries.measures_by_id(session, covered)
    return {
        "programme_id": str(grant.programme_id),
        "notice_number": grant.notice_number,
        "notice_date": grant.notice_date.isoformat(),
        "title": grant.title,
        "period_start": grant.period_start.isoformat(),
        "period_end": grant.period_end.isoformat(),
        "eligible": fmt_amount(grant.eligible_cents),
        "rate": f"{grant.rate_bp // 100},{grant.rate_bp % 100:02d}",
        "maximum": fmt_amount(grant.max_cents),
        "applicant": munis.get(grant.applicant_municipality_id, ""),
        "measure_codes": sorted(m.code for m in measures.values()),
    }


def _grant_for_edit(session: Session, grant_id: int) -> Grant:
    grant: Grant | None = session.execute(
        for_edit(select(Grant).where(col(Grant.id) == grant_id))
    ).scalar_one_or_none()
    if grant is None:
        raise NotFound("Diese Zuwendung gibt es nicht.")
    return grant


def _save(session: Session, grant: Grant | None, data: GrantIn) -> Grant:
    errors: dict[str, str] = {}
    if data.programme_id not in queries.programmes(session):
        errors["programme_id"] = "Bitte ein Förderprogramm wählen."
    applicant = municipality_queries.municipality_by_slug(session, data.applicant)
    if applicant is None:
        errors["applicant"] = "Bitte die antragstellende Kommune wählen."
    codes = sorted(set(data.measure_codes))
    found = {
        m.code: m for m in session.exec(select(Measure).where(col(Measure.code).in_(codes))).all()
    }
    if len(found) != len(codes):
        errors["measure_codes"] = "Unbekannte Maßnahme ausgewählt."
    cap = grant_cap(data.rate_bp, data.eligible_cents)
    if data.max_cents > cap:
        errors["max_cents"] = (
            f"Der Höchstbetrag von {fmt_money(data.max_cents)} übersteigt Fördersatz × "
            f"zuwendungsfähige Ausgaben ({fmt_percent_bp(data.rate_bp)} von "
            f"{fmt_money(data.eligible_cents)} = {fmt_money(cap)}); bitte höchstens "
            f"{fmt_money(cap)} eintragen."
        )
    drawn = queries.drawn_by_grant(session).get(int(grant.id or 0), 0) if grant else 0
    if data.max_cents < drawn:
        errors["max_cents"] = (
            f"Es wurden bereits {fmt_money(drawn)} abgerufen; der Höchstbetrag kann nicht "
            "darunter liegen."
        )
    duplicate = session.exec(
        select(Grant.id).where(Grant.notice_number == data.notice_number)
    ).first()
    if duplicate is not None and (grant is None or duplicate != grant.id):
        errors["notice_number"] = "Einen Bescheid mit dieser Nummer gibt es schon."
    if errors:
        raise ValidationFailed(errors)
    assert applicant is not None
    if grant is None:
        grant = Grant(
            programme_id=data.programme_id,
            notice_number=data.notice_number,
            notice_date=data.notice_date,
            title=data.title,
            period_start=data.period_start,
            period_end=data.period_end,
            eligible_cents=0,
            rate_bp=0,
            max_cents=0,
            applicant_municipality_id=0,
        )
    grant.programme_id = data.programme_id
    grant.notice_number = data.notice_number
    grant.notice_date = data.notice_date
    grant.title = data.title
    grant.period_start, grant.period_end = data.period_start, data.period_end
    grant.eligible_cents, grant.rate_bp, grant.max_cents = (
        data.eligible_cents,
        data.rate_bp,
        data.max_cents,
    )
    grant.applicant_municipality_id = int(applicant.id or 0)
    session.add(grant)
    session.flush()
    wanted = {int(m.id or 0) for m in found.values()}
    links = session.exec(select(GrantMeasure).where(GrantMeasure.grant_id == grant.id)).all()
    for link in links:
        if link.measure_id not in wanted:
            session.delete(link)
    for measure_id in wanted - {link.measure_id for link in links}:
        session.add(GrantMeasure(grant_id=int(grant.id or 0), measure_id=measure_id))
    session.flush()
    return grant


def create_grant(*, session: Session, actor: Principal, data: GrantIn) -> Grant:
    require_funding_manager(actor)
    return _save(session, None, data)


def update_grant(*, session: Session, actor: Principal, grant_id: int, data: GrantUpdate) -> Grant:
    require_funding_manager(actor)
    grant = _grant_for_edit(session, grant_id)
    claim_version(grant, data.expected_version, lambda g: grant_values(session, g))
    return _save(session, grant, data)


def grant_id_of(text: str) -> int | None:
    """The grant id a form names (its hidden field), or None for a new grant."""
    return parse_int(text) if text.strip() else None


def record_proof_submitted(
    *, session: Session, actor: Principal, proof_id: int, data: ProofSubmittedIn
) -> ProofOfUse:
    """Record the date a proof of use was submitted (empty: not submitted)."""
    require(can_manage_funding(actor), "Verwendungsnachweise pflegt die IKZ-Koordination.")
    proof: ProofOfUse | None = session.execute(
        for_edit(select(ProofOfUse).where(col(ProofOfUse.id) == proof_id))
    ).scalar_one_or_none()
    if proof is None:
        raise NotFound("Diesen Verwendungsnachweis gibt es nicht.")
    claim_version(
        proof,
        data.expected_version,
        lambda p: {"submitted_on": p.submitted_on.isoformat() if p.submitted_on else ""},
    )
    proof.submitted_on = data.submitted_on
    session.add(proof)
    session.flush()
    return proof


def record_drawdown(
    *, session: Session, actor: Principal, grant_id: int, data: DrawdownIn
) -> Drawdown:
    """Record a Mittelabruf; refused when the sum drawn would exceed the grant's maximum.

    The grant's row is locked first: a second drawdown of the same grant waits until the first
    has committed and then sees it in the sum.
    """
    require_funding_manager(actor)
    grant = _grant_for_edit(session, grant_id)
    already = queries.drawn_by_grant(session, grant_id).get(grant_id, 0)
    limit = drawable_limit(grant)
    if already + data.amount_cents > limit:
        raise ValidationFailed(
            {
                "amount_cents": (
                    "Der Abruf übersteigt die Zuwendung: bewilligt höchstens "
                    f"{fmt_money(limit)}, bereits abgerufen {fmt_money(already)}, "
                    f"noch abrufbar {fmt_money(max(limit - already, 0))}."
                )
            }
        )
    if data.amount_cents <= 0:
        raise ValidationFailed({"amount_cents": "Der Abrufbetrag muss größer als 0 sein."})
    drawdown = Drawdown(
        grant_id=grant_id,
        requested_on=data.requested_on,
        amount_cents=data.amount_cents,
        received_on=data.received_on,
    )
    session.add(drawdown)
    session.flush()
    return drawdown

"""Maintaining grants (Zuwendungen) and proofs of use: the IKZ-Koordination's forms.

Rules beyond the table constraints: the funding period is ordered, the rate lies between 0 and
100 %, and the maximum can never be lowered below what has already been drawn.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session, select

from app.accounts.permissions import Principal, can_manage_funding, require
from app.core.errors import NotFound, StaleVersion, ValidationFailed
from app.core.formatting import (
    MoneyFormatError,
    fmt_amount,
    fmt_money,
    parse_money,
    parse_percent_bp,
)
from app.finance import queries
from app.finance.models import Grant, GrantMeasure, ProofOfUse
from app.municipalities import queries as municipality_queries


@dataclass(frozen=True)
class GrantInput:
    """A grant as typed into the form: German amounts, ISO dates from date inputs."""

    notice_number: str
    notice_date: str
    title: str
    period_start: str
    period_end: str
    eligible: str
    rate: str
    maximum: str
    applicant: str  # municipality slug
    measure_codes: list[str] = field(default_factory=list)


def grant_values(session: Session, grant: Grant) -> dict[str, Any]:
    """A grant's current values as the form shows them (also the 409 answer)."""
    munis = {m.id: m.slug for m in municipality_queries.municipalities(session)}
    covered = queries.grant_measure_ids(session).get(int(grant.id or 0), [])
    measures = queries.measures_by_id(session, covered)
    return {
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


def _date(text: str, name: str, errors: dict[str, str]) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        errors[name] = "Bitte ein gültiges Datum angeben."
        return None


def _money(text: str, name: str, errors: dict[str, str]) -> int:
    try:
        cents = parse_money(text)
    except MoneyFormatError as exc:
        errors[name] = str(exc)
        return 0
    if cents < 0:
        errors[name] = "Der Betrag darf nicht negativ sein."
    return cents


def save_grant(
    *,
    session: Session,
    actor: Principal | None,
    programme_id: int,
    data: GrantInput,
    grant_id: int | None = None,
    expected_version: int | None = None,
) -> Grant:
    """Create (``grant_id`` None) or change a grant and the measures it covers."""
    require(can_manage_funding(actor), "Zuwendungen pflegt die IKZ-Koordination.")
    grant: Grant | None = None
    if grant_id is not None:
        grant = queries.grant_by_id(session, grant_id)
        if grant is None:
            raise NotFound("Diese Zuwendung gibt es nicht.")
        if expected_version != grant.version:
            raise StaleVersion(grant_values(session, grant), grant.version)
    errors: dict[str, str] = {}
    for name in ("notice_number", "title"):
        if not getattr(data, name).strip():
            errors[name] = "Bitte ausfüllen."
    notice_date = _date(data.notice_date, "notice_date", errors)
    start = _date(data.period_start, "period_start", errors)
    end = _date(data.period_end, "period_end", errors)
    if start and end and end < start:
        errors["period_end"] = "Das Ende des Bewilligungszeitraums liegt vor seinem Beginn."
    eligible = _money(data.eligible, "eligible", errors)
    maximum = _money(data.maximum, "maximum", errors)
    try:
        rate = parse_percent_bp(data.rate)
        if rate > 10000:
            errors["rate"] = "Der Fördersatz kann höchstens 100 % betragen."
    except ValueError as exc:
        errors["rate"] = str(exc)
        rate = 0
    applicant = municipality_queries.municipality_by_slug(session, data.applicant)
    if applicant is None:
        errors["applicant"] = "Bitte die antragstellende Kommune wählen."
    measures = [queries.measure_by_code(session, code) for code in data.measure_codes]
    if any(m is None for m in measures):
        errors["measure_codes"] = "Unbekannte Maßnahme ausgewählt."
    drawn = queries.drawn_by_grant(session).get(grant_id, 0) if grant_id else 0
    if "maximum" not in errors and maximum < drawn:
        errors["maximum"] = (
            f"Es wurden bereits {fmt_money(drawn)} abgerufen; der Höchstbetrag kann nicht "
            "darunter liegen."
        )
    duplicate = session.exec(
        select(Grant).where(Grant.notice_number == data.notice_number.strip())
    ).first()
    if duplicate is not None and duplicate.id != grant_id:
        errors["notice_number"] = "Einen Bescheid mit dieser Nummer gibt es schon."
    if errors:
        raise ValidationFailed(errors)
    assert notice_date and start and end and applicant is not None
    if grant is None:
        grant = Grant(
            programme_id=programme_id,
            notice_number="",
            notice_date=notice_date,
            title="",
            period_start=start,
            period_end=end,
            eligible_cents=0,
            rate_bp=0,
            max_cents=0,
            applicant_municipality_id=0,
        )
    grant.notice_number = data.notice_number.strip()
    grant.notice_date = notice_date
    grant.title = data.title.strip()
    grant.period_start, grant.period_end = start, end
    grant.eligible_cents, grant.rate_bp, grant.max_cents = eligible, rate, maximum
    grant.applicant_municipality_id = int(applicant.id or 0)
    session.add(grant)
    session.flush()
    wanted = {int(m.id or 0) for m in measures if m is not None}
    links = session.exec(select(GrantMeasure).where(GrantMeasure.grant_id == grant.id)).all()
    for link in links:
        if link.measure_id not in wanted:
            session.delete(link)
    for measure_id in wanted - {link.measure_id for link in links}:
        session.add(GrantMeasure(grant_id=int(grant.id or 0), measure_id=measure_id))
    session.flush()
    return grant


def record_proof_submitted(
    *,
    session: Session,
    actor: Principal | None,
    proof_id: int,
    submitted_on: str,
    expected_version: int | None,
) -> ProofOfUse:
    """Record the date a proof of use was submitted (empty: not submitted)."""
    require(can_manage_funding(actor), "Verwendungsnachweise pflegt die IKZ-Koordination.")
    proof = session.get(ProofOfUse, proof_id)
    if proof is None:
        raise NotFound("Diesen Verwendungsnachweis gibt es nicht.")
    if expected_version != proof.version:
        current = {"submitted_on": proof.submitted_on.isoformat() if proof.submitted_on else ""}
        raise StaleVersion(current, proof.version)
    errors: dict[str, str] = {}
    parsed = _date(submitted_on, "submitted_on", errors) if submitted_on.strip() else None
    if errors:
        raise ValidationFailed(errors)
    proof.submitted_on = parsed
    session.add(proof)
    session.flush()
    return proof

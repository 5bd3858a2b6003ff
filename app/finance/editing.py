"""Changing finance data: budget lines, cost keys, Haushalt mappings, Investitionsnummern.

Every function checks the actor's permission, validates German input into integer cents,
compares the version the form was based on (409 on a stale edit) and never commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from app.accounts.permissions import (
    Principal,
    can_edit_actual_costs,
    can_edit_haushalt_mapping,
    can_edit_measure_budget,
    can_manage_strategy,
    require,
)
from app.core.enums import BudgetKind, CostCategory, CostKeyKind, label
from app.core.errors import NotFound, StaleVersion, ValidationFailed
from app.core.formatting import MoneyFormatError, fmt_amount, parse_money, parse_percent_bp
from app.finance import queries
from app.finance.allocation import Party, key_weights
from app.finance.models import BudgetLine, HaushaltMapping, InvestmentNumber
from app.finance.service import MAX_YEAR, MIN_YEAR
from app.portfolio.models import Measure, Participation


@dataclass(frozen=True)
class BudgetLineInput:
    """A budget line as typed into the form (German amounts such as ``1.234,56``)."""

    year: str
    category: str
    kind: str
    planned: str
    approved: str = ""
    actual: str = ""
    note: str = ""


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


def _amount(text: str, field: str, errors: dict[str, str], *, required: bool) -> int | None:
    if not text.strip():
        if required:
            errors[field] = "Bitte einen Betrag angeben (0 ist erlaubt)."
        return None
    try:
        cents = parse_money(text)
    except MoneyFormatError as exc:
        errors[field] = str(exc)
        return None
    if cents < 0:
        errors[field] = "Der Betrag darf nicht negativ sein."
        return None
    return cents


@dataclass(frozen=True)
class ParsedLine:
    year: int
    category: str
    kind: str
    planned_cents: int
    approved_cents: int | None
    actual_cents: int | None
    note: str


def parse_line(data: BudgetLineInput) -> ParsedLine:
    errors: dict[str, str] = {}
    year = 0
    if not data.year.strip().isdigit() or not MIN_YEAR <= int(data.year) <= MAX_YEAR:
        errors["year"] = f"Bitte ein Haushaltsjahr zwischen {MIN_YEAR} und {MAX_YEAR} angeben."
    else:
        year = int(data.year)
    if data.category not in {c.value for c in CostCategory}:
        errors["category"] = "Bitte eine Kostenart wählen."
    if data.kind not in {k.value for k in BudgetKind}:
        errors["kind"] = "Bitte investiv oder konsumtiv wählen."
    planned = _amount(data.planned, "planned", errors, required=True)
    approved = _amount(data.approved, "approved", errors, required=False)
    actual = _amount(data.actual, "actual", errors, required=False)
    if len(data.note) > 255:
        errors["note"] = "Die Bemerkung darf höchstens 255 Zeichen lang sein."
    if errors:
        raise ValidationFailed(errors)
    return ParsedLine(
        year, data.category, data.kind, planned or 0, approved, actual, data.note.strip()
    )


def _participant_ids(session: Session, measure: Measure) -> list[int]:
    return list(
        session.exec(
            select(Participation.municipality_id).where(Participation.measure_id == measure.id)
        ).all()
    )


def save_budget_line(
    *,
    session: Session,
    actor: Principal | None,
    measure: Measure,
    data: BudgetLineInput,
    line_id: int | None = None,
    expected_version: int | None = None,
) -> BudgetLine:
    """Create a line (``line_id`` None) or change one.

    Finanzen of an involved municipality (and the admin) change everything; the
    Digitalisierungsbeauftragte of an involved municipality may record the actual amount (Ist)
    only.
    """
    participants = _participant_ids(session, measure)
    lead = measure.lead_municipality_id
    full = can_edit_measure_budget(actor, lead_id=lead, participant_ids=participants)
    actual_only = not full and can_edit_actual_costs(
        actor, lead_id=lead, participant_ids=participants
    )
    require(full or actual_only)
    line: BudgetLine | None = None
    if line_id is not None:
        line = queries.budget_line_by_id(session, line_id)
        if line is None or line.measure_id != measure.id:
            raise NotFound("Diese Budgetposition gibt es nicht (mehr).")
        if expected_version is None or expected_version != line.version:
            raise StaleVersion(line_values(line), line.version)
    elif actual_only:
        require(False, "Neue Budgetpositionen legt die Kämmerei an.")
    parsed = parse_line(data)
    if line is not None and actual_only:
        unchanged = (
            parsed.year == line.year
            and parsed.category == line.category
            and parsed.kind == line.kind
            and parsed.planned_cents == line.planned_cents
            and parsed.approved_cents == line.approved_cents
        )
        require(
            unchanged, "Plan- und Ansatzbeträge ändert die Kämmerei; Sie können das Ist erfassen."
        )
    duplicate = session.exec(
        select(BudgetLine).where(
            BudgetLine.measure_id == measure.id,
            BudgetLine.year == parsed.year,
            BudgetLine.category == parsed.category,
            BudgetLine.kind == parsed.kind,
        )
    ).first()
    if duplicate is not None and (line is None or duplicate.id != line.id):
        raise ValidationFailed(
            {
                "category": (
                    f"Für {parsed.year}, {label(parsed.category)} ({label(parsed.kind)}) gibt es "
                    "schon eine Budgetposition; bitte diese ändern."
                )
            }
        )
    if line is None:
        line = BudgetLine(measure_id=int(measure.id or 0), year=parsed.year, category="", kind="")
    line.year = parsed.year
    line.category = parsed.category
    line.kind = parsed.kind
    line.planned_cents = parsed.planned_cents
    line.approved_cents = parsed.approved_cents
    line.actual_cents = parsed.actual_cents
    line.note = parsed.note
    session.add(line)
    session.flush()
    return line


def delete_budget_line(
    *,
    session: Session,
    actor: Principal | None,
    measure: Measure,
    line_id: int,
    expected_version: int | None,
) -> None:
    participants = _participant_ids(session, measure)
    require(
        can_edit_measure_budget(
            actor, lead_id=measure.lead_municipality_id, participant_ids=participants
        )
    )
    line = queries.budget_line_by_id(session, line_id)
    if line is None or line.measure_id != measure.id:
        raise NotFound("Diese Budgetposition gibt es nicht (mehr).")
    if expected_version != line.version:
        raise StaleVersion(line_values(line), line.version)
    session.delete(line)
    session.flush()


def set_cost_key(
    *,
    session: Session,
    actor: Principal | None,
    measure: Measure,
    cost_key: str,
    shares: Mapping[str, str],
    expected_version: int | None,
    population_reference_date: date | None = None,
) -> None:
    """Change a measure's cost key; custom shares (``slug → "33,33"``) must sum to 100,00 %.

    A key moves costs between municipalities, so only the IKZ-Koordination changes it.
    """
    require(can_manage_strategy(actor), "Den Kostenschlüssel ändert die IKZ-Koordination.")
    if expected_version != measure.version:
        raise StaleVersion(
            {"cost_key": measure.cost_key, "version": measure.version}, measure.version
        )
    if cost_key not in {k.value for k in CostKeyKind}:
        raise ValidationFailed({"cost_key": "Bitte einen Kostenschlüssel wählen."})
    parties = queries.parties(session, [int(measure.id or 0)]).get(int(measure.id or 0), [])
    by_slug = {party.slug: party for party in parties}
    errors: dict[str, str] = {}
    for slug, text in shares.items():
        if slug not in by_slug and text.strip() and text.strip() not in ("0", "0,00"):
            errors["shares"] = "Nur beteiligte Kommunen können einen Kostenanteil tragen."
    parsed: dict[str, int | None] = {}
    if cost_key == CostKeyKind.custom:
        for party in parties:
            text = shares.get(party.slug, "").strip()
            if not text:
                errors[f"share_{party.slug}"] = "Bitte einen Anteil in Prozent angeben."
                continue
            try:
                parsed[party.slug] = parse_percent_bp(text)
            except ValueError as exc:
                errors[f"share_{party.slug}"] = str(exc)
    if errors:
        raise ValidationFailed(errors)
    if cost_key == CostKeyKind.custom:
        key_weights(
            cost_key,
            [Party(p.municipality_id, p.slug, p.population, parsed.get(p.slug)) for p in parties],
        )
    else:
        key_weights(cost_key, parties)
    measure.cost_key = cost_key
    if cost_key == CostKeyKind.population:
        measure.population_reference_date = population_reference_date
    session.add(measure)
    for participation in session.exec(
        select(Participation).where(Participation.measure_id == measure.id)
    ).all():
        slug = next(
            (p.slug for p in parties if p.municipality_id == participation.municipality_id), ""
        )
        new_share = parsed.get(slug) if cost_key == CostKeyKind.custom else participation.share_bp
        if participation.share_bp != new_share:
            participation.share_bp = new_share
            session.add(participation)
    session.flush()


@dataclass(frozen=True)
class MappingInput:
    category: str
    kind: str
    produkt: str
    sachkonto: str
    version: int | None  # version of the mapping the form showed; None when it had none


def save_mappings(
    *,
    session: Session,
    actor: Principal | None,
    municipality_id: int,
    entries: list[MappingInput],
) -> None:
    """Replace a municipality's Produkt/Sachkonto mapping; empty rows remove the mapping."""
    require(can_edit_haushalt_mapping(actor, municipality_id))
    current = queries.mappings(session, municipality_id)
    errors: dict[str, str] = {}
    for entry in entries:
        name = f"{entry.category}_{entry.kind}"
        produkt, konto = entry.produkt.strip(), entry.sachkonto.strip()
        if bool(produkt) != bool(konto):
            errors[name] = "Bitte Produkt und Sachkonto gemeinsam angeben (oder beide leer lassen)."
        if len(produkt) > 40 or len(konto) > 40:
            errors[name] = "Produkt und Sachkonto dürfen höchstens 40 Zeichen lang sein."
        existing = current.get((entry.category, entry.kind))
        if (existing.version if existing else None) != entry.version:
            raise StaleVersion(
                {
                    f"{m.category}_{m.kind}": {"produkt": m.produkt, "sachkonto": m.sachkonto}
                    for m in current.values()
                },
                existing.version if existing else 0,
            )
    if errors:
        raise ValidationFailed(errors)
    for entry in entries:
        produkt, konto = entry.produkt.strip(), entry.sachkonto.strip()
        existing = current.get((entry.category, entry.kind))
        if not produkt:
            if existing is not None:
                session.delete(existing)
            continue
        if existing is None:
            existing = HaushaltMapping(
                municipality_id=municipality_id,
                category=entry.category,
                kind=entry.kind,
                produkt=produkt,
                sachkonto=konto,
            )
        elif existing.produkt == produkt and existing.sachkonto == konto:
            continue
        existing.produkt, existing.sachkonto = produkt, konto
        session.add(existing)
    session.flush()


def check_investment_numbers(
    *, session: Session, municipality_id: int, numbers: Mapping[int, str]
) -> None:
    """Validate before anything is written (so a form is saved whole or not at all)."""
    allowed = set(queries.measure_ids_of_municipality(session, municipality_id))
    errors: dict[str, str] = {}
    if any(measure_id not in allowed for measure_id in numbers):
        errors["numbers"] = (
            "Investitionsnummern gibt es nur für Maßnahmen, an denen die Kommune teilnimmt."
        )
    for measure_id, text in numbers.items():
        if len(text.strip()) > 40:
            errors[f"inv_{measure_id}"] = "Höchstens 40 Zeichen."
    if errors:
        raise ValidationFailed(errors)


def save_investment_numbers(
    *,
    session: Session,
    actor: Principal | None,
    municipality_id: int,
    numbers: Mapping[int, str],
) -> None:
    """Investitionsnummer per measure (``measure_id → number``; empty removes it)."""
    require(can_edit_haushalt_mapping(actor, municipality_id))
    check_investment_numbers(session=session, municipality_id=municipality_id, numbers=numbers)
    existing = {
        n.measure_id: n
        for n in session.exec(
            select(InvestmentNumber).where(
                InvestmentNumber.municipality_id == municipality_id,
                col(InvestmentNumber.measure_id).in_(list(numbers)),
            )
        ).all()
    }
    for measure_id, text in numbers.items():
        number = text.strip()
        row = existing.get(measure_id)
        if not number:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(
                InvestmentNumber(
                    measure_id=measure_id, municipality_id=municipality_id, number=number
                )
            )
        elif row.number != number:
            row.number = number
            session.add(row)
    session.flush()

"""A municipality's Haushalt mapping (cost category × kind → Produkt and Sachkonto), its
accounts beside the cost lines (grant income, Sonderposten, AfA, forwarding), and the
Investitionsnummern and Produkte it gives its measures. Its Kämmerei maintains all of them."""

from __future__ import annotations

from sqlmodel import Session, col, select

from app.accounts.permissions import (
    Principal,
    can_edit_haushalt_mapping,
    holds_anywhere,
    require,
)
from app.core.enums import Role
from app.core.errors import NotFound, StaleVersion, ValidationFailed
from app.finance.models import (
    HaushaltAccount,
    HaushaltMapping,
    InvestmentNumber,
    MeasureProdukt,
)
from app.finance.queries import lookups as queries
from app.finance.schemas import HaushaltIn
from app.municipalities.models import Municipality
from app.municipalities.queries import municipality_by_slug
from app.portfolio.models import Measure


def haushalt_municipality(*, session: Session, actor: Principal, slug: str) -> Municipality:
    """The municipality if ``actor`` keeps its Haushalt mapping: 404, then 403 (a 403 at once
    for who keeps no municipality's mapping)."""
    require(holds_anywhere(actor, Role.finanzen))
    municipality = municipality_by_slug(session, slug)
    if municipality is None or municipality.id is None:
        raise NotFound("Diese Kommune gibt es nicht.")
    require(can_edit_haushalt_mapping(actor, municipality.id))
    return municipality


def save_haushalt(
    *, session: Session, actor: Principal, slug: str, data: HaushaltIn
) -> Municipality:
    """Replace mappings (empty Produkt and Sachkonto remove one) and Investitionsnummern."""
    municipality = haushalt_municipality(session=session, actor=actor, slug=slug)
    municipality_id = int(municipality.id or 0)
    current = queries.mappings(session, municipality_id)
    errors: dict[str, str] = {}
    for entry in data.mappings:
        name = f"{entry.category}_{entry.kind}"
        if bool(entry.produkt) != bool(entry.sachkonto):
            errors[name] = "Bitte Produkt und Sachkonto gemeinsam angeben (oder beide leer lassen)."
        existing = current.get((entry.category, entry.kind))
        if (existing.version if existing else None) != entry.expected_version:
            raise StaleVersion(
                {
                    f"{m.category}_{m.kind}": {"produkt": m.produkt, "sachkonto": m.sachkonto}
                    for m in current.values()
                },
                existing.version if existing else 0,
            )
    accounts = queries.haushalt_accounts(session, municipality_id)
    for account in data.accounts:
        name = f"konto_{account.purpose}"
        if bool(account.produkt) != bool(account.sachkonto):
            errors[name] = "Bitte Produkt und Sachkonto gemeinsam angeben (oder beide leer lassen)."
        existing_account = accounts.get(account.purpose)
        if (existing_account.version if existing_account else None) != account.expected_version:
            raise StaleVersion(
                {
                    f"konto_{a.purpose}": {"produkt": a.produkt, "sachkonto": a.sachkonto}
                    for a in accounts.values()
                },
                existing_account.version if existing_account else 0,
            )
    allowed = dict(
        session.exec(
            select(Measure.code, Measure.id).where(
                col(Measure.id).in_(queries.measure_ids_of_municipality(session, municipality_id))
            )
        ).all()
    )
    if any(code not in allowed for code in data.investment_numbers):
        errors["numbers"] = (
            "Investitionsnummern gibt es nur für Maßnahmen, an denen die Kommune teilnimmt."
        )
    if any(code not in allowed for code in data.measure_produkte):
        errors["produkte"] = (
            "Ein Produkt je Maßnahme gibt es nur für Maßnahmen, an denen die Kommune teilnimmt."
        )
    if errors:
        raise ValidationFailed(errors)
    for entry in data.mappings:
        existing = current.get((entry.category, entry.kind))
        if not entry.produkt:
            if existing is not None:
                session.delete(existing)
            continue
        if existing is None:
            existing = HaushaltMapping(
                municipality_id=municipality_id,
                category=entry.category,
                kind=entry.kind,
                produkt=entry.produkt,
                sachkonto=entry.sachkonto,
            )
        elif existing.produkt == entry.produkt and existing.sachkonto == entry.sachkonto:
            continue
        existing.produkt, existing.sachkonto = entry.produkt, entry.sachkonto
        session.add(existing)
    _save_accounts(session, municipality_id, data, accounts)
    _save_numbers(
        session, municipality_id, {allowed[c]: n for c, n in data.investment_numbers.items()}
    )
    _save_produkte(
        session,
        municipality_id,
        {int(allowed[c] or 0): p for c, p in data.measure_produkte.items()},
    )
    session.flush()
    return municipality


def _save_numbers(session: Session, municipality_id: int, numbers: dict[int | None, str]) -> None:
    ids = [measure_id for measure_id in numbers if measure_id is not None]
    existing = {
        n.measure_id: n
        for n in session.exec(
            select(InvestmentNumber).where(
                InvestmentNumber.municipality_id == municipality_id,
                col(InvestmentNumber.measure_id).in_(ids),
            )
        ).all()
    }
    for measure_id in ids:
        number = numbers[measure_id]
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


def _save_accounts(
    session: Session, municipality_id: int, data: HaushaltIn, current: dict[str, HaushaltAccount]
) -> None:
    for entry in data.accounts:
        existing = current.get(entry.purpose)
        if not entry.produkt:
            if existing is not None:
                session.delete(existing)
            continue
        if existing is None:
            existing = HaushaltAccount(
                municipality_id=municipality_id,
                purpose=entry.purpose,
                produkt=entry.produkt,
                sachkonto=entry.sachkonto,
            )
        elif (existing.produkt, existing.sachkonto) == (entry.produkt, entry.sachkonto):
            continue
        existing.produkt, existing.sachkonto = entry.produkt, entry.sachkonto
        session.add(existing)


def _save_produkte(session: Session, municipality_id: int, produkte: dict[int, str]) -> None:
    ids = list(produkte)
    existing = {
        row.measure_id: row
        for row in session.exec(
            select(MeasureProdukt).where(
                MeasureProdukt.municipality_id == municipality_id,
                col(MeasureProdukt.measure_id).in_(ids),
            )
        ).all()
    }
    for measure_id in ids:
        produkt = produkte[measure_id]
        row = existing.get(measure_id)
        if not produkt:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(
                MeasureProdukt(
                    measure_id=measure_id, municipality_id=municipality_id, produkt=produkt
                )
            )
        elif row.produkt != produkt:
            row.produkt = produkt
            session.add(row)

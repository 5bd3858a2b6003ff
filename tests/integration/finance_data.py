"""Test data for the finance tests: measures with every key type, lines, a capped grant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from app.accounts.permissions import Principal
from app.core.enums import Role
from app.finance.models import (
    BudgetLine,
    FundingProgramme,
    Grant,
    GrantMeasure,
    HaushaltMapping,
    InvestmentNumber,
)
from app.municipalities.models import Municipality
from app.portfolio.models import ActionField, Measure, Participation, Strategy


@dataclass
class World:
    munis: dict[str, Municipality]
    measures: dict[str, Measure]
    grant: Grant


def _strategy_and_field(session: Session) -> tuple[Strategy, ActionField]:
    strategy = session.exec(select(Strategy).order_by(col(Strategy.id))).first()
    if strategy is None:
        strategy = Strategy(
            slug="test-strategie", title="Teststrategie", period_start=2024, period_end=2028
        )
        session.add(strategy)
        session.flush()
    field = session.exec(select(ActionField).where(ActionField.strategy_id == strategy.id)).first()
    if field is None:
        field = ActionField(strategy_id=int(strategy.id or 0), code="TF", title="Testfeld")
        session.add(field)
        session.flush()
    return strategy, field


def build_world(session: Session) -> World:
    """Three test measures (equal, population, custom) with awkward amounts and a capped grant."""
    munis = {m.slug: m for m in session.exec(select(Municipality)).all()}
    assert {"erbach", "michelstadt", "oberzent", "brombachtal"} <= set(munis)
    strategy, field = _strategy_and_field(session)
    specs = [
        ("TST-F01", "equal", {"erbach": None, "michelstadt": None, "oberzent": None}),
        (
            "TST-F02",
            "population",
            {"erbach": None, "michelstadt": None, "oberzent": None, "brombachtal": None},
        ),
        ("TST-F03", "custom", {"michelstadt": 5000, "oberzent": 3333, "brombachtal": 1667}),
    ]
    measures: dict[str, Measure] = {}
    for code, key, parts in specs:
        measure = Measure(
            strategy_id=int(strategy.id or 0),
            action_field_id=int(field.id or 0),
            code=code,
            title=f"Testmaßnahme {code}",
            lead_municipality_id=int(munis["oberzent"].id or 0),
            cost_key=key,
            example=True,
        )
        session.add(measure)
        session.flush()
        for slug, bp in parts.items():
            session.add(
                Participation(
                    measure_id=int(measure.id or 0),
                    municipality_id=int(munis[slug].id or 0),
                    share_bp=bp,
                )
            )
        measures[code] = measure
    amounts = [
        ("TST-F01", 2024, "software", "investiv", 1_000_001, 1_000_000, 999_999),
        ("TST-F01", 2024, "dienstleistung", "konsumtiv", 333_333, None, 100),
        ("TST-F01", 2025, "betrieb", "konsumtiv", 250_007, 250_000, None),
        ("TST-F02", 2025, "hardware", "investiv", 12_345_679, 12_000_000, 5_000_001),
        ("TST-F02", 2025, "schulung", "konsumtiv", 77_777, 77_777, 77_777),
        ("TST-F02", 2026, "software", "investiv", 9_999_999, None, None),
        ("TST-F03", 2025, "personal", "konsumtiv", 1_000_000, 1_000_000, 0),
        ("TST-F03", 2026, "betrieb", "konsumtiv", 101, 101, 101),
    ]
    for code, year, category, kind, planned, approved, actual in amounts:
        session.add(
            BudgetLine(
                measure_id=int(measures[code].id or 0),
                year=year,
                category=category,
                kind=kind,
                planned_cents=planned,
                approved_cents=approved,
                actual_cents=actual,
            )
        )
    programme = session.exec(select(FundingProgramme)).first()
    if programme is None:
        programme = FundingProgramme(
            slug="test-programm", name="Testprogramm", default_rate_bp=9000
        )
        session.add(programme)
        session.flush()
    grant = Grant(
        programme_id=int(programme.id or 0),
        notice_number="TEST-2024-001",
        # Late notice date: applies after any seeded grant.
        notice_date=date(2099, 1, 1),
        title="Testzuwendung",
        period_start=date(2024, 1, 1),
        period_end=date(2025, 12, 31),
        eligible_cents=10_000_000,
        rate_bp=9000,
        max_cents=8_500_000,
        applicant_municipality_id=int(munis["oberzent"].id or 0),
    )
    session.add(grant)
    session.flush()
    for code in ("TST-F01", "TST-F02"):
        session.add(
            GrantMeasure(grant_id=int(grant.id or 0), measure_id=int(measures[code].id or 0))
        )
    oberzent = int(munis["oberzent"].id or 0)
    existing = session.exec(
        select(HaushaltMapping).where(HaushaltMapping.municipality_id == oberzent)
    ).all()
    mapped = {(m.category, m.kind) for m in existing}
    for category, kind, produkt, konto in [
        ("software", "investiv", "01.11.01", "0821000"),
        ("hardware", "investiv", "01.11.01", "0822000"),
    ]:
        if (category, kind) not in mapped:
            session.add(
                HaushaltMapping(
                    municipality_id=oberzent,
                    category=category,
                    kind=kind,
                    produkt=produkt,
                    sachkonto=konto,
                )
            )
    session.add(
        InvestmentNumber(
            measure_id=int(measures["TST-F02"].id or 0),
            municipality_id=oberzent,
            number="I-2025-17",
        )
    )
    session.flush()
    return World(munis=munis, measures=measures, grant=grant)


def principal(role: Role, municipality: Municipality | None = None) -> Principal:
    scope = frozenset({municipality.id if municipality else None})
    return Principal(
        user_id=None, username=f"test.{role.value}", display_name="Test", roles={role: scope}
    )

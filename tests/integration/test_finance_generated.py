"""Generated budgets through the real ledger: every key type, random amounts, a random grant."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, col, select

from app.finance.ledger import compute_shares, funding_by_grant
from app.finance.models import BudgetLine, FundingProgramme, Grant, GrantMeasure
from app.municipalities.models import Municipality
from app.portfolio.models import ActionField, Measure, Participation, Strategy

SLUGS = ("brombachtal", "erbach", "michelstadt", "oberzent")


def _custom_shares(draw: st.DrawFn, count: int) -> list[int]:
    cuts = sorted(draw(st.lists(st.integers(0, 10000), min_size=count - 1, max_size=count - 1)))
    bounds = [0, *cuts, 10000]
    return [bounds[i + 1] - bounds[i] for i in range(count)]


@st.composite
def budgets(draw: st.DrawFn) -> dict[str, object]:
    measures = []
    for index in range(draw(st.integers(1, 3))):
        members = draw(st.lists(st.sampled_from(SLUGS), min_size=1, max_size=4, unique=True))
        key = draw(st.sampled_from(["equal", "population", "custom"]))
        shares = _custom_shares(draw, len(members)) if key == "custom" else [None] * len(members)
        lines = draw(
            st.lists(
                st.tuples(
                    st.integers(2022, 2028),
                    st.sampled_from(["software", "hardware", "betrieb"]),
                    st.sampled_from(["investiv", "konsumtiv"]),
                    st.integers(0, 10**10),
                    st.none() | st.integers(0, 10**10),
                ),
                min_size=1,
                max_size=6,
                unique_by=lambda line: line[:3],
            )
        )
        measures.append(
            {
                "code": f"GEN-{index}",
                "key": key,
                "members": dict(zip(members, shares, strict=True)),
                "lines": lines,
            }
        )
    grant = {
        "rate": draw(st.integers(0, 10000)),
        "eligible": draw(st.integers(0, 10**11)),
        "max": draw(st.integers(0, 10**11)),
        "covered": draw(st.lists(st.integers(0, len(measures) - 1), unique=True)),
    }
    return {"measures": measures, "grant": grant}


def _store(session: Session, data: dict[str, object]) -> tuple[list[int], Grant]:
    munis = {m.slug: m for m in session.exec(select(Municipality)).all()}
    strategy = session.exec(select(Strategy).order_by(col(Strategy.id))).first()
    assert strategy is not None
    field = session.exec(select(ActionField).where(ActionField.strategy_id == strategy.id)).first()
    assert field is not None
    ids = []
    measures = data["measures"]
    assert isinstance(measures, list)
    for spec in measures:
        measure = Measure(
            strategy_id=int(strategy.id or 0),
            action_field_id=int(field.id or 0),
            code=spec["code"],
            title="Generiert",
            lead_municipality_id=int(munis["oberzent"].id or 0),
            cost_key=spec["key"],
        )
        session.add(measure)
        session.flush()
        ids.append(int(measure.id or 0))
        for slug, share in spec["members"].items():
            session.add(
                Participation(measure_id=measure.id, municipality_id=munis[slug].id, share_bp=share)
            )
        for year, category, kind, planned, approved in spec["lines"]:
            session.add(
                BudgetLine(
                    measure_id=measure.id,
                    year=year,
                    category=category,
                    kind=kind,
                    planned_cents=planned,
                    approved_cents=approved,
                )
            )
    programme = session.exec(select(FundingProgramme)).first()
    assert programme is not None
    spec = data["grant"]
    assert isinstance(spec, dict)
    grant = Grant(
        programme_id=int(programme.id or 0),
        notice_number="GEN-1",
        notice_date=date(2099, 12, 31),
        title="Generiert",
        period_start=date(2023, 1, 1),
        period_end=date(2026, 12, 31),
        eligible_cents=spec["eligible"],
        rate_bp=spec["rate"],
        max_cents=spec["max"],
        applicant_municipality_id=int(munis["erbach"].id or 0),
    )
    session.add(grant)
    session.flush()
    for index in spec["covered"]:
        session.add(GrantMeasure(grant_id=grant.id, measure_id=ids[index]))
    session.flush()
    return ids, grant


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=budgets())
def test_generated_budgets_add_up_and_respect_the_grant(
    session: Session, data: dict[str, object]
) -> None:
    nested = session.begin_nested()
    try:
        ids, grant = _store(session, data)
        ledger = compute_shares(session, measure_ids=ids)
        assert not ledger.issues
        lines = {
            line.id: line
            for line in session.exec(
                select(BudgetLine).where(col(BudgetLine.measure_id).in_(ids))
            ).all()
        }
        gross: dict[int, int] = defaultdict(int)
        approved: dict[int, int] = defaultdict(int)
        for share in ledger.shares:
            gross[share.line_id] += share.gross_cents
            approved[share.line_id] += share.approved_cents or 0
            assert 0 <= share.funding_cents <= share.gross_cents
        assert set(gross) == set(lines)
        for line_id, line in lines.items():
            assert gross[line_id] == line.planned_cents
            assert approved[line_id] == (line.approved_cents or 0)
        planned = funding_by_grant(session)[int(grant.id or 0)]
        assert planned <= grant.max_cents
        assert planned * 10000 <= grant.rate_bp * grant.eligible_cents
        covered = {ids[i] for i in data["grant"]["covered"]}  # type: ignore[index]
        funded = sum(s.funding_cents for s in ledger.shares)
        assert funded == planned
        assert all(s.funding_cents == 0 for s in ledger.shares if s.measure_id not in covered)
        assert all(s.funding_cents == 0 for s in ledger.shares if not 2023 <= s.year <= 2026)
    finally:
        nested.rollback()

"""Grants: the maximum never exceeds rate × eligible costs, drawdowns count against the lower of
both, and a grant's funding adds up to the cent (issue defects 5 and 6)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.finance import allocation
from app.finance.ledger import funding_by_grant, rebuild
from app.finance.models import Drawdown, FundingProgramme, Grant
from app.municipalities.models import Municipality

SEED_NOTICE = "BEISPIEL-SHH-2022-001"


def _seed_grant(session: Session) -> Grant:
    return session.exec(select(Grant).where(Grant.notice_number == SEED_NOTICE)).one()


def _grant_json(session: Session, **changes: Any) -> dict[str, Any]:
    programme = session.exec(select(FundingProgramme)).first()
    assert programme is not None
    return {
        "programme_id": programme.id,
        "notice_number": "OBERGRENZE-1",
        "notice_date": "2026-02-01",
        "title": "Obergrenze",
        "period_start": "2026-01-01",
        "period_end": "2027-12-31",
        "eligible_cents": 40_500_000,
        "rate_bp": 9000,
        "max_cents": 40_000_000,
        "applicant": "oberzent",
        "measure_codes": [],
    } | changes


def test_a_maximum_above_rate_times_eligible_is_refused_in_the_api(
    client: TestClient, session: Session, login: Any
) -> None:
    login(client, "admin")
    answer = client.post("/api/v1/grants", json=_grant_json(session))
    assert answer.status_code == 422
    message = answer.json()["errors"]["max_cents"]
    assert "364.500,00" in message and "400.000,00" in message and "übersteigt" in message
    assert session.exec(select(Grant).where(Grant.notice_number == "OBERGRENZE-1")).first() is None
    ok = client.post("/api/v1/grants", json=_grant_json(session, max_cents=36_450_000))
    assert ok.status_code == 201, ok.text


def test_a_maximum_above_rate_times_eligible_is_refused_in_the_form(
    client: TestClient, session: Session, login: Any
) -> None:
    login(client, "admin")
    programme = session.exec(select(FundingProgramme)).first()
    assert programme is not None
    form = {
        "programme_id": str(programme.id),
        "notice_number": "OBERGRENZE-2",
        "notice_date": "2026-02-01",
        "title": "Obergrenze",
        "period_start": "2026-01-01",
        "period_end": "2027-12-31",
        "eligible": "405.000,00",
        "rate": "90,00",
        "maximum": "400.000,00",
        "applicant": "oberzent",
    }
    page = client.post("/foerderung/zuwendungen", data=form)
    assert page.status_code == 422
    assert "364.500,00" in page.text and "übersteigt" in page.text
    assert 'id="g-maximum"' in page.text and 'aria-invalid="true"' in page.text
    assert session.exec(select(Grant).where(Grant.notice_number == "OBERGRENZE-2")).first() is None


def test_drawdowns_count_against_the_lower_of_maximum_and_rate_times_eligible(
    client: TestClient, session: Session, login: Any
) -> None:
    """A grant stored before the rule (maximum 400.000 € at 90 % of 405.000 €) can be drawn to
    364.500 €, not to its maximum; the overview warns about it."""
    grant = _seed_grant(session)
    grant.max_cents = 40_000_000
    session.add(grant)
    session.commit()
    drawn = sum(
        d.amount_cents
        for d in session.exec(select(Drawdown).where(Drawdown.grant_id == grant.id)).all()
    )
    login(client, "admin")
    rest = 36_450_000 - drawn
    too_much = client.post(
        f"/api/v1/grants/{grant.id}/drawdowns",
        json={"requested_on": "2026-03-01", "amount_cents": rest + 1},
    )
    assert too_much.status_code == 422
    assert "364.500,00" in too_much.json()["errors"]["amount_cents"]
    assert client.get(f"/api/v1/grants/{grant.id}").json()["drawable_cents"] == rest
    ok = client.post(
        f"/api/v1/grants/{grant.id}/drawdowns",
        json={"requested_on": "2026-03-01", "amount_cents": rest},
    )
    assert ok.status_code == 201, ok.text
    page = client.get("/foerderung").text
    assert "übersteigt Fördersatz × zuwendungsfähige Ausgaben" in page


def test_the_seeded_grant_gives_exactly_its_maximum_when_its_costs_are_used(
    session: Session,
) -> None:
    """405.000 € eligible at 90 %: the planned funding is 364.500,00 €, not 364.499,99 €."""
    grant = _seed_grant(session)
    assert funding_by_grant(session)[int(grant.id or 0)] == 36_450_000


def _cent_grant(session: Session) -> Grant:
    """Three measure-years whose own 90 % each end in a fraction of a cent, one grant of 90 %."""
    from app.finance.models import BudgetLine, GrantMeasure
    from app.portfolio.models import ActionField, Measure, Participation, Strategy

    strategy = session.exec(select(Strategy)).first()
    field = session.exec(select(ActionField)).first()
    oberzent = session.exec(select(Municipality).where(Municipality.slug == "oberzent")).one()
    assert strategy and field and strategy.id and field.id and oberzent.id
    measure = Measure(
        strategy_id=strategy.id,
        action_field_id=field.id,
        code="CENT-M01",
        title="Cent",
        lead_municipality_id=oberzent.id,
    )
    session.add(measure)
    session.flush()
    assert measure.id is not None
    session.add(Participation(measure_id=measure.id, municipality_id=oberzent.id))
    for year, cents in ((2040, 333_333), (2041, 333_333), (2042, 333_334)):
        session.add(
            BudgetLine(
                measure_id=measure.id,
                year=year,
                category="software",
                kind="investiv",
                planned_cents=cents,
            )
        )
    programme = session.exec(select(FundingProgramme)).first()
    assert programme and programme.id
    grant = Grant(
        programme_id=programme.id,
        notice_number="CENT-1",
        notice_date=date(2099, 6, 1),
        title="Cent",
        period_start=date(2040, 1, 1),
        period_end=date(2042, 12, 31),
        eligible_cents=1_000_000,
        rate_bp=9000,
        max_cents=900_000,
        applicant_municipality_id=oberzent.id,
    )
    session.add(grant)
    session.flush()
    session.add(GrantMeasure(grant_id=int(grant.id or 0), measure_id=measure.id))
    session.flush()
    rebuild(session)
    return grant


def _per_year_rounding(terms: Any, costs: Any, already: Any = None) -> dict[tuple[int, int], int]:
    """The old rule: 90 % of each measure-year, rounded down on its own."""
    result: dict[tuple[int, int], int] = {}
    left, max_left = terms.eligible_cents, terms.max_cents
    for cost in sorted(costs, key=lambda c: (c.year, c.order, c.measure_id)):
        if not terms.first_year <= cost.year <= terms.last_year:
            continue
        eligible = min(cost.gross_cents, left)
        amount = min(eligible * terms.rate_bp // 10000, max_left)
        left, max_left = left - eligible, max_left - amount
        if amount:
            result[(cost.measure_id, cost.year)] = amount
    return result


@pytest.mark.parametrize("planted", [False, True], ids=["current", "old-rule-planted"])
def test_funding_is_exact_to_the_cent_when_every_year_rounds_down(
    session: Session, monkeypatch: pytest.MonkeyPatch, planted: bool
) -> None:
    """With the old rule planted back the grant comes out short (899.998 cents for 900.000),
    and this check sees it; with the current rule the grant gives exactly rate × eligible."""
    if planted:
        monkeypatch.setattr("app.finance.ledger.recompute.plan_grant_funding", _per_year_rounding)
    grant = _cent_grant(session)
    total = funding_by_grant(session)[int(grant.id or 0)]
    exact = min(allocation.grant_cap(grant.rate_bp, grant.eligible_cents), grant.max_cents)
    assert exact == 900_000
    assert (total == exact) is (not planted), total

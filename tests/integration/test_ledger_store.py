"""The stored shares stay equal to a fresh computation whatever is edited, and in what order."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlmodel import Session, col, select

from app.finance import ledger
from app.finance.models import (
    BudgetLine,
    BudgetShare,
    BudgetTotal,
    Grant,
    GrantMeasure,
    LedgerIssue,
)
from app.municipalities.models import Municipality
from app.portfolio.models import Measure, Participation
from tests.integration.test_finance_generated import SLUGS, _store, budgets


def _snapshot(session: Session) -> tuple[Any, ...]:
    """Everything the views read from the ledger, without surrogate ids."""
    result = ledger.compute_shares(session)
    shares = sorted(
        (
            *(s.line_id, s.municipality_id, s.gross_cents, s.funding_cents, s.approved_cents),
            *(s.actual_cents, s.year, s.kind, s.category),
        )
        for s in result.shares
    )
    totals = sorted(
        (
            *(t.municipality_id, t.year, t.kind, t.gross_cents, t.funding_cents),
            *(t.approved_cents, t.actual_cents),
        )
        for t in session.exec(select(BudgetTotal)).all()
    )
    by_hand: dict[tuple[int, int, str], list[int]] = {}
    for s in result.shares:
        sums = by_hand.setdefault((s.municipality_id, s.year, s.kind), [0, 0, 0, 0])
        sums[0] += s.gross_cents
        sums[1] += s.funding_cents
        sums[2] += s.approved_cents or 0
        sums[3] += s.actual_cents or 0
    assert totals == sorted((*key, *sums) for key, sums in by_hand.items())
    return shares, result.issues, ledger.funding_by_grant(session), totals


EDITS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "line_amounts",
                "line_delete",
                "line_add",
                "key",
                "participant_drop",
                "participant_add",
                "population",
                "grant_terms",
                "grant_cover",
                "grant_uncover",
            ]
        ),
        st.integers(0, 10**9),
    ),
    min_size=1,
    max_size=6,
)


def _apply(session: Session, ids: list[int], grant: Grant, edit: str, number: int) -> None:
    """One edit through the ORM, as the services make them."""
    measure = session.get(Measure, ids[number % len(ids)])
    assert measure is not None
    lines = session.exec(select(BudgetLine).where(BudgetLine.measure_id == measure.id)).all()
    parts = session.exec(select(Participation).where(Participation.measure_id == measure.id)).all()
    munis = {m.slug: m for m in session.exec(select(Municipality)).all()}
    if edit == "line_amounts" and lines:
        line = lines[number % len(lines)]
        line.planned_cents = number
        line.approved_cents = number // 2
        line.actual_cents = number // 3 if number % 2 else None
        session.add(line)
    elif edit == "line_delete" and lines:
        session.delete(lines[number % len(lines)])
    elif edit == "line_add":
        taken = {(line.year, line.category, line.kind) for line in lines}
        for year in range(2022, 2029):
            if (year, "schulung", "konsumtiv") not in taken:
                session.add(
                    BudgetLine(
                        measure_id=measure.id,
                        year=year,
                        category="schulung",
                        kind="konsumtiv",
                        planned_cents=number,
                    )
                )
                break
    elif edit == "key":
        measure.cost_key = "population" if measure.cost_key != "population" else "equal"
        session.add(measure)
    elif edit == "participant_drop" and parts:
        session.delete(parts[number % len(parts)])
    elif edit == "participant_add":
        present = {p.municipality_id for p in parts}
        for slug in SLUGS:
            if munis[slug].id not in present:
                session.add(Participation(measure_id=measure.id, municipality_id=munis[slug].id))
                break
    elif edit == "population":
        muni = munis[SLUGS[number % len(SLUGS)]]
        muni.population = number % 50_000
        session.add(muni)
    elif edit == "grant_terms":
        grant.max_cents = number
        grant.rate_bp = number % 10_001
        grant.eligible_cents = number * 3
        session.add(grant)
    elif edit == "grant_cover":
        link = session.get(GrantMeasure, (grant.id, measure.id))
        if link is None:
            session.add(GrantMeasure(grant_id=grant.id, measure_id=measure.id))
    elif edit == "grant_uncover":
        link = session.get(GrantMeasure, (grant.id, measure.id))
        if link is not None:
            session.delete(link)
    session.flush()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=budgets(), edits=EDITS)
def test_stored_shares_equal_a_fresh_computation_after_any_edits(
    session: Session, data: dict[str, object], edits: list[tuple[str, int]]
) -> None:
    nested = session.begin_nested()
    try:
        ids, grant = _store(session, data)
        for edit, number in edits:
            _apply(session, ids, grant, edit, number)
            kept = _snapshot(session)  # brought up to date incrementally
            ledger.rebuild(session)
            assert _snapshot(session) == kept, edit
    finally:
        nested.rollback()


def test_a_measure_without_participants_is_an_issue_until_one_joins(session: Session) -> None:
    measure = session.exec(select(Measure).where(Measure.code == "HF1-M01")).one()
    parts = session.exec(select(Participation).where(Participation.measure_id == measure.id)).all()
    for part in parts:
        session.delete(part)
    session.flush()
    assert "keine beteiligten Kommunen" in ledger.compute_shares(session).issues[int(measure.id)]
    assert not ledger.compute_shares(session, measure_ids=[int(measure.id or 0)]).shares
    erbach = session.exec(select(Municipality).where(Municipality.slug == "erbach")).one()
    session.add(Participation(measure_id=measure.id, municipality_id=erbach.id))
    session.flush()
    after = ledger.compute_shares(session, measure_ids=[int(measure.id or 0)])
    assert not after.issues
    lines = session.exec(select(BudgetLine).where(BudgetLine.measure_id == measure.id)).all()
    assert sum(s.gross_cents for s in after.shares) == sum(line.planned_cents for line in lines)
    assert {s.municipality_id for s in after.shares} == {erbach.id}


def test_deleting_a_measures_last_budget_line_takes_it_out_of_the_totals(
    session: Session,
) -> None:
    """The line's shares go with it (cascade); the municipalities' totals must follow."""
    template = session.exec(select(Measure).where(Measure.code == "HF1-M01")).one()
    measure = Measure(
        strategy_id=template.strategy_id,
        action_field_id=template.action_field_id,
        code="HF1-M99",
        title="Nur eine Budgetposition",
        lead_municipality_id=template.lead_municipality_id,
    )
    session.add(measure)
    session.flush()
    munis = session.exec(select(Municipality).order_by(col(Municipality.id))).all()[:2]
    for muni in munis:
        session.add(Participation(measure_id=measure.id, municipality_id=muni.id))
    owners = sorted(int(m.id or 0) for m in munis)
    line = BudgetLine(
        measure_id=measure.id, year=2033, category="software", kind="investiv", planned_cents=999
    )
    session.add(line)
    session.commit()

    def totals() -> dict[int, int]:
        rows = session.exec(
            select(BudgetTotal).where(BudgetTotal.year == 2033, BudgetTotal.kind == "investiv")
        ).all()
        return {row.municipality_id: row.gross_cents for row in rows}

    assert sorted(totals()) == owners
    assert sum(totals().values()) == 999
    session.delete(line)
    session.commit()
    assert totals() == {}


def test_the_ledger_is_built_for_a_database_that_has_lines_but_no_shares(
    session: Session,
) -> None:
    expected = _snapshot(session)
    session.exec(text("DELETE FROM budget_share"))  # type: ignore[call-overload]
    session.exec(text("DELETE FROM ledger_issue"))  # type: ignore[call-overload]
    session.exec(text("DELETE FROM budget_total"))  # type: ignore[call-overload]
    assert ledger.build_if_missing(session)
    assert _snapshot(session) == expected
    assert not ledger.build_if_missing(session)  # a built ledger is left alone
    assert session.exec(select(col(BudgetShare.id))).first() is not None
    assert session.exec(select(col(LedgerIssue.measure_id))).first() is None

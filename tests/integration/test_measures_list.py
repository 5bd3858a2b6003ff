"""The measures list: every filter and the search narrow it exactly as a user expects."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlmodel import Session, select

from app.finance.models import BudgetLine
from app.municipalities.models import Municipality
from app.pages.measure_list.filters import MeasureFilter
from app.pages.measure_list.queries import measure_page
from app.portfolio.models import ActionField, Measure, Participation


def _all_codes(session: Session, flt: MeasureFilter) -> list[str]:
    """Every code the list shows for ``flt``, across all pages."""
    codes: list[str] = []
    page = 1
    while True:
        result = measure_page(session, MeasureFilter(**{**flt.__dict__, "seite": page}))
        codes.extend(row.measure.code for row in result.rows)
        if page >= result.pages:
            return codes
        page += 1


def _measures(session: Session) -> list[Measure]:
    return list(session.exec(select(Measure).where(Measure.archived == False)).all())  # noqa: E712


def test_unfiltered_list_shows_every_active_measure_once(session: Session) -> None:
    codes = _all_codes(session, MeasureFilter())
    expected = sorted(m.code for m in _measures(session))
    assert len(expected) >= 15
    assert codes == expected


def test_municipality_filter_lists_lead_and_participating_measures(session: Session) -> None:
    for municipality in session.exec(select(Municipality)).all():
        involved = {
            p.measure_id
            for p in session.exec(
                select(Participation).where(Participation.municipality_id == municipality.id)
            )
        }
        expected = sorted(
            m.code
            for m in _measures(session)
            if m.id in involved or m.lead_municipality_id == municipality.id
        )
        got = _all_codes(session, MeasureFilter(kommune=municipality.slug))
        assert got == expected, municipality.slug
    brombachtal = _all_codes(session, MeasureFilter(kommune="brombachtal"))
    assert 0 < len(brombachtal) < len(_measures(session)), "Brombachtal takes part in some only"


def test_unknown_municipality_shows_nothing(session: Session) -> None:
    assert _all_codes(session, MeasureFilter(kommune="darmstadt")) == []


@pytest.mark.parametrize(
    ("attribute", "filter_name"),
    [("status", "status"), ("traffic_light", "ampel"), ("priority", "prioritaet")],
)
def test_enumeration_filters(session: Session, attribute: str, filter_name: str) -> None:
    values = {getattr(m, attribute) for m in _measures(session)}
    assert len(values) >= 2, "the seed should vary this attribute"
    for value in values:
        expected = sorted(m.code for m in _measures(session) if getattr(m, attribute) == value)
        got = _all_codes(session, MeasureFilter(**{filter_name: value}))
        assert got == expected
        assert 0 < len(got) < len(_measures(session)) or len(values) == 1


def test_action_field_filter(session: Session) -> None:
    fields = session.exec(select(ActionField)).all()
    for field in fields:
        expected = sorted(m.code for m in _measures(session) if m.action_field_id == field.id)
        assert _all_codes(session, MeasureFilter(feld=field.code)) == expected


def test_year_filter_uses_plan_period_and_budget_years(session: Session) -> None:
    budget_years: dict[int, set[int]] = {}
    for line in session.exec(select(BudgetLine)).all():
        budget_years.setdefault(line.measure_id, set()).add(line.year)
    for year in (2022, 2024, 2026, 2028):
        first, last = date(year, 1, 1), date(year, 12, 31)
        expected = sorted(
            m.code
            for m in _measures(session)
            if (
                m.planned_start is not None
                and m.planned_start <= last
                and (m.planned_end is None or m.planned_end >= first)
            )
            or year in budget_years.get(int(m.id or 0), set())
        )
        assert _all_codes(session, MeasureFilter(jahr=year)) == expected, year


def test_example_data_filter(session: Session) -> None:
    examples = sorted(m.code for m in _measures(session) if m.example)
    real = sorted(m.code for m in _measures(session) if not m.example)
    assert examples and real, "the seed holds both real and illustrative measures"
    assert _all_codes(session, MeasureFilter(beispiel="ja")) == examples
    assert _all_codes(session, MeasureFilter(beispiel="nein")) == real


def test_search_over_code_title_and_goal(session: Session) -> None:
    measures = _measures(session)
    sample = measures[0]
    assert _all_codes(session, MeasureFilter(q=sample.code.lower())) == [sample.code]
    word = max(re.findall(r"\w{6,}", sample.title), key=len)
    expected = sorted(
        m.code for m in measures if word.casefold() in f"{m.code} {m.title} {m.goal}".casefold()
    )
    assert sample.code in _all_codes(session, MeasureFilter(q=word.upper()))
    assert _all_codes(session, MeasureFilter(q=word)) == expected
    assert _all_codes(session, MeasureFilter(q="zzzz-gibt-es-nicht")) == []


def test_filters_combine(session: Session) -> None:
    flt = MeasureFilter(kommune="michelstadt", status="in_umsetzung")
    both = set(_all_codes(session, flt))
    assert both == set(_all_codes(session, MeasureFilter(kommune="michelstadt"))) & set(
        _all_codes(session, MeasureFilter(status="in_umsetzung"))
    )


def test_sorting_by_title_follows_german_rules(session: Session) -> None:
    from app.core.formatting import german_sort_key

    codes = _all_codes(session, MeasureFilter(sort="titel"))
    titles = {m.code: m.title for m in _measures(session)}
    keys = [german_sort_key(titles[c]) for c in codes]
    assert keys == sorted(keys)
    descending = _all_codes(session, MeasureFilter(sort="fortschritt", richtung="ab"))
    progress = {m.code: m.progress for m in _measures(session)}
    values = [progress[c] for c in descending]
    assert values == sorted(values, reverse=True)


def test_pagination_splits_without_loss(session: Session) -> None:
    first = measure_page(session, MeasureFilter())
    assert len(first.rows) <= 20
    assert first.total == len(_measures(session))
    assert first.pages == -(-first.total // 20)


def test_filter_roundtrip_through_query_parameters() -> None:
    flt = MeasureFilter.from_params(
        {"kommune": "erbach", "status": "rot", "ampel": "rot", "jahr": "2025", "seite": "x"}
    )
    assert flt.kommune == "erbach"
    assert flt.status == "", "an unknown status is ignored, not an error"
    assert flt.ampel == "rot"
    assert flt.jahr == 2025
    assert flt.seite == 1
    assert MeasureFilter.from_params(flt.params()) == flt


def test_at_a_glance_filters_match_the_row_markers(session: Session) -> None:
    everything = []
    page = 1
    while True:
        result = measure_page(session, MeasureFilter(seite=page))
        everything.extend(result.rows)
        if page >= result.pages:
            break
        page += 1
    overdue = sorted(r.measure.code for r in everything if r.overdue_milestones)
    missing = sorted(r.measure.code for r in everything if r.report_missing)
    assert overdue and missing, "the seed has overdue milestones and stale reports"
    assert _all_codes(session, MeasureFilter(ueberfaellig=True)) == overdue
    assert _all_codes(session, MeasureFilter(ohne_bericht=True)) == missing

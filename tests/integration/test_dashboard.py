"""Dashboard: figures equal independent computations from the seed, filters, query count, tables."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.core.timeutil import as_aware, today
from app.finance.models import BudgetLine, Drawdown, Grant
from app.finance.queries.budget import default_year
from app.municipalities.models import Municipality
from app.portfolio.models import (
    Measure,
    Milestone,
    Participation,
    ProjectPlan,
    StatusReport,
)
from tests.integration.conftest import StatementCounter

BERLIN_ZONE = ZoneInfo("Europe/Berlin")

SLUGS = ("erbach", "michelstadt", "oberzent", "brombachtal")
PANELS = (
    "kennzahlen",
    "fortschritt",
    "status",
    "budget",
    "foerderung",
    "zeitplan",
    "wirkung",
    "risiken",
)
CHARTS = ("chart-fortschritt", "chart-status", "chart-budget", "chart-foerderung", "chart-zeitplan")
INACTIVE = {"abgeschlossen", "verworfen"}


def _figure(html: str, name: str) -> str:
    match = re.search(rf'data-figure="{re.escape(name)}">([^<]*)<', html)
    assert match, f"figure {name} not on the page"
    return unescape(match.group(1)).strip()


def _int(text: str) -> int:
    return int(text.replace(".", "").replace("\xa0", ""))


def _cents(text: str) -> int:
    digits = text.replace("€", "").replace("\xa0", "").replace(" ", "").replace(".", "")
    euros, cents = digits.split(",")
    return int(euros) * 100 + int(cents)


def _involved(session: Session, slug: str | None) -> list[Measure]:
    measures = session.exec(select(Measure).where(col(Measure.archived).is_(False))).all()
    if slug is None:
        return list(measures)
    municipality = session.exec(select(Municipality).where(Municipality.slug == slug)).one()
    parts = {
        p.measure_id
        for p in session.exec(
            select(Participation).where(Participation.municipality_id == municipality.id)
        ).all()
    }
    return [m for m in measures if m.lead_municipality_id == municipality.id or m.id in parts]


def _expected_counts(session: Session, slug: str | None) -> dict[str, int]:
    measures = _involved(session, slug)
    ids = {m.id for m in measures}
    expected: dict[str, int] = {}
    for status in ("geplant", "in_umsetzung", "abgeschlossen", "zurueckgestellt", "verworfen"):
        expected[f"status-{status}"] = sum(1 for m in measures if m.status == status)
    expected["light-rot"] = sum(1 for m in measures if m.traffic_light == "rot")
    expected["light-gelb"] = sum(1 for m in measures if m.traffic_light == "gelb")
    plans = {p.id: p.measure_id for p in session.exec(select(ProjectPlan)).all()}
    expected["overdue-milestones"] = sum(
        1
        for ms in session.exec(select(Milestone)).all()
        if plans[ms.plan_id] in ids
        and ms.done_on is None
        and not ms.archived
        and ms.due_on is not None
        and ms.due_on < today()
    )
    last: dict[int, datetime] = {}
    for report in session.exec(select(StatusReport)).all():
        at = as_aware(report.reported_at)
        if report.measure_id not in last or at > last[report.measure_id]:
            last[report.measure_id] = at
    # whole days: a report from the start (in Germany) of the day 90 days ago on is recent
    cutoff = datetime.combine(today() - timedelta(days=90), time(), tzinfo=BERLIN_ZONE)
    expected["stale-reports"] = sum(
        1
        for m in measures
        if m.status not in INACTIVE and (m.id not in last or last[int(m.id or 0)] < cutoff)
    )
    return expected


@pytest.mark.parametrize("slug", [None, *SLUGS])
def test_counts_equal_an_independent_computation(
    signed_in: TestClient, session: Session, slug: str | None
) -> None:
    html = signed_in.get("/dashboard", params={"kommune": slug or "alle"}).text
    expected = _expected_counts(session, slug)
    assert sum(v for k, v in expected.items() if k.startswith("status-")) > 0
    for name, value in expected.items():
        assert _int(_figure(html, name)) == value, name


def _released(session: Session) -> set[tuple[int, int]]:
    """(measure, municipality) pairs whose latest deciding beschließend step agreed, computed
    here from the rows (independently of the application's query)."""
    from app.councils.models import CouncilSession, Deliberation, Proposal, ProposalMeasure

    latest: dict[tuple[int, int], tuple[object, int, str]] = {}
    rows = session.exec(
        select(
            ProposalMeasure.measure_id,
            Proposal.municipality_id,
            CouncilSession.held_on,
            Deliberation.id,
            Deliberation.result,
        )
        .join(Proposal, Proposal.id == ProposalMeasure.proposal_id)
        .join(Deliberation, Deliberation.proposal_id == Proposal.id)
        .join(CouncilSession, CouncilSession.id == Deliberation.session_id)
        .where(Deliberation.role == "beschliessend")
    ).all()
    for measure_id, municipality_id, held_on, step_id, result in rows:
        if result not in ("zugestimmt", "geaendert_zugestimmt", "abgelehnt"):
            continue
        key = (measure_id, municipality_id)
        if key not in latest or (held_on, step_id) > latest[key][:2]:
            latest[key] = (held_on, step_id, result)
    return {key for key, (_d, _i, result) in latest.items() if result != "abgelehnt"}


def test_pending_approvals_per_municipality(signed_in: TestClient, session: Session) -> None:
    html = signed_in.get("/dashboard?kommune=alle").text
    agreed = _released(session)
    for slug in SLUGS:
        municipality = session.exec(select(Municipality).where(Municipality.slug == slug)).one()
        expected = sum(
            1
            for m in _involved(session, slug)
            if m.status not in INACTIVE and (m.id, municipality.id) not in agreed
        )
        assert _int(_figure(html, f"pending-{slug}")) == expected, slug


def test_budget_of_the_whole_ikz_equals_the_sum_of_the_lines(
    signed_in: TestClient, session: Session
) -> None:
    year = default_year(session=session)
    html = signed_in.get("/dashboard", params={"jahr": year, "kommune": "alle"}).text
    lines = session.exec(select(BudgetLine).where(BudgetLine.year == year)).all()
    assert lines, "the seed has budget lines in the default year"
    assert _cents(_figure(html, "budget-planned")) == sum(line.planned_cents for line in lines)
    assert _cents(_figure(html, "budget-approved")) == sum(
        line.approved_cents or 0 for line in lines
    )
    assert _cents(_figure(html, "budget-actual")) == sum(line.actual_cents or 0 for line in lines)


@pytest.mark.parametrize("slug", SLUGS)
def test_municipal_budget_equals_the_budget_api(signed_in: TestClient, slug: str) -> None:
    for year in (2024, 2025):
        html = signed_in.get("/dashboard", params={"kommune": slug, "jahr": year}).text
        body = signed_in.get("/api/v1/budget", params={"municipality": slug, "year": year}).json()
        lines = body["lines"]
        assert _cents(_figure(html, "budget-planned")) == body["totals"]["gross_cents"]
        assert _cents(_figure(html, "budget-approved")) == sum(
            line["approved_cents"] or 0 for line in lines
        )
        assert _cents(_figure(html, "budget-actual")) == sum(
            line["actual_cents"] or 0 for line in lines
        )


def test_funding_figures_equal_grants_and_drawdowns(
    signed_in: TestClient, session: Session
) -> None:
    html = signed_in.get("/dashboard?kommune=alle").text
    granted = sum(g.max_cents for g in session.exec(select(Grant)).all())
    drawn = sum(d.amount_cents for d in session.exec(select(Drawdown)).all())
    assert granted > 0
    assert _cents(_figure(html, "funding-granted")) == granted
    assert _cents(_figure(html, "funding-drawn")) == drawn
    assert _cents(_figure(html, "funding-remaining")) == granted - drawn


def _panel(client: TestClient, name: str, **params: str) -> str:
    response = client.get(
        "/dashboard", params={"teil": name, **params}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "<html" not in response.text, "a panel request returns the fragment only"
    return response.text


def test_municipality_filter_changes_every_panel(signed_in: TestClient) -> None:
    for name in PANELS:
        whole = _panel(signed_in, name)
        brombachtal = _panel(signed_in, name, kommune="brombachtal")
        assert whole != brombachtal, f"panel {name} ignores the municipality"


def test_panels_keep_drill_down_links_filtered(signed_in: TestClient) -> None:
    html = _panel(signed_in, "kennzahlen", kommune="brombachtal", feld="HF1")
    links = re.findall(r'href="(/massnahmen\?[^"]*)"', html)
    assert links
    assert all("kommune=brombachtal" in unescape(link) for link in links)
    assert any("status=in_umsetzung" in unescape(link) for link in links)
    assert any("ampel=rot" in unescape(link) for link in links)


def test_unknown_filter_values_are_refused(signed_in: TestClient) -> None:
    assert signed_in.get("/dashboard", params={"kommune": "darmstadt"}).status_code == 422
    assert signed_in.get("/dashboard", params={"jahr": "19"}).status_code == 422


def test_every_chart_has_summary_data_and_table(signed_in: TestClient) -> None:
    html = signed_in.get("/dashboard").text
    for chart in CHARTS:
        assert f'id="{chart}-summary"' in html, chart
        assert f'<script type="application/json" id="{chart}-data"' in html, chart
        table = re.search(
            rf'<table[^>]*data-chart-table="{chart}"[^>]*>(.*?)</table>', html, re.DOTALL
        )
        assert table, f"{chart} has no data table"
        assert "<tbody>" in table.group(1) and "<tr>" in table.group(1)
    assert "<script>" not in html, "no inline scripts (CSP)"
    assert "style=" not in html, "no inline styles (CSP)"


def test_print_view_has_date_and_data_state(signed_in: TestClient) -> None:
    html = signed_in.get("/dashboard", params={"druck": "1", "kommune": "oberzent"}).text
    assert f"Stand: {today():%d.%m.%Y}" in html
    assert "Datenstand" in html
    assert "dashboard--print" in html
    assert html.count('<details class="dash-table" open>') == len(CHARTS)


def test_plotly_is_served_by_the_app_and_kept_for_a_year(signed_in: TestClient) -> None:
    url = re.search(
        r'data-plotly-src="(/static/vendor/plotly/[^"]+)"', signed_in.get("/dashboard").text
    )
    assert url is not None, (
        "the dashboard names the partial plotly.js bundle from our files for charts.js to load"
    )
    response = signed_in.get(url.group(1))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert b"plotly.js" in response.content[:300]
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.headers.get("content-encoding") == "gzip", "sent compressed"


def test_dashboard_needs_sign_in(client: TestClient) -> None:
    response = client.get("/dashboard", follow_redirects=False)
    assert response.status_code in (302, 303)
    assert "/login" in response.headers["location"]


# --- query count --------------------------------------------------------------------------------


def _statements(
    client: TestClient, counter: StatementCounter, url: str, *, from_cache: bool = False
) -> int:
    """Statements of the second of two identical requests (the first may refresh the session),
    with the panels computed afresh unless ``from_cache``."""
    for _ in range(2):
        if not from_cache:
            client.app.state.panel_cache.clear()  # type: ignore[attr-defined]
        counter.count = 0
        counter.statements = []
        response = client.get(url)
        assert response.status_code == 200
    return counter.count


def _grow_tenfold(session: Session) -> int:
    """Add nine times the seed's measures, each with participants, plan, reports and lines."""
    existing = session.exec(select(Measure).where(col(Measure.archived).is_(False))).all()
    munis = session.exec(select(Municipality).order_by(col(Municipality.id))).all()
    template = existing[0]
    added = 0
    for copy in range(9):
        for n, original in enumerate(existing):
            measure = Measure(
                strategy_id=original.strategy_id,
                action_field_id=original.action_field_id,
                code=f"GEN{copy}-{n:03d}",
                title=f"Generierte Maßnahme {copy}/{n}",
                lead_municipality_id=munis[n % len(munis)].id or 0,
                status=original.status,
                progress=(n * 7) % 101,
                traffic_light=("gruen", "gelb", "rot")[n % 3],
                planned_start=date(2025, 1, 1),
                planned_end=date(2027, 6, 30),
                example=True,
                cost_key=template.cost_key if template.cost_key != "custom" else "equal",
            )
            session.add(measure)
            session.flush()
            mid = int(measure.id or 0)
            for municipality in munis[: 2 + n % 3]:
                session.add(Participation(measure_id=mid, municipality_id=municipality.id or 0))
            plan = ProjectPlan(measure_id=mid)
            session.add(plan)
            session.flush()
            session.add(Milestone(plan_id=plan.id or 0, title="Start", due_on=date(2025, 3, 1)))
            session.add(
                StatusReport(
                    measure_id=mid,
                    status=measure.status,
                    progress=measure.progress,
                    traffic_light=measure.traffic_light,
                    summary="Generiert",
                    reported_at=datetime(2025, 1, 1, tzinfo=UTC),
                )
            )
            session.add(
                BudgetLine(
                    measure_id=mid,
                    year=2025,
                    category="software",
                    kind="konsumtiv",
                    planned_cents=123_456,
                    actual_cents=10_001,
                )
            )
            added += 1
    session.commit()  # as the app commits a change: the ledger and the data generation follow
    return added


def test_query_count_does_not_grow_with_the_number_of_measures(
    signed_in: TestClient, session: Session, counter: StatementCounter
) -> None:
    urls = ["/dashboard?kommune=alle", "/dashboard?kommune=brombachtal&jahr=2025"]
    before = [_statements(signed_in, counter, url) for url in urls]
    measures_before = len(session.exec(select(Measure)).all())
    added = _grow_tenfold(session)
    assert added >= 9 * (measures_before - 1) > 0
    after = [_statements(signed_in, counter, url) for url in urls]
    again = [_statements(signed_in, counter, url, from_cache=True) for url in urls]
    print(f"dashboard statements per request: {before} (seed) → {after} (×10 measures)")
    print(f"… with the panels from the cache: {again}")
    assert after == before
    assert max(after) < 80
    assert max(again) <= min(after) // 2  # nothing changed: the panels come from the cache


def test_with_many_municipalities_the_busiest_are_shown_and_the_rest_named(
    signed_in: TestClient, session: Session
) -> None:
    """Beyond 20 municipalities the status panel and the pending list show the 20 busiest."""
    template = session.exec(select(Measure).where(col(Measure.archived).is_(False))).first()
    assert template is not None
    for n in range(25):
        muni = Municipality(
            slug=f"viele-{n:02d}",
            name=f"Vielgemeinde {n:02d}",
            kind="Gemeinde",
            executive_body="Gemeindevorstand",
            council="Gemeindevertretung",
            population=1000,
            population_date=date(2023, 12, 31),
            population_source="Test",
        )
        session.add(muni)
        session.flush()
        for k in range(n % 3):  # 0, 1 or 2 measures each
            session.add(
                Measure(
                    strategy_id=template.strategy_id,
                    action_field_id=template.action_field_id,
                    code=f"VIEL-{n:02d}-{k}",
                    title="Viele Kommunen",
                    lead_municipality_id=int(muni.id or 0),
                    status="in_umsetzung",
                )
            )
    session.flush()
    html = signed_in.get("/dashboard?kommune=alle").text
    status_panel = html[html.index('id="panel-status"') : html.index('id="panel-budget"')]
    # the four seed municipalities carry most measures; "Vielgemeinde 00" (none) is left out
    assert "Gezeigt sind die 20 Kommunen mit den meisten Maßnahmen; 9 weitere" in status_panel
    assert "Erbach" in status_panel and "Vielgemeinde 02" in status_panel
    assert "Vielgemeinde 00" not in status_panel
    assert status_panel.count("<tr") == 21  # header and 20 municipalities
    assert "9 weitere finden Sie über den Filter" in html
    assert html.count('data-figure="pending-') == 20
    # one municipality chosen: its own figures, no note
    single = signed_in.get("/dashboard?kommune=viele-00").text
    assert "weitere finden Sie" not in single


def test_open_decisions_follow_the_latest_deciding_step(
    client: TestClient, session: Session
) -> None:
    """Agreed, then refused, then an agreement dated before that refusal, then agreed again:
    the latest deciding beschließend step (by session date) tells whether the measure counts
    among Michelstadt's open decisions, in the whole IKZ and in Michelstadt's own view."""
    from tests.conftest import sign_in
    from tests.integration.test_history_readable import record_decision

    sign_in(client, "hauptamt.michelstadt")
    code = next(m.code for m in _involved(session, "michelstadt") if m.status not in INACTIVE)

    def open_decisions() -> tuple[int, int]:
        whole = client.get("/dashboard?kommune=alle").text
        own = client.get("/dashboard?kommune=michelstadt").text
        return _int(_figure(whole, "pending-michelstadt")), _int(
            _figure(own, "pending-michelstadt")
        )

    record_decision(client, "michelstadt", code, "zugestimmt", "2030-02-14")
    released = open_decisions()
    record_decision(client, "michelstadt", code, "abgelehnt", "2030-03-14")
    refused = open_decisions()
    assert refused == (released[0] + 1, released[1] + 1)
    record_decision(client, "michelstadt", code, "zugestimmt", "2030-01-10")
    assert open_decisions() == refused, "an agreement dated before the refusal decides nothing"
    record_decision(client, "michelstadt", code, "vertagt", "2030-05-01")
    assert open_decisions() == refused, "a deferral decides nothing"
    record_decision(client, "michelstadt", code, "geaendert_zugestimmt", "2030-04-01")
    assert open_decisions() == released

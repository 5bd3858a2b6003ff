"""Dashboard panels come from the process's cache until the data changes, and never after."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from markupsafe import Markup
from sqlmodel import Session, col, select

from app.core import generation
from app.core.timeutil import BERLIN, today
from app.finance.models import BudgetLine, BudgetShare
from app.municipalities.models import Municipality
from app.pages.dashboard.cache import PanelCache
from app.pages.dashboard.service import PANELS
from app.portfolio.models import Measure, StatusReport
from tests.integration.test_dashboard import _cents, _figure, _int

HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _clock_stands_still(monkeypatch: pytest.MonkeyPatch) -> None:
    """Entries are keyed by the day; a test must not straddle midnight."""
    day = today()
    monkeypatch.setattr("app.pages.dashboard.routes.today", lambda: day)


def _cache(client: TestClient) -> PanelCache:
    cache: PanelCache = client.app.state.panel_cache  # type: ignore[attr-defined]
    return cache


def _erbach_measure(session: Session) -> Measure:
    erbach = session.exec(select(Municipality).where(Municipality.slug == "erbach")).one()
    measure = session.exec(
        select(Measure)
        .where(Measure.lead_municipality_id == erbach.id)
        .where(col(Measure.archived).is_(False))
        .where(col(Measure.traffic_light) != "rot")
        .where(col(Measure.status).not_in(["abgeschlossen", "verworfen"]))
        .order_by(col(Measure.code))
    ).first()
    assert measure is not None
    return measure


def test_a_status_report_shows_on_the_next_view_although_the_panels_were_cached(
    signed_in: TestClient, session: Session, api_token: Any
) -> None:
    red_before = _int(_figure(signed_in.get("/dashboard").text, "light-rot"))
    hits = _cache(signed_in).hits
    assert _int(_figure(signed_in.get("/dashboard").text, "light-rot")) == red_before
    assert _cache(signed_in).hits > hits  # the second view came from the cache

    measure = _erbach_measure(session)
    response = signed_in.post(
        f"/api/v1/measures/{measure.code}/status-reports",
        headers={"Authorization": f"Bearer {api_token('digital.erbach')}"},
        json={
            "status": "in_umsetzung",
            "progress": 40,
            "traffic_light": "rot",
            "summary": "Lieferant ausgefallen",
            "next_steps": "",
            "expected_version": measure.version,
        },
    )
    assert response.status_code == 201, response.text

    assert _int(_figure(signed_in.get("/dashboard").text, "light-rot")) == red_before + 1
    panel = signed_in.get("/dashboard?teil=kennzahlen", headers=HTMX).text
    assert _int(_figure(panel, "light-rot")) == red_before + 1


def test_a_new_budget_line_moves_the_cached_budget_figure_by_its_share(
    signed_in: TestClient, session: Session
) -> None:
    url = "/dashboard?kommune=erbach&jahr=2026"
    planned_before = _cents(_figure(signed_in.get(url).text, "budget-planned"))
    hits = _cache(signed_in).hits
    assert _cents(_figure(signed_in.get(url).text, "budget-planned")) == planned_before
    assert _cache(signed_in).hits == hits + len(PANELS)  # the second view came from the cache
    measure = _erbach_measure(session)
    line = BudgetLine(
        measure_id=int(measure.id or 0),
        year=2026,
        category="software",
        kind="konsumtiv",
        planned_cents=1_000_000_01,
    )
    session.add(line)
    session.commit()  # a unit of work like a request's: the ledger and the generation follow
    erbach = session.exec(select(Municipality).where(Municipality.slug == "erbach")).one()
    share = session.exec(
        select(BudgetShare.gross_cents)
        .where(BudgetShare.line_id == line.id)
        .where(BudgetShare.municipality_id == erbach.id)
    ).one()
    assert share > 0
    assert _cents(_figure(signed_in.get(url).text, "budget-planned")) == planned_before + share


def test_signing_in_does_not_count_as_a_change_of_data(
    signed_in: TestClient, session: Session, login: Any, client: TestClient
) -> None:
    signed_in.get("/dashboard?kommune=alle")
    data_generation = generation.current(session)
    login(client, "digital.michelstadt")
    assert generation.current(session) == data_generation
    hits = _cache(client).hits
    client.get("/dashboard?kommune=alle")
    assert _cache(client).hits == hits + len(PANELS)  # every panel from the cache


def test_a_cached_panel_is_the_panel_computed_afresh(signed_in: TestClient) -> None:
    for panel in ("kennzahlen", "status", "budget", "zeitplan"):
        url = f"/dashboard?teil={panel}&kommune=oberzent"
        _cache(signed_in).clear()
        fresh = signed_in.get(url, headers=HTMX)
        hits = _cache(signed_in).hits
        cached = signed_in.get(url, headers=HTMX)
        assert _cache(signed_in).hits == hits + 1  # the second answer did come from the cache
        assert fresh.status_code == cached.status_code == 200
        assert cached.text == fresh.text
        assert 'id="h-kennzahlen"' in fresh.text or "<figure" in fresh.text


def test_the_cache_forgets_the_least_recently_used_entry() -> None:
    cache = PanelCache(size=2)
    cache.put("a", Markup("A"))
    cache.put("b", Markup("B"))
    assert cache.get("a") == "A"  # a is now the most recent
    cache.put("c", Markup("C"))
    assert cache.get("b") is None
    assert (cache.get("a"), cache.get("c")) == ("A", "C")
    assert len(cache) == 2


def test_one_thread_computes_a_missing_entry_while_the_others_wait() -> None:
    cache = PanelCache()
    calls: list[int] = []
    started = threading.Event()

    def make() -> Markup:
        calls.append(1)
        started.set()
        time.sleep(0.3)  # long enough for every other thread to ask meanwhile
        return Markup(f"<p>{len(calls)}</p>")

    with ThreadPoolExecutor(max_workers=8) as pool:
        first = pool.submit(cache.compute, "k", make)
        assert started.wait(5)
        others = [pool.submit(cache.compute, "k", make) for _ in range(7)]
        answers = [first.result(5), *(f.result(5) for f in others)]
    assert calls == [1]
    assert answers == [Markup("<p>1</p>")] * 8
    assert cache.computed == 1


def test_a_failed_computation_leaves_the_entry_to_the_next_request() -> None:
    cache = PanelCache()

    def fail() -> Markup:
        raise RuntimeError("Datenbank weg")

    with pytest.raises(RuntimeError):
        cache.compute("k", fail)
    assert cache.compute("k", lambda: Markup("da")) == "da"


def test_later_the_same_day_the_panels_come_from_the_cache_and_the_next_day_afresh(
    signed_in: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No spike once a minute: only the day is in the key."""
    signed_in.get("/dashboard?kommune=alle")
    hits, computed = _cache(signed_in).hits, _cache(signed_in).computed
    signed_in.get("/dashboard?kommune=alle")
    assert (_cache(signed_in).hits, _cache(signed_in).computed) == (hits + len(PANELS), computed)
    tomorrow = today() + timedelta(days=1)
    monkeypatch.setattr("app.pages.dashboard.routes.today", lambda: tomorrow)
    signed_in.get("/dashboard?kommune=alle")
    assert _cache(signed_in).computed == computed + len(PANELS)


def test_a_report_turns_stale_at_midnight_of_its_ninety_first_day(
    signed_in: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The figure "no report for 90 days" counts whole days, so a day's cache entry stays true
    all day; it moves at midnight (Europe/Berlin)."""
    measure = _erbach_measure(session)
    for report in session.exec(
        select(StatusReport).where(StatusReport.measure_id == measure.id)
    ).all():
        session.delete(report)
    day = today()
    # early on the day 90 days ago: recent today, stale from tomorrow on
    early = datetime.combine(day - timedelta(days=90), dtime(0, 30), tzinfo=BERLIN)
    session.add(
        StatusReport(
            measure_id=int(measure.id or 0),
            reported_at=early.astimezone(UTC),
            status=measure.status,
            progress=measure.progress,
            traffic_light=measure.traffic_light,
            summary="Alter Bericht",
            next_steps="",
        )
    )
    session.commit()
    url = "/dashboard?kommune=erbach&teil=kennzahlen"
    today_count = _int(_figure(signed_in.get(url, headers=HTMX).text, "stale-reports"))
    monkeypatch.setattr("app.pages.dashboard.routes.today", lambda: day + timedelta(days=1))
    tomorrow_count = _int(_figure(signed_in.get(url, headers=HTMX).text, "stale-reports"))
    assert tomorrow_count == today_count + 1

"""The measures list and the measure page stay small: newest reports and changes on the page,
all of them on their own pages, and a number of statements that does not grow with the data."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.audit.models import AuditEvent
from app.audit.queries import PAGE_SIZE
from app.municipalities.models import Municipality
from app.pages.measure_page.routes import HISTORY_SHOWN
from app.portfolio.models import Measure, Participation, StatusReport
from app.portfolio.queries import REPORTS_PAGE_SIZE, REPORTS_SHOWN
from tests.integration.conftest import StatementCounter


def _measure(session: Session, slug: str = "erbach") -> Measure:
    municipality = session.exec(select(Municipality).where(Municipality.slug == slug)).one()
    return session.exec(
        select(Measure)
        .where(
            Measure.lead_municipality_id == municipality.id,
            col(Measure.archived).is_(False),
        )
        .order_by(col(Measure.code))
    ).first() or pytest.fail(f"{slug} leads no measure")


def _add_reports(session: Session, measure: Measure, count: int) -> list[str]:
    """``count`` reports a day apart in the future (so they are the newest); their summaries."""
    start = datetime.now(UTC) + timedelta(days=1)
    summaries = []
    for n in range(count):
        summary = f"Testbericht Nr. {n:03d}"
        session.add(
            StatusReport(
                measure_id=int(measure.id or 0),
                status="in_umsetzung",
                progress=n % 101,
                traffic_light="gelb",
                summary=summary,
                reported_at=start + timedelta(days=n),
            )
        )
        summaries.append(summary)
    session.flush()
    return summaries


def _report_summaries(html: str) -> list[str]:
    return re.findall(r"Testbericht Nr\. \d{3}", html)


def test_measure_page_shows_the_newest_reports_and_links_to_all(
    signed_in: TestClient, session: Session
) -> None:
    measure = _measure(session)
    summaries = _add_reports(session, measure, REPORTS_SHOWN + 5)
    page = signed_in.get(f"/massnahmen/{measure.code}").text
    shown = _report_summaries(page.split('id="berichtsverlauf"')[1].split("</ol>")[0])
    assert shown == list(reversed(summaries))[:REPORTS_SHOWN], "the newest, newest first"
    assert f'href="/massnahmen/{measure.code}/statusberichte"' in page
    assert "Alle Statusberichte anzeigen" in page

    everything = signed_in.get(f"/massnahmen/{measure.code}/statusberichte")
    assert everything.status_code == 200
    assert _report_summaries(everything.text) == list(reversed(summaries))
    total = len(
        session.exec(select(StatusReport).where(StatusReport.measure_id == measure.id)).all()
    )
    assert f"{total} Statusberichte, die neuesten zuerst" in everything.text


def test_report_pages_split_long_histories(signed_in: TestClient, session: Session) -> None:
    measure = _measure(session, "michelstadt")
    summaries = _add_reports(session, measure, REPORTS_PAGE_SIZE + 3)
    first = signed_in.get(f"/massnahmen/{measure.code}/statusberichte").text
    second = signed_in.get(f"/massnahmen/{measure.code}/statusberichte?seite=2").text
    newest_first = list(reversed(summaries))
    assert _report_summaries(first) == newest_first[:REPORTS_PAGE_SIZE]
    assert _report_summaries(second) == newest_first[REPORTS_PAGE_SIZE:]
    assert "Nächste Seite" in first and "Vorherige Seite" in second
    too_far = signed_in.get(f"/massnahmen/{measure.code}/statusberichte?seite=99")
    assert too_far.status_code == 200 and "Vorherige Seite" in too_far.text
    assert signed_in.get("/massnahmen/GIBT-ES-NICHT/statusberichte").status_code == 404


def test_few_reports_need_no_link(signed_in: TestClient, session: Session) -> None:
    measure = _measure(session)
    existing = len(
        session.exec(select(StatusReport).where(StatusReport.measure_id == measure.id)).all()
    )
    assert existing <= REPORTS_SHOWN, "the seed keeps the measure page's history short"
    page = signed_in.get(f"/massnahmen/{measure.code}").text
    assert "Alle Statusberichte anzeigen" not in page


def test_change_history_shows_the_newest_and_links_to_all(
    signed_in: TestClient, session: Session
) -> None:
    measure = _measure(session)
    _add_reports(session, measure, HISTORY_SHOWN + 5)  # each one is an audit event
    events = session.exec(select(AuditEvent).where(AuditEvent.measure_id == measure.id)).all()
    assert len(events) > HISTORY_SHOWN
    page = signed_in.get(f"/massnahmen/{measure.code}").text
    history = page.split('id="verlauf"')[1]
    assert f"Die letzten {HISTORY_SHOWN} Änderungen anzeigen" in history
    assert history.split("</tbody>")[0].count("<tr><td>") == HISTORY_SHOWN
    assert f'href="/massnahmen/{measure.code}/aenderungen"' in history

    everything = signed_in.get(f"/massnahmen/{measure.code}/aenderungen")
    assert everything.status_code == 200
    # the first page of the whole history (the seed's goals and indicators add to it)
    assert everything.text.count("<tr><td>") == min(len(events), PAGE_SIZE)
    assert f"{len(events)} Änderungen, die neuesten zuerst" in everything.text


def test_every_signed_in_reader_sees_the_history_pages(
    client: TestClient, session: Session, login: Any
) -> None:
    measure = _measure(session)
    anonymous = client.get(f"/massnahmen/{measure.code}/aenderungen", follow_redirects=False)
    assert anonymous.status_code in (302, 303)
    login(client, "digital.michelstadt")
    for path in ("aenderungen", "statusberichte"):
        assert client.get(f"/massnahmen/{measure.code}/{path}").status_code == 200


# --- statements per request ----------------------------------------------------------------------


def _statements(client: TestClient, counter: StatementCounter, url: str) -> int:
    """Statements of the second of two identical requests (the first may refresh the session)."""
    for _ in range(2):
        counter.count = 0
        assert client.get(url).status_code == 200
    return counter.count


def _grow(session: Session, lead: Measure, copies: int) -> None:
    """More measures for the lead's municipality, each with participants and reports."""
    munis = session.exec(select(Municipality).order_by(col(Municipality.id))).all()
    for n in range(copies):
        measure = Measure(
            strategy_id=lead.strategy_id,
            action_field_id=lead.action_field_id,
            code=f"ZZ-{n:03d}",
            title=f"Zusätzliche Maßnahme {n}",
            lead_municipality_id=lead.lead_municipality_id,
            status="in_umsetzung",
            example=True,
        )
        session.add(measure)
        session.flush()
        for municipality in munis:
            session.add(Participation(measure_id=measure.id or 0, municipality_id=municipality.id))
        _add_reports(session, measure, 3)
    _add_reports(session, lead, 60)


def test_statements_do_not_grow_with_the_data(
    signed_in: TestClient, session: Session, counter: StatementCounter
) -> None:
    measure = _measure(session)
    urls = [
        "/massnahmen?kommune=erbach&status=in_umsetzung",
        "/massnahmen?kommune=erbach&status=geplant&seite=2",
        "/massnahmen",
        f"/massnahmen/{measure.code}",
    ]
    before = [_statements(signed_in, counter, url) for url in urls]
    _grow(session, measure, 45)
    after = [_statements(signed_in, counter, url) for url in urls]
    assert after == before
    list_statements, measure_page_statements = max(after[:3]), after[3]
    # 12, and two for the Beschluss column and its Magistratsvorbehalt (participants, steps).
    assert list_statements <= 14
    # The budget section (finance) brings most of the measure page's statements.
    assert measure_page_statements <= 45


def test_htmx_list_fragment_skips_the_filter_form(
    signed_in: TestClient, counter: StatementCounter
) -> None:
    full = _statements(signed_in, counter, "/massnahmen?kommune=erbach")
    counter.count = 0
    fragment = signed_in.get("/massnahmen?kommune=erbach", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and 'id="f-kommune"' not in fragment.text
    assert counter.count < full


def test_api_measure_carries_the_newest_report_after_a_post(
    client: TestClient, session: Session, api_token: Any
) -> None:
    measure = _measure(session, "michelstadt")
    _add_reports(session, measure, 3)
    headers = {"Authorization": f"Bearer {api_token('digital.michelstadt')}"}
    body = {
        "status": "in_umsetzung",
        "progress": 40,
        "traffic_light": "gruen",
        "summary": "Neuester Bericht",
        "expected_version": measure.version,
    }
    answer = client.post(
        f"/api/v1/measures/{measure.code}/status-reports", json=body, headers=headers
    )
    assert answer.status_code == 201
    # The reports added above lie in the future; the newest by time stays the newest.
    assert answer.json()["latest_status_report"]["summary"] == "Testbericht Nr. 002"
    assert answer.json()["lead"] == "michelstadt"

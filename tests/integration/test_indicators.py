"""Goals and indicators: a user defines an indicator, enters values and sees the card change;
both are in the API and the audit trail; who may enter values; stale versions get 409."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.indicators.models import Indicator
from tests.integration.test_status_reports import measure_of


def indicator_form(**changes: str) -> dict[str, str]:
    data = {
        "goal": "Verwaltungsvorgänge digital bearbeiten",
        "name": "Anteil der Vorgänge in der eAkte",
        "definition": "Vorgänge in der eAkte geteilt durch alle neuen Vorgänge eines Monats",
        "unit": "%",
        "direction": "steigend",
        "baseline_value": "20",
        "baseline_on": "01.01.2025",
        "target_value": "80",
        "target_on": "31.12.2027",
        "source": "Auswertung des DMS",
        "municipality": "erbach",
    }
    data.update(changes)
    return data


def define(client: TestClient, code: str, **changes: str) -> int:
    response = client.post(
        f"/massnahmen/{code}/indikatoren/neu",
        data=indicator_form(**changes),
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    match = re.search(r"/indikatoren/(\d+)", response.headers["location"])
    assert match
    return int(match.group(1))


def test_officer_defines_indicator_enters_value_and_the_card_changes(
    client: TestClient, session: Session, login: Any
) -> None:
    login(client, "digital.erbach")
    code = measure_of(session, "erbach").code
    indicator_id = define(client, code)

    page = client.get(f"/massnahmen/{code}")
    assert "Anteil der Vorgänge in der eAkte" in page.text
    assert "Noch kein Messwert; Ausgangswert 20 % am 01.01.2025" in page.text

    card = client.get(f"/indikatoren/{indicator_id}")
    version = re.search(r'name="expected_version" value="(\d+)"', card.text)
    assert version
    saved = client.post(
        f"/indikatoren/{indicator_id}/werte",
        data={
            "measured_on": "01.07.2026",
            "value": "62",
            "note": "Stichprobe Juli",
            "expected_version": version.group(1),
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    after = client.get(f"/indikatoren/{indicator_id}").text
    assert "62 % von 80 % erreicht, Ziel bis 31.12.2027" in after
    assert "Der Messwert wurde gespeichert." in after
    # the chart shows the value as a mark, the table names it
    assert after.count('data-mark="value"') == 1
    assert "Stichprobe Juli" in after

    events = session.exec(
        select(AuditEvent).where(AuditEvent.entity.in_(["indicator", "indicator_value", "goal"]))  # type: ignore[attr-defined]
    ).all()
    entities = {e.entity for e in events}
    assert {"goal", "indicator", "indicator_value"} <= entities
    history = client.get(f"/massnahmen/{code}/aenderungen").text
    assert "Messwert" in history and "62" in history


def test_indicator_behind_its_path_is_flagged(
    client: TestClient, session: Session, login: Any
) -> None:
    login(client, "admin")
    code = measure_of(session, "erbach").code
    indicator_id = define(
        client,
        code,
        name="Geschulte Beschäftigte",
        unit="Beschäftigte",
        baseline_value="0",
        target_value="120",
    )
    version = session.get(Indicator, indicator_id)
    assert version is not None
    response = client.post(
        f"/api/v1/indicators/{indicator_id}/values",
        json={
            "measured_on": "2027-06-30",
            "value": 1000,
            "note": "",
            "expected_version": version.version,
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["behind_plan"] is True
    assert body["summary"].startswith("10 von 120 Beschäftigte erreicht")
    page = client.get(f"/massnahmen/{code}").text
    assert 'data-flag="hinter-plan"' in page
    # the dashboard counts it, from the flag the indicator keeps, and shows its card first
    dashboard = client.get("/dashboard?kommune=erbach").text
    behind = re.search(r'data-figure="indicators-behind">(\d+)<', dashboard)
    assert behind and int(behind.group(1)) >= 1
    panel = dashboard.split('id="panel-wirkung"', 1)[1]
    first_card = panel.split("<article", 2)[1]
    assert 'data-flag="hinter-plan"' in first_card


def test_api_create_update_and_stale_version(
    client: TestClient, session: Session, api_token: Any
) -> None:
    code = measure_of(session, "michelstadt").code
    headers = {"Authorization": f"Bearer {api_token('digital.michelstadt')}"}
    body = {
        "goal": "Mehr Leistungen online",
        "name": "Online-Dienste im Betrieb",
        "definition": "",
        "unit": "Anzahl",
        "direction": "steigend",
        "baseline_value": 300,
        "baseline_on": "2025-01-01",
        "target_value": 2500,
        "target_on": "2028-12-31",
        "source": "Portalverbund",
        "municipality": "michelstadt",
        "example": True,
    }
    created = client.post(f"/api/v1/measures/{code}/indicators", json=body, headers=headers)
    assert created.status_code == 201, created.text
    ident = created.json()["id"]
    listed = client.get(f"/api/v1/measures/{code}/indicators", headers=headers).json()
    assert [i["name"] for i in listed] == ["Online-Dienste im Betrieb"]
    changed = client.put(
        f"/api/v1/indicators/{ident}",
        json=body | {"target_value": 3000, "expected_version": 1},
        headers=headers,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["target_value"] == 3000
    assert changed.json()["version"] == 2, "one change moves the version once"
    stale = client.put(
        f"/api/v1/indicators/{ident}",
        json=body | {"target_value": 4000, "expected_version": 1},
        headers=headers,
    )
    assert stale.status_code == 409
    assert stale.json()["current"]["target_value"] == 3000
    bad = client.post(
        f"/api/v1/indicators/{ident}/values",
        json={"measured_on": "2026-01-01", "value": -5, "note": "", "expected_version": 2},
        headers=headers,
    )
    assert bad.status_code == 422
    assert "negativ" in bad.json()["errors"]["value"]


def test_who_may_enter_values(client: TestClient, session: Session, api_token: Any) -> None:
    code = measure_of(session, "erbach").code
    admin = {"Authorization": f"Bearer {api_token('admin')}"}
    body = {
        "goal": "Beschäftigte sicher im Umgang mit der eAkte",
        "name": "Geschulte Beschäftigte",
        "definition": "",
        "unit": "Beschäftigte",
        "direction": "steigend",
        "baseline_value": 0,
        "baseline_on": "2025-01-01",
        "target_value": 12000,
        "target_on": "2027-12-31",
        "source": "",
        "municipality": "erbach",
        "example": False,
    }
    ident = client.post(f"/api/v1/measures/{code}/indicators", json=body, headers=admin).json()[
        "id"
    ]
    value = {"measured_on": "2026-01-01", "value": 100, "note": "", "expected_version": 1}
    for username in ("leser", "hauptamt.erbach", "digital.oberzent"):
        headers = {"Authorization": f"Bearer {api_token(username)}"}
        refused = client.post(f"/api/v1/indicators/{ident}/values", json=value, headers=headers)
        assert (
            refused.status_code in (403, 404) if username == "leser" else refused.status_code == 403
        )
    officer = {"Authorization": f"Bearer {api_token('digital.erbach')}"}
    ok = client.post(f"/api/v1/indicators/{ident}/values", json=value, headers=officer)
    assert ok.status_code == 201, ok.text
    assert ok.json()["version"] == 2, "one entry moves the version once"
    again = client.post(
        f"/api/v1/indicators/{ident}/values", json=value | {"expected_version": 2}, headers=officer
    )
    assert again.status_code == 422
    assert "bereits ein Wert" in again.json()["errors"]["measured_on"]


def test_bad_form_input_gets_german_messages_and_stores_nothing(
    client: TestClient, session: Session, login: Any
) -> None:
    login(client, "digital.erbach")
    code = measure_of(session, "erbach").code
    before = len(session.exec(select(Indicator)).all())
    response = client.post(
        f"/massnahmen/{code}/indikatoren/neu",
        data=indicator_form(target_on="01.01.2024", baseline_value="zwanzig"),
    )
    assert response.status_code == 422
    assert "Bitte eine Zahl wie 1.234,5 eingeben" in response.text
    response = client.post(
        f"/massnahmen/{code}/indikatoren/neu", data=indicator_form(target_on="01.01.2024")
    )
    assert response.status_code == 422
    assert "Das Zieldatum muss nach dem Datum des Ausgangswerts liegen." in response.text
    assert len(session.exec(select(Indicator)).all()) == before


def test_action_field_and_dashboard_show_the_cards(
    client: TestClient, session: Session, login: Any
) -> None:
    login(client, "admin")
    code = measure_of(session, "erbach").code
    define(client, code, name="Indikator fürs Dashboard")
    page = client.get("/strategie").text
    match = re.search(r'href="(/strategie/handlungsfelder/[^"]+)"', page)
    assert match
    field = client.get(match.group(1))
    assert field.status_code == 200
    dashboard = client.get("/dashboard?kommune=erbach").text
    assert "Indikator fürs Dashboard" in dashboard
    other = client.get("/dashboard?kommune=oberzent").text
    assert "Indikator fürs Dashboard" not in other


def test_xlsx_holds_numbers_and_formula_text_stays_text(
    client: TestClient, session: Session, login: Any
) -> None:
    import io

    from openpyxl import load_workbook

    login(client, "digital.erbach")
    code = measure_of(session, "erbach").code
    ident = define(client, code, name="=HYPERLINK(1)", baseline_value="12,5")
    indicator = session.get(Indicator, ident)
    assert indicator is not None
    client.post(
        f"/indikatoren/{ident}/werte",
        data={"measured_on": "2026-03-01", "value": "33,25", "expected_version": "1"},
    )
    response = client.get("/indikatoren/export.xlsx?kommune=erbach")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    rows = [row for row in book["Indikatoren"].iter_rows(values_only=True) if row[2]]
    mine = next(row for row in rows if row[2] == "=HYPERLINK(1)")
    assert mine[5] == 12.5 and mine[7] == 80 and mine[9] == 33.25
    assert mine[12] == "Erbach"
    cell = next(c for r in book["Indikatoren"].iter_rows() for c in r if c.value == "=HYPERLINK(1)")
    assert cell.data_type == "s", "a name that looks like a formula stays text"
    values = [r for r in book["Messwerte"].iter_rows(values_only=True) if r[0] == "=HYPERLINK(1)"]
    assert values and values[0][2] == 33.25
    assert client.get("/indikatoren/export.xlsx?kommune=nirgendwo").status_code == 422


def test_a_long_history_shows_its_newest_values_oldest_first(
    client: TestClient, session: Session, login: Any
) -> None:
    from datetime import date

    from app.indicators.models import IndicatorValue
    from app.indicators.queries import VALUES_ON_CARD

    login(client, "digital.erbach")
    indicator_id = define(client, measure_of(session, "erbach").code)
    months = [date(2025 + (1 + m) // 12, (1 + m) % 12 + 1, 1) for m in range(30)]
    assert months[0] == date(2025, 2, 1) and months[-1] == date(2027, 7, 1)
    for number, month in enumerate(months):
        session.add(
            IndicatorValue(indicator_id=indicator_id, measured_on=month, value=2100 + number)
        )
    session.flush()

    card = client.get(f"/indikatoren/{indicator_id}").text
    assert card.count('data-mark="value"') == VALUES_ON_CARD == 24
    shown = [m for m in months if m.strftime("%d.%m.%Y") in card]
    assert shown == months[6:], "the 24 newest values, not the six oldest"
    positions = [card.rindex(m.strftime("%d.%m.%Y")) for m in shown]
    assert positions == sorted(positions), "the table lists them oldest first"

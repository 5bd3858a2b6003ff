"""The risk register: recording, rating and mitigating a measure's risks, in the page, the API
and the audit trail."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.portfolio.models import Measure
from app.risks.models import Risk
from tests.integration.test_status_reports import csrf_token, measure_of


def risk_form(**changes: str) -> dict[str, str]:
    data = {
        "title": "Lieferant kündigt den Wartungsvertrag",
        "cause": "Marktbereinigung bei Fachverfahren",
        "effect": "Kein Support, Sicherheitslücken bleiben offen",
        "probability": "4",
        "impact": "5",
        "residual_probability": "",
        "residual_impact": "",
        "owner": "Frau Beispiel",
        "municipality": "",
        "mitigation": "",
        "status": "offen",
        "review_on": "",
    }
    data.update(changes)
    return data


def add_risk(client: TestClient, measure: Measure, **changes: str) -> Risk | None:
    response = client.post(
        f"/massnahmen/{measure.code}/risiken",
        data=risk_form(csrf_token=csrf_token(client), **changes),
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:2000]
    match = re.search(r"#risiko-(\d+)", response.headers["location"])
    assert match
    return None if match is None else Risk(id=int(match.group(1)))  # id only


def risk_named(session: Session, title: str) -> Risk:
    session.expire_all()
    return session.exec(select(Risk).where(Risk.title == title)).one()


def test_officer_records_a_risk_and_the_measure_page_shows_it(
    client: TestClient, session: Session, login: Any
) -> None:
    login(client, "digital.erbach")
    measure = measure_of(session, "erbach")
    add_risk(client, measure, review_on="01.03.2026")
    risk = risk_named(session, "Lieferant kündigt den Wartungsvertrag")
    assert (risk.probability, risk.impact, risk.residual_probability) == (4, 5, None)
    assert risk.municipality_id == measure.lead_municipality_id
    page = client.get(f"/massnahmen/{measure.code}")
    section = page.text[page.text.index('id="risiken"') :]
    assert "Lieferant kündigt den Wartungsvertrag" in section
    assert "brutto 20" in section
    assert "4 – wahrscheinlich" in section and "5 – schwerwiegend" in section
    own = client.get(f"/massnahmen/{measure.code}/risiken")
    assert "Lieferant kündigt den Wartungsvertrag" in own.text
    assert "Risiko erfassen" in own.text


def test_bad_ratings_get_german_messages_and_nothing_is_saved(
    client: TestClient, session: Session, login: Any
) -> None:
    login(client, "digital.erbach")
    measure = measure_of(session, "erbach")
    response = client.post(
        f"/massnahmen/{measure.code}/risiken",
        data=risk_form(
            csrf_token=csrf_token(client),
            title="Unvollständig bewertet",
            probability="6",
            residual_probability="2",
        ),
    )
    assert response.status_code == 422
    assert "Eintrittswahrscheinlichkeit von 1 bis 5" in response.text
    assert "beide angeben oder beide leer" in response.text
    assert 'value="Unvollständig bewertet"' in response.text  # the input comes back
    assert session.exec(select(Risk).where(Risk.title == "Unvollständig bewertet")).first() is None


def test_stale_edit_gets_409_and_the_current_values(
    client: TestClient, session: Session, login: Any
) -> None:
    login(client, "digital.erbach")
    measure = measure_of(session, "erbach")
    add_risk(client, measure)
    risk = risk_named(session, "Lieferant kündigt den Wartungsvertrag")
    url = f"/massnahmen/{measure.code}/risiken/{risk.id}"
    token = csrf_token(client)
    version = str(risk.version)
    first = client.post(
        url,
        data=risk_form(csrf_token=token, expected_version=version, owner="Herr Erster"),
        follow_redirects=False,
    )
    assert first.status_code == 303
    stale = client.post(
        url,
        data=risk_form(csrf_token=token, expected_version=version, owner="Frau Zweite"),
    )
    assert stale.status_code == 409
    assert "Herr Erster" in stale.text  # the current values are shown
    assert risk_named(session, risk.title).owner == "Herr Erster"


def test_who_may_edit_risks(client: TestClient, session: Session, login: Any) -> None:
    measure = measure_of(session, "erbach")
    login(client, "hauptamt.erbach")  # the Hauptamtsleitung of an involved municipality may
    add_risk(client, measure, title="Vom Hauptamt erfasst")
    assert risk_named(session, "Vom Hauptamt erfasst").measure_id == measure.id
    login(client, "finanzen.erbach")
    refused = client.post(
        f"/massnahmen/{measure.code}/risiken", data=risk_form(csrf_token=csrf_token(client))
    )
    assert refused.status_code == 403
    page = client.get(f"/massnahmen/{measure.code}/risiken")
    assert page.status_code == 200 and "Risiko erfassen</span>" not in page.text
    other = measure_of(session, "erbach", involved=False)
    login(client, "digital.erbach")
    refused = client.post(
        f"/massnahmen/{other.code}/risiken", data=risk_form(csrf_token=csrf_token(client))
    )
    assert refused.status_code == 403


def test_api_creates_updates_closes_with_versions(
    client: TestClient, session: Session, api_token: Any
) -> None:
    measure = measure_of(session, "michelstadt")
    headers = {"Authorization": f"Bearer {api_token('digital.michelstadt')}"}
    body: dict[str, Any] = {
        "title": "Schnittstelle fehlt",
        "probability": 3,
        "impact": 4,
        "owner": "IT-Leitung",
        "review_on": "2026-06-30",
    }
    created = client.post(f"/api/v1/measures/{measure.code}/risks", json=body, headers=headers)
    assert created.status_code == 201, created.text
    risk = created.json()
    assert (risk["score"], risk["current_score"], risk["severity"]) == (12, 12, "mittel")
    assert risk["municipality"] and risk["status"] == "offen"
    url = f"/api/v1/measures/{measure.code}/risks/{risk['id']}"
    full = {
        "title": "Schnittstelle fehlt",
        "cause": "",
        "effect": "",
        "probability": 3,
        "impact": 4,
        "residual_probability": 2,
        "residual_impact": 2,
        "owner": "IT-Leitung",
        "municipality": "",
        "mitigation": "Standardschnittstelle beauftragt",
        "status": "in_bearbeitung",
        "review_on": "2026-06-30",
        "expected_version": risk["version"],
    }
    updated = client.put(url, json=full, headers=headers)
    assert updated.status_code == 200, updated.text
    assert (updated.json()["residual_score"], updated.json()["current_score"]) == (4, 4)
    stale = client.put(url, json=full, headers=headers)
    assert stale.status_code == 409
    assert stale.json()["current"]["mitigation"] == "Standardschnittstelle beauftragt"
    half = dict(full, residual_impact=None, expected_version=updated.json()["version"])
    refused = client.put(url, json=half, headers=headers)
    assert refused.status_code == 422
    assert "beide angeben" in refused.json()["errors"]["residual_impact"]
    closed = client.post(
        url + "/close", json={"expected_version": updated.json()["version"]}, headers=headers
    )
    assert closed.status_code == 200 and closed.json()["status"] == "geschlossen"
    listed = client.get(f"/api/v1/measures/{measure.code}/risks", headers=headers).json()
    assert [r["status"] for r in listed if r["id"] == risk["id"]] == ["geschlossen"]
    open_only = client.get(f"/api/v1/risks?massnahme={measure.code}", headers=headers).json()
    assert risk["id"] not in [r["id"] for r in open_only]
    bad = client.get("/api/v1/risks?wahrscheinlichkeit=9", headers=headers)
    assert bad.status_code == 422 and "1 bis 5" in bad.json()["errors"]["wahrscheinlichkeit"]


def test_reader_gets_403_before_the_body_is_read(
    client: TestClient, session: Session, api_token: Any
) -> None:
    measure = measure_of(session, "erbach")
    headers = {"Authorization": f"Bearer {api_token('finanzen.erbach')}"}
    response = client.post(
        f"/api/v1/measures/{measure.code}/risks", json={"nonsense": 1}, headers=headers
    )
    assert response.status_code == 403
    assert "Hauptamtsleitungen" in response.json()["detail"]


def test_changes_to_a_risk_are_in_the_measure_history(
    client: TestClient, session: Session, login: Any
) -> None:
    login(client, "digital.erbach")
    measure = measure_of(session, "erbach")
    add_risk(client, measure)
    risk = risk_named(session, "Lieferant kündigt den Wartungsvertrag")
    client.post(
        f"/massnahmen/{measure.code}/risiken/{risk.id}",
        data=risk_form(
            csrf_token=csrf_token(client),
            expected_version=str(risk.version),
            residual_probability="2",
            residual_impact="3",
            mitigation="Zweiten Anbieter qualifizieren",
        ),
        follow_redirects=False,
    )
    history = client.get(f"/massnahmen/{measure.code}/aenderungen").text
    assert "Risiko" in history
    assert "Wahrscheinlichkeit nach Maßnahmen (1–5)" in history
    assert "Zweiten Anbieter qualifizieren" in history


def matrix_cells(html: str) -> dict[str, tuple[int, str]]:
    """The dashboard's risk matrix: cell "p-i" → (count, the list it links to)."""
    panel = html[html.index('id="h-risiken"') :]
    found = re.findall(
        r'data-cell="(\d-\d)" data-count="(\d+)"><a href="([^"]+)"',
        panel[: panel.index("</table>")],
    )
    return {cell: (int(count), href.replace("&amp;", "&")) for cell, count, href in found}


def test_a_risk_sits_in_the_cell_of_its_score_and_moves_when_mitigated(
    client: TestClient, session: Session, login: Any
) -> None:
    login(client, "digital.erbach")
    measure = measure_of(session, "erbach")
    before = matrix_cells(client.get("/dashboard?kommune=erbach").text)
    assert len(before) == 25
    add_risk(client, measure, probability="4", impact="5", title="Rechenzentrum fällt aus")
    risk = risk_named(session, "Rechenzentrum fällt aus")
    after = matrix_cells(client.get("/dashboard?kommune=erbach").text)
    assert after["4-5"][0] == before["4-5"][0] + 1
    listed = client.get(after["4-5"][1])
    assert "Rechenzentrum fällt aus" in listed.text
    assert "kommune=erbach" in after["4-5"][1]
    # Mitigated: it counts at its residual rating, in another cell.
    client.post(
        f"/massnahmen/{measure.code}/risiken/{risk.id}",
        data=risk_form(
            csrf_token=csrf_token(client),
            title="Rechenzentrum fällt aus",
            expected_version=str(risk.version),
            residual_probability="2",
            residual_impact="3",
            mitigation="Georedundanter Betrieb",
        ),
        follow_redirects=False,
    )
    mitigated = matrix_cells(client.get("/dashboard?kommune=erbach").text)
    assert mitigated["4-5"][0] == before["4-5"][0]
    assert mitigated["2-3"][0] == before["2-3"][0] + 1
    assert "Rechenzentrum fällt aus" in client.get(mitigated["2-3"][1]).text
    assert "Rechenzentrum fällt aus" not in client.get(mitigated["4-5"][1]).text
    # Closed: it counts nowhere.
    session.expire_all()
    client.post(
        f"/massnahmen/{measure.code}/risiken/{risk.id}/schliessen",
        data={
            "csrf_token": csrf_token(client),
            "expected_version": str(risk_named(session, risk.title).version),
        },
        follow_redirects=False,
    )
    assert matrix_cells(client.get("/dashboard?kommune=erbach").text) == before


def test_the_matrix_follows_the_dashboards_municipality(
    client: TestClient, session: Session, login: Any
) -> None:
    login(client, "admin")
    other = measure_of(session, "erbach", involved=False)
    before = matrix_cells(client.get("/dashboard?kommune=erbach").text)
    add_risk(client, other, probability="5", impact="5", title="Nicht in Erbach")
    assert matrix_cells(client.get("/dashboard?kommune=erbach").text) == before
    everywhere = matrix_cells(client.get("/dashboard?kommune=alle").text)
    assert "Nicht in Erbach" in client.get(everywhere["5-5"][1]).text


def _listed_codes(html: str) -> set[str]:
    return set(re.findall(r'href="/massnahmen/(HF\d+-M\d+)"', html))


def test_the_measures_list_filters_measures_with_high_risks(
    client: TestClient, session: Session, login: Any, api_token: Any
) -> None:
    login(client, "digital.erbach")
    measure = measure_of(session, "erbach")
    url = "/massnahmen?kommune=alle&risiko=hoch"
    assert measure.code not in _listed_codes(client.get(url).text)
    add_risk(client, measure, probability="3", impact="4", title="Mittleres Risiko")  # 12
    assert measure.code not in _listed_codes(client.get(url).text)
    add_risk(client, measure, probability="3", impact="5", title="Hohes Risiko")  # 15: hoch
    page = client.get(url).text
    assert measure.code in _listed_codes(page)
    assert 'id="f-risiko" name="risiko" value="hoch" checked' in page
    headers = {"Authorization": f"Bearer {api_token('admin')}"}
    found = client.get("/api/v1/measures?risiko=hoch&limit=100", headers=headers).json()
    assert measure.code in {m["code"] for m in found["items"]}
    everything = client.get("/api/v1/measures?limit=100", headers=headers).json()
    assert found["total"] < everything["total"]


def test_the_risk_list_downloads_as_xlsx_with_numbers_and_safe_text(
    client: TestClient, session: Session, login: Any
) -> None:
    import io

    from openpyxl import load_workbook

    login(client, "digital.erbach")
    measure = measure_of(session, "erbach")
    add_risk(client, measure, title="=HYPERLINK(1)", probability="5", impact="4")
    page = client.get("/risiken?kommune=erbach")
    link = re.search(r'href="(/risiken/export\.xlsx[^"]*)"', page.text)
    assert link is not None
    response = client.get(link.group(1).replace("&amp;", "&"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["Risiken"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(i for i, row in enumerate(rows) if row[0] == "Maßnahme")
    found = [row for row in rows[header + 1 :] if row[1] == "=HYPERLINK(1)"]
    assert len(found) == 1, "the title is text, not a formula"
    assert found[0][0] == measure.code
    assert (found[0][4], found[0][5], found[0][6]) == (5, 4, 20)
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == "=HYPERLINK(1)")
    assert cell.data_type == "s"


def test_an_overdue_review_is_flagged_and_its_calendar_entry_moves_with_its_date(
    client: TestClient, session: Session, login: Any
) -> None:
    from datetime import timedelta

    from app.core.agenda import EventQuery
    from app.core.timeutil import today
    from app.risks.agenda import review_events

    login(client, "digital.erbach")
    measure = measure_of(session, "erbach")
    past = today() - timedelta(days=3)
    add_risk(
        client,
        measure,
        title="Überprüfung verpasst",
        review_on=past.isoformat(),
        municipality="erbach",
    )
    risk = risk_named(session, "Überprüfung verpasst")
    row = client.get("/risiken?kommune=erbach&ueberfaellig=1").text
    assert "Überprüfung verpasst" in row and "Überprüfung überfällig" in row
    home = client.get("/").text  # Erbach's officer: the risk is Erbach's to review
    section = home[home.index('id="aufgaben-risikopruefung"') :]
    assert "Überprüfung verpasst" in section.split("</section>")[0]
    window = EventQuery(
        None, measure.id, today() - timedelta(days=30), today() + timedelta(days=90)
    )
    before = {e.uid: e.day for e in review_events(session, window)}
    assert before[f"risikopruefung-{risk.id}"] == past
    later = today() + timedelta(days=20)
    client.post(
        f"/massnahmen/{measure.code}/risiken/{risk.id}",
        data=risk_form(
            csrf_token=csrf_token(client),
            title="Überprüfung verpasst",
            expected_version=str(risk.version),
            review_on=later.isoformat(),
            municipality="erbach",
        ),
        follow_redirects=False,
    )
    after = {e.uid: e.day for e in review_events(session, window)}
    assert after[f"risikopruefung-{risk.id}"] == later
    assert "Überprüfung verpasst" not in client.get("/risiken?kommune=erbach&ueberfaellig=1").text


def test_each_municipalitys_list_holds_the_risks_of_the_measures_it_leads_or_joins(
    client: TestClient, session: Session, login: Any
) -> None:
    """Computed here from the rows: a measure counts for a municipality when it leads it or
    takes part; archived measures drop out."""
    from app.municipalities.models import Municipality
    from app.portfolio.models import Measure, Participation
    from app.risks.models import Risk

    login(client, "leser")
    measures = {m.id: m for m in session.exec(select(Measure)).all()}
    parts = {(p.measure_id, p.municipality_id) for p in session.exec(select(Participation))}
    risks = session.exec(select(Risk)).all()
    assert risks, "the seed has example risks"
    seen_a_participant = False
    for town in session.exec(select(Municipality)).all():
        expected = set()
        for risk in risks:
            measure = measures[risk.measure_id]
            leads = measure.lead_municipality_id == town.id
            joins = (measure.id, town.id) in parts
            if (leads or joins) and not measure.archived:
                expected.add(risk.id)
                seen_a_participant |= joins and not leads
        page = client.get(f"/risiken?kommune={town.slug}&status=alle").text
        listed = {int(n) for n in re.findall(r'<tr id="risiko-(\d+)"', page)}
        assert listed == expected, town.slug
    assert seen_a_participant, "some municipality sees a risk of a measure it only joins"

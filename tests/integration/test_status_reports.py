"""Status reports: stored with history and audit, validated in German, safe against lost updates."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.municipalities.models import Municipality
from app.portfolio.models import Measure, Participation, StatusReport


def csrf_token(client: TestClient, path: str = "/massnahmen") -> str:
    page = client.get(path)
    match = re.search(r'data-csrf-token="([^"]+)"', page.text)
    assert match, "signed-in pages carry the CSRF token"
    return match.group(1)


def measure_of(session: Session, slug: str, *, involved: bool = True) -> Measure:
    """A measure the municipality leads or takes part in (or, with involved=False, does not)."""
    municipality = session.exec(select(Municipality).where(Municipality.slug == slug)).one()
    parts = {
        p.measure_id
        for p in session.exec(
            select(Participation).where(Participation.municipality_id == municipality.id)
        )
    }
    for measure in session.exec(select(Measure).order_by(Measure.code)).all():
        takes_part = measure.id in parts or measure.lead_municipality_id == municipality.id
        if takes_part == involved and not measure.archived:
            return measure
    raise AssertionError(f"no suitable measure for {slug}")


def form(measure: Measure, token: str, **changes: Any) -> dict[str, Any]:
    data = {
        "csrf_token": token,
        "expected_version": str(measure.version),
        "status": "in_umsetzung",
        "progress": "55",
        "traffic_light": "gelb",
        "summary": "Ausschreibung veröffentlicht, zwei Angebote eingegangen.",
        "next_steps": "Vergabe im Magistrat vorbereiten.",
    }
    data.update(changes)
    return data


def test_officer_posts_report_and_sees_it_in_history(
    client: TestClient, session: Session, login: Any
) -> None:
    login(client, "digital.michelstadt")
    measure = measure_of(session, "michelstadt")
    before_reports = len(
        session.exec(select(StatusReport).where(StatusReport.measure_id == measure.id)).all()
    )
    old_version = measure.version
    response = client.post(
        f"/massnahmen/{measure.code}/statusbericht",
        data=form(measure, csrf_token(client)),
        follow_redirects=False,
    )
    assert response.status_code == 303
    page = client.get(response.headers["location"])
    assert "Ausschreibung veröffentlicht, zwei Angebote eingegangen." in page.text
    session.refresh(measure)
    assert (measure.status, measure.progress, measure.traffic_light) == ("in_umsetzung", 55, "gelb")
    assert measure.version == old_version + 1
    reports = session.exec(select(StatusReport).where(StatusReport.measure_id == measure.id)).all()
    assert len(reports) == before_reports + 1
    events = session.exec(
        select(AuditEvent).where(
            AuditEvent.entity == "status_report", AuditEvent.measure_id == measure.id
        )
    ).all()
    assert events and events[-1].action == "insert"
    assert events[-1].changes["summary"]["after"].startswith("Ausschreibung")
    measure_event = session.exec(
        select(AuditEvent)
        .where(AuditEvent.entity == "measure", AuditEvent.measure_id == measure.id)
        .order_by(AuditEvent.id.desc())  # type: ignore[union-attr]
    ).first()
    assert measure_event is not None
    assert measure_event.changes["progress"]["after"] == 55
    assert measure_event.actor_name


def test_htmx_post_returns_the_status_fragment(
    client: TestClient, session: Session, login: Any
) -> None:
    login(client, "digital.michelstadt")
    measure = measure_of(session, "michelstadt")
    response = client.post(
        f"/massnahmen/{measure.code}/statusbericht",
        data=form(measure, csrf_token(client), summary="Fragment-Bericht"),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "Fragment-Bericht" in response.text
    assert "Der Statusbericht wurde gespeichert." in response.text
    assert response.headers["vary"].lower().find("hx-request") >= 0


def test_measure_page_full_vs_fragment(client: TestClient, session: Session, login: Any) -> None:
    login(client, "hauptamt.erbach")
    measure = measure_of(session, "erbach")
    full = client.get(f"/massnahmen/{measure.code}")
    assert full.status_code == 200
    assert "<html" in full.text and "Änderungsverlauf" in full.text
    listing = client.get("/massnahmen?kommune=erbach", headers={"HX-Request": "true"})
    assert listing.status_code == 200
    assert "<html" not in listing.text and "gefunden" in listing.text
    boosted = client.get(
        "/massnahmen?kommune=erbach", headers={"HX-Request": "true", "HX-Boosted": "true"}
    )
    assert "<html" in boosted.text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"progress": "150"}, "progress", "zwischen 0 und 100"),
        ({"status": "erledigt"}, "status", "gültigen Status"),
        ({"summary": "   "}, "summary", "Bitte kurz beschreiben"),
        ({"traffic_light": "blau"}, "traffic_light", "Ampel"),
    ],
)
def test_bad_input_gets_german_message_and_changes_nothing(
    client: TestClient,
    session: Session,
    login: Any,
    changes: dict[str, str],
    field: str,
    message: str,
) -> None:
    login(client, "digital.michelstadt")
    measure = measure_of(session, "michelstadt")
    snapshot = (measure.status, measure.progress, measure.traffic_light, measure.version)
    count = len(session.exec(select(StatusReport)).all())
    response = client.post(
        f"/massnahmen/{measure.code}/statusbericht",
        data=form(measure, csrf_token(client), **changes),
    )
    assert response.status_code == 422
    assert message in response.text
    assert 'class="field-error"' in response.text, "the message stands next to the field"
    session.refresh(measure)
    assert (measure.status, measure.progress, measure.traffic_light, measure.version) == snapshot
    assert len(session.exec(select(StatusReport)).all()) == count


def test_stale_version_gets_409_and_keeps_the_input(
    client: TestClient, session: Session, login: Any
) -> None:
    login(client, "digital.michelstadt")
    measure = measure_of(session, "michelstadt")
    token = csrf_token(client)
    stale = form(measure, token, summary="Erster Bericht")
    first = client.post(
        f"/massnahmen/{measure.code}/statusbericht", data=stale, follow_redirects=False
    )
    assert first.status_code == 303
    session.refresh(measure)
    after_first = (measure.status, measure.progress, measure.version)
    second = client.post(
        f"/massnahmen/{measure.code}/statusbericht",
        data=dict(stale, summary="Mein verspäteter Bericht", progress="80"),
    )
    assert second.status_code == 409
    assert "inzwischen" in second.text
    assert "Mein verspäteter Bericht" in second.text, "the user's input is kept"
    session.refresh(measure)
    assert (measure.status, measure.progress, measure.version) == after_first
    summaries = [
        r.summary
        for r in session.exec(select(StatusReport).where(StatusReport.measure_id == measure.id))
    ]
    assert "Mein verspäteter Bericht" not in summaries


def test_foreign_officer_cannot_report(client: TestClient, session: Session, login: Any) -> None:
    login(client, "digital.brombachtal")
    measure = measure_of(session, "brombachtal", involved=False)
    response = client.post(
        f"/massnahmen/{measure.code}/statusbericht", data=form(measure, csrf_token(client))
    )
    assert response.status_code == 403
    page = client.get(f"/massnahmen/{measure.code}")
    assert "Neuen Statusbericht erfassen" not in page.text, "the UI hides what is not allowed"


def test_api_status_report_roundtrip(client: TestClient, session: Session, api_token: Any) -> None:
    headers = {"Authorization": f"Bearer {api_token('digital.oberzent')}"}
    measure = measure_of(session, "oberzent")
    old_version = measure.version
    body = {
        "status": "in_umsetzung",
        "progress": 40,
        "traffic_light": "gruen",
        "summary": "Schulungen terminiert.",
        "next_steps": "",
        "expected_version": measure.version,
    }
    created = client.post(
        f"/api/v1/measures/{measure.code}/status-reports", json=body, headers=headers
    )
    assert created.status_code == 201, created.text
    payload = created.json()
    assert payload["version"] == old_version + 1
    assert payload["latest_status_report"]["summary"] == "Schulungen terminiert."
    stale = client.post(
        f"/api/v1/measures/{measure.code}/status-reports", json=body, headers=headers
    )
    assert stale.status_code == 409
    bad = client.post(
        f"/api/v1/measures/{measure.code}/status-reports",
        json=dict(body, progress=150, expected_version=payload["version"]),
        headers=headers,
    )
    assert bad.status_code == 422
    assert "zwischen 0 und 100" in bad.text
    foreign = measure_of(session, "oberzent", involved=False)
    refused = client.post(
        f"/api/v1/measures/{foreign.code}/status-reports",
        json=dict(body, expected_version=foreign.version),
        headers=headers,
    )
    assert refused.status_code == 403
    shown = client.get(f"/api/v1/measures/{measure.code}", headers=headers).json()
    assert shown["progress"] == 40 and shown["status"] == "in_umsetzung"

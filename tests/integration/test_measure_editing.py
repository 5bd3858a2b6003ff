"""Editing measures, plans and milestones, and archiving."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.portfolio.models import Measure, Milestone, ProjectPlan
from tests.integration.test_status_reports import csrf_token, measure_of


def test_officer_edits_measure_and_stale_edit_is_refused(
    client: TestClient, session: Session, login: Any
) -> None:
    login(client, "digital.erbach")
    measure = measure_of(session, "erbach")
    token = csrf_token(client)
    data = {
        "csrf_token": token,
        "expected_version": str(measure.version),
        "title": measure.title + " (überarbeitet)",
        "goal": measure.goal,
        "expected_effect": measure.expected_effect,
        "priority": "hoch",
        "responsible": "Frau Beispiel",
        "planned_start": "2025-01-01",
        "planned_end": "31.12.2027",
    }
    saved = client.post(f"/massnahmen/{measure.code}/bearbeiten", data=data, follow_redirects=False)
    assert saved.status_code == 303
    session.refresh(measure)
    assert measure.title.endswith("(überarbeitet)")
    assert measure.planned_end is not None and measure.planned_end.isoformat() == "2027-12-31"
    stale = client.post(
        f"/massnahmen/{measure.code}/bearbeiten", data=dict(data, title="Überschreibt nichts")
    )
    assert stale.status_code == 409
    assert "Überschreibt nichts" in stale.text
    session.refresh(measure)
    assert measure.title.endswith("(überarbeitet)")


def test_plan_end_before_start_is_refused(client: TestClient, session: Session, login: Any) -> None:
    login(client, "digital.erbach")
    measure = measure_of(session, "erbach")
    response = client.post(
        f"/massnahmen/{measure.code}/bearbeiten",
        data={
            "csrf_token": csrf_token(client),
            "expected_version": str(measure.version),
            "title": measure.title,
            "priority": measure.priority,
            "planned_start": "2026-05-01",
            "planned_end": "2026-04-01",
        },
    )
    assert response.status_code == 422
    assert "nicht vor dem geplanten Beginn" in response.text


def test_milestone_lifecycle_and_done_before_start(
    client: TestClient, session: Session, login: Any
) -> None:
    login(client, "digital.oberzent")
    measure = measure_of(session, "oberzent")
    token = csrf_token(client)
    bad = client.post(
        f"/massnahmen/{measure.code}/meilensteine",
        data={
            "csrf_token": token,
            "title": "Abnahme",
            "start_on": "2026-03-01",
            "done_on": "2026-02-01",
        },
    )
    assert bad.status_code == 422
    assert "nicht vor dem Beginn" in bad.text
    plan = session.exec(select(ProjectPlan).where(ProjectPlan.measure_id == measure.id)).one()
    assert not session.exec(
        select(Milestone).where(Milestone.plan_id == plan.id, Milestone.title == "Abnahme")
    ).all()
    created = client.post(
        f"/massnahmen/{measure.code}/meilensteine",
        data={
            "csrf_token": token,
            "title": "Abnahme",
            "start_on": "2026-03-01",
            "due_on": "2026-06-30",
            "owner": "Bauamt",
        },
        follow_redirects=False,
    )
    assert created.status_code == 303
    milestone = session.exec(
        select(Milestone).where(Milestone.plan_id == plan.id, Milestone.title == "Abnahme")
    ).one()
    done = client.post(
        f"/massnahmen/{measure.code}/meilensteine/{milestone.id}",
        data={
            "csrf_token": token,
            "expected_version": str(milestone.version),
            "title": "Abnahme",
            "start_on": "2026-03-01",
            "due_on": "2026-06-30",
            "done_on": "2026-06-15",
            "owner": "Bauamt",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    session.refresh(milestone)
    assert milestone.done_on is not None and milestone.done_on.isoformat() == "2026-06-15"
    archived = client.post(
        f"/massnahmen/{measure.code}/meilensteine/{milestone.id}/archivieren",
        data={"csrf_token": token, "expected_version": str(milestone.version)},
        follow_redirects=False,
    )
    assert archived.status_code == 303
    session.refresh(milestone)
    assert milestone.archived
    assert (
        "Abnahme" not in client.get(f"/massnahmen/{measure.code}").text.split("Änderungsverlauf")[0]
    )


def test_archive_hides_and_restore_shows_measure(
    client: TestClient, session: Session, login: Any
) -> None:
    login(client, "admin")
    measure = session.exec(select(Measure).order_by(Measure.code)).first()
    assert measure is not None
    token = csrf_token(client)
    response = client.post(
        f"/massnahmen/{measure.code}/archivieren",
        data={"csrf_token": token, "expected_version": str(measure.version)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    listing = client.get("/massnahmen")
    assert f'/massnahmen/{measure.code}"' not in listing.text
    archived_listing = client.get("/massnahmen?archiviert=1")
    assert f'/massnahmen/{measure.code}"' in archived_listing.text
    session.refresh(measure)
    restored = client.post(
        f"/massnahmen/{measure.code}/wiederherstellen",
        data={"csrf_token": token, "expected_version": str(measure.version)},
        follow_redirects=False,
    )
    assert restored.status_code == 303
    assert f'/massnahmen/{measure.code}"' in client.get("/massnahmen").text


def test_officer_cannot_archive(client: TestClient, session: Session, login: Any) -> None:
    login(client, "digital.erbach")
    measure = measure_of(session, "erbach")
    response = client.post(
        f"/massnahmen/{measure.code}/archivieren",
        data={"csrf_token": csrf_token(client), "expected_version": str(measure.version)},
    )
    assert response.status_code == 403


def test_not_found_page_keeps_the_signed_in_header(client: TestClient, login: Any) -> None:
    login(client, "leser")
    response = client.get("/gibt-es-nicht")
    assert response.status_code == 404
    assert "Abmelden" in response.text and "Maßnahmen" in response.text
    anonymous = TestClient(client.app)
    assert "Abmelden" not in anonymous.get("/gibt-es-nicht").text

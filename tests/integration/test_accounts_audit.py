"""The audit trail: one event per change with before/after values; the admin list; history."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.audit import queries as audit
from app.audit.models import AuditEvent
from app.core.context import request_id_var, set_actor
from app.portfolio.models import Measure


def _events(session: Session, entity: str, entity_id: str) -> list[AuditEvent]:
    return list(
        session.exec(
            select(AuditEvent)
            .where(AuditEvent.entity == entity, AuditEvent.entity_id == entity_id)
            .order_by(col(AuditEvent.id))
        ).all()
    )


def test_changing_a_measure_leaves_exactly_one_event_with_before_and_after(
    session: Session,
) -> None:
    measure = session.exec(select(Measure).order_by(col(Measure.code))).first()
    assert measure is not None and measure.id is not None
    old_title, old_progress = measure.title, measure.progress
    before = len(_events(session, "measure", str(measure.id)))

    set_actor(session, actor_id=7, actor_name="Digitalisierung Erbach")
    token = request_id_var.set("req-audit-test-1")
    try:
        measure.title = "Neuer Titel der Maßnahme"
        measure.progress = (old_progress + 10) % 100
        session.add(measure)
        session.flush()
    finally:
        request_id_var.reset(token)

    events = _events(session, "measure", str(measure.id))
    assert len(events) == before + 1
    event = events[-1]
    assert event.action == "update"
    assert event.actor_id == 7
    assert event.actor_name == "Digitalisierung Erbach"
    assert event.request_id == "req-audit-test-1"
    assert event.measure_id == measure.id
    assert event.changes["title"] == {"before": old_title, "after": "Neuer Titel der Maßnahme"}
    assert event.changes["progress"] == {
        "before": old_progress,
        "after": (old_progress + 10) % 100,
    }
    # Only what changed is recorded.
    assert set(event.changes) == {"title", "progress"}
    assert [c.field for c in audit.field_changes(event)] == ["progress", "title"]

    history = audit.measure_history(session, measure.id)
    assert history[0].id == event.id


def test_an_unchanged_flush_leaves_no_event(session: Session) -> None:
    measure = session.exec(select(Measure).order_by(col(Measure.code))).first()
    assert measure is not None
    count = session.exec(select(AuditEvent)).all()
    measure.title = measure.title
    session.flush()
    assert len(session.exec(select(AuditEvent)).all()) == len(count)


def test_user_created_in_the_browser_is_audited_with_actor_and_request_id(
    client: TestClient, login: Any, session: Session
) -> None:
    login(client, "admin")
    response = client.post(
        "/admin/benutzer",
        data={
            "username": "protokoll.test",
            "display_name": "Protokoll Test",
            "password": "ein-langes-passwort",
            "role": "digital",
            "municipality": "oberzent",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    request_id = response.headers["x-request-id"]
    user = session.exec(select(User).where(User.username == "protokoll.test")).one()

    inserts = _events(session, "user_account", str(user.id))
    assert len(inserts) == 1
    event = inserts[0]
    assert event.action == "insert"
    assert event.actor_name == "IKZ-Koordination (Demo)"
    assert event.request_id == request_id
    assert event.changes["username"] == {"before": None, "after": "protokoll.test"}
    assert event.changes["password_hash"]["after"] == "***"

    roles = session.exec(
        select(AuditEvent).where(
            AuditEvent.entity == "role_assignment", AuditEvent.request_id == request_id
        )
    ).all()
    assert len(roles) == 1
    assert roles[0].changes["role"]["after"] == "digital"

    # The admin's list finds it by entity and actor, and shows the change.
    listing = client.get("/admin/audit?entitaet=user_account&akteur=koordination")
    assert listing.status_code == 200
    assert "protokoll.test" in listing.text
    assert "angelegt" in listing.text


def test_audit_list_filters_by_measure_code_and_date(
    client: TestClient, login: Any, session: Session
) -> None:
    measure = session.exec(select(Measure).order_by(col(Measure.code))).first()
    assert measure is not None
    set_actor(session, actor_id=None, actor_name="Filtertest")
    measure.responsible = "Frau Filter"
    session.add(measure)
    session.flush()
    login(client, "admin")
    found = client.get(f"/admin/audit?massnahme={measure.code.lower()}&akteur=filtertest")
    assert "Frau Filter" in found.text
    elsewhere = client.get("/admin/audit?massnahme=GIBT-ES-NICHT&akteur=filtertest")
    assert "Frau Filter" not in elsewhere.text
    past = client.get("/admin/audit?akteur=filtertest&bis=2020-01-01")
    assert "Frau Filter" not in past.text
    wrong = client.get("/admin/audit?von=2026-02-01&bis=2026-01-01")
    assert wrong.status_code == 422
    assert "Enddatum liegt vor dem Anfangsdatum" in wrong.text


def test_audit_list_is_for_admins_only(client: TestClient, login: Any) -> None:
    login(client, "hauptamt.erbach")
    response = client.get("/admin/audit")
    assert response.status_code == 403


def test_no_route_changes_or_deletes_audit_events(app: Any) -> None:
    from fastapi.routing import APIRoute, iter_route_contexts

    for route in iter_route_contexts(app.routes):
        if isinstance(route.original_route, APIRoute) and "audit" in (route.path or ""):
            assert route.methods <= {"GET", "HEAD"}, route.path

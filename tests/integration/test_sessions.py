"""Sessions end on the server: an old cookie is worth nothing after logout, a new password (own
or set by an admin), deactivation or a change of roles, and "Auf allen Geräten abmelden"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import RoleAssignment, User
from app.portfolio.models import Measure, StatusReport
from tests.conftest import sign_in

COOKIE = "ikz_session"
VICTIM = "digital.erbach"


def _cookie(client: TestClient) -> str:
    value = client.cookies.get(COOKIE)
    assert value, "signed in, the browser holds a session cookie"
    return value


def _with_cookie(app: FastAPI, cookie: str) -> TestClient:
    """A second browser presenting a copy of an old cookie (as someone who kept it would)."""
    other = TestClient(app, base_url="http://testserver")
    other.cookies.set(COOKIE, cookie)
    return other


def _user(session: Session, username: str) -> User:
    return session.exec(select(User).where(User.username == username)).one()


def _admin_post(app: FastAPI, path: str, data: dict[str, Any]) -> None:
    admin = TestClient(app, base_url="http://testserver")
    sign_in(admin, "admin")
    response = admin.post(path, data=data, follow_redirects=False)
    assert response.status_code == 303, response.text[:400]


def _logout(app: FastAPI, client: TestClient, session: Session) -> None:
    client.post("/logout", follow_redirects=False)


def _sign_out_everywhere(app: FastAPI, client: TestClient, session: Session) -> None:
    assert client.post("/profil/abmelden-ueberall", follow_redirects=False).status_code == 303


def _own_password(app: FastAPI, client: TestClient, session: Session) -> None:
    response = client.post(
        "/profil/passwort",
        data={"current_password": "demo-passwort", "new_password": "ein-ganz-neues-passwort"},
        follow_redirects=False,
    )
    assert response.status_code == 303


def _reset_by_admin(app: FastAPI, client: TestClient, session: Session) -> None:
    user = _user(session, VICTIM)
    _admin_post(
        app,
        f"/admin/benutzer/{user.id}/passwort",
        {"password": "vom-admin-gesetzt", "expected_version": str(user.version)},
    )


def _deactivation(app: FastAPI, client: TestClient, session: Session) -> None:
    user = _user(session, VICTIM)
    _admin_post(
        app,
        f"/admin/benutzer/{user.id}/aktiv",
        {"active": "0", "expected_version": str(user.version)},
    )


def _new_role(app: FastAPI, client: TestClient, session: Session) -> None:
    user = _user(session, VICTIM)
    _admin_post(
        app,
        f"/admin/benutzer/{user.id}/rollen",
        {"role": "leser", "municipality": "erbach", "expected_version": str(user.version)},
    )


def _role_removed(app: FastAPI, client: TestClient, session: Session) -> None:
    user = _user(session, VICTIM)
    assignment = session.exec(
        select(RoleAssignment).where(RoleAssignment.user_id == user.id)
    ).first()
    assert assignment is not None
    _admin_post(
        app,
        f"/admin/benutzer/{user.id}/rollen/{assignment.id}/entfernen",
        {"expected_version": str(user.version)},
    )


ENDINGS: dict[str, Callable[[FastAPI, TestClient, Session], None]] = {
    "logout": _logout,
    "auf allen Geräten abmelden": _sign_out_everywhere,
    "eigenes Passwort geändert": _own_password,
    "Passwort vom Admin neu gesetzt": _reset_by_admin,
    "deaktiviert": _deactivation,
    "Rolle hinzugefügt": _new_role,
    "Rolle entzogen": _role_removed,
}


@pytest.mark.parametrize("ending", list(ENDINGS))
def test_old_cookie_is_worthless_after(
    ending: str, app: FastAPI, client: TestClient, session: Session
) -> None:
    token = sign_in(client, VICTIM)
    old = _cookie(client)
    assert _with_cookie(app, old).get("/profil", follow_redirects=False).status_code == 200
    ENDINGS[ending](app, client, session)
    kept = _with_cookie(app, old)
    page = kept.get("/profil", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    # A form post with the old cookie (and its CSRF token) is not saved either.
    measure = session.exec(select(Measure).where(Measure.code == "HF1-M01")).one()
    reports = len(session.exec(select(StatusReport)).all())
    post = kept.post(
        f"/massnahmen/{measure.code}/statusbericht",
        data={
            "csrf_token": token,
            "status": "in_umsetzung",
            "progress": "5",
            "traffic_light": "rot",
            "summary": "mit altem Cookie",
            "expected_version": str(measure.version),
        },
        follow_redirects=False,
    )
    assert post.status_code in (303, 403)
    assert post.status_code == 403 or post.headers["location"].startswith("/login")
    assert len(session.exec(select(StatusReport)).all()) == reports


def test_own_password_change_keeps_this_browser_signed_in(client: TestClient) -> None:
    sign_in(client, VICTIM)
    response = client.post(
        "/profil/passwort",
        data={"current_password": "demo-passwort", "new_password": "ein-ganz-neues-passwort"},
    )
    assert response.status_code == 200
    assert "Ihr Passwort wurde geändert" in response.text


def test_own_password_change_needs_the_old_password(client: TestClient) -> None:
    sign_in(client, VICTIM)
    response = client.post(
        "/profil/passwort",
        data={"current_password": "falsch-geraten", "new_password": "ein-ganz-neues-passwort"},
    )
    assert response.status_code == 422
    assert "bisherige Passwort stimmt nicht" in response.text
    short = client.post(
        "/profil/passwort", data={"current_password": "demo-passwort", "new_password": "kurz"}
    )
    assert short.status_code == 422 and "mindestens 10 Zeichen" in short.text


def test_other_users_sessions_live_on(app: FastAPI, client: TestClient) -> None:
    sign_in(client, "hauptamt.erbach")
    bystander = _cookie(client)
    victim = TestClient(app, base_url="http://testserver")
    sign_in(victim, VICTIM)
    victim.post("/profil/abmelden-ueberall", follow_redirects=False)
    assert _with_cookie(app, bystander).get("/profil", follow_redirects=False).status_code == 200

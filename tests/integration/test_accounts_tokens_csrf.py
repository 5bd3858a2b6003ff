"""CSRF protection of browser sessions, and API tokens (bearer) including revocation."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select
from typer.testing import CliRunner

from app.accounts import service
from app.accounts.models import ApiToken, User

CSRF_REFUSED = "Sicherheitsprüfung des Formulars ist fehlgeschlagen"


def _new_token_from_profile(client: TestClient, name: str = "Skript") -> str:
    response = client.post("/profil/tokens", data={"name": name})
    assert response.status_code == 201
    match = re.search(r'id="neues-token">([^<]+)<', response.text)
    assert match, "the new token is shown once"
    return match.group(1)


def test_write_without_csrf_token_is_refused(client: TestClient, login: Any) -> None:
    login(client, "digital.erbach")
    client.headers.pop("X-CSRF-Token")
    response = client.post("/profil/tokens", data={"name": "ohne Token"})
    assert response.status_code == 403
    assert CSRF_REFUSED in response.text
    wrong = client.post("/profil/tokens", data={"name": "falsch", "csrf_token": "x" * 43})
    assert wrong.status_code == 403


def test_csrf_token_as_form_field_or_header_is_accepted(client: TestClient, login: Any) -> None:
    token = login(client, "digital.erbach")
    client.headers.pop("X-CSRF-Token")
    assert (
        client.post("/profil/tokens", data={"name": "Feld", "csrf_token": token}).status_code == 201
    )
    response = client.post(
        "/profil/tokens", data={"name": "Kopfzeile"}, headers={"X-CSRF-Token": token}
    )
    assert response.status_code == 201


def test_login_form_needs_the_session_bound_token(client: TestClient) -> None:
    response = client.post(
        "/login", data={"username": "leser", "password": "demo-passwort"}, follow_redirects=False
    )
    assert response.status_code == 403
    # A token from another browser session does not help either.
    other = TestClient(client.app)
    foreign = re.search(r'name="csrf_token" value="([^"]+)"', other.get("/login").text)
    assert foreign
    response = client.post(
        "/login",
        data={"username": "leser", "password": "demo-passwort", "csrf_token": foreign.group(1)},
        follow_redirects=False,
    )
    assert response.status_code == 403


def test_csrf_token_changes_at_sign_in(client: TestClient, login: Any) -> None:
    before = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert before
    after = login(client, "leser")
    assert after != before.group(1)


def test_bearer_token_works_on_the_api_and_a_revoked_one_does_not(
    client: TestClient, login: Any, session: Session
) -> None:
    login(client, "digital.erbach")
    plain = _new_token_from_profile(client)
    stored = session.exec(
        select(ApiToken).where(ApiToken.token_hash == hashlib.sha256(plain.encode()).hexdigest())
    ).one()
    assert stored.token_hash != plain

    api = TestClient(client.app)  # no cookies: only the token authenticates
    headers = {"Authorization": f"Bearer {plain}"}
    measures = api.get("/api/v1/measures", headers=headers)
    assert measures.status_code == 200
    assert isinstance(measures.json()["items"], list)

    # The token is listed on the profile page and can be revoked there.
    profile = client.get("/profil")
    assert f"/profil/tokens/{stored.id}/widerrufen" in profile.text
    revoked = client.post(f"/profil/tokens/{stored.id}/widerrufen", follow_redirects=False)
    assert revoked.status_code == 303

    refused = api.get("/api/v1/measures", headers=headers)
    assert refused.status_code == 401
    assert "widerrufen" in refused.json()["detail"]
    assert (
        api.get("/api/v1/measures", headers={"Authorization": "Bearer ikz_erfunden"}).status_code
        == 401
    )


def test_bearer_writes_need_no_csrf_token(client: TestClient, session: Session) -> None:
    from app.municipalities.models import Municipality
    from tests.integration.test_permission_matrix import _measure

    erbach = session.exec(select(Municipality).where(Municipality.slug == "erbach")).one()
    measure = _measure(session, int(erbach.id or 0), involved=True)
    user = session.exec(select(User).where(User.username == "digital.erbach")).one()
    _token, plain = service.create_token(
        session=session,
        actor=service.Principal.system(),
        user_id=int(user.id or 0),
    )
    session.flush()
    response = client.post(
        f"/api/v1/measures/{measure.code}/status-reports",
        headers={"Authorization": f"Bearer {plain}"},
        json={
            "status": "in_umsetzung",
            "progress": 30,
            "traffic_light": "gruen",
            "summary": "Per Schnittstelle gemeldet",
            "next_steps": "",
            "expected_version": measure.version,
        },
    )
    assert response.status_code == 201, response.text


def test_tokens_of_other_users_cannot_be_revoked(
    client: TestClient, login: Any, session: Session
) -> None:
    owner = session.exec(select(User).where(User.username == "finanzen.erbach")).one()
    token, _plain = service.create_token(
        session=session, actor=service.Principal.system(), user_id=int(owner.id or 0)
    )
    session.flush()
    login(client, "digital.erbach")
    response = client.post(f"/profil/tokens/{token.id}/widerrufen")
    assert response.status_code == 403
    assert "Keine Berechtigung" in response.text
    session.refresh(token)
    assert token.revoked_at is None


def test_cli_token_create_prints_the_token_last(
    connection: Connection, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.accounts import cli as accounts_cli
    from app.cli import app as cli_app

    monkeypatch.setattr(accounts_cli, "get_engine", lambda: connection)
    result = CliRunner().invoke(cli_app, ["token", "create", "hauptamt.erbach", "--name", "CI"])
    assert result.exit_code == 0, result.output
    plain = result.stdout.strip().splitlines()[-1]
    principal = service.principal_for_token(session=session, plain=plain)
    assert principal is not None
    assert principal.username == "hauptamt.erbach"


def test_cli_user_create_with_roles(
    connection: Connection, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.accounts import cli as accounts_cli
    from app.cli import app as cli_app

    monkeypatch.setattr(accounts_cli, "get_engine", lambda: connection)
    result = CliRunner().invoke(
        cli_app,
        [
            "user",
            "create",
            "Kaemmerei.Test",
            "--display-name",
            "Kämmerei Test",
            "--role",
            "finanzen:michelstadt",
            "--role",
            "leser:erbach",
        ],
        input="ein-sicheres-passwort\nein-sicheres-passwort\n",
    )
    assert result.exit_code == 0, result.output
    principal = service.authenticate(
        session=session,
        username="kaemmerei.test",
        password="ein-sicheres-passwort",
        client_address="cli",
    )
    assert principal.display_name == "Kämmerei Test"
    assert {role.value for role in principal.roles} == {"finanzen", "leser"}
    unknown = CliRunner().invoke(
        cli_app,
        [
            "user",
            "create",
            "x.y",
            "--display-name",
            "X",
            "--password",
            "ein-sicheres-passwort",
            "--role",
            "digital:nirgendwo",
        ],
    )
    assert unknown.exit_code == 1
    assert "Unbekannte Kommune" in unknown.output


def test_a_busy_database_does_not_fail_a_read_over_recording_the_token_use(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Recording when a token was last used is best effort: "database is locked" (SQLite, when
    another writer committed since the read began) must not turn a GET into a 500."""
    plain = service.create_token(
        session=session,
        actor=service.load_principal(session=session, user_id=_user_id(session, "leser")),
        user_id=_user_id(session, "leser"),
        name="Lesezugriff",
    )[1]
    real_execute = Session.execute

    def busy_on_token_update(self: Session, statement: Any, *args: Any, **kwargs: Any) -> Any:
        if getattr(statement, "is_dml", False) and "api_token" in str(statement):
            raise OperationalError(str(statement), {}, Exception("database is locked"))
        return real_execute(self, statement, *args, **kwargs)

    monkeypatch.setattr(Session, "execute", busy_on_token_update)
    api = TestClient(client.app)
    answer = api.get("/api/v1/measures", headers={"Authorization": f"Bearer {plain}"})
    assert answer.status_code == 200
    assert answer.json()
    token = session.exec(select(ApiToken).where(ApiToken.name == "Lesezugriff")).one()
    session.refresh(token)
    assert token.last_used_at is None  # not recorded this time, and nothing else failed


def _user_id(session: Session, username: str) -> int:
    return int(session.exec(select(User.id).where(User.username == username)).one() or 0)

"""Sign-in, sign-out, redirects, idle timeout and throttling of failed logins."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts import deps as account_deps
from app.accounts import service
from app.accounts.models import LoginAttempt
from app.core.timeutil import utcnow

NEUTRAL = "Benutzername oder Passwort ist nicht korrekt."
LOCKED = "vorübergehend gesperrt"


def _form_token(client: TestClient) -> str:
    page = client.get("/login")
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match
    return match.group(1)


def _post_login(client: TestClient, username: str, password: str, **extra: str) -> Any:
    data = {"username": username, "password": password, "csrf_token": _form_token(client)}
    data.update(extra)
    return client.post("/login", data=data, follow_redirects=False)


def test_login_page_is_german_and_labelled(client: TestClient) -> None:
    page = client.get("/login")
    assert page.status_code == 200
    assert '<html lang="de">' in page.text
    assert '<label class="kern-label" for="username">Benutzername' in page.text
    assert '<label class="kern-label" for="password">Passwort' in page.text


def test_wrong_password_and_unknown_user_get_the_same_neutral_message(client: TestClient) -> None:
    wrong = _post_login(client, "digital.erbach", "falsch")
    unknown = _post_login(client, "gibt.es.nicht", "falsch")
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert NEUTRAL in response.text
        # Still not signed in.
        assert client.get("/profil", follow_redirects=False).status_code == 303
    # Nothing in the answer tells an existing account from a missing one.
    strip = re.compile(r'value="[^"]*"|data-csrf-token="[^"]*"|[0-9a-f]{32}')
    assert strip.sub("", wrong.text).replace("digital.erbach", "") == strip.sub(
        "", unknown.text
    ).replace("gibt.es.nicht", "")


def test_login_redirects_to_next_and_only_to_local_paths(client: TestClient) -> None:
    ok = _post_login(client, "leser", "demo-passwort", next="/admin/audit?x=1")
    assert ok.status_code == 303
    assert ok.headers["location"] == "/admin/audit?x=1"
    client.cookies.clear()
    for evil in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = _post_login(client, "leser", "demo-passwort", next=evil)
        assert response.headers["location"] == "/"
        client.cookies.clear()


def test_session_cookie_is_httponly_and_samesite_lax(client: TestClient) -> None:
    response = _post_login(client, "leser", "demo-passwort")
    cookie = response.headers["set-cookie"].lower()
    assert "ikz_session=" in cookie
    assert "httponly" in cookie
    assert "samesite=lax" in cookie


def test_anonymous_html_is_redirected_to_login_and_back(client: TestClient) -> None:
    response = client.get("/profil?tab=1", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/profil%3Ftab%3D1"
    login_page = client.get(response.headers["location"])
    assert 'name="next" value="/profil?tab=1"' in login_page.text


def test_anonymous_api_gets_401_json(client: TestClient) -> None:
    response = client.get("/api/v1/measures")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["detail"] == "Bitte melden Sie sich an."


def test_logout_ends_the_session(client: TestClient, login: Any) -> None:
    login(client, "digital.erbach")
    assert client.get("/profil").status_code == 200
    response = client.post("/logout", follow_redirects=False)
    assert response.status_code == 303
    assert client.get("/profil", follow_redirects=False).status_code == 303


def test_idle_session_expires(
    client: TestClient, login: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    login(client, "digital.erbach")
    assert client.get("/profil").status_code == 200
    later = utcnow() + timedelta(minutes=61)
    monkeypatch.setattr(account_deps, "utcnow", lambda: later)
    response = client.get("/profil", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


def test_deactivated_user_cannot_sign_in(client: TestClient, session: Session) -> None:
    from sqlmodel import select

    from app.accounts.models import User

    user = session.exec(select(User).where(User.username == "finanzen.oberzent")).one()
    user.active = False
    session.flush()
    response = _post_login(client, "finanzen.oberzent", "demo-passwort")
    assert response.status_code == 401
    assert NEUTRAL in response.text


def test_ten_failures_lock_the_account_with_a_german_message(client: TestClient) -> None:
    for _ in range(10):
        assert _post_login(client, "hauptamt.erbach", "falsch").status_code == 401
    # Even the right password is refused now, with 429 and a German explanation.
    locked = _post_login(client, "hauptamt.erbach", "demo-passwort")
    assert locked.status_code == 429
    assert LOCKED in locked.text
    assert client.get("/profil", follow_redirects=False).status_code == 303


def test_throttling_counts_per_account_across_addresses(session: Session) -> None:
    for number in range(10):
        with pytest.raises(service.LoginFailed):
            service.authenticate(
                session=session,
                username="digital.michelstadt",
                password="falsch",
                client_address=f"10.0.0.{number}",
            )
    with pytest.raises(service.LoginThrottled):
        service.authenticate(
            session=session,
            username="digital.michelstadt",
            password="demo-passwort",
            client_address="10.9.9.9",
        )
    # Another account from another address is unaffected.
    principal = service.authenticate(
        session=session, username="leser", password="demo-passwort", client_address="10.9.9.9"
    )
    assert principal.username == "leser"


def test_many_failures_from_one_address_do_not_lock_out_its_other_users(
    session: Session,
) -> None:
    """One town hall behind one proxy: ten colleagues mistyping does not lock the others out."""
    for number in range(10):
        with pytest.raises(service.LoginFailed):
            service.authenticate(
                session=session,
                username=f"versuch{number}",
                password="falsch",
                client_address="192.0.2.7",
            )
    principal = service.authenticate(
        session=session, username="leser", password="demo-passwort", client_address="192.0.2.7"
    )
    assert principal.username == "leser"


def test_throttling_counts_per_address_across_accounts(session: Session) -> None:
    now = utcnow()
    for number in range(100):
        session.add(
            LoginAttempt(username=f"versuch{number}", client_address="192.0.2.8", attempted_at=now)
        )
    session.flush()
    with pytest.raises(service.LoginThrottled) as locked:
        service.authenticate(
            session=session, username="leser", password="demo-passwort", client_address="192.0.2.8"
        )
    assert LOCKED in locked.value.message
    assert locked.value.status_code == 429
    assert 0 < locked.value.retry_after <= 15 * 60


def test_lock_ends_when_the_window_has_passed(session: Session) -> None:
    long_ago = utcnow() - timedelta(minutes=16)
    for _ in range(10):
        session.add(
            LoginAttempt(username="leser", client_address="198.51.100.1", attempted_at=long_ago)
        )
    session.flush()
    principal = service.authenticate(
        session=session, username="leser", password="demo-passwort", client_address="198.51.100.1"
    )
    assert principal.username == "leser"


def test_successful_login_clears_the_accounts_failures(session: Session) -> None:
    for _ in range(9):
        with pytest.raises(service.LoginFailed):
            service.authenticate(
                session=session, username="leser", password="x", client_address="203.0.113.1"
            )
    service.authenticate(
        session=session, username="leser", password="demo-passwort", client_address="203.0.113.2"
    )
    with pytest.raises(service.LoginFailed):
        service.authenticate(
            session=session, username="leser", password="x", client_address="203.0.113.3"
        )
    # Still not locked: the failures before the success no longer count for the account.
    service.authenticate(
        session=session, username="leser", password="demo-passwort", client_address="203.0.113.4"
    )

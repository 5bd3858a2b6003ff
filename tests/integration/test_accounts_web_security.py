"""Security headers on every response, request ids, and German screens for every refusal."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlmodel import Session

from app.core.errors import StaleVersion
from app.security import CONTENT_SECURITY_POLICY


def _assert_security_headers(response: Any) -> None:
    headers = response.headers
    assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] in ("same-origin", "strict-origin-when-cross-origin")
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-request-id"]


PUBLIC_PATHS = ["/login", "/barrierefreiheit", "/healthz", "/static/css/app.css", "/gibt-es-nicht"]
SIGNED_IN_PATHS = ["/", "/profil", "/admin/benutzer", "/admin/audit", "/api/v1/measures"]


@pytest.mark.parametrize("path", PUBLIC_PATHS + SIGNED_IN_PATHS)
def test_security_headers_for_anonymous_requests(client: TestClient, path: str) -> None:
    _assert_security_headers(client.get(path, follow_redirects=False))


def test_security_headers_on_signed_in_pages_and_errors(client: TestClient, login: Any) -> None:
    login(client, "digital.erbach")
    for path in SIGNED_IN_PATHS:
        response = client.get(path)
        assert response.status_code in (200, 403), path
        _assert_security_headers(response)
    _assert_security_headers(client.post("/profil/tokens", headers={"X-CSRF-Token": "falsch"}))


def test_incoming_request_id_is_kept_and_a_bad_one_replaced(client: TestClient) -> None:
    kept = client.get("/healthz", headers={"X-Request-ID": "abc-123-def-456"})
    assert kept.headers["x-request-id"] == "abc-123-def-456"
    replaced = client.get("/healthz", headers={"X-Request-ID": "<script>"})
    assert replaced.headers["x-request-id"] != "<script>"
    assert len(replaced.headers["x-request-id"]) == 32


def test_403_screen_is_german(client: TestClient, login: Any) -> None:
    login(client, "finanzen.erbach")
    response = client.get("/admin/benutzer")
    assert response.status_code == 403
    assert '<h1 class="kern-heading-large">Keine Berechtigung</h1>' in response.text
    assert "Dafür fehlt Ihnen die Berechtigung." in response.text


def test_404_screen_is_german_for_pages_and_json_for_the_api(
    client: TestClient, login: Any
) -> None:
    login(client, "admin")
    page = client.get("/gibt-es-nicht")
    assert page.status_code == 404
    assert "Seite nicht gefunden" in page.text
    assert "Not Found" not in page.text
    user = client.get("/admin/benutzer/987654")
    assert user.status_code == 404
    assert "Benutzer nicht gefunden." in user.text
    api = client.get("/api/v1/gibt-es-nicht")
    assert api.status_code == 404
    assert api.headers["content-type"].startswith("application/json")
    assert api.json()["detail"]


def test_405_screen_is_german(client: TestClient) -> None:
    response = client.get("/logout")
    assert response.status_code == 405
    assert "Aktion nicht möglich" in response.text


def test_429_screen_is_german(client: TestClient) -> None:
    import re

    for _ in range(11):
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
        assert token
        response = client.post(
            "/login",
            data={"username": "admin", "password": "falsch", "csrf_token": token.group(1)},
        )
    assert response.status_code == 429
    assert "vorübergehend gesperrt" in response.text


class _Payload(BaseModel):
    amount: int


@pytest.fixture
def test_app(session: Session) -> FastAPI:
    """The product app plus routes that exist only in this test module (an application of its
    own: the other tests share one)."""
    from app.main import create_app
    from tests.conftest import bind_to_test_session

    app = create_app()
    bind_to_test_session(app, session)

    @app.get("/test-only/kaputt")
    def broken() -> None:
        raise RuntimeError("geheimes Detail aus dem Stacktrace")

    @app.get("/test-only/veraltet")
    def stale() -> None:
        raise StaleVersion(current={"title": "Aktuell"}, current_version=4)

    @app.get("/api/test-only/veraltet")
    def stale_api() -> None:
        raise StaleVersion(current={"title": "Aktuell"}, current_version=4)

    @app.post("/api/test-only/eingabe")
    def payload(body: _Payload) -> dict[str, int]:
        return {"amount": body.amount}

    return app


def test_500_screen_shows_the_request_id_and_logs_the_traceback(
    test_app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    client = TestClient(test_app)
    logging.getLogger("ikz").propagate = True
    try:
        with caplog.at_level(logging.ERROR, logger="ikz.error"):
            response = client.get("/test-only/kaputt")
    finally:
        logging.getLogger("ikz").propagate = False
    assert response.status_code == 500
    _assert_security_headers(response)
    request_id = response.headers["x-request-id"]
    assert "Interner Fehler" in response.text
    assert request_id in response.text
    assert "geheimes Detail" not in response.text
    assert "Traceback" not in response.text
    logged = [r for r in caplog.records if request_id in r.getMessage()]
    assert logged, "the request id is in the log"
    assert logged[0].exc_info is not None
    assert "geheimes Detail" in str(logged[0].exc_info[1])


def test_409_screen_is_german_and_the_api_gets_the_current_values(test_app: FastAPI) -> None:
    client = TestClient(test_app)
    page = client.get("/test-only/veraltet")
    assert page.status_code == 409
    assert "inzwischen von jemand anderem geändert" in page.text
    assert "Änderung nicht gespeichert" in page.text
    api = client.get("/api/test-only/veraltet")
    assert api.status_code == 409
    assert api.json()["current"] == {"title": "Aktuell"}
    assert api.json()["current_version"] == 4


def test_api_validation_errors_name_the_field(test_app: FastAPI, login: Any) -> None:
    client = TestClient(test_app)
    login(client, "leser")
    response = client.post("/api/test-only/eingabe", json={})
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "Bitte prüfen Sie Ihre Eingaben."
    assert body["errors"] == {"amount": "Pflichtangabe fehlt."}


def test_api_docs_load_only_local_assets(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    _assert_security_headers(response)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in response.text
    assert "/static/js/api-docs.js" in response.text
    assert "cdn." not in response.text
    assert "<script>" not in response.text

"""Scale-out: two application servers on one database. A change through one is visible on the
very next view through the other, the dashboard included, although each server keeps its own
cache of dashboard panels (the cache is keyed by the data generation, a row in the database that
every change raises)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.portfolio.models import Measure
from tests.e2e.server import LiveServer
from tests.integration.live import api, bearer, signed_in_client, start_server_pair
from tests.integration.test_dashboard import _figure, _int

HTMX = {"HX-Request": "true"}
KEY_FIGURES = "/dashboard?kommune=alle&teil=kennzahlen"


@pytest.fixture(scope="module")
def pair() -> Iterator[tuple[LiveServer, LiveServer]]:
    yield from start_server_pair()


def _red(client: httpx.Client | TestClient) -> int:
    answer = client.get(KEY_FIGURES, headers=HTMX)
    assert answer.status_code == 200, answer.text[:300]
    return _int(_figure(answer.text, "light-rot"))


def _open_measure(server: LiveServer, light: str) -> str:
    rows = server.query(
        "SELECT code FROM measure WHERE archived = ? AND traffic_light <> ? "
        "AND status NOT IN ('abgeschlossen', 'verworfen') ORDER BY code",
        False,
        light,
    )
    assert rows
    return str(rows[0][0])


def _report(server: LiveServer, code: str, light: str) -> None:
    with api(server, bearer(server, "admin")) as client:
        measure = client.get(f"/api/v1/measures/{code}").json()
        answer = client.post(
            f"/api/v1/measures/{code}/status-reports",
            json={
                "status": measure["status"],
                "progress": measure["progress"],
                "traffic_light": light,
                "summary": "Über den anderen Server gemeldet",
                "next_steps": "",
                "expected_version": measure["version"],
            },
        )
        assert answer.status_code == 201, answer.text


@pytest.mark.parametrize("direction", ["a-to-b", "b-to-a"])
def test_a_change_through_one_server_shows_on_the_next_view_through_the_other(
    pair: tuple[LiveServer, LiveServer], direction: str
) -> None:
    first, second = pair
    writer, reader = (first, second) if direction == "a-to-b" else (second, first)
    viewer = signed_in_client(reader, "hauptamt.erbach")
    try:
        before = _red(viewer)
        assert _red(viewer) == before  # now in the reader's own cache
        code = _open_measure(writer, "rot")
        _report(writer, code, "rot")
        assert _red(viewer) == before + 1  # the very next view, on the other server
        whole = viewer.get("/dashboard?kommune=alle")
        assert _int(_figure(whole.text, "light-rot")) == before + 1
        page = viewer.get(f"/massnahmen/{code}")
        assert "Über den anderen Server gemeldet" in page.text
        listed = viewer.get("/api/v1/measures", params={"ampel": "rot", "limit": 100}).json()
        assert code in [item["code"] for item in listed["items"]]
    finally:
        viewer.close()


def test_both_servers_answer_from_one_database(pair: tuple[LiveServer, LiveServer]) -> None:
    first, second = pair
    assert first.database_url == second.database_url
    assert first.base_url != second.base_url


def test_application_connections_to_postgresql_run_without_jit() -> None:
    """JIT compilation cost the dashboard's aggregations more than they run (docs/benchmarks)."""
    from sqlalchemy import text

    from app.core.db import build_engine
    from tests.conftest import TEST_DATABASE_URL

    if not TEST_DATABASE_URL.startswith("postgresql"):
        pytest.skip("a setting of PostgreSQL connections")
    engine = build_engine(TEST_DATABASE_URL)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SHOW jit")).scalar_one() == "off"
    finally:
        engine.dispose()


@pytest.mark.parametrize("planted", [False, True], ids=["shared-generation", "local-key-planted"])
def test_a_cache_keyed_only_inside_the_process_would_show_the_other_server_stale_figures(
    signed_in: TestClient,
    app: FastAPI,
    session: Session,
    login: Any,
    api_token: Any,
    monkeypatch: pytest.MonkeyPatch,
    planted: bool,
) -> None:
    """The servers above in one process: a second application with a panel cache of its own on
    the same database. With the database's generation planted out of the key (a cache that
    trusts only its own process), the second application's next view misses the change made
    through the first: the check above would catch such a cache."""
    from app.main import create_app

    other_app = create_app()
    other_app.dependency_overrides = dict(app.dependency_overrides)
    if planted:
        monkeypatch.setattr("app.core.generation.current", lambda _session: 1)
    with TestClient(other_app, base_url="http://testserver") as other:
        login(other, "hauptamt.erbach")
        before = _red(other)
        assert _red(other) == before
        measure = session.exec(
            select(Measure)
            .where(col(Measure.archived).is_(False), col(Measure.traffic_light) != "rot")
            .where(col(Measure.status).not_in(["abgeschlossen", "verworfen"]))
            .order_by(col(Measure.code))
        ).first()
        assert measure is not None
        answer = signed_in.post(
            f"/api/v1/measures/{measure.code}/status-reports",
            headers={"Authorization": f"Bearer {api_token('admin')}"},
            json={
                "status": measure.status,
                "progress": measure.progress,
                "traffic_light": "rot",
                "summary": "Über die erste Anwendung gemeldet",
                "next_steps": "",
                "expected_version": measure.version,
            },
        )
        assert answer.status_code == 201, answer.text
        assert (_red(other) == before + 1) is (not planted)

"""Concurrent edits of one risk against the real server (two worker processes), on SQLite and
PostgreSQL: of many writers of one version exactly one wins, the others get 409, the audit trail
holds the one change, and nothing is a server error."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.e2e.server import LiveServer
from tests.integration.live import (
    api,
    bearer,
    describe,
    json_of,
    one_winner,
    race,
    signed_in_client,
    start_live_server,
)

WRITERS = 30


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    yield from start_live_server()


def _risk_body(**changes: Any) -> dict[str, Any]:
    return {
        "title": "Gleichzeitig bewertet",
        "cause": "",
        "effect": "",
        "probability": 4,
        "impact": 4,
        "residual_probability": None,
        "residual_impact": None,
        "owner": "",
        "municipality": "",
        "mitigation": "",
        "status": "offen",
        "review_on": None,
    } | changes


def test_many_mitigations_of_one_version_have_one_winner(server: LiveServer) -> None:
    admin = bearer(server, "admin")
    code = server.measure_codes()[0]
    with api(server, admin) as client:
        created = json_of(client.post(f"/api/v1/measures/{code}/risks", json=_risk_body()))
    url = f"/api/v1/measures/{code}/risks/{created['id']}"

    def send(index: int) -> httpx.Response:
        body = _risk_body(
            residual_probability=1 + index % 3,
            residual_impact=2,
            mitigation=f"Gegenmaßnahme {index}",
            expected_version=created["version"],
        )
        with api(server, admin) as client:
            return client.put(url, json=body)

    outcomes = race(WRITERS, send)
    assert one_winner(outcomes, won=200, lost=409), describe(outcomes)
    version = server.query("SELECT version FROM risk WHERE id = ?", created["id"])[0][0]
    assert int(str(version)) == created["version"] + 1
    changes = server.query(
        "SELECT count(*) FROM audit_event WHERE entity = ? AND entity_id = ? AND action = ?",
        "risk",
        str(created["id"]),
        "update",
    )
    assert int(str(changes[0][0])) == 1, "the one accepted change, and only it, is audited"


def test_racing_forms_on_one_risk_have_one_winner(server: LiveServer) -> None:
    code = server.measure_codes()[0]
    with api(server, bearer(server, "admin")) as client:
        created = json_of(
            client.post(f"/api/v1/measures/{code}/risks", json=_risk_body(title="Formular"))
        )
    clients = [signed_in_client(server, "admin") for _ in range(8)]
    try:

        def send(index: int) -> httpx.Response:
            form = {
                key: "" if value is None else str(value)
                for key, value in _risk_body(title="Formular", owner=f"Person {index}").items()
            }
            form["expected_version"] = str(created["version"])
            return clients[index].post(
                f"/massnahmen/{code}/risiken/{created['id']}", data=form, follow_redirects=False
            )

        outcomes = race(len(clients), send)
    finally:
        for client in clients:
            client.close()
    assert one_winner(outcomes, won=303, lost=409), describe(outcomes)

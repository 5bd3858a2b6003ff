"""Concurrent entries of measured values against the real server (two worker processes): of
many writers of one indicator version exactly one wins, and one value is stored."""

from __future__ import annotations

from collections.abc import Iterator

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
from tests.integration.test_concurrency import COPIES, _indicator_forms
from tests.judge_log import record_judge


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    yield from start_live_server()


def test_thirty_values_on_one_indicator_version_have_one_winner(server: LiveServer) -> None:
    admin = bearer(server, "admin")
    officer = bearer(server, "digital.erbach")
    code = server.measure_codes()[0]
    body = {
        "goal": "Gleichzeitig",
        "name": "Gleichzeitig erfasst",
        "definition": "",
        "unit": "%",
        "direction": "steigend",
        "baseline_value": 1000,
        "baseline_on": "2025-01-01",
        "target_value": 9000,
        "target_on": "2027-12-31",
        "source": "",
        "municipality": "erbach",
        "example": False,
    }
    with api(server, admin) as client:
        indicator = json_of(client.post(f"/api/v1/measures/{code}/indicators", json=body))

    def send(index: int) -> httpx.Response:
        with api(server, officer) as client:
            return client.post(
                f"/api/v1/indicators/{indicator['id']}/values",
                json={
                    "measured_on": f"2026-01-{index % 28 + 1:02d}",
                    "value": 2000 + index,
                    "note": "",
                    "expected_version": indicator["version"],
                },
            )

    outcomes = race(30, send)
    assert one_winner(outcomes, won=201, lost=409), describe(outcomes)
    record_judge("race", kind="indicator-values", requests=len(outcomes), winners=1)
    stored = server.query(
        "SELECT count(*) FROM indicator_value WHERE indicator_id = ?", indicator["id"]
    )
    assert int(stored[0][0]) == 1
    with api(server, admin) as client:
        after = json_of(client.get(f"/api/v1/indicators/{indicator['id']}"))
    assert after["version"] == indicator["version"] + 1
    assert len(after["values"]) == 1


def test_every_indicator_form_answers_while_the_others_wait_for_the_same_rows(
    server: LiveServer,
) -> None:
    admin = bearer(server, "admin")
    requests = _indicator_forms(server, admin, server.measure_codes()[3])
    client = signed_in_client(server, "admin")
    jobs = [(path, url, data) for path, (url, data) in requests.items() for _ in range(COPIES)]
    try:
        outcomes = race(len(jobs), lambda i: client.post(jobs[i][1], data=jobs[i][2]))
    finally:
        client.close()
    failed = [
        f"{jobs[i][0]}: {o.status} after {o.seconds:.1f} s {o.body[:120]}"
        for i, o in enumerate(outcomes)
        if o.status >= 500 or o.status == 0
    ]
    assert not failed, "\n".join(failed)
    assert max(o.seconds for o in outcomes) < 30

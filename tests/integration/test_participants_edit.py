"""Participants of an existing measure are an edit like any other (issue defect 8): the ledger,
the funding and the approvals (asked only of participants) follow in the same unit of work, a
stale version is a 409, and of concurrent editors of one version exactly one wins, on a real
server (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.finance.models import BudgetLine, BudgetShare
from app.municipalities.models import Municipality
from app.portfolio.models import Measure, Participation
from tests.e2e.server import LiveServer
from tests.integration.live import api, bearer, describe, json_of, race, start_live_server

CODE = "HF1-M01"  # four participants, equal key, funded by the seeded grant


def _measure(session: Session) -> Measure:
    return session.exec(select(Measure).where(Measure.code == CODE)).one()


def _slug_id(session: Session, slug: str) -> int:
    return int(session.exec(select(Municipality).where(Municipality.slug == slug)).one().id or 0)


def _shares_of(session: Session, measure: Measure) -> dict[int, int]:
    result: dict[int, int] = {}
    for share in session.exec(select(BudgetShare).where(BudgetShare.measure_id == measure.id)):
        result[share.municipality_id] = result.get(share.municipality_id, 0) + share.gross_cents
    return result


def test_removing_a_participant_moves_costs_funding_and_approvals_in_one_go(
    client: TestClient, session: Session, login: Any
) -> None:
    measure = _measure(session)
    brombachtal = _slug_id(session, "brombachtal")
    assert brombachtal in _shares_of(session, measure)
    login(client, "admin")
    approvals = client.get(f"/api/v1/measures/{CODE}/approvals").json()
    assert "brombachtal" in {a["municipality"] for a in approvals}
    answer = client.put(
        f"/api/v1/measures/{CODE}/participants",
        json={
            "participants": ["erbach", "michelstadt", "oberzent"],
            "expected_version": measure.version,
        },
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["participants"] == ["erbach", "michelstadt", "oberzent"]
    session.expire_all()
    shares = _shares_of(session, measure)
    assert brombachtal not in shares
    planned = sum(
        line.planned_cents
        for line in session.exec(select(BudgetLine).where(BudgetLine.measure_id == measure.id))
    )
    assert sum(shares.values()) == planned, "the three carry the whole measure to the cent"
    approvals = client.get(f"/api/v1/measures/{CODE}/approvals").json()
    assert {a["municipality"] for a in approvals} == {"erbach", "michelstadt", "oberzent"}, (
        "a municipality that left asks for no approval any more"
    )
    budget = client.get("/api/v1/budget", params={"municipality": "brombachtal"}).json()
    assert CODE not in {line["measure_code"] for line in budget["lines"]}
    # The grant's funding now lands with the three only, still to the cent.
    funded = client.get("/api/v1/budget").json()["lines"]
    of_measure = [line for line in funded if line["measure_code"] == CODE]
    assert {line["municipality"] for line in of_measure} == {"erbach", "michelstadt", "oberzent"}


def test_adding_back_and_the_lead_always_stays(
    client: TestClient, session: Session, login: Any
) -> None:
    measure = _measure(session)
    login(client, "admin")
    page = client.get(f"/massnahmen/{CODE}/beteiligte")
    assert page.status_code == 200 and "Federführung" in page.text
    saved = client.post(
        f"/massnahmen/{CODE}/beteiligte",
        data={"participants": ["erbach"], "expected_version": str(measure.version)},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    session.expire_all()
    ids = {
        p.municipality_id
        for p in session.exec(select(Participation).where(Participation.measure_id == measure.id))
    }
    assert ids == {_slug_id(session, "erbach"), measure.lead_municipality_id}


def test_a_stale_version_is_a_409_and_changes_nothing(
    client: TestClient, session: Session, login: Any
) -> None:
    measure = _measure(session)
    login(client, "admin")
    stale = client.post(
        f"/massnahmen/{CODE}/beteiligte",
        data={"participants": ["erbach"], "expected_version": str(measure.version - 1)},
    )
    assert stale.status_code == 409
    assert "Nicht gespeichert" in stale.text
    session.expire_all()
    count = len(
        session.exec(select(Participation).where(Participation.measure_id == measure.id)).all()
    )
    assert count == 4


def test_unknown_municipality_is_refused_in_german(
    client: TestClient, session: Session, login: Any
) -> None:
    measure = _measure(session)
    login(client, "admin")
    bad = client.post(
        f"/massnahmen/{CODE}/beteiligte",
        data={"participants": ["atlantis"], "expected_version": str(measure.version)},
    )
    assert bad.status_code == 422 and "Unbekannte Kommune" in bad.text


# --- concurrent editors on a real server (PostgreSQL in the PostgreSQL pass) ------------------


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    yield from start_live_server()


def test_concurrent_participant_edits_of_one_version_have_one_winner_and_shares_add_up(
    server: LiveServer,
) -> None:
    headers = bearer(server, "admin")
    with api(server, headers) as client:
        measure = json_of(client.get(f"/api/v1/measures/{CODE}"))
    choices = [["erbach"], ["michelstadt"], ["brombachtal"], ["erbach", "brombachtal"]]

    def send(index: int) -> httpx.Response:
        with api(server, headers) as client:
            return client.put(
                f"/api/v1/measures/{CODE}/participants",
                json={
                    "participants": choices[index % len(choices)],
                    "expected_version": measure["version"],
                },
            )

    outcomes = race(12, send)
    counts = {o.status for o in outcomes}
    assert counts <= {200, 409}, describe(outcomes)
    assert sum(o.status == 200 for o in outcomes) == 1, describe(outcomes)
    # The ledger agrees with the winner: the shares of every line add up to the line, and
    # only the winner's participants carry costs.
    rows = server.query(
        "SELECT l.id, l.planned_cents, COALESCE(SUM(s.gross_cents), 0), COUNT(s.id) "
        "FROM budget_line l JOIN measure m ON m.id = l.measure_id "
        "LEFT JOIN budget_share s ON s.line_id = l.id WHERE m.code = ? "
        "GROUP BY l.id, l.planned_cents",
        CODE,
    )
    assert rows and all(int(planned) == int(shared) for _, planned, shared, _ in rows)
    with api(server, headers) as client:
        after = json_of(client.get(f"/api/v1/measures/{CODE}"))
    assert after["version"] == measure["version"] + 1
    carriers = {int(count) for *_, count in rows}
    assert carriers == {len(after["participants"])}

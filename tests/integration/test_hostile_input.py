"""Hostile input over every form, JSON field, path and query parameter of the route table.

No answer may be a server error, and a refused request (4xx) must leave nothing written. The
routes come from the application's route table; the valid request each write starts from comes
from the permission matrix (as the IKZ-Koordination, who may do everything, so the input itself
is what is judged). Runs on SQLite and on PostgreSQL like the whole suite.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlmodel import Session

from app.audit.models import AuditEvent
from app.main import create_app
from app.pages.measure_list.filters import MeasureFilter
from app.risks.filters import RiskQuery
from tests.conftest import sign_in
from tests.integration.hostile import (
    Report,
    api_routes,
    query_names,
    read_routes,
    sweep_path,
    sweep_query,
    sweep_writes,
)
from tests.integration.test_permission_matrix import RULES, STATE_CHANGING, _make_ctx
from tests.judge_log import record_judge

# Routes that end the signed-in session and take no input besides.
SESSION_ENDING = {
    ("POST", "/logout"),
    ("POST", "/profil/abmelden-ueberall"),
    ("DELETE", "/api/v1/me/sessions"),
}
# Query parameters a page reads without declaring them.
UNDECLARED_QUERY = {
    "/massnahmen": tuple(name for name in MeasureFilter.__dataclass_fields__ if name != "ignored"),
    "/risiken": tuple(RiskQuery.__dataclass_fields__),
}


def _write_routes() -> list[tuple[str, str]]:
    app = create_app()
    found = {
        (method, route.path)
        for route in api_routes(app)
        for method in route.methods & STATE_CHANGING
    }
    return sorted(found - SESSION_ENDING)


def _route(app: FastAPI, method: str, path: str) -> APIRoute:
    for route in api_routes(app):
        if route.path == path and method in route.methods:
            return route
    raise AssertionError(f"{method} {path} not in the route table")


def _fingerprint(session: Session):  # type: ignore[no-untyped-def]
    """What a write leaves behind: every audited change appends an audit event."""

    def read() -> tuple[int, int | None]:
        count, newest = session.execute(select(func.count(), func.max(AuditEvent.id))).one()
        return int(count), newest

    return read


WRITES = _write_routes()


def test_every_write_route_is_swept() -> None:
    assert len(WRITES) >= 50, "the route table should list every form and API write"
    assert set(WRITES) <= set(RULES), "every write route has a valid request to start from"


def test_hostile_values_in_every_field_of_every_write(
    app: FastAPI, client: TestClient, session: Session
) -> None:
    sign_in(client, "admin")
    ctx = _make_ctx(session, "admin", "own")
    session.commit()  # the targets stay, whatever a refused request rolls back
    report = Report()
    for method, path in WRITES:
        request = RULES[(method, path)].build(ctx)
        route = _route(app, method, path)
        for sweep in (sweep_writes, sweep_path):
            sweep(
                client,
                route,
                method,
                request.url,
                data=request.data,
                body=request.json,
                fingerprint=_fingerprint(session),
                report=report,
            )
    record_judge("hostile", kind="writes", requests=report.requests, failures=len(report.failures))
    assert report.requests > 2000
    assert not report.failures, "\n".join(report.failures[:40])


def test_hostile_query_parameters_on_every_page_and_read(
    app: FastAPI, client: TestClient, session: Session
) -> None:
    sign_in(client, "admin")
    report = Report()
    for route in read_routes(app):
        names = query_names(route, UNDECLARED_QUERY)
        sweep_query(client, route.path, names, fingerprint=_fingerprint(session), report=report)
    record_judge("hostile", kind="reads", requests=report.requests, failures=len(report.failures))
    assert report.requests > 200
    assert not report.failures, "\n".join(report.failures[:40])

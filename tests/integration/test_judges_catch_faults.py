"""The new judges, shown once to fail on planted faults (the faults 6827291 had).

* The hostile-input sweep must report a form that reads numbers with ``isdigit()`` and ``int()``
  (a 500 for ``²``) and an endpoint that writes before it refuses.
* The race judge must report an endpoint that checks a version and writes it without a lock:
  of concurrent writers of one version, several win.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import BaseModel

from tests.e2e.server import free_port
from tests.integration.hostile import Report, sweep_writes
from tests.integration.live import one_winner, race


class Note(BaseModel):
    text: str


class Edit(BaseModel):
    expected_version: int


def _planted_app(written: list[str]) -> FastAPI:
    app = FastAPI()

    @app.post("/formular")
    async def form_route(request: Request) -> Response:
        form = await request.form()
        year = str(form.get("year", ""))
        value = int(year) if year.isdigit() else 0  # the fault: "²".isdigit() is True
        return JSONResponse({"year": value})

    form_route.__form_fields__ = ("year",)  # type: ignore[attr-defined]

    @app.post("/api/notiz")
    def note_route(body: Note) -> Response:
        written.append(body.text)  # the fault: written before the input is refused
        status = 422 if "\x00" in body.text else 201
        return JSONResponse({}, status_code=status)

    return app


def _route(app: FastAPI, path: str) -> APIRoute:
    return next(r for r in app.routes if isinstance(r, APIRoute) and r.path == path)


def test_hostile_sweep_reports_a_500_and_a_write_on_refusal() -> None:
    written: list[str] = []
    app = _planted_app(written)
    client = TestClient(app, raise_server_exceptions=False)
    report = Report()
    sweep_writes(
        client,
        _route(app, "/formular"),
        "POST",
        "/formular",
        data={"year": "2026"},
        body=None,
        fingerprint=lambda: len(written),
        report=report,
    )
    sweep_writes(
        client,
        _route(app, "/api/notiz"),
        "POST",
        "/api/notiz",
        data=None,
        body={"text": "gut"},
        fingerprint=lambda: len(written),
        report=report,
    )
    assert any("year=hochgestellte Ziffer: 500" in f for f in report.server_errors), report
    assert any("text=NUL" in f and "written" in f for f in report.written_on_refusal), report


class _Planted:
    """A store with the fault of 6827291's status reports: check the version, then write."""

    def __init__(self) -> None:
        self.version = 1
        self.writes = 0
        self.checked = 0
        self.gap = threading.Condition()


@pytest.fixture
def planted_server() -> Iterator[str]:
    store = _Planted()
    app = FastAPI()

    @app.post("/bericht")
    def report(body: Edit) -> Response:
        if body.expected_version != store.version:
            return JSONResponse({}, status_code=409)
        # The time between the check and the write: held open until a second request has
        # passed the check too, so the fault shows however slowly the machine starts them.
        with store.gap:
            store.checked += 1
            store.gap.notify_all()
            store.gap.wait_for(lambda: store.checked >= 2, timeout=10)
        store.version = body.expected_version + 1
        store.writes += 1
        return JSONResponse({}, status_code=201)

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_race_judge_reports_several_winners(planted_server: str) -> None:
    def send(_: int) -> Any:
        with httpx.Client(base_url=planted_server, timeout=30) as client:
            return client.post("/bericht", json={"expected_version": 1})

    outcomes = race(10, send)
    assert not one_winner(outcomes, won=201, lost=409)
    assert sum(o.status == 201 for o in outcomes) > 1

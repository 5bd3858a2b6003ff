"""The application as a real server (``ikz serve`` with two worker processes) on the suite's
database kind, and the concurrency judge that sends it many requests at the same moment.

On PostgreSQL (``IKZ_TEST_DATABASE_URL``) the server gets a database of its own on the same
server (``<name>_live``, made afresh); otherwise a SQLite file. Requests race for real: each
comes from its own thread and client, all released by one barrier.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.e2e.server import DEMO_PASSWORD, LiveServer

RACE_TIMEOUT = 60.0  # seconds a racing request may take before it counts as hanging


def _fresh_postgres_database(url: str) -> str:
    """A new, empty database next to the suite's own; returns its URL."""
    parsed = make_url(url)
    name = f"{parsed.database}_live"
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def start_live_server(**env: str) -> Iterator[LiveServer]:
    """Yield a started server on a fresh database; stop it and clean up afterwards."""
    workdir = Path(tempfile.mkdtemp(prefix="ikz-live-"))
    from tests.conftest import TEST_DATABASE_URL

    postgres = TEST_DATABASE_URL
    database = _fresh_postgres_database(postgres) if postgres.startswith("postgresql") else ""
    server = LiveServer(workdir=workdir, database=database, workers=2, extra_env=dict(env))
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def start_server_pair() -> Iterator[tuple[LiveServer, LiveServer]]:
    """Two application servers (one process each, caches of their own) on one database, as
    behind a reverse proxy: the first prepares the database, the second joins it."""
    first_workdir = Path(tempfile.mkdtemp(prefix="ikz-live-a-"))
    second_workdir = Path(tempfile.mkdtemp(prefix="ikz-live-b-"))
    from tests.conftest import TEST_DATABASE_URL

    postgres = TEST_DATABASE_URL
    database = _fresh_postgres_database(postgres) if postgres.startswith("postgresql") else ""
    first = LiveServer(workdir=first_workdir, database=database, workers=1)
    second = LiveServer(workdir=second_workdir, database=first.database_url, workers=1)
    try:
        first.start()
        second.start(prepare=False)
        yield first, second
    finally:
        second.stop()
        first.stop()
        shutil.rmtree(first_workdir, ignore_errors=True)
        shutil.rmtree(second_workdir, ignore_errors=True)


def signed_in_client(server: LiveServer, username: str) -> httpx.Client:
    """An HTTP client with a browser session of ``username`` (and its CSRF token as a header)."""
    import re

    # No pool limit: a race sends all its requests at once through this one client, and a
    # bounded pool would queue them on the client's side instead of at the server.
    client = httpx.Client(
        base_url=server.base_url,
        timeout=RACE_TIMEOUT,
        limits=httpx.Limits(max_connections=None, max_keepalive_connections=None),
    )
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    response = client.post(
        "/login",
        data={"username": username, "password": DEMO_PASSWORD, "csrf_token": token.group(1)},
    )
    assert response.status_code == 303, f"sign-in of {username}: {response.status_code}"
    profile = client.get("/profil")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', profile.text)
    assert csrf
    client.headers["X-CSRF-Token"] = csrf.group(1)
    return client


@dataclass(frozen=True)
class Outcome:
    status: int  # 0: no answer within RACE_TIMEOUT
    body: str
    seconds: float


def race(count: int, send: Callable[[int], httpx.Response]) -> list[Outcome]:
    """Run ``send(i)`` for i in 0..count-1 from ``count`` threads released at the same moment."""
    barrier = threading.Barrier(count)

    def one(index: int) -> Outcome:
        barrier.wait(timeout=RACE_TIMEOUT)
        started = time.monotonic()
        try:
            response = send(index)
        except httpx.TimeoutException:
            return Outcome(0, "timeout", time.monotonic() - started)
        return Outcome(response.status_code, response.text[:500], time.monotonic() - started)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(one, range(count)))


def statuses(outcomes: list[Outcome]) -> Counter[int]:
    return Counter(outcome.status for outcome in outcomes)


def bearer(server: LiveServer, username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {server.api_token(username)}"}


def api(server: LiveServer, headers: dict[str, str]) -> httpx.Client:
    return httpx.Client(base_url=server.base_url, timeout=RACE_TIMEOUT, headers=headers)


def one_winner(outcomes: list[Outcome], *, won: int, lost: int) -> bool:
    """The judge of a race of writers of one version: exactly one ``won`` answer, every other
    one ``lost`` (a refusal), nothing else."""
    return statuses(outcomes) == {won: 1, lost: len(outcomes) - 1}


def describe(outcomes: list[Outcome]) -> str:
    """A short account of a race for an assertion message."""
    lines = [f"status counts: {dict(statuses(outcomes))}"]
    for outcome in outcomes:
        if outcome.status >= 500 or outcome.status == 0:
            lines.append(f"  {outcome.status} after {outcome.seconds:.1f} s: {outcome.body[:200]}")
    return "\n".join(lines[:12])


def json_of(response: httpx.Response) -> Any:
    assert response.status_code < 300, f"{response.status_code}: {response.text[:300]}"
    return response.json()

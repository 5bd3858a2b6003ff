"""Test fixtures: real migrations, seeded once, one rolled-back transaction per test.

The suite runs on a temporary SQLite file, or on PostgreSQL when ``IKZ_TEST_DATABASE_URL`` is
set (CI does both).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

_TMP = Path(tempfile.mkdtemp(prefix="ikz-test-"))


def _worker_database(url: str) -> str:
    """With several pytest-xdist workers on PostgreSQL, each gets a database of its own."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not url.startswith("postgresql") or not worker:
        return url
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    name = f"{parsed.database}_{worker}"
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).first()
            if exists is None:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


TEST_DATABASE_URL = _worker_database(
    os.environ.get("IKZ_TEST_DATABASE_URL") or f"sqlite:///{_TMP / 'test.sqlite3'}"
)
os.environ["IKZ_DATABASE_URL"] = TEST_DATABASE_URL
os.environ.setdefault("IKZ_ENV", "development")
os.environ.setdefault("IKZ_SECRET_KEY", "test-secret-key-for-the-suite-only-0123456789")
# argon2 at a test's cost: hundreds of sign-ins, each proving the same thing.
os.environ.setdefault("IKZ_PASSWORD_HASH_TIME_COST", "1")
os.environ.setdefault("IKZ_PASSWORD_HASH_MEMORY_KIB", "8192")

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import Connection, Engine  # noqa: E402
from sqlmodel import Session  # noqa: E402

from app.core.db import get_engine  # noqa: E402
from app.core.deps import get_session  # noqa: E402


def _reset_database(engine: Engine) -> None:
    """Start from an empty database (PostgreSQL keeps tables between runs)."""
    from app.migrate import downgrade

    if engine.dialect.name == "postgresql":
        downgrade(TEST_DATABASE_URL, "base")


@pytest.fixture(scope="session")
def engine() -> Iterator[Engine]:
    from app import listeners
    from app.migrate import upgrade

    listeners.install()
    engine = get_engine()
    _reset_database(engine)
    upgrade(TEST_DATABASE_URL)
    from app.seed import run_seed

    run_seed(engine=engine, demo_users=True)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        transaction = conn.begin()
        if conn.dialect.name == "sqlite":
            # app.core.db's "begin" listener sends BEGIN itself (pysqlite would not); without a real
            # outer transaction a released savepoint would commit the test's data.
            raw = conn.connection.dbapi_connection
            assert raw is not None and raw.in_transaction
        try:
            yield conn
        finally:
            transaction.rollback()


@pytest.fixture
def session(connection: Connection) -> Iterator[Session]:
    """A session inside the test's transaction; its commits only release savepoints."""
    with Session(bind=connection, join_transaction_mode="create_savepoint") as db_session:
        yield db_session


@pytest.fixture(scope="session")
def _application():  # type: ignore[no-untyped-def]
    """One application per test process. FastAPI prepares a route's dependencies when an
    application first routes a request, about half a second for the whole route table: a new
    application per test would pay it in every test."""
    from app.main import create_app

    return create_app()


def bind_to_test_session(application: Any, session: Session) -> None:
    """Requests of ``application`` work in the test's transaction, with fresh process state."""
    from app.core.config import get_settings
    from app.core.downloads import ExportSlots
    from app.pages.dashboard.cache import PanelCache

    # What the application keeps between requests starts empty in every test. The panel cache
    # above all: each test's transaction is rolled back, so the next test reaches the same data
    # generation with other data.
    settings = get_settings()
    application.state.panel_cache = PanelCache()
    application.state.export_slots = ExportSlots(
        settings.max_concurrent_exports, settings.export_wait_seconds
    )

    def _session() -> Iterator[Session]:
        # Same unit of work as app.core.deps.get_session; commit only releases a savepoint here.
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise

    application.dependency_overrides = {get_session: _session}


@pytest.fixture
def app(session: Session, _application):  # type: ignore[no-untyped-def]
    """The test process's application, bound to the test's transaction. A test that adds
    routes builds an application of its own (``create_app`` and :func:`bind_to_test_session`)."""
    bind_to_test_session(_application, session)
    yield _application
    _application.dependency_overrides = {}


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


DEMO_PASSWORD = "demo-passwort"


def _csrf_from(html: str) -> str:
    import re

    match = re.search(r'name="csrf_token" value="([^"]+)"', html) or re.search(
        r'data-csrf-token="([^"]+)"', html
    )
    assert match, "the page carries a CSRF token"
    return match.group(1)


def sign_in(client: TestClient, username: str, password: str = DEMO_PASSWORD) -> str:
    """Sign in through the real login form; returns the session's CSRF token.

    The token is also set as the client's ``X-CSRF-Token`` header, so later writes of the test
    pass the CSRF check without further ado (forms may still send it as ``csrf_token``).
    """
    client.headers.pop("X-CSRF-Token", None)
    form = client.get("/login")
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": _csrf_from(form.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, f"sign-in as {username} failed: {response.status_code}"
    token = _csrf_from(client.get("/profil").text)
    client.headers["X-CSRF-Token"] = token
    return token


@pytest.fixture
def login():  # type: ignore[no-untyped-def]
    """``login(client, username, password="demo-passwort")`` signs in; returns the CSRF token."""
    return sign_in


@pytest.fixture
def api_token(session: Session):  # type: ignore[no-untyped-def]
    """``api_token(username)`` creates a bearer token for a (demo) user and returns it."""
    from sqlmodel import select

    from app.accounts.models import User
    from app.accounts.permissions import Principal
    from app.accounts.service import create_token

    def make(username: str) -> str:
        user = session.exec(select(User).where(User.username == username)).one()
        assert user.id is not None
        _, plain = create_token(
            session=session, actor=Principal.system(), user_id=user.id, name="Test"
        )
        return plain

    return make

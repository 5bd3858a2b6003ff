"""Fixtures the integration tests share: a signed-in client, a statement counter, the finance
test world."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, event
from sqlmodel import Session

from tests.integration.finance_data import World, build_world


@pytest.fixture
def signed_in(client: TestClient, login: Any) -> TestClient:
    """The client, signed in as a Hauptamtsleitung (who reads everything and edits little)."""
    login(client, "hauptamt.erbach")
    return client


class StatementCounter:
    """Counts the SQL statements sent over the test's connection."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *args: Any) -> None:
        self.count += 1


@pytest.fixture
def counter(connection: Connection) -> Iterator[StatementCounter]:
    counting = StatementCounter()
    event.listen(connection, "before_cursor_execute", counting)
    yield counting
    event.remove(connection, "before_cursor_execute", counting)


@pytest.fixture
def world(session: Session) -> World:
    """Test measures with every kind of cost key, budget lines, a grant and a mapping."""
    return build_world(session)

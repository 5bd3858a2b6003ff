"""SQLite: concurrent writers wait for each other instead of failing with "database is locked"."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session

from app.core.db import WRITE_INTENT, build_engine


def test_sqlite_writers_wait_for_each_other(tmp_path: Path) -> None:
    engine = build_engine(f"sqlite:///{tmp_path / 'concurrency.sqlite3'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE counter (n INTEGER NOT NULL)"))
        conn.execute(text("INSERT INTO counter VALUES (0)"))
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
    writer = engine.execution_options(**{WRITE_INTENT: True})
    failures: list[BaseException] = []

    def read_then_write() -> None:
        # The shape of a status report: read the current state, then write after a while.
        try:
            with Session(writer) as session:
                current = session.execute(text("SELECT n FROM counter")).scalar_one()
                time.sleep(0.02)
                session.execute(text("UPDATE counter SET n = :n"), {"n": current + 1})
                session.commit()
        except BaseException as exc:  # collected for the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=read_then_write) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with engine.connect() as conn:
        final = conn.execute(text("SELECT n FROM counter")).scalar_one()
    engine.dispose()
    assert failures == []
    assert final == 8, "no lost update: each writer saw the one before"

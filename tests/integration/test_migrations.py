"""Migrations go up, down and up again, and the models never drift from them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

import app.models  # noqa: F401  (every table on the metadata)
from app.core.db import build_engine, metadata
from app.migrate import downgrade, upgrade
from tests.conftest import TEST_DATABASE_URL


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[str]:
    """A database of its own (a file on SQLite, a throw-away database on PostgreSQL)."""
    url = make_url(TEST_DATABASE_URL)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    name = f"ikz_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _drift(url: str) -> list[object]:
    engine = build_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "compare_server_default": True}
            )
            return list(compare_metadata(context, metadata))
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    engine = build_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade_without_drift(empty_database: str) -> None:
    upgrade(empty_database)
    assert _tables(empty_database) == set(metadata.tables)
    assert _drift(empty_database) == []
    downgrade(empty_database, "base")
    assert _tables(empty_database) == set()
    upgrade(empty_database)
    assert _tables(empty_database) == set(metadata.tables)
    assert _drift(empty_database) == []


def test_drift_check_notices_a_model_change(empty_database: str) -> None:
    """The no-drift check is not vacuous: a column missing from the migrations is found."""
    upgrade(empty_database)
    engine = build_engine(empty_database)
    try:
        with engine.begin() as conn:
            conn.execute(text("ALTER TABLE measure DROP COLUMN responsible"))
    finally:
        engine.dispose()
    differences = _drift(empty_database)
    assert any("responsible" in repr(d) for d in differences)


def test_migration_names_follow_the_convention() -> None:
    from app.core.resources import resource_dir

    names = [p.name for p in (resource_dir("migrations") / "versions").glob("*.py")]
    assert names
    for name in names:
        assert name[:11].replace("_", "").isdigit() and name[4] == "_" and name[7] == "_", name


def test_0015a_keeps_users_and_strategies_and_gives_them_defaults(empty_database: str) -> None:
    """Users and strategies made before the agenda keep their data, get reminders and the
    Monday digest switched on and a report rhythm of 30 days, and keep their data on the way
    back down."""
    upgrade(empty_database, "0005")
    engine = build_engine(empty_database)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO user_account (username, display_name, email, password_hash, "
                    "active, created_at, version) VALUES ('alt.erbach', 'Alt', "
                    "'alt@erbach.example', 'x', :t, CURRENT_TIMESTAMP, 3)"
                ),
                {"t": True},
            )
            conn.execute(
                text(
                    "INSERT INTO strategy (slug, title, period_start, period_end, "
                    "council_references, description, version) "
                    "VALUES ('alt', 'Alte Strategie', 2024, 2028, '', '', 1)"
                )
            )
        upgrade(empty_database, "0015a")
        with engine.begin() as conn:
            user = conn.execute(
                text(
                    "SELECT email, version, reminders_enabled, digest_enabled, digest_weekday "
                    "FROM user_account WHERE username = 'alt.erbach'"
                )
            ).one()
            assert (user[0], user[1], bool(user[2]), bool(user[3]), user[4]) == (
                "alt@erbach.example",
                3,
                True,
                True,
                "montag",
            )
            interval = conn.execute(
                text("SELECT report_interval_days FROM strategy WHERE slug = 'alt'")
            ).scalar_one()
            assert interval == 30
        with pytest.raises(Exception, match=r"(?i)check"), engine.begin() as conn:
            conn.execute(text("UPDATE user_account SET digest_weekday = 'fronleichnam'"))
        with pytest.raises(Exception, match=r"(?i)check"), engine.begin() as conn:
            conn.execute(text("UPDATE strategy SET report_interval_days = 0"))
        downgrade(empty_database, "0005")
        with engine.begin() as conn:
            email = conn.execute(
                text("SELECT email FROM user_account WHERE username = 'alt.erbach'")
            ).scalar_one()
            assert email == "alt@erbach.example"
    finally:
        engine.dispose()


def test_0017a_keeps_every_budget_line_and_adds_carryover_and_cover_note(
    empty_database: str,
) -> None:
    """A line from before the Haushalt tables keeps its amounts; it carries nothing over and has
    no Deckungsvorschlag yet; going down again keeps it as it was."""
    upgrade(empty_database, "0005")
    engine = build_engine(empty_database)
    statements = [
        "INSERT INTO municipality (id, slug, name, kind, executive_body, council, population,"
        " population_date, population_source, version) VALUES (1, 'erbach', 'Erbach', 'Stadt',"
        " 'Magistrat', 'Stadtverordnetenversammlung', 14099, '2023-12-31', '', 1)",
        "INSERT INTO strategy (id, slug, title, period_start, period_end, council_references,"
        " description, version) VALUES (1, 's', 'S', 2024, 2028, '', '', 1)",
        "INSERT INTO action_field (id, strategy_id, code, title, description, position, version)"
        " VALUES (1, 1, 'HF1', 'F', '', 1, 1)",
        "INSERT INTO measure (id, strategy_id, action_field_id, code, title, goal,"
        " expected_effect, priority, lead_municipality_id, cost_key, status, progress,"
        " traffic_light, responsible, example, archived, version) VALUES (1, 1, 1, 'HF1-M01',"
        " 'M', '', '', 'mittel', 1, 'equal', 'geplant', 0, 'gruen', '', false, false, 1)",
        "INSERT INTO budget_line (id, measure_id, year, category, kind, planned_cents,"
        " approved_cents, actual_cents, note, version) VALUES (1, 1, 2026, 'software',"
        " 'investiv', 1200000, 1100000, 1234567, 'alt', 3)",
    ]
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(text(statement))
        upgrade(empty_database)
        with engine.connect() as conn:
            row = conn.execute(
                text(
                    "SELECT planned_cents, approved_cents, actual_cents, note, version,"
                    " carryover_cents, cover_note FROM budget_line WHERE id = 1"
                )
            ).one()
        assert tuple(row) == (1200000, 1100000, 1234567, "alt", 3, None, "")
        downgrade(empty_database, "0005")
        with engine.connect() as conn:
            kept = conn.execute(
                text("SELECT planned_cents, actual_cents, note FROM budget_line")
            ).all()
        assert [tuple(r) for r in kept] == [(1200000, 1234567, "alt")]
    finally:
        engine.dispose()

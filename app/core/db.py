"""Database engine, metadata naming convention and the per-request unit of work."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, MetaData, Select, Subquery, UniqueConstraint, event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import declared_attr
from sqlalchemy.pool import StaticPool
from sqlmodel import SQLModel, create_engine

from app.core.config import get_settings
from app.core.errors import StaleVersion, ValidationFailed

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Every table shares this metadata; constraint names are stable across SQLite and PostgreSQL,
# which keeps migrations reviewable and lets batch mode on SQLite find the constraints again.
SQLModel.metadata.naming_convention = NAMING_CONVENTION
metadata: MetaData = SQLModel.metadata


# How long a SQLite connection waits for another writer's lock before giving up ("database is
# locked"); concurrent status reports queue up instead of failing.
SQLITE_BUSY_TIMEOUT_SECONDS = 15
# Execution option marking a unit of work that will write (see _sqlite_begin).
WRITE_INTENT = "ikz_write_intent"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling neither begins a transaction for SAVEPOINT nor lets
    # SQLAlchemy control BEGIN, so a released savepoint would commit for real; hand the
    # transaction control to SQLAlchemy (see _sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer, nor it them
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_SECONDS * 1000}")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # A deferred transaction that reads first and writes later cannot wait for the write lock:
    # when another writer committed meanwhile, SQLite fails at once with "database is locked"
    # (the busy timeout does not apply). Units of work that will write take the lock up front
    # and so wait their turn.
    immediate = connection.get_execution_options().get(WRITE_INTENT, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


CONTROL_MESSAGE = "Steuerzeichen (wie Nullbytes) sind in Eingaben nicht erlaubt."


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(_has_nul(item) for item in value)
    return False


def _refuse_nul(
    _connection: Any, _cursor: Any, _statement: str, parameters: Any, _context: Any, _many: bool
) -> None:
    # The last line of defence: PostgreSQL cannot store a NUL character and SQLite would; both
    # refuse it alike, with a German 422, whichever input let one through.
    if parameters and _has_nul(parameters):
        raise ValidationFailed({"request": CONTROL_MESSAGE}, message=CONTROL_MESSAGE)


def build_engine(url: str) -> Engine:
    """Create an engine; SQLite gets foreign keys enforced and a parent folder that exists."""
    parsed = make_url(url)
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {
            "check_same_thread": False,
            "timeout": SQLITE_BUSY_TIMEOUT_SECONDS,
        }
        database = parsed.database
        if database in (None, "", ":memory:"):
            kwargs["poolclass"] = StaticPool
        else:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
            # One connection for each request admitted at once (app.core.admission), and some.
            kwargs["pool_size"] = 20
            kwargs["max_overflow"] = 5
    else:
        kwargs["pool_pre_ping"] = True
        kwargs["pool_size"] = 10
        kwargs["max_overflow"] = 15
        # No JIT compilation: it pays off for long analytical queries, but costs the
        # dashboard's aggregations tens of milliseconds each (more than they run) once the
        # planner's cost estimate passes jit_above_cost, as it does at Hessen scale.
        kwargs["connect_args"] = {"options": "-c jit=off"}
    engine = create_engine(url, **kwargs)
    event.listen(engine, "before_cursor_execute", _refuse_nul)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


@lru_cache
def get_engine() -> Engine:
    return build_engine(get_settings().effective_database_url)


@lru_cache
def get_write_engine() -> Engine:
    """The same engine (and pool) for units of work that will write: on SQLite they begin
    with ``BEGIN IMMEDIATE``; elsewhere nothing changes."""
    return get_engine().execution_options(**{WRITE_INTENT: True})


class Versioned:
    """Optimistic locking for tables people edit.

    SQLAlchemy adds ``WHERE version = <loaded>`` to every UPDATE and bumps the column, so two
    concurrent edits can never both win; services compare the version a form was based on first
    and answer 409 with the current values.
    """

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


VersionedRow = TypeVar("VersionedRow", bound=Versioned)


def newest_per(id_column: Any, key: Any, order: tuple[Any, ...], where: Any) -> Subquery:
    """``(id, rank)`` of the rows matching ``where``, numbered within each ``key`` from the
    newest (``order``: descending columns, ending in a unique one). Join it on ``id`` and keep
    ``rank <= n`` for the newest ``n`` of each key, in one query on both databases."""
    rank = func.row_number().over(partition_by=key, order_by=order)
    return select(id_column.label("id"), rank.label("rank")).where(where).subquery()


def for_edit(statement: Select[Any]) -> Select[Any]:
    """``statement`` reading rows that are about to be edited.

    On PostgreSQL the rows are locked (``FOR NO KEY UPDATE``: inserts that merely reference them
    may go on) until the transaction ends, so concurrent edits of one row queue up and each sees
    what the one before it committed; SQLite serialises writing transactions anyway. Rows already
    in the session are read afresh.
    """
    return statement.with_for_update(key_share=True).execution_options(populate_existing=True)


def claim_version(
    row: VersionedRow, expected: int, snapshot: Callable[[VersionedRow], dict[str, Any]]
) -> None:
    """Check that an edit is based on the row's current version, and move the version on.

    Raises :class:`StaleVersion` (HTTP 409, with the current values) when ``expected`` is not
    the current version. Otherwise the version is raised here, so the edit's UPDATE (``… WHERE
    version = expected``) is sent even when no other column changes: of several writers of one
    version exactly one wins.
    """
    current = int(row.version)  # type: ignore[attr-defined]
    if expected != current:
        raise StaleVersion(snapshot(row), current)
    row.version = current + 1  # type: ignore[attr-defined]


@dataclass(frozen=True)
class UniqueRule:
    """What a unique constraint means to a user: the field it belongs to and a German message."""

    field: str
    message: str


def describe_unique(model: type[Any], columns: tuple[str, ...], field: str, message: str) -> None:
    """Say what the unique constraint over ``columns`` of ``model``'s table means to a user: the
    field it is shown at and a German message (read by :func:`unique_violation`)."""
    table = model.__table__
    for constraint in table.constraints:
        if (
            isinstance(constraint, UniqueConstraint)
            and tuple(c.name for c in constraint.columns) == columns
        ):
            constraint.info["unique"] = UniqueRule(field, message)
            return
    raise LookupError(f"no unique constraint {columns} on {table.name}")


_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: ([\w.]+(?:, [\w.]+)*)")


def unique_violation(error: IntegrityError) -> ValidationFailed | None:
    """The German answer to a violated unique constraint, or None for other integrity errors.

    Two requests that create the same thing at once both pass the service's own check; the
    database refuses the second. Its constraint names the field (``info`` of the constraint,
    else its first column).
    """
    original = error.orig
    constraint_name = getattr(getattr(original, "diag", None), "constraint_name", None)
    columns: tuple[str, ...] = ()
    table_name = ""
    if constraint_name is None:
        match = _SQLITE_UNIQUE.search(str(original))
        if match is None:
            return None
        qualified = [part.strip() for part in match.group(1).split(",")]
        table_name = qualified[0].split(".")[0]
        columns = tuple(part.split(".")[-1] for part in qualified)
    elif getattr(getattr(original, "diag", None), "sqlstate", "") != "23505":
        return None
    for table in metadata.tables.values():
        for constraint in table.constraints:
            if not isinstance(constraint, UniqueConstraint):
                continue
            names = tuple(column.name for column in constraint.columns)
            if constraint.name == constraint_name or (
                table.name == table_name and names == columns
            ):
                rule = constraint.info.get("unique")
                if isinstance(rule, UniqueRule):
                    return ValidationFailed({rule.field: rule.message})
                return ValidationFailed({names[-1]: "Diesen Eintrag gibt es bereits."})
    field = columns[-1] if columns else "request"
    return ValidationFailed({field: "Diesen Eintrag gibt es bereits."})

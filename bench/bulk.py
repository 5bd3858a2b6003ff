"""Bulk inserts for the generator: COPY on PostgreSQL, executemany elsewhere, in chunks.

Ids are assigned up front by the generators; afterwards the PostgreSQL sequences are moved past
them (:func:`move_sequences`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Connection, Table, func, select, text
from sqlmodel import SQLModel

CHUNK = 20_000


def table(name: str) -> Table:
    return SQLModel.metadata.tables[name]


def next_id(conn: Connection, name: str) -> int:
    current = conn.execute(select(func.max(table(name).c.id))).scalar()
    return int(current or 0) + 1


def bulk_insert(conn: Connection, name: str, rows: Iterable[dict[str, Any]]) -> int:
    """Insert rows in chunks. Returns the count.

    A column a row leaves out gets the model's scalar default on both databases (COPY knows
    only the database's defaults, and columns added later often have none there)."""
    columns = [c.name for c in table(name).columns]
    defaults = {
        c.name: c.default.arg  # type: ignore[attr-defined]
        for c in table(name).columns
        if c.default is not None and getattr(c.default, "is_scalar", False)
    }
    count = 0
    postgres = conn.dialect.name == "postgresql"
    for chunk in chunks(rows, CHUNK):
        count += len(chunk)
        if postgres:
            raw = conn.connection.driver_connection
            assert raw is not None
            cols = [c for c in columns if c in chunk[0] or c in defaults]
            with (
                raw.cursor() as cursor,
                cursor.copy(f"COPY {name} ({', '.join(cols)}) FROM STDIN") as copy,
            ):
                for row in chunk:
                    copy.write_row([_pg_value(row.get(c, defaults.get(c))) for c in cols])
        else:
            conn.execute(table(name).insert(), chunk)
    return count


def move_sequences(conn: Connection, names: list[str]) -> None:
    """Move each table's id sequence past the ids the generators assigned (PostgreSQL)."""
    if conn.dialect.name != "postgresql":
        return
    for name in names:
        if "id" not in table(name).columns:
            continue
        sequence = f"pg_get_serial_sequence('{name}', 'id')"
        conn.execute(text(f"SELECT setval({sequence}, (SELECT max(id) FROM {name}))"))


def _pg_value(value: Any) -> Any:
    return json.dumps(value) if isinstance(value, dict) else value


def chunks(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
